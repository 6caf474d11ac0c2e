//! Service configuration: defaults, then a TOML file, then `MCERT_*` environment variables, then
//! command-line flags (applied by the caller).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// A secret from configuration: never printed.
#[derive(Clone, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct ServiceConfig {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// Data folder: the embedded SQLite database and, in development, the operator key.
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; the embedded SQLite file when absent.
    pub database_url: Option<String>,
    /// Public base URL written into certificates (CRL, OCSP); `http://<listen>` when absent.
    pub base_url: Option<String>,
    /// Development mode: development providers and a generated operator key are allowed.
    pub dev: bool,
    /// File holding the operator key (64 hex digits).
    pub operator_key_file: Option<PathBuf>,
    /// The key-management master key (64 hex digits), which seals escrowed encryption keys;
    /// `MCERT_KM_KEY` takes precedence.
    pub km_key_file: Option<PathBuf>,
    /// Logs as JSON lines.
    pub log_json: bool,
    /// Production SMS gateway (webhook) and its HMAC secret (or `MCERT_SMS_WEBHOOK_SECRET`).
    pub sms_webhook_url: Option<String>,
    pub sms_webhook_secret: Option<Secret>,
    /// Production identity verification service (webhook) and its HMAC secret (or
    /// `MCERT_IDENTITY_WEBHOOK_SECRET`).
    pub identity_webhook_url: Option<String>,
    pub identity_webhook_secret: Option<Secret>,
    /// Production payment gateway (webhook) and its HMAC secret (or
    /// `MCERT_PAYMENT_WEBHOOK_SECRET`).
    pub payment_webhook_url: Option<String>,
    pub payment_webhook_secret: Option<Secret>,
    /// The operator's catalogue (`[[products]]` tables); applied at start. When absent, a new
    /// service starts with the default catalogue.
    pub products: Vec<ProductConfig>,
    /// Reverse proxies (addresses or CIDR blocks) whose `X-Forwarded-For` is believed; a
    /// request from anywhere else is counted by its own address.
    pub trusted_proxies: Vec<String>,
    /// Bank transfer to per-order receiving accounts (`[bank]`).
    pub bank: BankConfig,
    /// Invoices (`[invoice]`).
    pub invoice: InvoiceConfig,
    /// Bearer token that `/metrics` asks for (or `MCERT_METRICS_TOKEN`); without one, `/metrics`
    /// answers only on the loopback interface.
    pub metrics_token: Option<Secret>,
}

/// One product of the catalogue, as the operator configures it.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ProductConfig {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub personal_certs: i64,
    #[serde(default)]
    pub organization_certs: i64,
    /// Price per year in fen (分).
    pub price_fen_per_year: i64,
    #[serde(default = "cny")]
    pub currency: String,
    /// Whether orders wait for a reviewer (organisation certificates).
    #[serde(default)]
    pub needs_review: bool,
    /// `new`, `renewal`, `change` or `reissue`.
    #[serde(default = "purpose_new")]
    pub purpose: String,
}

fn purpose_new() -> String {
    "new".to_string()
}

/// The operator's collection account at its bank: each order paid by transfer gets a
/// sub-account `<prefix><8 digits><check digit>`.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct BankConfig {
    /// 收款银行.
    pub bank_name: String,
    /// 收款账户名.
    pub account_name: String,
    /// The collection account's digits that every virtual sub-account starts with.
    pub account_prefix: String,
    /// Days an order's receiving account takes money.
    pub deadline_days: u32,
    /// Transfers from an account the buyer has not registered (打款账户) go to review.
    pub check_payer: bool,
    /// HMAC secret of the bank's signed notifications (or `MCERT_BANK_WEBHOOK_SECRET`); in
    /// development a key derived from the operator key.
    pub webhook_secret: Option<Secret>,
}

