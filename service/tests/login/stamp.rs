//! Stamping a bid PDF by scan (文件签章) on each database, with an SM2 seal (GB/T 38540) and a
//! P-256 seal: the phone picks the claimed 公章, the platform prepares the PDF with the seal's
//! picture and sends the byte-range digest, the phone signs, the platform embeds and verifies
//! (chain, OCSP, seal, what changed). A changed byte, appended bytes, a revoked certificate (its
//! seal void) and a seal of another kind are refused. P-256 stamps also pass pyHanko and
//! pdfsig when they are installed; the SM2 stamped PDFs go to the GB/T 38540 check on the JVM
//! (`MCERT_SEAL_FIXTURES`).

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::orgs::{ADMIN, COLLEAGUE, authorised_org, install, paid_application};
use super::scan::{Holder, audit_intact, b64, platform, scanned, unb64};
use super::seals::seal_photo;
use super::verified_user;
use super::*;
use mcert_core::crypto::revocation::RevocationReason;
use mcert_core::crypto::{Algorithm, Signer, x509};
use mcert_core::scan::{self, Expectation};
use mcert_core::wire::seals::claim_statement;
use mcert_core::wire::{
    DisplayText, NewSession, ScannedSession, SessionKind, SessionStatus, StampProgress,
    StampRequest,
};
use mcert_rp::client::{RpClient, RpError};
use mcert_rp::stamp::{PreparedStamp, embed_stamp, prepare_stamp, verify_pdf};
use mcert_service::review::{Decision, ReviewKind};
use x509_cert::Certificate;

