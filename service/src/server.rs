//! Starting and stopping the service: operator key, store, authority, HTTP listener, graceful
//! shutdown.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use mcert_core::clock::{Clock, SystemClock};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use zeroize::Zeroizing;

use crate::accounts::Accounts;
use crate::billing::{
    BankSettings, DevGateway, Gateway, InvoiceJobs, InvoiceMode, InvoiceProvider, InvoiceTerms,
    Invoicing, OrderDeps, Orders, Product, WebhookGateway,
};
use crate::ca::{Authority, AuthorityConfig, AuthorityError, OperatorKey};
use crate::config::ServiceConfig;
use crate::http::console::ConsoleConfig;
use crate::http::{AppState, Metrics, router};
use crate::identity::{DevIdentityProvider, Identities, IdentityProvider, WebhookIdentityProvider};
use crate::orgs::Orgs;
use crate::outbox::{JobKind, Outbox};
use crate::platforms::{Platforms, Registration};
use crate::providers::sms::{DevOutbox, SmsJobs, SmsProvider, WebhookSms};
use crate::providers::webhook::SignedWebhook;
use crate::review::Reviews;
use crate::reviewers::Reviewers;
use crate::seals::Seals;
use crate::sessions::{CallbackJobs, Sessions};
use crate::store::{Store, StoreError};
use crate::uploads::Uploads;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(
        "production mode needs an operator key: set MCERT_OPERATOR_KEY (64 hex digits) or operator_key_file, or run with --dev"
    )]
    NoOperatorKey,
    #[error("key file {0}: {1}")]
    OperatorKeyFile(String, String),
    #[error(
        "production mode needs a key-management master key, apart from the operator key: set MCERT_KM_KEY (64 hex digits) or km_key_file, or run with --dev"
    )]
    NoKmKey,
    #[error("the key-management master key must not be the operator key")]
    KmKeyIsOperatorKey,
    #[error(
        "production mode needs an SMS gateway: set sms_webhook_url and MCERT_SMS_WEBHOOK_SECRET, or run with --dev"
    )]
    NoSmsProvider,
    #[error(
        "production mode needs an identity verification service: set identity_webhook_url and MCERT_IDENTITY_WEBHOOK_SECRET, or run with --dev"
    )]
    NoIdentityProvider,
    #[error(transparent)]
    Identity(#[from] crate::identity::IdentityError),
    #[error(
        "production mode needs a payment gateway: set payment_webhook_url and MCERT_PAYMENT_WEBHOOK_SECRET, or run with --dev"
    )]
    NoPaymentGateway,
    #[error("product {0}: prices and certificate counts cannot be negative")]
    BadProduct(String),
    #[error("the seal maker cannot be made: {0}")]
    SealMaker(String),
    #[error("invalid [bank] configuration: {0}")]
    BadBankConfig(&'static str),
    #[error(
        "invalid [invoice] configuration: {0} (production needs the invoice service's webhook_url and webhook_secret)"
    )]
    BadInvoiceConfig(&'static str),
    #[error(transparent)]
    Orders(#[from] crate::billing::OrderError),
    #[error("SMS provider: {0}")]
    Sms(#[from] crate::providers::sms::SmsError),
    #[error(transparent)]
    Accounts(#[from] crate::accounts::AuthError),
    #[error(transparent)]
    Authority(#[from] AuthorityError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Platforms(#[from] crate::platforms::PlatformError),
    #[error("trusted_proxies: {0:?} is not an address or CIDR block")]
    BadProxy(String),
    #[error("cannot listen on {0}: {1}")]
    Listen(SocketAddr, std::io::Error),
    #[error("server: {0}")]
    Serve(std::io::Error),
}

/// Platforms offered in development mode (production platforms are configured by the operator).
pub const DEV_PLATFORMS: [(&str, &str); 2] = [
    ("qhny", "青海能源集团数字招采平台"),
    ("minegoods", "中国矿用物资网招标平台"),
];

/// The relying platform of the demo page (`mcert rp-demo`), registered in development mode.
pub const DEMO_PLATFORM: (&str, &str) = ("demo", "mcert 演示招标平台");
/// Where a development service leaves the demo platform's API key (owner-only file).
pub const DEMO_PLATFORM_KEY_FILE: &str = "demo-platform.key";

/// Registers the demo platform once and leaves its API key in the data folder, so that
/// `mcert rp-demo` and `mcert rp session` work against a development service.
async fn dev_demo_platform(platforms: &Platforms, data_dir: &Path) -> Result<(), ServiceError> {
    let path = data_dir.join(DEMO_PLATFORM_KEY_FILE);
    if path.exists() && platforms.get(DEMO_PLATFORM.0).await.is_ok() {
        return Ok(());
    }
    let credentials = platforms
        .register(&Registration {
            id: DEMO_PLATFORM.0.into(),
            name: DEMO_PLATFORM.1.into(),
            logo_url: None,
            callback_urls: Vec::new(),
        })
        .await?;
    let _ = std::fs::remove_file(&path);
    write_private(&path, credentials.api_key.as_bytes())
        .map_err(|e| ServiceError::OperatorKeyFile(path.display().to_string(), e.to_string()))?;
    tracing::warn!(path = %path.display(), "development mode: demo platform API key written to the data folder");
    Ok(())
}

/// Where buyers transfer to, and the key of the bank's signed notifications (in development
/// one derived from the operator key).
fn bank_settings(
    config: &ServiceConfig,
    operator_key: &OperatorKey,
) -> Result<BankSettings, ServiceError> {
    let b = &config.bank;
    if b.account_prefix.is_empty()
        || b.account_prefix.len() > 20
        || !b.account_prefix.bytes().all(|c| c.is_ascii_digit())
    {
        return Err(ServiceError::BadBankConfig("account_prefix"));
    }
    if b.webhook_secret.as_ref().is_some_and(|s| s.0.len() < 16) {
        return Err(ServiceError::BadBankConfig(
            "webhook_secret (at least 16 characters)",
        ));
    }
    let notify_key = match (&b.webhook_secret, config.dev) {
        (Some(secret), _) => Some(Arc::new(Zeroizing::new(secret.0.as_bytes().to_vec()))),
        (None, true) => Some(Arc::new(Zeroizing::new(
            operator_key.derive("dev bank notify").to_vec(),
        ))),
        (None, false) => None,
    };
    Ok(BankSettings {
        bank_name: b.bank_name.clone(),
        account_name: b.account_name.clone(),
        account_prefix: b.account_prefix.clone(),
        deadline_days: b.deadline_days,
        check_payer: b.check_payer,
        notify_key,
    })
}

/// The invoicing terms and provider: the operator's invoice service, or in development the
/// provider that renders sample invoices itself.
fn invoicing(config: &ServiceConfig, addr: SocketAddr) -> Result<Invoicing, ServiceError> {
    let c = &config.invoice;
    let mode = match c.mode.as_str() {
        "auto" => InvoiceMode::Auto,
        "on_request" => InvoiceMode::OnRequest,
        _ => return Err(ServiceError::BadInvoiceConfig("mode")),
    };
    if !(0..=170).contains(&c.tax_rate_permille) {
        return Err(ServiceError::BadInvoiceConfig("tax_rate_permille"));
    }
    let provider = match (&c.webhook_url, &c.webhook_secret) {
        (Some(url), Some(secret)) => InvoiceProvider::Webhook(
            SignedWebhook::new(url, secret.0.as_bytes(), Duration::from_secs(30))
                .map_err(|_| ServiceError::BadInvoiceConfig("webhook_url"))?,
        ),
        (Some(_), None) => return Err(ServiceError::BadInvoiceConfig("webhook_secret")),
        (None, _) if config.dev => InvoiceProvider::Dev,
        (None, _) => return Err(ServiceError::BadInvoiceConfig("webhook_url")),
    };
    let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
    Ok(Invoicing {
        terms: InvoiceTerms {
            mode,
            seller: mcert_pdf::InvoiceParty {
                name: c.seller_name.clone(),
                taxpayer_id: some(&c.seller_taxpayer_id),
                address_phone: some(&c.seller_address_phone),
                bank_account: some(&c.seller_bank_account),
            },
            item: c.item.clone(),
            tax_rate_permille: c.tax_rate_permille,
            issuer: c.issuer.clone(),
        },
        provider,
        base_url: config.base_url(addr).trim_end_matches('/').to_string(),
    })
}

/// The catalogue a new service starts with (seed 000: personal certificates; seed 003: the
/// 300 CNY/year package of one organisation and two personal certificates), and what the
/// certificate's own flows charge: renewal (延期, per year), change (变更) and reissue (补办).
pub fn default_catalogue() -> Vec<(Product, bool)> {
    let life = |id: &str, name: &str, price: i64, purpose: &str| {
        (
            Product {
                id: id.into(),
                name: name.into(),
                personal_certs: 0,
                organization_certs: 0,
                price_fen_per_year: price,
                currency: "CNY".into(),
                purpose: purpose.into(),
            },
            purpose == "change",
        )
    };
    vec![
        life("renewal", "证书延期", 10_000, "renewal"),
        life("change", "证书变更", 5_000, "change"),
        life("reissue", "证书补办", 5_000, "reissue"),
        (
            Product {
                id: "personal".into(),
                name: "个人证书".into(),
                personal_certs: 1,
                organization_certs: 0,
                price_fen_per_year: 10_000,
                currency: "CNY".into(),
                purpose: "new".into(),
            },
            false,
        ),
        (
            Product {
                id: "org-package".into(),
                name: "单位证书套餐（单位证书 1 张 + 个人证书 2 张）".into(),
                personal_certs: 2,
                organization_certs: 1,
                price_fen_per_year: 30_000,
                currency: "CNY".into(),
                purpose: "new".into(),
            },
            true,
        ),
    ]
}

/// Where the operator key comes from: `MCERT_OPERATOR_KEY`, the configured file, or (only with
/// `--dev`) a key generated into the data folder on first start.
pub fn operator_key(config: &ServiceConfig) -> Result<OperatorKey, ServiceError> {
    let hex = secret_key_hex(
        config,
        "MCERT_OPERATOR_KEY",
        config.operator_key_file.as_deref(),
        "operator.key",
    )?
    .ok_or(ServiceError::NoOperatorKey)?;
    Ok(OperatorKey::from_hex(&hex)?)
}

/// The key-management master key that seals escrowed encryption keys: `MCERT_KM_KEY` (64 hex
/// digits), `km_key_file`, or in development `km-master.key` in the data folder (made on first
/// start). It must differ from the operator key.
pub fn km_key(
    config: &ServiceConfig,
    operator_key: &OperatorKey,
) -> Result<crate::keys::KmMasterKey, ServiceError> {
    let hex = secret_key_hex(
        config,
        "MCERT_KM_KEY",
        config.km_key_file.as_deref(),
        "km-master.key",
    )?
    .ok_or(ServiceError::NoKmKey)?;
    let key = crate::keys::KmMasterKey::from_hex(&hex)?;
    if key.same_as(operator_key) {
        return Err(ServiceError::KmKeyIsOperatorKey);
    }
    Ok(key)
}

/// A 32-byte secret in hex: from the environment, the configured file, or (development only)
/// a file in the data folder made on first use. `None` in production when neither is set.
fn secret_key_hex(
    config: &ServiceConfig,
    env: &str,
    file: Option<&Path>,
    dev_file: &str,
) -> Result<Option<Zeroizing<String>>, ServiceError> {
    if let Ok(hex) = std::env::var(env) {
        return Ok(Some(Zeroizing::new(hex)));
    }
    let read = |path: &Path| {
        std::fs::read_to_string(path)
            .map(Zeroizing::new)
            .map_err(|e| ServiceError::OperatorKeyFile(path.display().to_string(), e.to_string()))
    };
    if let Some(path) = file {
        return read(path).map(Some);
    }
    if !config.dev {
        return Ok(None);
    }
    let path = config.data_dir.join(dev_file);
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(Some(Zeroizing::new(text))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = OperatorKey::generate()?;
            write_private(&path, key.to_hex().as_bytes()).map_err(|e| {
                ServiceError::OperatorKeyFile(path.display().to_string(), e.to_string())
            })?;
            tracing::warn!(path = %path.display(), "development mode: generated a secret key in the data folder");
            Ok(Some(key.to_hex()))
        }
        Err(e) => Err(ServiceError::OperatorKeyFile(
            path.display().to_string(),
            e.to_string(),
        )),
    }
}

pub(crate) fn write_private(path: &Path, data: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(path)?;
    f.write_all(data)?;
    f.sync_all()
}

/// A running service.
#[derive(Debug)]
pub struct Running {
    pub addr: SocketAddr,
    pub state: AppState,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<Result<(), ServiceError>>,
    background: Vec<JoinHandle<()>>,
}

impl Running {
    /// Stops accepting, lets requests in flight finish, and waits.
    pub async fn stop(mut self) -> Result<(), ServiceError> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        for job in self.background.drain(..) {
            job.abort();
        }
        let result = match (&mut self.task).await {
            Ok(r) => r,
            Err(e) => Err(ServiceError::Serve(std::io::Error::other(e))),
        };
        self.state.store.close().await;
        result
    }
}

/// Binds, opens everything and serves in the background.
pub async fn start(
    config: &ServiceConfig,
    operator_key: &OperatorKey,
) -> Result<Running, ServiceError> {
    if config.dev {
        // A development service's clock can be moved forward (`POST /v1/dev/clock`), so the
        // renewal window and the expiry reminders can be shown without waiting months.
        start_adjustable(
            config,
            operator_key,
            Arc::new(mcert_core::clock::OffsetClock::default()),
        )
        .await
    } else {
        start_with_clock(config, operator_key, Arc::new(SystemClock)).await
    }
}

/// [`start_with_clock`] with a clock the development route `POST /v1/dev/clock` may move
/// (development services only).
pub async fn start_adjustable<C: mcert_core::clock::AdjustableClock + 'static>(
    config: &ServiceConfig,
    operator_key: &OperatorKey,
    clock: Arc<C>,
) -> Result<Running, ServiceError> {
    let dev_clock: Option<Arc<dyn mcert_core::clock::AdjustableClock>> = if config.dev {
        Some(clock.clone())
    } else {
        None
    };
    start_inner(config, operator_key, clock, dev_clock).await
}

pub async fn start_with_clock(
    config: &ServiceConfig,
    operator_key: &OperatorKey,
    clock: Arc<dyn Clock>,
) -> Result<Running, ServiceError> {
    start_inner(config, operator_key, clock, None).await
}

async fn start_inner(
    config: &ServiceConfig,
    operator_key: &OperatorKey,
    clock: Arc<dyn Clock>,
    dev_clock: Option<Arc<dyn mcert_core::clock::AdjustableClock>>,
) -> Result<Running, ServiceError> {
    if config.database_url.is_none() {
        std::fs::create_dir_all(&config.data_dir).map_err(|e| {
            ServiceError::OperatorKeyFile(config.data_dir.display().to_string(), e.to_string())
        })?;
    }
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|e| ServiceError::Listen(config.listen, e))?;
    let addr = listener
        .local_addr()
        .map_err(|e| ServiceError::Listen(config.listen, e))?;
    let trusted_proxies = crate::http::client_ip::parse_trusted(&config.trusted_proxies)
        .map_err(ServiceError::BadProxy)?;
    let store = Store::connect(&config.database_url()).await?;
    // A start that fails (a missing provider, a bad product) leaves nothing behind: no
    // background task on the store and no open connection that a later start would find
    // holding the database.
    match assemble(
        config,
        operator_key,
        (clock, dev_clock),
        listener,
        addr,
        trusted_proxies,
        store.clone(),
    )
    .await
    {
        Ok(running) => Ok(running),
        Err(e) => {
            store.close().await;
            Err(e)
        }
    }
}