impl Default for BankConfig {
    fn default() -> Self {
        BankConfig {
            bank_name: "中国工商银行北京分行营业部".into(),
            account_name: "数字证书服务有限公司".into(),
            account_prefix: "0200000919".into(),
            deadline_days: 7,
            check_payer: false,
            webhook_secret: None,
        }
    }
}

/// Invoicing: when invoices are issued, by whom, and what the seller's side says.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct InvoiceConfig {
    /// `auto` (issued after payment, seed 003) or `on_request` (申请开票, seed 000).
    pub mode: String,
    /// The production invoice service (webhook) and its HMAC secret (or
    /// `MCERT_INVOICE_WEBHOOK_SECRET`); the development provider renders invoices itself.
    pub webhook_url: Option<String>,
    pub webhook_secret: Option<Secret>,
    /// 销售方名称 and 纳税人识别号.
    pub seller_name: String,
    pub seller_taxpayer_id: String,
    pub seller_address_phone: String,
    pub seller_bank_account: String,
    /// 项目名称 as the tax classification writes it.
    pub item: String,
    /// 税率 in per mille (60 = 6 %, the rate of information-technology services).
    pub tax_rate_permille: i64,
    /// 开票人.
    pub issuer: String,
}

impl Default for InvoiceConfig {
    fn default() -> Self {
        InvoiceConfig {
            mode: "auto".into(),
            webhook_url: None,
            webhook_secret: None,
            seller_name: "数字证书服务有限公司".into(),
            seller_taxpayer_id: "91110108MA01ABCD1X".into(),
            seller_address_phone: "北京市海淀区中关村大街1号 010-12345678".into(),
            seller_bank_account: "中国工商银行北京分行营业部 0200000919000000000".into(),
            item: "*信息技术服务*数字证书服务费".into(),
            tax_rate_permille: 60,
            issuer: "系统".into(),
        }
    }
}

fn cny() -> String {
    "CNY".to_string()
}

