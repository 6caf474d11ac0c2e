//! The demo bidding platform (`mcert rp-demo`): a page that starts a login, a sign and a bid
//! opening, shows the animated QR code and the verification code, and shows the verified
//! result. Its backend is a relying platform like any other: it holds its own API key and QR
//! secrets, talks to the service over HTTP, and verifies every result itself.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use mcert_core::crypto::{PrivateKey, x509};
use mcert_core::scan::{Expectation, SealedBid};
use mcert_core::wire::{DisplayText, DocumentDigests, NewSession, SessionKind};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use x509_cert::Certificate;

use crate::client::{AnimatedQr, RpClient, RpError, qr_svg, verify};

const PAGE: &str = include_str!("../assets/rp-demo.html");
/// The demo project, lot and bid.
pub const PROJECT: &str = "青海某100MW光伏电站EPC总承包";
pub const LOT: &str = "第1标段";
pub const DOCUMENT_NAME: &str = "投标文件（商务标）.pdf";
pub const BID_TEXT: &str = "投标报价：人民币 86,420,000.00 元；工期 180 日历天；质量标准：合格。";

struct DemoSession {
    kind: SessionKind,
    qr: AnimatedQr,
    code: String,
    digests: Option<DocumentDigests>,
    sealed: Option<SealedBid>,
    ephemeral: Option<PrivateKey>,
}