async fn assemble(
    config: &ServiceConfig,
    operator_key: &OperatorKey,
    (clock, dev_clock): (
        Arc<dyn Clock>,
        Option<Arc<dyn mcert_core::clock::AdjustableClock>>,
    ),
    listener: TcpListener,
    addr: SocketAddr,
    trusted_proxies: Vec<crate::http::client_ip::Cidr>,
    store: Store,
) -> Result<Running, ServiceError> {
    let authority_config = AuthorityConfig {
        base_url: config.base_url(addr),
    };
    let authority = if config.dev {
        // Development: the root ceremony runs by itself on first start (see ca::ceremony).
        let root_dir = config.data_dir.join("root-ca");
        std::fs::create_dir_all(&root_dir).map_err(|e| {
            ServiceError::OperatorKeyFile(root_dir.display().to_string(), e.to_string())
        })?;
        Authority::open_or_bootstrap(
            store.clone(),
            operator_key,
            authority_config,
            clock.clone(),
            Some(&root_dir),
        )
        .await?
    } else {
        Authority::open(store.clone(), operator_key, authority_config, clock.clone()).await?
    };
    let (sms, dev_outbox): (Arc<dyn SmsProvider>, Option<DevOutbox>) = match &config.sms_webhook_url
    {
        Some(url) => {
            let secret = config
                .sms_webhook_secret
                .as_ref()
                .ok_or(ServiceError::NoSmsProvider)?;
            (Arc::new(WebhookSms::new(url, secret.0.as_bytes())?), None)
        }
        None if config.dev => {
            let outbox = DevOutbox::new(store.clone(), clock.clone());
            (Arc::new(outbox.clone()), Some(outbox))
        }
        None => return Err(ServiceError::NoSmsProvider),
    };
    if sms.is_dev() && !config.dev {
        return Err(ServiceError::NoSmsProvider);
    }
    let identity_provider: Arc<dyn IdentityProvider> = match &config.identity_webhook_url {
        Some(url) => {
            let secret = config
                .identity_webhook_secret
                .as_ref()
                .ok_or(ServiceError::NoIdentityProvider)?;
            Arc::new(WebhookIdentityProvider::new(url, secret.0.as_bytes())?)
        }
        None if config.dev => Arc::new(DevIdentityProvider),
        None => return Err(ServiceError::NoIdentityProvider),
    };
    if identity_provider.is_dev() && !config.dev {
        return Err(ServiceError::NoIdentityProvider);
    }
    let identities = Identities::new(
        store.clone(),
        clock.clone(),
        identity_provider,
        operator_key.derive("identity number seal"),
        operator_key.derive("identity number lookup"),
    );
    let outbox = Outbox::new(
        store.clone(),
        clock.clone(),
        operator_key.derive("outbox payload seal"),
    );
    outbox.register(JobKind::Sms, Arc::new(SmsJobs(sms)));
    outbox.register(
        JobKind::CrlRefresh,
        Arc::new(crate::ca::crl::CrlJobs(authority.clone())),
    );
    let accounts = Accounts::new(
        store.clone(),
        clock.clone(),
        operator_key.derive("sms code mac"),
        outbox.clone(),
    );
    if config.dev {
        for (id, name) in DEV_PLATFORMS {
            accounts.add_platform(id, name).await?;
        }
    }
    let gateway = match &config.payment_webhook_url {
        Some(url) => {
            let secret = config
                .payment_webhook_secret
                .as_ref()
                .ok_or(ServiceError::NoPaymentGateway)?;
            Gateway::Webhook(WebhookGateway::new(
                url,
                secret.0.as_bytes(),
                &config.base_url(addr),
            )?)
        }
        None if config.dev => Gateway::Dev(DevGateway::new(
            operator_key.derive("dev payment gateway"),
            &format!("http://{addr}"),
        )?),
        None => return Err(ServiceError::NoPaymentGateway),
    };
    let uploads = Uploads::new(
        store.clone(),
        clock.clone(),
        operator_key.derive("upload seal"),
    );
    let orgs = Orgs::new(
        store.clone(),
        clock.clone(),
        accounts.clone(),
        identities.clone(),
        uploads.clone(),
        outbox.clone(),
    );
    let keys = crate::keys::KeyManager::new(
        store.clone(),
        clock.clone(),
        authority.clone(),
        &km_key(config, operator_key)?,
    );
    let orders = Orders::new(
        store.clone(),
        clock.clone(),
        OrderDeps {
            authority: authority.clone(),
            keys: keys.clone(),
            identities: identities.clone(),
            gateway,
            orgs: orgs.clone(),
            uploads: uploads.clone(),
            outbox: outbox.clone(),
            bank: bank_settings(config, operator_key)?,
            invoicing: invoicing(config, addr)?,
        },
    );
    outbox.register(
        JobKind::Invoice,
        Arc::new(InvoiceJobs(Arc::new(orders.clone()))),
    );
    let maker_sealing = operator_key.sealing_key("seal maker");
    let maker = |alg| crate::seals::maker::ensure(alg, &store, &authority, &maker_sealing, &clock);
    let seal_error = |e: crate::seals::SealError| ServiceError::SealMaker(e.to_string());
    let sm2_maker = maker(mcert_core::crypto::Algorithm::Sm2)
        .await
        .map_err(seal_error)?;
    let p256_maker = maker(mcert_core::crypto::Algorithm::P256)
        .await
        .map_err(seal_error)?;
    let seals = Seals::new(
        store.clone(),
        clock.clone(),
        orgs.clone(),
        uploads.clone(),
        authority.clone(),
        outbox.clone(),
    )
    .with_makers(sm2_maker, p256_maker);
    let reviews = Reviews::new(
        store.clone(),
        clock.clone(),
        orders.clone(),
        orgs.clone(),
        uploads.clone(),
        outbox.clone(),
        seals.clone(),
    );
    if !config.products.is_empty() {
        for p in &config.products {
            if p.price_fen_per_year < 0
                || p.personal_certs < 0
                || p.organization_certs < 0
                || !["new", "renewal", "change", "reissue"].contains(&p.purpose.as_str())
            {
                return Err(ServiceError::BadProduct(p.id.clone()));
            }
            let product = Product {
                id: p.id.clone(),
                name: p.name.clone(),
                personal_certs: p.personal_certs,
                organization_certs: p.organization_certs,
                price_fen_per_year: p.price_fen_per_year,
                currency: p.currency.clone(),
                purpose: p.purpose.clone(),
            };
            orders.put_product(&product, p.needs_review).await?;
        }
        let keep: Vec<String> = config.products.iter().map(|p| p.id.clone()).collect();
        orders.retire_products_except(&keep).await?;
    } else {
        // The default catalogue, and what a newer version adds to it.
        let have: Vec<String> = orders
            .products(None)
            .await?
            .into_iter()
            .map(|p| p.id)
            .collect();
        for (product, review) in default_catalogue() {
            if !have.contains(&product.id) {
                orders.put_product(&product, review).await?;
            }
        }
    }
    let platforms = Platforms::new(
        store.clone(),
        clock.clone(),
        operator_key.derive("platform callback"),
    );
    if config.dev {
        dev_demo_platform(&platforms, &config.data_dir).await?;
    }
    outbox.register(JobKind::Callback, Arc::new(CallbackJobs(platforms.clone())));
    let sessions = Sessions::new(
        store.clone(),
        clock.clone(),
        authority.clone(),
        identities.clone(),
        platforms,
        operator_key.derive("qr secret"),
        outbox.clone(),
    )
    .with_seals(seals.clone());
    let reviewers = Reviewers::with_operator_key(store.clone(), clock.clone(), operator_key);
    let state = AppState {
        store,
        authority,
        keys,
        accounts,
        identities,
        orders,
        orgs,
        uploads,
        reviews,
        seals,
        sessions,
        reviewers,
        console: ConsoleConfig {
            secure_cookies: !config.dev,
        },
        metrics: Arc::new(Metrics::default()),
        dev_clock: dev_clock.filter(|_| dev_outbox.is_some()),
        dev_outbox,
        outbox: outbox.clone(),
        trusted_proxies: Arc::new(trusted_proxies),
        metrics_token: config
            .metrics_token
            .as_ref()
            .map(|t| Arc::new(Zeroizing::new(t.0.clone()))),
    };
    // Everything is configured: only now does work start in the background.
    let crl_refresh = spawn_crl_refresh(state.authority.clone());
    let reminders = spawn_expiry_reminders(state.orders.clone());
    let app = router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let (tx, rx) = oneshot::channel::<()>();
    let (worker_stop, worker_stopped) = oneshot::channel::<()>();
    let worker = tokio::spawn(async move {
        outbox
            .work(async {
                let _ = worker_stopped.await;
            })
            .await;
    });
    let task = tokio::spawn(async move {
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await
            .map_err(ServiceError::Serve);
        // Requests in flight are done: nothing new will be enqueued by this process.
        let _ = worker_stop.send(());
        let _ = worker.await;
        served
    });
    Ok(Running {
        addr,
        state,
        shutdown: Some(tx),
        task,
        background: vec![crl_refresh, reminders],
    })
}

/// How often the CRL schedule is checked (a CRL is issued when the newest is half its
/// validity old, see `ca::crl`).
pub const CRL_REFRESH_CHECK: std::time::Duration = std::time::Duration::from_secs(300);

/// How often the expiry reminders (延期, 90/30/7 days before a period ends) are looked for.
pub const EXPIRY_REMINDER_CHECK: std::time::Duration = std::time::Duration::from_secs(3600);

fn spawn_expiry_reminders(orders: crate::billing::Orders) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(EXPIRY_REMINDER_CHECK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = orders.remind_expiring().await {
                tracing::error!(error = %e, "expiry reminders failed");
            }
        }
    })
}

fn spawn_crl_refresh(authority: Authority) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(CRL_REFRESH_CHECK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = authority.refresh_crls().await {
                tracing::error!(error = %e, "scheduled CRL refresh failed");
            }
        }
    })
}
