//! The organisation part of `mcert demo`: a company registers and is authorised by a stamped
//! letter that a reviewer approves in the web console (password + TOTP, CSRF-checked forms),
//! applies with its business licence, is approved, pays and downloads its organisation
//! certificate on the admin's phone; the admin grants a colleague, who claims a certificate on
//! their own phone and logs in to the platform with it; the admin reads the organisation's usage
//! records.

use std::time::{Duration, SystemTime};

use mcert_core::crypto::Algorithm;
use mcert_core::device::OrgUsageQuery;
use mcert_core::device::flows::Device;
use mcert_core::device::keystore::KeyStoreOptions;
use mcert_core::device::qr;
use mcert_core::device::secret::SecretStore;
use mcert_core::i18n::message;
use mcert_core::scan::Expectation;
use mcert_core::wire::orgs::{
    ApplicantRelation, IdType, NewMember, NewOrganisation, Role, SetOwner,
};
use mcert_core::wire::{Method, NewSession, SessionKind, VerificationRequest};
use mcert_rp::client::{AnimatedQr, RpClient, verify};
use mcert_service::authz::{Actor, policy};
use mcert_service::server::Running;

use crate::CliError;
use crate::scan_demo::Steps;

const ORG: &str = "青海某某建设工程有限公司";
const CODE: &str = "91630100MA752QKT85";
const ADMIN: (&str, &str, &str) = ("13900139001", "王经理", "110101198001010010");
const COLLEAGUE: (&str, &str, &str) = ("13900139002", "李工", "110101198502020022");
const PIN: &str = "135790";

fn err(e: impl std::fmt::Display) -> CliError {
    CliError::new(format!("demo check failed: {e}"))
}

/// A logged-in, verified phone.
async fn phone(
    dir: &std::path::Path,
    base: &str,
    secrets: &dyn SecretStore,
    who: (&str, &str, &str),
) -> Result<Device, CliError> {
    let mut device =
        Device::open(&dir.join(who.0), base, secrets, KeyStoreOptions::default()).map_err(err)?;
    crate::scan_demo::sms_login(&mut device, who.0)
        .await
        .map_err(err)?;
    device
        .verify_identity(&VerificationRequest {
            method: Method::Phone,
            name: who.1.into(),
            id_number: who.2.into(),
            bank_card: None,
            phone: who.0.into(),
            face_token: "dev-live-ok".into(),
        })
        .await
        .map_err(err)?;
    Ok(device)
}

/// The reviewer's browser: a session cookie and the forms' CSRF tokens.
struct Console {
    http: reqwest::Client,
    base: String,
    cookie: String,
}

fn csrf_of(html: &str) -> Result<String, CliError> {
    let marker = "name=\"csrf\" value=\"";
    let start = html
        .find(marker)
        .ok_or_else(|| err("no CSRF token on the page"))?
        + marker.len();
    Ok(html[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_string())
}

fn cookie_of(r: &reqwest::Response, name: &str) -> Option<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap_or_default().to_string())
}

/// `application/x-www-form-urlencoded` (every byte but the unreserved ones escaped).
fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", mcert_core::wire::routes::encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