/// The organisation's first slot of `kind` (organization or personal).
pub(super) async fn slot_of(svc: &Service, token: &str, org_id: &str, kind: &str) -> String {
    let (_, slots) = svc
        .get(&format!("/v1/orgs/{org_id}/certificates"), Some(token))
        .await;
    slots["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|s| s["kind"] == kind)
        .and_then(|s| s["entitlement_id"].as_str())
        .expect("slot")
        .to_string()
}

/// An organisation whose admin holds its certificate of `alg` with a claimed 公章.
pub(super) async fn claimed_seal(
    svc: &Service,
    who: (&str, &str, &str),
    alg: Algorithm,
    code: &str,
) -> (Holder, String, String) {
    let (token, org_id) = authorised_org(svc, who, code).await;
    paid_application(svc, &token, &org_id).await;
    let slot = slot_of(svc, &token, &org_id, "organization").await;
    let holder = install(svc, &token, &slot, alg).await.2.expect("installed");
    let (_, photo) = svc
        .upload(&token, &org_id, "seal_photo", seal_photo())
        .await;
    let (status, seal) = svc
        .post(
            &format!("/v1/orgs/{org_id}/seals"),
            json!({"kind": "official", "name": "青海某某建设工程有限公司",
                   "photo_upload_id": photo["id"], "entitlement_id": slot}),
            Some(&token),
        )
        .await;
    assert_eq!(status, 201, "{seal}");
    let seal_id = seal["id"].as_str().expect("id").to_string();
    let (status, _) = svc
        .post(
            &format!("/v1/orgs/{org_id}/seals/{seal_id}/submit"),
            json!({}),
            Some(&token),
        )
        .await;
    assert_eq!(status, 200);
    svc.decide(ReviewKind::Seal, &seal_id, Decision::Approve)
        .await;
    let me = svc.get("/v1/me", Some(&token)).await.1;
    let proof = holder
        .key
        .sign(claim_statement(&seal_id, &holder.serial, me["id"].as_str().expect("id")).as_bytes())
        .expect("sign");
    let (status, seal) = svc
        .post(
            &format!("/v1/orgs/{org_id}/seals/{seal_id}/claim"),
            json!({"signature": b64(&proof)}),
            Some(&token),
        )
        .await;
    assert_eq!(status, 200, "{seal}");
    (holder, org_id, seal_id)
}

/// A two-page bid document with text where the seal goes.
pub(super) fn bid_pdf() -> Vec<u8> {
    let font = mcert_pdf::Font::system_cjk().expect("a CJK font (fonts-noto-cjk)");
    let mut doc = mcert_pdf::Document::new("投标文件");
    for n in 1..=2 {
        let mut page = mcert_pdf::Page::a4();
        page.text(72.0, 90.0, 20.0, &format!("投标文件 第{n}页"))
            .text(72.0, 130.0, 12.0, "项目编号：FZ-2026-0815")
            .text(360.0, 700.0, 14.0, "投标人（盖章）：");
        doc.push(page);
    }
    doc.render(&font).expect("render")
}

pub(super) fn stamp_session(kinds: &[&str]) -> NewSession {
    NewSession {
        display: DisplayText {
            project: Some("某水库除险加固工程".into()),
            lot: None,
            document_name: Some("投标文件.pdf".into()),
        },
        stamp: Some(StampRequest {
            page_count: 2,
            page: 2,
            rect: [380, 80, 520, 220],
            seal_kinds: kinds.iter().map(|k| k.to_string()).collect(),
            project_code: None,
            cross_page: false,
            more_places: Vec::new(),
        }),
        ..NewSession::new(SessionKind::Stamp)
    }
}

/// A stamp session for the project numbered `code`.
fn project_session(code: &str) -> NewSession {
    let mut req = stamp_session(&[]);
    if let Some(stamp) = req.stamp.as_mut() {
        stamp.project_code = Some(code.into());
    }
    req
}

pub(super) async fn post_scan<T: serde::de::DeserializeOwned>(
    svc: &Service,
    who: &Holder,
    path: String,
    body: Value,
) -> Result<T, (u16, Value)> {
    let (status, body) = svc.post(&path, body, Some(&who.token)).await;
    if status == 200 {
        Ok(serde_json::from_value(body).expect("decode"))
    } else {
        Err((status, body))
    }
}

pub(super) fn issuing(svc: &Service, alg: Algorithm) -> Certificate {
    svc.running
        .state
        .authority
        .hierarchy(alg)
        .expect("h")
        .issuing
        .clone()
}

pub(super) fn root(svc: &Service, alg: Algorithm) -> Certificate {
    svc.running
        .state
        .authority
        .hierarchy(alg)
        .expect("h")
        .root
        .clone()
}

/// Where a scanned stamp session stands, as the phone that scanned it polls it.
pub(super) async fn progress_of(
    svc: &Service,
    who: &Holder,
    id: &str,
    view: &ScannedSession,
) -> StampProgress {
    post_scan(
        svc,
        who,
        format!("/v1/scan/{id}/stamp/progress"),
        json!({"scan_ticket": view.scan_ticket}),
    )
    .await
    .expect("progress")
}

/// The phone's answer to a stamp session once the digest (and any approval) is in: the
/// statement and CMS, and for SM2 the GB/T 38540 signature with the seal it was given.
pub(super) fn phone_signs(
    who: &Holder,
    view: &ScannedSession,
    seal_id: &str,
    progress: &StampProgress,
) -> mcert_core::wire::Completion {
    let answered = ScannedSession {
        document_digests: progress.document_digests.clone(),
        stamp_seal_id: Some(seal_id.to_string()),
        stamp_place: progress.place,
        ..view.clone()
    };
    let now = SystemTime::now();
    let mut completion =
        scan::answer(&answered, &who.key, &who.cert, &[], None, now).expect("answer");
    if who.key.algorithm() == Algorithm::Sm2 {
        let seal_der = unb64(progress.seal.as_deref().expect("GB/T 38540 seal"));
        scan::add_seal_signature(
            &mut completion,
            &answered,
            &who.key,
            &who.cert,
            &seal_der,
            now,
        )
        .expect("seal signature");
    }
    completion
}

/// The platform waits for the pick, prepares the PDF with the seal's picture and sends the
/// digest.
async fn platform_prepares(rp: &RpClient, id: &str, req: &NewSession, pdf: &[u8]) -> PreparedStamp {
    platform_prepares_as(rp, id, req, pdf, "mcert-stamp-1").await
}

/// [`platform_prepares`] with the signature field named `field`.
pub(super) async fn platform_prepares_as(
    rp: &RpClient,
    id: &str,
    req: &NewSession,
    pdf: &[u8],
    field: &str,
) -> PreparedStamp {
    let status: SessionStatus = rp
        .wait_for_seal(id, Duration::from_secs(10))
        .await
        .expect("seal picked");
    let choice = status.stamp.clone().expect("choice");
    let prepared = prepare_stamp(
        pdf,
        req.stamp.as_ref().expect("s"),
        &choice,
        field,
        "2026-12-02T10:00:00+08:00",
    )
    .expect("prepare");
    rp.send_stamp_digest(id, &prepared).await.expect("digest");
    prepared
}

/// One whole stamp by scan with an organisation seal; returns the stamped PDF.
async fn stamp_by_scan(
    svc: &Service,
    rp: &RpClient,
    who: &Holder,
    seal_id: &str,
    pdf: &[u8],
) -> Vec<u8> {
    stamp_by_scan_of(
        svc,
        rp,
        who,
        (seal_id, "企业公章"),
        &["official", "contract"],
        pdf,
    )
    .await
}

/// One whole stamp by scan with the seal `(id, kind label)` in a session accepting `kinds`;
/// returns the stamped PDF.
pub(super) async fn stamp_by_scan_of(
    svc: &Service,
    rp: &RpClient,
    who: &Holder,
    (seal_id, label): (&str, &str),
    kinds: &[&str],
    pdf: &[u8],
) -> Vec<u8> {
    let mut req = stamp_session(kinds);
    // An organisation seal also goes across the pages' edges (骑缝章), in the same signature.
    let cross_page = kinds.contains(&"official");
    if let Some(stamp) = req.stamp.as_mut() {
        stamp.cross_page = cross_page;
    }
    let created = rp.create(&req, None).await.expect("create");
    let view: ScannedSession = scanned(svc, who, &created).await;
    let offered = view.stamp.as_ref().expect("stamp view");
    assert_eq!(offered.request.page, 2);
    assert_eq!(offered.request.cross_page, cross_page);
    assert!(
        offered
            .seals
            .iter()
            .any(|s| s.id == seal_id && s.kind_label == label)
    );
    assert_eq!(view.eligible_serials, vec![who.serial.clone()]);
    let id = created.session_id.clone();
    // The platform cannot send a digest before a seal is picked.
    let early = PreparedStamp {
        prepared: mcert_pdf::Prepared {
            bytes: Vec::new(),
            byte_range: [0; 4],
        },
        seal_id: seal_id.to_string(),
        algorithm: who.key.algorithm(),
        digest: "00".repeat(32),
        place: 0,
    };
    let refused = rp.send_stamp_digest(&id, &early).await;
    assert!(
        matches!(&refused, Err(RpError::Api { status: 409, code, .. }) if code == "no_seal_picked"),
        "{refused:?}"
    );
    let picked: StampProgress = post_scan(
        svc,
        who,
        format!("/v1/scan/{id}/stamp/seal"),
        json!({"scan_ticket": view.scan_ticket, "seal_id": seal_id}),
    )
    .await
    .expect("pick");
    assert_eq!(picked.seal_id.as_deref(), Some(seal_id));
    assert!(picked.document_digests.is_none());
    // The platform sees the pick, prepares the PDF with the seal's picture, sends the digest.
    let prepared = platform_prepares(rp, &id, &req, pdf).await;
    assert_eq!(
        &prepared.prepared.bytes[..pdf.len()],
        pdf,
        "original bytes changed"
    );
    let again = rp.send_stamp_digest(&id, &prepared).await;
    assert!(
        matches!(&again, Err(RpError::Api { status: 409, code, .. }) if code == "digest_sent"),
        "{again:?}"
    );
    // The pick is fixed now.
    let refused = post_scan::<StampProgress>(
        svc,
        who,
        format!("/v1/scan/{id}/stamp/seal"),
        json!({"scan_ticket": view.scan_ticket, "seal_id": seal_id}),
    )
    .await;
    assert_eq!(
        refused.err().map(|(s, b)| (s, b["code"].clone())),
        Some((409, json!("seal_fixed")))
    );
    // The phone gets the digest and signs it with the seal.
    let progress = progress_of(svc, who, &id, &view).await;
    let digests = progress.document_digests.clone().expect("digest");
    if who.key.algorithm() == Algorithm::P256 {
        assert!(progress.seal.is_none());
    }
    let completion = phone_signs(who, &view, seal_id, &progress);
    let (status, body) = super::scan::complete(svc, who, &id, &completion).await;
    assert_eq!(status, 200, "{body}");
    let done = rp
        .wait_for_end(&id, Duration::from_secs(10))
        .await
        .expect("end");
    let alg = who.key.algorithm();
    let roots = vec![root(svc, alg)];
    let verified = scan::verify_result(
        done.result.as_ref().expect("result"),
        &Expectation {
            session_id: &id,
            kind: SessionKind::Stamp,
            document_digests: Some(&digests),
            roots: &roots,
            now: SystemTime::now(),
        },
    )
    .expect("the platform's check");
    assert_eq!(verified.statement.seal.as_deref(), Some(seal_id));
    // The phone signed where the stamp goes, as it showed it.
    assert_eq!(
        verified.statement.place.as_deref(),
        Some("2 380,80,520,220")
    );
    embed_stamp(prepared, &done).expect("embed")
}

fn pyhanko() -> Option<PathBuf> {
    let v = std::env::var("MCERT_PYHANKO").ok()?;
    let p = PathBuf::from(v);
    let program = if p.is_dir() { p.join("pyhanko") } else { p };
    program.exists().then_some(program)
}

pub(super) fn write_pem(path: &Path, cert: &Certificate) {
    let der = x509::to_der(cert).expect("der");
    let body = b64(&der)
        .as_bytes()
        .chunks(64)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(
        path,
        format!("-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n"),
    )
    .expect("pem");
}

/// Runs a program off the runtime's thread: the service under test (same runtime) answers
/// pyHanko's CRL and OCSP requests meanwhile.
async fn run_tool(
    program: PathBuf,
    args: Vec<std::ffi::OsString>,
) -> std::io::Result<std::process::Output> {
    tokio::task::spawn_blocking(move || std::process::Command::new(program).args(args).output())
        .await
        .expect("join")
}

/// pyHanko (trusting the root, given the issuing CA, fetching CRLs and OCSP from the service on
/// loopback) and pdfsig on a P-256 stamped PDF.
pub(super) async fn strangers_accept(svc: &Service, pdf: &[u8], name: &str) {
    let dir = std::env::temp_dir().join(format!("mcert-stamp-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join(format!("{name}.pdf"));
    std::fs::write(&file, pdf).expect("write");
    if let Some(program) = pyhanko() {
        let (root_pem, issuing_pem) = (dir.join("root.pem"), dir.join("issuing.pem"));
        write_pem(&root_pem, &root(svc, Algorithm::P256));
        write_pem(&issuing_pem, &issuing(svc, Algorithm::P256));
        let args = [
            "sign",
            "validate",
            "--pretty-print",
            "--trust-replace",
            "--trust",
        ]
        .iter()
        .map(std::ffi::OsString::from)
        .chain([
            root_pem.into_os_string(),
            "--other-certs".into(),
            issuing_pem.into_os_string(),
            file.clone().into_os_string(),
        ])
        .collect();
        let out = run_tool(program, args).await.expect("pyhanko");
        let report = String::from_utf8_lossy(&out.stdout);
        println!("pyHanko on the P-256 stamped PDF:\n{report}");
        assert!(
            out.status.success(),
            "{report}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            report.contains("The signature is judged VALID."),
            "{report}"
        );
        assert!(
            report.contains("The signer's certificate is trusted."),
            "{report}"
        );
    } else if std::env::var_os("MCERT_REQUIRE_UI").is_some() {
        panic!("MCERT_REQUIRE_UI is set but pyHanko is missing (MCERT_PYHANKO)");
    }
    match run_tool("pdfsig".into(), vec![file.clone().into_os_string()]).await {
        Ok(out) => {
            let report = String::from_utf8_lossy(&out.stdout);
            println!("pdfsig on {name}.pdf:\n{report}");
            assert!(
                report.contains("Signature Validation: Signature is Valid."),
                "{report}"
            );
        }
        Err(_) if std::env::var_os("MCERT_REQUIRE_UI").is_some() => {
            panic!("MCERT_REQUIRE_UI is set but pdfsig (poppler-utils) is missing")
        }
        Err(_) => println!("pdfsig is not installed; skipped"),
    }
}

/// OpenSSL verifies the P-256 seal's binding (an attached CMS by the P-256 seal maker) up to
/// the P-256 root and prints its content.
async fn openssl_reads_the_binding(svc: &Service, seal_id: &str) {
    if !mcert_test_support::have_openssl() {
        return;
    }
    let seal = svc
        .running
        .state
        .seals
        .claimed_seal(seal_id)
        .await
        .expect("seal")
        .expect("claimed");
    let binding = seal.binding.clone().expect("a P-256 seal has a binding");
    assert!(seal.seal_der.is_none());
    let dir = std::env::temp_dir().join(format!("mcert-binding-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("binding.der"), &binding).expect("w");
    write_pem(&dir.join("root.pem"), &root(svc, Algorithm::P256));
    let (ok, out) = tokio::task::spawn_blocking({
        let dir = dir.clone();
        move || {
            mcert_test_support::openssl(
                &dir,
                &[
                    "cms",
                    "-verify",
                    "-inform",
                    "DER",
                    "-in",
                    "binding.der",
                    "-CAfile",
                    "root.pem",
                    "-purpose",
                    "any",
                ],
            )
        }
    })
    .await
    .expect("join");
    println!("openssl cms -verify on the P-256 seal binding:\n{out}");
    assert!(ok, "{out}");
    assert!(out.starts_with("mcert seal binding v1\n"), "{out}");
    assert!(out.contains(&format!("seal={seal_id}\n")), "{out}");
    assert!(out.contains("Verification successful"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A PDF stamped with the organisation's seal by someone whose certificate (from the same CA)
/// the seal does not bind, as a forger would make it: for SM2 the GB/T 38540 signature made by
/// hand with the seal inside, for P-256 the stranger's CMS under the seal's binding.
async fn unbound_signer(svc: &Service, seal_id: &str, pdf: &[u8], alg: Algorithm) -> Vec<u8> {
    let (phone, id) = match alg {
        Algorithm::Sm2 => ("13800000007", "110101199003030036"),
        Algorithm::P256 => ("13800000019", "110101199003030052"),
    };
    let stranger = super::scan::holder(svc, phone, "赵六", id, alg).await;
    let seals = &svc.running.state.seals;
    let seal = seals
        .claimed_seal(seal_id)
        .await
        .expect("seal")
        .expect("claimed");
    let picture = seals.picture_png(&seal).await.expect("picture");
    let choice = mcert_core::wire::StampChoice {
        seal_id: seal_id.to_string(),
        seal_kind: seal.kind.clone(),
        seal_name: seal.name.clone(),
        width_mm: seal.width_mm,
        height_mm: seal.height_mm,
        picture_png: b64(&picture),
        seal: seal.seal_der.as_deref().map(b64),
        binding: seal.binding.as_deref().map(b64),
        certificate: b64(&x509::to_der(&stranger.cert).expect("der")),
        chain: Vec::new(),
        algorithm: alg.as_str().into(),
        digest_received: false,
        place: 0,
    };
    let req = stamp_session(&[]);
    let prepared = prepare_stamp(
        pdf,
        req.stamp.as_ref().expect("s"),
        &choice,
        "mcert-stamp-1",
        "2026-12-02T10:00:00+08:00",
    )
    .expect("prepare");
    let digest = hex::decode(&prepared.digest).expect("hex");
    if alg == Algorithm::P256 {
        let cms = mcert_core::crypto::cms::sign_detached(
            &digest,
            &stranger.key,
            &stranger.cert,
            &[],
            SystemTime::now(),
        )
        .expect("cms");
        return mcert_pdf::embed(prepared.prepared, &cms).expect("embed");
    }
    let seal_der = seal.seal_der.clone().expect("der");
    let made = mcert_core::crypto::seal::SESeal::from_der(&seal_der).expect("seal");
    let tbs = mcert_core::crypto::seal::tbs_to_sign(
        &made,
        &digest,
        "mcert stamp forged",
        SystemTime::now(),
    )
    .expect("tbs");
    let signature = stranger.key.sign(&tbs).expect("sign");
    let ses = mcert_core::crypto::seal::assemble_signature(
        &tbs,
        &x509::to_der(&stranger.cert).expect("der"),
        &signature,
    )
    .expect("assembled");
    mcert_pdf::embed(prepared.prepared, ses.to_der()).expect("embed")
}

/// The stamped PDF with its first page made 1 pt narrower, inside the signed bytes.
fn resized_page(pdf: &[u8]) -> Vec<u8> {
    let mut out = pdf.to_vec();
    let at = out
        .windows(18)
        .position(|w| w == b"/MediaBox [0 0 595")
        .expect("a page");
    out[at + 17] = b'4';
    out
}

/// The SM2 stamped PDFs for the GB/T 38540 check on the JVM.
fn write_jvm_fixtures(svc: &Service, stamped: &[u8], unbound: &[u8], personal: &[u8]) {
    let Some(dir) = std::env::var_os("MCERT_SEAL_FIXTURES") else {
        return;
    };
    let dir = PathBuf::from(dir).join("pdf");
    std::fs::create_dir_all(&dir).expect("dir");
    let root_der = x509::to_der(&root(svc, Algorithm::Sm2)).expect("der");
    let issuing_der = x509::to_der(&issuing(svc, Algorithm::Sm2)).expect("der");
    std::fs::write(dir.join("root.der"), root_der).expect("w");
    std::fs::write(dir.join("issuing.der"), issuing_der).expect("w");
    let flipped = resized_page(stamped);
    let mut appended = stamped.to_vec();
    appended.extend_from_slice(b"\n% appended after stamping\n");
    for (name, bytes) in [
        ("stamped", stamped),
        ("content-flipped", flipped.as_slice()),
        ("appended-after", appended.as_slice()),
        ("unbound-signer", unbound),
        ("personal-stamped", personal),
    ] {
        std::fs::write(dir.join(format!("{name}.pdf")), bytes).expect("w");
    }
    std::fs::write(
        dir.join("manifest.txt"),
        "stamped OK\ncontent-flipped DATA_HASH\nappended-after COVERAGE\nunbound-signer BINDING\npersonal-stamped OK\n",
    )
    .expect("w");
}

#[tokio::test]
async fn a_bid_pdf_is_stamped_by_scan_and_strangers_accept_it() {
    let pdf = bid_pdf();
    for db in databases().await {
        let svc = Service::start(&db.url).await;
        let (rp, _) = platform(&svc, None).await;
        for (person, alg, code) in [
            (ADMIN, Algorithm::Sm2, "91110108MA01ABCD1E"),
            (COLLEAGUE, Algorithm::P256, "91310000MA1FL0000N"),
        ] {
            let (who, _, seal_id) = claimed_seal(&svc, person, alg, code).await;
            let stamped = stamp_by_scan(&svc, &rp, &who, &seal_id, &pdf).await;
            // A holder of a personal certificate stamps with their name seal too.
            let (_, signature, personal) =
                super::signatures::personal_stamp(&svc, &rp, alg, &pdf).await;
            let roots = vec![root(&svc, alg)];
            let issuing = vec![issuing(&svc, alg)];
            let now = SystemTime::now();
            let reports = rp
                .verify_pdf_status(&stamped, &roots, &issuing, now)
                .await
                .expect("verify");
            assert_eq!(reports.len(), 1);
            let report = &reports[0];
            assert!(report.valid(), "{report:?}");
            assert_eq!(report.page, Some(2));
            assert_eq!(report.status.as_deref(), Some("good"));
            assert_eq!(report.serial.as_deref(), Some(who.serial.as_str()));
            // The seal in the stamp: the GB/T 38540 seal (SM2) or the P-256 binding, each
            // naming the seal; the personal name seal likewise.
            let (id, name) = report.seal.clone().expect("seal");
            assert_eq!(
                (id.as_str(), name.as_str()),
                (seal_id.as_str(), "青海某某建设工程有限公司")
            );
            let reports = rp
                .verify_pdf_status(&personal, &roots, &issuing, now)
                .await
                .expect("verify");
            assert!(reports[0].valid(), "{:?}", reports[0]);
            assert_eq!(reports[0].seal, Some((signature.id, signature.name)));
            // Someone else's certificate under the seal: not bound.
            let unbound = unbound_signer(&svc, &seal_id, &pdf, alg).await;
            let bad = verify_pdf(&unbound, &roots, &issuing, now).expect("reads");
            assert!(
                bad[0].0.problems.iter().any(|p| p.contains("bound")),
                "{:?}",
                bad[0].0
            );
            match alg {
                Algorithm::Sm2 => {
                    assert_eq!(report.sub_filter, "GBT38540.SESSignature");
                    write_jvm_fixtures(&svc, &stamped, &unbound, &personal);
                }
                Algorithm::P256 => {
                    assert_eq!(report.sub_filter, "adbe.pkcs7.detached");
                    strangers_accept(&svc, &stamped, "stamped-p256").await;
                    strangers_accept(&svc, &personal, "personal-p256").await;
                    openssl_reads_the_binding(&svc, &seal_id).await;
                }
            }
            // A changed byte inside the signed range, and bytes appended after it, are refused.
            let flipped = resized_page(&stamped);
            let bad = verify_pdf(&flipped, &roots, &issuing, now).expect("reads");
            assert!(!bad[0].0.valid(), "{:?}", bad[0].0);
            let mut appended = stamped.clone();
            appended.extend_from_slice(b"\n% appended\n");
            let bad = verify_pdf(&appended, &roots, &issuing, now).expect("reads");
            assert!(!bad[0].0.valid(), "{:?}", bad[0].0);
            // Verified later than the certificate's validity: refused.
            let later = now + Duration::from_secs(20 * 365 * 86_400);
            let bad = verify_pdf(&stamped, &roots, &issuing, later).expect("reads");
            assert!(!bad[0].0.valid(), "{:?}", bad[0].0);

            // A seal kind the platform does not accept is not offered.
            let created = rp
                .create(&stamp_session(&["finance"]), None)
                .await
                .expect("c");
            let view = scanned(&svc, &who, &created).await;
            assert!(view.stamp.expect("stamp").seals.is_empty());
            assert!(view.eligible_serials.is_empty());
            let refused = post_scan::<StampProgress>(
                &svc,
                &who,
                format!("/v1/scan/{}/stamp/seal", created.session_id),
                json!({"scan_ticket": view.scan_ticket, "seal_id": seal_id}),
            )
            .await;
            assert_eq!(refused.err().map(|(s, _)| s), Some(403));

            // Revoking the certificate voids its seal: no longer offered, and the stamp
            // already made now shows a revoked certificate.
            svc.running
                .state
                .authority
                .revoke(&who.serial, RevocationReason::Superseded, "test")
                .await
                .expect("revoke");
            let reports = rp
                .verify_pdf_status(&stamped, &roots, &issuing, SystemTime::now())
                .await
                .expect("verify");
            assert_eq!(reports[0].status.as_deref(), Some("revoked"));
            assert!(!reports[0].valid());
            let created = rp.create(&stamp_session(&[]), None).await.expect("c");
            let (status, body) = super::scan::scan_at(&svc, &who, &created, 0, "device-0002").await;
            assert_eq!(status, 200, "{body}");
            assert_eq!(body["stamp"]["seals"], json!([]), "{body}");
        }
    }
}

/// The colleague joins the organisation, gets one of its personal slots and downloads an SM2
/// certificate of it; returns the colleague and their member id.
async fn colleague_with_certificate(
    svc: &Service,
    admin: &Holder,
    org_id: &str,
) -> (Holder, String) {
    let (status, member) = svc
        .post(
            &format!("/v1/orgs/{org_id}/members"),
            json!({"name": COLLEAGUE.1, "id_number": COLLEAGUE.2, "phone": COLLEAGUE.0, "role": "user"}),
            Some(&admin.token),
        )
        .await;
    assert_eq!(status, 201, "{member}");
    let member_id = member["id"].as_str().expect("id").to_string();
    let token = verified_user(svc, COLLEAGUE.0, COLLEAGUE.1, COLLEAGUE.2).await;
    let slot = slot_of(svc, &admin.token, org_id, "personal").await;
    let owner = json!({"id_type": "resident_id", "id_number": COLLEAGUE.2, "name": COLLEAGUE.1});
    let (status, _) = svc
        .put(
            &format!("/v1/orgs/{org_id}/certificates/{slot}/owner"),
            owner,
            &admin.token,
        )
        .await;
    assert_eq!(status, 204);
    let (status, _) = svc
        .put(
            &format!("/v1/orgs/{org_id}/certificates/{slot}/holder"),
            json!({"member_id": member_id}),
            &admin.token,
        )
        .await;
    assert_eq!(status, 204);
    let who = install(svc, &token, &slot, Algorithm::Sm2)
        .await
        .2
        .expect("installed");
    (who, member_id)
}

/// Scans `req` as `who` and picks `seal_id`; returns the view and the progress.
async fn scan_and_pick(
    svc: &Service,
    rp: &RpClient,
    who: &Holder,
    req: &NewSession,
    seal_id: &str,
) -> (String, ScannedSession, Result<StampProgress, (u16, Value)>) {
    let created = rp.create(req, None).await.expect("create");
    let view = scanned(svc, who, &created).await;
    let id = created.session_id.clone();
    let picked = post_scan(
        svc,
        who,
        format!("/v1/scan/{id}/stamp/seal"),
        json!({"scan_ticket": view.scan_ticket, "seal_id": seal_id}),
    )
    .await;
    (id, view, picked)
}

#[tokio::test]
async fn a_member_stamps_with_a_granted_seal_only_within_its_limits() {
    let pdf = bid_pdf();
    for db in databases().await {
        let svc = Service::start(&db.url).await;
        let (rp, _) = platform(&svc, None).await;
        let (admin, org_id, seal_id) =
            claimed_seal(&svc, ADMIN, Algorithm::Sm2, "91110108MA01ABCD1E").await;
        let (colleague, member_id) = colleague_with_certificate(&svc, &admin, &org_id).await;
        let grants = format!("/v1/orgs/{org_id}/seals/{seal_id}/grants");

        // Nothing is offered before the grant.
        let (_, view, picked) = scan_and_pick(
            &svc,
            &rp,
            &colleague,
            &project_session("FZ-2026-0815"),
            &seal_id,
        )
        .await;
        assert!(view.stamp.expect("stamp").seals.is_empty());
        assert_eq!(picked.err().map(|(s, _)| s), Some(403));

        // The admin gives the seal for one project, each use approved; precise refusals first.
        let today = mcert_core::clock::rfc3339(SystemTime::now() + Duration::from_secs(8 * 3600));
        let today = &today[..10];
        let later =
            mcert_core::clock::rfc3339(SystemTime::now() + Duration::from_secs(30 * 86_400));
        let later = &later[..10];
        for (bad, field) in [
            (
                json!({"member_id": member_id, "projects": ["FZ 2026"], "valid_from": today, "valid_to": later}),
                "projects",
            ),
            (
                json!({"member_id": member_id, "valid_from": later, "valid_to": today}),
                "valid_to",
            ),
            (
                json!({"member_id": member_id, "valid_from": "2026-13-01", "valid_to": later}),
                "valid_from",
            ),
        ] {
            let (status, body) = svc.post(&grants, bad, Some(&admin.token)).await;
            assert_eq!(
                (status, body["code"].as_str()),
                (400, Some("bad_seal_grant")),
                "{field}: {body}"
            );
        }
        let (status, body) = svc
            .post(
                &grants,
                json!({"member_id": member_id, "valid_from": today, "valid_to": later}),
                Some(&colleague.token),
            )
            .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (403, Some("admin_required")),
            "{body}"
        );
        let (status, grant) = svc
            .post(
                &grants,
                json!({"member_id": member_id, "projects": ["FZ-2026-0815"], "valid_from": today,
                       "valid_to": later, "approval_required": true}),
                Some(&admin.token),
            )
            .await;
        assert_eq!(status, 201, "{grant}");
        assert_eq!(grant["certificate_serial"], colleague.serial.as_str());
        let limits = grant["limits"].as_str().expect("limits");
        assert!(
            limits.contains("仅限项目 FZ-2026-0815") && limits.contains("每次用印需管理员审批"),
            "{limits}"
        );
        // The grant has its own seal: the colleague's certificate alone, for the grant's days;
        // the organisation's seal still binds only its own certificate.
        let grant_id = grant["id"].as_str().expect("id").to_string();
        let seals = &svc.running.state.seals;
        let granted = seals
            .grant_row(&grant_id)
            .await
            .expect("grant")
            .expect("row");
        let made = mcert_core::crypto::seal::SESeal::from_der(&granted.seal_der.expect("der"))
            .expect("seal");
        assert_eq!(made.info().es_id, grant_id);
        assert!(made.binds(&x509::to_der(&colleague.cert).expect("der")));
        assert!(!made.binds(&x509::to_der(&admin.cert).expect("der")));
        assert!(
            made.info().property.valid_to <= SystemTime::now() + Duration::from_secs(31 * 86_400)
        );
        let own = seals
            .claimed_seal(&seal_id)
            .await
            .expect("seal")
            .expect("claimed")
            .seal_der
            .expect("der");
        let own = mcert_core::crypto::seal::SESeal::from_der(&own).expect("seal");
        assert!(!own.binds(&x509::to_der(&colleague.cert).expect("der")));

        // Another project: not offered.
        let (_, view, picked) = scan_and_pick(
            &svc,
            &rp,
            &colleague,
            &project_session("QT-2026-0001"),
            &seal_id,
        )
        .await;
        assert!(view.stamp.expect("stamp").seals.is_empty());
        assert_eq!(picked.err().map(|(s, _)| s), Some(403));

        // The project: offered with its limits; the pick asks the admins (texted).
        let req = project_session("FZ-2026-0815");
        let (id, view, picked) = scan_and_pick(&svc, &rp, &colleague, &req, &seal_id).await;
        let offered = view.stamp.as_ref().expect("stamp").seals.clone();
        assert_eq!(offered.len(), 1);
        assert_eq!(offered[0].certificate_serial, colleague.serial);
        assert!(offered[0].approval_required);
        assert_eq!(offered[0].limits.as_deref(), Some(limits));
        let picked = picked.expect("pick");
        assert_eq!(picked.approval.as_deref(), Some("pending"));
        // Every text to the admin (one clock instant in tests: the order is not meaningful).
        let text = svc
            .get(&format!("/v1/dev/sms-outbox?phone={}", ADMIN.0), None)
            .await
            .1
            .to_string();
        assert!(text.contains("申请使用印章"), "{text}");
        let prepared = platform_prepares(&rp, &id, &req, &pdf).await;
        let progress = progress_of(&svc, &colleague, &id, &view).await;
        assert!(progress.document_digests.is_some());
        assert_eq!(progress.approval.as_deref(), Some("pending"));

        // The admin approves with their own certificate's key; a wrong key is refused.
        let approvals = format!("/v1/orgs/{org_id}/seal-approvals");
        let (_, list) = svc.get(&approvals, Some(&admin.token)).await;
        let approval: mcert_core::wire::seals::SealApproval =
            serde_json::from_value(list["items"][0].clone()).expect("approval");
        assert_eq!(
            (approval.status_label.as_str(), approval.session_id.as_str()),
            ("待审批", id.as_str())
        );
        assert_eq!(approval.project_code.as_deref(), Some("FZ-2026-0815"));
        let me = svc.get("/v1/me", Some(&admin.token)).await.1;
        let statement = mcert_core::wire::seals::approval_statement(
            &approval.id,
            &id,
            &seal_id,
            me["id"].as_str().expect("id"),
        );
        let approve = format!("{approvals}/{}/approve", approval.id);
        let wrong = colleague.key.sign(statement.as_bytes()).expect("sign");
        let (status, _) = svc
            .post(
                &approve,
                json!({"serial": admin.serial, "signature": b64(&wrong)}),
                Some(&admin.token),
            )
            .await;
        assert_eq!(status, 403);
        let right = admin.key.sign(statement.as_bytes()).expect("sign");
        let (status, decided) = svc
            .post(
                &approve,
                json!({"serial": admin.serial, "signature": b64(&right)}),
                Some(&admin.token),
            )
            .await;
        assert_eq!(
            (status, decided["status_label"].as_str()),
            (200, Some("已同意")),
            "{decided}"
        );

        // The colleague signs; the platform embeds; the stamped PDF names the colleague.
        let progress = progress_of(&svc, &colleague, &id, &view).await;
        assert_eq!(progress.approval.as_deref(), Some("approved"));
        let completion = phone_signs(&colleague, &view, &seal_id, &progress);
        let (status, body) = super::scan::complete(&svc, &colleague, &id, &completion).await;
        assert_eq!(status, 200, "{body}");
        let done = rp
            .wait_for_end(&id, Duration::from_secs(10))
            .await
            .expect("end");
        let stamped = embed_stamp(prepared, &done).expect("embed");
        let roots = vec![root(&svc, Algorithm::Sm2)];
        let issuing = vec![issuing(&svc, Algorithm::Sm2)];
        let reports = rp
            .verify_pdf_status(&stamped, &roots, &issuing, SystemTime::now())
            .await
            .expect("verify");
        assert!(reports[0].valid(), "{:?}", reports[0]);
        assert_eq!(
            reports[0].serial.as_deref(),
            Some(colleague.serial.as_str())
        );
        // The organisation's usage records show who stamped what, with which seal.
        let (_, usage) = svc
            .get(&format!("/v1/orgs/{org_id}/usage"), Some(&admin.token))
            .await;
        let record = usage["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|r| r["session_id"] == id.as_str())
            .cloned()
            .expect("record");
        assert_eq!(record["operation"], "文件签章");
        assert_eq!(record["holder_name"], COLLEAGUE.1);
        assert_eq!(record["seal_id"], seal_id.as_str());
        assert_eq!(
            record["document_digest"].as_str(),
            Some(format!("sm3:{}", prepared_digest(&done)).as_str())
        );

        // A refused use cannot be completed.
        let (id, view, picked) = scan_and_pick(&svc, &rp, &colleague, &req, &seal_id).await;
        picked.expect("pick");
        platform_prepares(&rp, &id, &req, &pdf).await;
        let (_, list) = svc.get(&approvals, Some(&admin.token)).await;
        let pending = list["items"][0]["id"].as_str().expect("id").to_string();
        let (status, _) = svc
            .post(
                &format!("{approvals}/{pending}/refuse"),
                json!({}),
                Some(&admin.token),
            )
            .await;
        assert_eq!(status, 200);
        let progress = progress_of(&svc, &colleague, &id, &view).await;
        assert_eq!(progress.approval.as_deref(), Some("refused"));
        let completion = phone_signs(&colleague, &view, &seal_id, &progress);
        let (status, body) = super::scan::complete(&svc, &colleague, &id, &completion).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (403, Some("use_refused")),
            "{body}"
        );

        // Withdrawn: no longer offered.
        let (status, withdrawn) = svc
            .post(
                &format!("{grants}/{grant_id}/revoke"),
                json!({}),
                Some(&admin.token),
            )
            .await;
        assert_eq!(
            (status, withdrawn["status_label"].as_str()),
            (200, Some("已撤销"))
        );
        let (_, view, picked) = scan_and_pick(&svc, &rp, &colleague, &req, &seal_id).await;
        assert!(view.stamp.expect("stamp").seals.is_empty());
        assert_eq!(picked.err().map(|(s, _)| s), Some(403));
        audit_intact(&svc).await;
    }
}

/// The digest (hex) the stamp in a completed session signed.
fn prepared_digest(done: &SessionStatus) -> String {
    let statement = unb64(&done.result.as_ref().expect("result").statement);
    let text = String::from_utf8(statement).expect("utf8");
    text.lines()
        .find_map(|l| l.strip_prefix("digest: sm3:"))
        .expect("digest line")
        .to_string()
}

#[tokio::test]
async fn parallel_digests_and_completions_of_one_stamp_count_once() {
    let pdf = bid_pdf();
    for db in databases().await {
        let svc = Service::start(&db.url).await;
        let (rp, _) = platform(&svc, None).await;
        let (who, _, seal_id) =
            claimed_seal(&svc, ADMIN, Algorithm::Sm2, "91110108MA01ABCD1E").await;
        let req = stamp_session(&[]);
        let (id, view, picked) = scan_and_pick(&svc, &rp, &who, &req, &seal_id).await;
        picked.expect("pick");
        let status = rp
            .wait_for_seal(&id, Duration::from_secs(10))
            .await
            .expect("picked");
        let choice = status.stamp.expect("choice");
        let prepared = prepare_stamp(
            &pdf,
            req.stamp.as_ref().expect("s"),
            &choice,
            "mcert-stamp-1",
            "2026-12-02T10:00:00+08:00",
        )
        .expect("prepare");
        // Eight digests at once (two different ones): exactly one is taken.
        let mut other = prepared.clone();
        other.digest = "11".repeat(32);
        let sends = (0..8).map(|i| {
            let rp = rp.clone();
            let id = id.clone();
            let stamp = if i % 2 == 0 {
                prepared.clone()
            } else {
                other.clone()
            };
            tokio::spawn(async move { rp.send_stamp_digest(&id, &stamp).await })
        });
        let mut taken = 0;
        for send in sends {
            match send.await.expect("join") {
                Ok(_) => taken += 1,
                Err(RpError::Api {
                    status: 409, code, ..
                }) => assert_eq!(code, "digest_sent"),
                Err(e) => panic!("{e:?}"),
            }
        }
        assert_eq!(taken, 1);
        // Whatever was taken is what the phone gets and signs; eight answers at once end the
        // session once, with one usage record.
        let progress = progress_of(&svc, &who, &id, &view).await;
        let completion = phone_signs(&who, &view, &seal_id, &progress);
        let answers = (0..8).map(|_| {
            let http = svc.http.clone();
            let url = format!("{}/v1/scan/{id}/complete", svc.base);
            let token = who.token.clone();
            let body = serde_json::to_value(&completion).expect("json");
            tokio::spawn(async move {
                http.post(url)
                    .bearer_auth(token)
                    .json(&body)
                    .send()
                    .await
                    .expect("send")
                    .status()
                    .as_u16()
            })
        });
        let mut ok = 0;
        for a in answers {
            match a.await.expect("join") {
                200 => ok += 1,
                409 => {}
                other => panic!("status {other}"),
            }
        }
        assert_eq!(ok, 1);
        let usage = super::scan::usage(&svc, &who, "").await;
        let completed = usage["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter(|r| r["session_id"] == id.as_str() && r["outcome"] == "completed")
            .count();
        assert_eq!(completed, 1);
        audit_intact(&svc).await;
    }
}