impl Default for ServiceConfig {
    fn default() -> Self {
        ServiceConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("./mcert-data"),
            database_url: None,
            base_url: None,
            dev: false,
            operator_key_file: None,
            km_key_file: None,
            log_json: false,
            sms_webhook_url: None,
            sms_webhook_secret: None,
            identity_webhook_url: None,
            identity_webhook_secret: None,
            payment_webhook_url: None,
            payment_webhook_secret: None,
            products: Vec::new(),
            trusted_proxies: Vec::new(),
            metrics_token: None,
            bank: BankConfig::default(),
            invoice: InvoiceConfig::default(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {0}: {1}")]
    Read(PathBuf, std::io::Error),
    #[error("invalid configuration file {0}: {1}")]
    Parse(PathBuf, String),
    #[error("invalid value for {0}: {1}")]
    Env(&'static str, String),
}

fn flag(value: &str) -> Option<bool> {
    match value.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" | "" => Some(false),
        _ => None,
    }
}

impl ServiceConfig {
    /// Defaults, overlaid by the file (if any), overlaid by the environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let mut config = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| ConfigError::Read(path.to_path_buf(), e))?;
                toml::from_str(&text)
                    .map_err(|e| ConfigError::Parse(path.to_path_buf(), e.to_string()))?
            }
            None => ServiceConfig::default(),
        };
        config.apply_env(|k| std::env::var(k).ok())?;
        Ok(config)
    }

    /// Overlays `MCERT_*` variables read through `get`.
    pub fn apply_env(&mut self, get: impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        if let Some(v) = get("MCERT_LISTEN") {
            self.listen = v.parse().map_err(|_| ConfigError::Env("MCERT_LISTEN", v))?;
        }
        if let Some(v) = get("MCERT_DATA_DIR") {
            self.data_dir = PathBuf::from(v);
        }
        if let Some(v) = get("MCERT_DATABASE_URL") {
            self.database_url = Some(v);
        }
        if let Some(v) = get("MCERT_BASE_URL") {
            self.base_url = Some(v);
        }
        if let Some(v) = get("MCERT_DEV") {
            self.dev = flag(&v).ok_or(ConfigError::Env("MCERT_DEV", v))?;
        }
        if let Some(v) = get("MCERT_OPERATOR_KEY_FILE") {
            self.operator_key_file = Some(PathBuf::from(v));
        }
        if let Some(v) = get("MCERT_KM_KEY_FILE") {
            self.km_key_file = Some(PathBuf::from(v));
        }
        if let Some(v) = get("MCERT_SMS_WEBHOOK_URL") {
            self.sms_webhook_url = Some(v);
        }
        if let Some(v) = get("MCERT_IDENTITY_WEBHOOK_URL") {
            self.identity_webhook_url = Some(v);
        }
        if let Some(v) = get("MCERT_PAYMENT_WEBHOOK_URL") {
            self.payment_webhook_url = Some(v);
        }
        for (key, slot) in [
            ("MCERT_SMS_WEBHOOK_SECRET", &mut self.sms_webhook_secret),
            (
                "MCERT_IDENTITY_WEBHOOK_SECRET",
                &mut self.identity_webhook_secret,
            ),
            (
                "MCERT_PAYMENT_WEBHOOK_SECRET",
                &mut self.payment_webhook_secret,
            ),
            ("MCERT_METRICS_TOKEN", &mut self.metrics_token),
            ("MCERT_BANK_WEBHOOK_SECRET", &mut self.bank.webhook_secret),
            (
                "MCERT_INVOICE_WEBHOOK_SECRET",
                &mut self.invoice.webhook_secret,
            ),
        ] {
            if let Some(v) = get(key) {
                *slot = Some(Secret(v));
            }
        }
        if let Some(v) = get("MCERT_TRUSTED_PROXIES") {
            self.trusted_proxies = v
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(String::from)
                .collect();
        }
        if let Some(v) = get("MCERT_LOG_JSON") {
            self.log_json = flag(&v).ok_or(ConfigError::Env("MCERT_LOG_JSON", v))?;
        }
        Ok(())
    }

    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| crate::store::Store::sqlite_url(&self.data_dir))
    }

    pub fn base_url(&self, bound: SocketAddr) -> String {
        self.base_url
            .clone()
            .unwrap_or_else(|| format!("http://{bound}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_then_environment() {
        let dir = std::env::temp_dir().join(format!("mcert-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("mkdir");
        let file = dir.join("mcert.toml");
        std::fs::write(
            &file,
            "listen = \"127.0.0.1:9000\"\ndev = true\n\n[[products]]\nid = \"p1\"\nname = \"个人证书\"\npersonal_certs = 1\nprice_fen_per_year = 8800\n",
        )
        .expect("write");
        let mut c = ServiceConfig::load(Some(&file)).expect("load");
        assert_eq!(c.listen.port(), 9000);
        assert!(c.dev);
        assert_eq!(c.products.len(), 1);
        assert_eq!(c.products[0].price_fen_per_year, 8800);
        assert_eq!(c.products[0].currency, "CNY");
        c.apply_env(|k| match k {
            "MCERT_LISTEN" => Some("127.0.0.1:9100".into()),
            "MCERT_DEV" => Some("no".into()),
            _ => None,
        })
        .expect("env");
        assert_eq!(c.listen.port(), 9100);
        assert!(!c.dev);
        assert!(
            c.apply_env(|k| (k == "MCERT_DEV").then(|| "maybe".into()))
                .is_err()
        );
        std::fs::write(&file, "listen = 5\n").expect("write");
        assert!(matches!(
            ServiceConfig::load(Some(&file)),
            Err(ConfigError::Parse(..))
        ));
        std::fs::write(&file, "lisen = \"x\"\n").expect("write");
        assert!(matches!(
            ServiceConfig::load(Some(&file)),
            Err(ConfigError::Parse(..))
        ));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