impl Console {
    async fn login(
        base: &str,
        username: &str,
        password: &str,
        secret: &str,
    ) -> Result<Console, CliError> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(20))
            .build()
            .map_err(err)?;
        let page = http
            .get(format!("{base}/console/login"))
            .send()
            .await
            .map_err(err)?;
        let pre = cookie_of(&page, mcert_service::http::console::LOGIN_COOKIE).unwrap_or_default();
        let csrf = csrf_of(&page.text().await.map_err(err)?)?;
        let secret = mcert_service::reviewers::totp::base32_decode(secret)
            .ok_or_else(|| err("TOTP secret"))?;
        let now = mcert_core::clock::unix_millis(SystemTime::now()) / 1000;
        let code = mcert_service::reviewers::totp::code_at(&secret, now);
        let r = http
            .post(format!("{base}/console/login"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("origin", base)
            .header(
                "cookie",
                format!("{}={pre}", mcert_service::http::console::LOGIN_COOKIE),
            )
            .body(form(&[
                ("csrf", &csrf),
                ("username", username),
                ("password", password),
                ("code", &code),
            ]))
            .send()
            .await
            .map_err(err)?;
        let cookie = cookie_of(&r, mcert_service::http::console::SESSION_COOKIE)
            .ok_or_else(|| err(format!("console login refused ({})", r.status())))?;
        Ok(Console {
            http,
            base: base.to_string(),
            cookie,
        })
    }

    async fn page(&self, path: &str) -> Result<String, CliError> {
        self.http
            .get(format!("{}{path}", self.base))
            .header(
                "cookie",
                format!(
                    "{}={}",
                    mcert_service::http::console::SESSION_COOKIE,
                    self.cookie
                ),
            )
            .send()
            .await
            .map_err(err)?
            .text()
            .await
            .map_err(err)
    }

    /// Opens the queue, finds the oldest pending item, opens it and approves it.
    async fn approve_first(&self) -> Result<(), CliError> {
        let queue = self.page("/console/queue").await?;
        let start = queue
            .find("/console/reviews/")
            .ok_or_else(|| err("the queue is empty"))?;
        let id: String = queue[start + "/console/reviews/".len()..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let item = self.page(&format!("/console/reviews/{id}")).await?;
        let csrf = csrf_of(&item)?;
        let r = self
            .http
            .post(format!("{}/console/reviews/{id}/approve", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("origin", &self.base)
            .header(
                "cookie",
                format!(
                    "{}={}",
                    mcert_service::http::console::SESSION_COOKIE,
                    self.cookie
                ),
            )
            .body(form(&[("csrf", &csrf)]))
            .send()
            .await
            .map_err(err)?;
        if !(r.status().is_success() || r.status().is_redirection()) {
            return Err(err(format!("approve refused ({})", r.status())));
        }
        Ok(())
    }
}

/// The project (项目编号) the colleague may stamp for.
const PROJECT: &str = "FZ-2026-0815";

/// The organisation story on the running service and the demo platform.
pub async fn walk(
    running: &Running,
    base: &str,
    platform: &RpClient,
    roots: &[x509_cert::Certificate],
    dir: &std::path::Path,
    secrets: &dyn SecretStore,
    steps: &mut Steps,
) -> Result<(), CliError> {
    let locale = steps.locale;
    println!("{}", message(locale, "demo-org-title", &[]));
    let admin = phone(dir, base, secrets, ADMIN).await?;
    let org = admin
        .client()
        .register_org(&NewOrganisation {
            name: ORG.into(),
            credit_code: CODE.into(),
            legal_rep_name: "王总".into(),
            legal_rep_id_number: "110101197511110041".into(),
            applicant_relation: ApplicantRelation::Agent,
        })
        .await
        .map_err(err)?;
    steps.ok(
        "demo-org-registered",
        &[("org", ORG.into()), ("admin", ADMIN.1.into())],
    );
    let letter = admin.client().letter_template(&org.id).await.map_err(err)?;
    steps.ok("demo-org-letter", &[("bytes", letter.len().into())]);
    // Printed, stamped, signed and scanned back: the demo uploads the template itself.
    let upload = admin
        .client()
        .upload(&org.id, "authorisation_letter", letter.clone())
        .await
        .map_err(err)?;
    let auth = admin
        .client()
        .submit_letter(&org.id, &upload.id)
        .await
        .map_err(err)?;
    steps.ok(
        "demo-org-letter-submitted",
        &[("status", auth.status_label.into())],
    );

    // The operator makes a reviewer; the reviewer logs in to the console and decides.
    let reviewers = &running.state.reviewers;
    let operator = policy::operator(&Actor::Operator("demo".into())).map_err(err)?;
    let password = "demo-reviewer-passphrase";
    let enrolment = reviewers
        .add(&operator, "shenhe", "李审核", password)
        .await
        .map_err(err)?;
    let console = Console::login(base, "shenhe", password, &enrolment.secret_base32).await?;
    steps.ok("demo-org-console", &[("reviewer", "李审核".into())]);
    console.approve_first().await?;
    let org_now = admin.client().org(&org.id).await.map_err(err)?;
    if org_now.authorisation.status != "approved" {
        return Err(err("the letter's approval did not reach the organisation"));
    }
    let text = admin.client().dev_outbox(ADMIN.0).await.map_err(err)?;
    steps.ok(
        "demo-org-authorised",
        &[
            ("status", org_now.authorisation.status_label.into()),
            ("sms", text.first().cloned().unwrap_or_default().into()),
        ],
    );

    let licence = admin
        .client()
        .upload(&org.id, "business_licence", letter)
        .await
        .map_err(err)?;
    let key = mcert_core::id::ulid(SystemTime::now()).map_err(err)?;
    let order = admin
        .client()
        .apply_for_org(&org.id, "org-package", 1, &[licence.id], &key)
        .await
        .map_err(err)?;
    steps.ok(
        "demo-org-applied",
        &[("status", order.status_label.clone().into())],
    );
    console.approve_first().await?;
    let approved = admin.client().order(&order.id).await.map_err(err)?;
    steps.ok(
        "demo-org-approved",
        &[("status", approved.status_label.into())],
    );
    crate::commerce_demo::pay_by_transfer(&admin, &order, (ORG, CODE), steps).await?;
    let slots = admin
        .client()
        .org_certificates(&org.id)
        .await
        .map_err(err)?;
    let org_slot = slots
        .iter()
        .find(|s| s.kind == "organization")
        .ok_or_else(|| err("no organisation slot"))?;
    let installed = admin
        .install(&org_slot.entitlement_id, Algorithm::Sm2, PIN)
        .await
        .map_err(err)?;
    steps.ok(
        "demo-org-installed",
        &[("serial", installed.serial.clone().into())],
    );
    let seal_id = crate::seal_demo::official_seal(
        &admin,
        (&org.id, ORG),
        (&org_slot.entitlement_id, &installed.serial, PIN),
        || console.approve_first(),
        steps,
    )
    .await?;

    // The admin grants a colleague, who claims a personal certificate of the organisation.
    let member = admin
        .client()
        .add_member(
            &org.id,
            &NewMember {
                name: COLLEAGUE.1.into(),
                id_number: COLLEAGUE.2.into(),
                phone: COLLEAGUE.0.into(),
                role: Role::User,
            },
        )
        .await
        .map_err(err)?;
    let personal = slots
        .iter()
        .find(|s| s.kind == "personal")
        .ok_or_else(|| err("no personal slot"))?;
    admin
        .client()
        .set_owner(
            &org.id,
            &personal.entitlement_id,
            &SetOwner {
                id_type: IdType::ResidentId,
                id_number: COLLEAGUE.2.into(),
                name: COLLEAGUE.1.into(),
                email: None,
            },
        )
        .await
        .map_err(err)?;
    admin
        .client()
        .set_holder(&org.id, &personal.entitlement_id, &member.id)
        .await
        .map_err(err)?;
    steps.ok(
        "demo-org-granted",
        &[
            ("name", COLLEAGUE.1.into()),
            ("role", member.role_label.into()),
        ],
    );
    let colleague = phone(dir, base, secrets, COLLEAGUE).await?;
    let waiting = colleague
        .client()
        .entitlements()
        .await
        .map_err(err)?
        .into_iter()
        .find(|e| e.status == "assigned")
        .ok_or_else(|| err("nothing to claim"))?;
    let claimed = colleague
        .install(&waiting.id, Algorithm::Sm2, PIN)
        .await
        .map_err(err)?;
    steps.ok(
        "demo-org-claimed",
        &[
            ("name", COLLEAGUE.1.into()),
            ("org", waiting.org_name.unwrap_or_default().into()),
            ("serial", claimed.serial.clone().into()),
        ],
    );

    // The colleague logs in to the platform with it.
    let created = platform
        .create(&NewSession::new(SessionKind::Login), None)
        .await
        .map_err(err)?;
    let png = qr::encode_png(&AnimatedQr::new(&created).payload(), 6).map_err(err)?;
    let pending = colleague.scan_image(&png).await.map_err(err)?;
    colleague
        .confirm(&pending, &claimed.serial, PIN)
        .await
        .map_err(err)?;
    let ended = platform
        .wait_for_end(&created.session_id, Duration::from_secs(10))
        .await
        .map_err(err)?;
    let verified = verify(
        &ended,
        &Expectation {
            session_id: &created.session_id,
            kind: SessionKind::Login,
            document_digests: None,
            roots,
            now: SystemTime::now(),
        },
    )
    .map_err(err)?;
    steps.ok(
        "demo-org-scanned",
        &[
            (
                "holder",
                verified
                    .info
                    .subject
                    .common_name
                    .clone()
                    .unwrap_or_default()
                    .into(),
            ),
            (
                "org",
                verified
                    .info
                    .subject
                    .organization
                    .clone()
                    .unwrap_or_default()
                    .into(),
            ),
        ],
    );
    // The admin gives the 公章 to the colleague for one project; the colleague stamps the bid.
    crate::seal_demo::grant_for_project(&admin, (&org.id, &seal_id), &member.id, PROJECT, steps)
        .await?;
    let stamped =
        crate::seal_demo::stamp_bid(&colleague, platform, (ORG, &seal_id, PIN, PROJECT), steps)
            .await?;
    // The colleague signs beside the 公章 with the name seal of their personal certificate.
    crate::seal_demo::sign_with_name_seal(
        &colleague,
        platform,
        (&claimed.serial, PIN, PROJECT),
        &stamped,
        steps,
    )
    .await?;
    // Then writes a handwritten signature on the phone; a reviewer approves it in the console.
    let handwritten = crate::seal_demo::handwritten_signature(
        &colleague,
        &claimed.serial,
        || console.approve_first(),
        steps,
    )
    .await?;
    // One scan, two stamps: the 公章 (across the pages too) and the handwritten signature.
    crate::seal_demo::stamp_twice(
        &colleague,
        platform,
        (ORG, &seal_id, &handwritten, PIN, PROJECT),
        steps,
    )
    .await?;
    let page = admin
        .client()
        .org_usage(&org.id, &OrgUsageQuery::default())
        .await
        .map_err(err)?;
    if page.items.is_empty() {
        return Err(err("the admin sees no usage record of the organisation"));
    }
    steps.ok("demo-org-usage", &[("count", page.items.len().into())]);
    rename(
        &admin,
        (&org.id, &org_slot.entitlement_id, &installed.serial),
        || console.approve_first(),
        steps,
    )
    .await
}

/// 变更: the organisation is renamed. The admin applies with the new licence, the reviewer
/// approves in the console, the admin pays; the seals are void; the holder downloads the
/// certificate naming the new name with the PIN, and the 公章 comes back as a draft with it.
async fn rename<F, Fut>(
    admin: &Device,
    (org_id, slot, old_serial): (&str, &str, &str),
    approve: F,
    steps: &mut Steps,
) -> Result<(), CliError>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<(), CliError>>,
{
    const NEW_NAME: &str = "青海某某新能源建设有限公司";
    let licence = admin.client().letter_template(org_id).await.map_err(err)?;
    let licence = admin
        .client()
        .upload(org_id, "business_licence", licence)
        .await
        .map_err(err)?;
    let order = admin
        .client()
        .request_org_change(org_id, NEW_NAME, &[licence.id])
        .await
        .map_err(err)?;
    steps.ok(
        "demo-org-change-applied",
        &[
            ("name", NEW_NAME.into()),
            ("status", order.status_label.clone().into()),
        ],
    );
    approve().await?;
    admin
        .pay_and_wait(&order.id, Duration::from_secs(20))
        .await
        .map_err(err)?;
    let seals = admin.client().seals(org_id).await.map_err(err)?;
    let void = seals.iter().filter(|s| s.status == "void").count();
    if void == 0 {
        return Err(err("the rename voided no seal"));
    }
    steps.ok(
        "demo-org-change-paid",
        &[
            ("amount", mcert_core::wire::yuan(order.amount_fen).into()),
            ("void", void.into()),
        ],
    );
    let changed = admin.renew(slot, PIN).await.map_err(err)?;
    let cert = mcert_core::crypto::x509::parse_certificate(&changed.certificate).map_err(err)?;
    let named = mcert_core::crypto::x509::info(&cert)
        .map_err(err)?
        .subject
        .organization
        .unwrap_or_default();
    if named != NEW_NAME {
        return Err(err(format!("the changed certificate names {named}")));
    }
    let drafts = admin.client().seals(org_id).await.map_err(err)?;
    let redrafted = drafts.iter().any(|s| {
        s.status == "draft" && s.name == NEW_NAME && s.certificate_serial == changed.serial
    });
    if !redrafted {
        return Err(err("no seal came back as a draft with the new name"));
    }
    steps.ok(
        "demo-org-change-downloaded",
        &[
            ("serial", changed.serial.into()),
            ("name", named.into()),
            ("old", old_serial.to_string().into()),
        ],
    );
    Ok(())
}