#[derive(Clone)]
struct Demo {
    client: RpClient,
    roots: Arc<Vec<Certificate>>,
    sessions: Arc<Mutex<HashMap<String, Arc<DemoSession>>>>,
    /// The bidder's certificate, learned from the last login or signature.
    bidder: Arc<Mutex<Option<Certificate>>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn error(status: StatusCode, text: impl ToString) -> Response {
    (status, Json(json!({"message": text.to_string()}))).into_response()
}

/// The demo platform's routes.
pub async fn router(client: RpClient) -> Result<Router, RpError> {
    let roots = client.roots().await?;
    let demo = Demo {
        client,
        roots: Arc::new(roots),
        sessions: Arc::default(),
        bidder: Arc::default(),
    };
    Ok(Router::new()
        .route("/", get(|| async { Html(PAGE) }))
        .route("/api/sessions", post(start_session))
        .route("/api/sessions/{id}", get(poll))
        .route("/api/sessions/{id}/qr.svg", get(qr))
        .with_state(demo))
}

/// A running demo platform.
#[derive(Debug)]
pub struct RunningDemo {
    pub addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl RunningDemo {
    pub fn stop(self) {
        self.task.abort();
    }
}

/// Serves the demo platform on `listen` in the background.
pub async fn start(client: RpClient, listen: SocketAddr) -> Result<RunningDemo, RpError> {
    let app = router(client).await?;
    let listener = TcpListener::bind(listen)
        .await
        .map_err(|e| RpError::Network(e.to_string()))?;
    let addr = listener
        .local_addr()
        .map_err(|e| RpError::Network(e.to_string()))?;
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(RunningDemo { addr, task })
}

#[derive(Debug, Deserialize)]
struct StartRequest {
    kind: SessionKind,
}

async fn start_session(State(demo): State<Demo>, Json(req): Json<StartRequest>) -> Response {
    let mut new = NewSession::new(req.kind);
    new.display = DisplayText {
        project: Some(PROJECT.into()),
        lot: Some(LOT.into()),
        document_name: None,
    };
    let mut sealed = None;
    let mut ephemeral = None;
    match req.kind {
        SessionKind::Login => new.display = DisplayText::default(),
        SessionKind::Stamp => {
            return error(
                StatusCode::BAD_REQUEST,
                "本页面不发起签章；签章请用 mcert rp stamp（平台准备 PDF、嵌入签章）",
            );
        }
        SessionKind::Sign => {
            new.display.document_name = Some(DOCUMENT_NAME.into());
            new.document_digests = Some(DocumentDigests::of(BID_TEXT.as_bytes()));
        }
        SessionKind::Decrypt => {
            let Some(bidder) = lock(&demo.bidder).clone() else {
                return error(
                    StatusCode::CONFLICT,
                    "请先扫码登录或签署投标文件，平台才知道投标人的加密证书",
                );
            };
            // The bid was sealed to the bidder's certificate when it was submitted.
            let bid = match SealedBid::seal(&bidder, BID_TEXT.as_bytes()) {
                Ok(b) => b,
                Err(e) => return error(StatusCode::INTERNAL_SERVER_ERROR, e),
            };
            let alg = match x509::certificate_public_key(&bidder) {
                Ok(k) => k.algorithm(),
                Err(e) => return error(StatusCode::INTERNAL_SERVER_ERROR, e),
            };
            let eph = match PrivateKey::generate(alg) {
                Ok(k) => k,
                Err(e) => return error(StatusCode::INTERNAL_SERVER_ERROR, e),
            };
            let spki = match eph.public_key().to_spki_der() {
                Ok(d) => d,
                Err(e) => return error(StatusCode::INTERNAL_SERVER_ERROR, e),
            };
            new.display.document_name = Some(DOCUMENT_NAME.into());
            new.encrypted_key = Some(bid.encrypted_key.clone());
            new.recipient_serial = Some(bid.recipient_serial.clone());
            new.ephemeral_public_key = Some({
                use base64ct::Encoding;
                base64ct::Base64::encode_string(&spki)
            });
            sealed = Some(bid);
            ephemeral = Some(eph);
        }
    }
    let created = match demo.client.create(&new, None).await {
        Ok(c) => c,
        Err(e) => return error(StatusCode::BAD_GATEWAY, e),
    };
    let session = Arc::new(DemoSession {
        kind: req.kind,
        qr: AnimatedQr::new(&created),
        code: created.verification_code.clone(),
        digests: new.document_digests.clone(),
        sealed,
        ephemeral,
    });
    lock(&demo.sessions).insert(created.session_id.clone(), session);
    Json(json!({
        "id": created.session_id,
        "kind": req.kind,
        "operation": req.kind.operation(),
        "verification_code": created.verification_code,
        "expires_at": created.expires_at,
    }))
    .into_response()
}

fn session(demo: &Demo, id: &str) -> Option<Arc<DemoSession>> {
    lock(&demo.sessions).get(id).cloned()
}

async fn qr(State(demo): State<Demo>, Path(id): Path<String>) -> Response {
    let Some(s) = session(&demo, &id) else {
        return error(StatusCode::NOT_FOUND, "no such session");
    };
    match qr_svg(&s.qr.payload(), 6) {
        Ok(svg) => (
            [
                (header::CONTENT_TYPE, "image/svg+xml"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            svg,
        )
            .into_response(),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e),
    }
}

#[derive(Debug, Deserialize)]
struct PollQuery {
    since: Option<String>,
}

async fn poll(
    State(demo): State<Demo>,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<PollQuery>,
) -> Response {
    let Some(s) = session(&demo, &id) else {
        return error(StatusCode::NOT_FOUND, "no such session");
    };
    let status = match demo.client.status(&id, Some(20), q.since.as_deref()).await {
        Ok(st) => st,
        Err(e) => return error(StatusCode::BAD_GATEWAY, e),
    };
    let mut body = json!({
        "status": status.status,
        "verification_code": s.code,
        "failure": status.failure.as_ref().map(|f| &f.message),
    });
    if status.status == "completed" {
        body["verification"] = check(&demo, &s, &id, &status);
    }
    Json(body).into_response()
}

/// The platform's own check of a completed session, and what it means for the bid.
fn check(
    demo: &Demo,
    s: &DemoSession,
    id: &str,
    status: &mcert_core::wire::SessionStatus,
) -> Value {
    let expectation = Expectation {
        session_id: id,
        kind: s.kind,
        document_digests: s.digests.as_ref(),
        roots: &demo.roots,
        now: SystemTime::now(),
    };
    let verified = match verify(status, &expectation) {
        Ok(v) => v,
        Err(e) => return json!({"ok": false, "message": format!("结果验证失败：{e}")}),
    };
    let holder = verified
        .info
        .subject
        .common_name
        .clone()
        .unwrap_or_else(|| verified.info.subject_text.clone());
    *lock(&demo.bidder) = Some(verified.certificate.clone());
    let (message, bid) = match s.kind {
        SessionKind::Login => (format!("登录成功：{holder}"), None),
        SessionKind::Sign => (format!("投标文件签名已验证：{holder}"), None),
        SessionKind::Stamp => (format!("签章已验证：{holder}"), None),
        SessionKind::Decrypt => {
            let opened = match (&s.sealed, &s.ephemeral, &verified.reencrypted_key) {
                (Some(sealed), Some(eph), Some(k)) => sealed.open_with_ephemeral(k, eph),
                _ => {
                    return json!({"ok": false, "message": "结果中没有投标密钥"});
                }
            };
            match opened {
                Ok(text) => (
                    format!("开标成功：{holder}"),
                    Some(String::from_utf8_lossy(&text).into_owned()),
                ),
                Err(e) => return json!({"ok": false, "message": format!("开标失败：{e}")}),
            }
        }
    };
    json!({
        "ok": true,
        "message": message,
        "holder": holder,
        "serial": verified.info.serial_hex,
        "algorithm": verified.info.algorithm.as_str(),
        "bid": bid,
    })
}

/// How long the page lets a session run before it gives up polling.
pub const PAGE_TIMEOUT: Duration = Duration::from_secs(150);
