//! The reviewer console in a real browser (headless Chromium driven over WebDriver by
//! chromedriver, as in `browser.rs`): the operator makes a reviewer with `mcert reviewer add`,
//! the test computes the TOTP code from the printed secret as an authenticator app would, logs
//! in through the plain HTML form; an organisation (set up through the phone API) submits its
//! CA authorisation letter, which the reviewer approves in the browser, then applies for
//! certificates, which the reviewer rejects with a preset reason; the organisation sees both
//! decisions; the history tabs list them; logout ends the session.

use std::process::{Command, Stdio};
use std::time::Duration;

use mcert_service::config::ServiceConfig;
use mcert_service::reviewers::totp;
use mcert_service::server;
use serde_json::{Value, json};

use super::webdriver::{Browser, start_browser};

const MCERT: &str = env!("CARGO_BIN_EXE_mcert");
const PASSWORD: &str = "审核台 correct horse";

/// `mcert reviewer add` as the operator runs it; returns the TOTP secret it printed.
fn add_reviewer(data_dir: &std::path::Path, username: &str, name: &str) -> Vec<u8> {
    use std::io::Write;
    let dir = data_dir.display().to_string();
    let mut child = Command::new(MCERT)
        .args([
            "reviewer",
            "add",
            username,
            "--name",
            name,
            "--password-stdin",
        ])
        .args(["--data-dir", &dir, "--dev"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("mcert reviewer add");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{PASSWORD}\n").as_bytes())
        .expect("password");
    let out = child.wait_with_output().expect("wait");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains(&format!("otpauth_uri=otpauth://totp/mcert:{username}?")));
    let secret = stdout
        .lines()
        .find_map(|l| l.strip_prefix("totp_secret="))
        .expect("the secret is printed");
    totp::base32_decode(secret).expect("base32")
}

fn now_secs() -> i64 {
    mcert_core::clock::unix_millis(std::time::SystemTime::now()) / 1000
}

/// The phone API as an organisation's admin uses it (development SMS outbox and identity).
struct Applicant {
    http: reqwest::Client,
    base: String,
    token: String,
    org_id: String,
}

impl Applicant {
    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if !self.token.is_empty() {
            req = req.bearer_auth(&self.token);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.expect("send");
        let status = r.status();
        let v: Value = r.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "{path}: {status} {v}");
        v
    }

    /// A user logged in by SMS, verified by name, who registers an organisation.
    async fn register(base: &str, phone: &str) -> Applicant {
        let mut a = Applicant {
            http: reqwest::Client::new(),
            base: base.to_string(),
            token: String::new(),
            org_id: String::new(),
        };
        let post = reqwest::Method::POST;
        a.call(
            post.clone(),
            "/v1/auth/sms-code",
            Some(json!({ "phone": phone })),
        )
        .await;
        let outbox = a
            .call(
                reqwest::Method::GET,
                &format!("/v1/dev/sms-outbox?phone={phone}"),
                None,
            )
            .await;
        let code: String = outbox["items"][0]
            .as_str()
            .expect("text")
            .chars()
            .filter(char::is_ascii_digit)
            .take(6)
            .collect();
        let session = a
            .call(
                post.clone(),
                "/v1/auth/login",
                Some(json!({"phone": phone, "code": code})),
            )
            .await;
        a.token = session["token"].as_str().expect("token").to_string();
        a.call(
            post.clone(),
            "/v1/identity/verify",
            Some(
                json!({"method": "phone", "name": "冯经理", "id_number": "110101198001010010",
                "phone": phone, "face_token": "dev-live-ok"}),
            ),
        )
        .await;
        let org = a
            .call(
                post,
                "/v1/orgs",
                Some(
                    json!({"name": "青海浏览器测试有限公司", "credit_code": "91110108MA01ABCD1E",
                    "legal_rep_name": "王总", "legal_rep_id_number": "110101197511110041",
                    "applicant_relation": "agent"}),
                ),
            )
            .await;
        a.org_id = org["id"].as_str().expect("id").to_string();
        a
    }

    async fn upload(&self, purpose: &str, bytes: Vec<u8>) -> String {
        let r = self
            .http
            .post(format!(
                "{}/v1/orgs/{}/uploads?purpose={purpose}",
                self.base, self.org_id
            ))
            .bearer_auth(&self.token)
            .header("content-type", "application/octet-stream")
            .body(bytes)
            .send()
            .await
            .expect("upload");
        assert_eq!(r.status(), 201);
        let v: Value = r.json().await.expect("json");
        v["id"].as_str().expect("id").to_string()
    }
}

/// A one-page PDF (the scanned, stamped letter).
fn small_pdf() -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] >>",
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(b"xref\n0 4\n0000000000 65535 f \n");
    for o in offsets {
        pdf.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!("trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
    );
    pdf
}

/// Opens the first item of the pending queue; returns its review id.
async fn open_first_pending(browser: &Browser, base: &str) -> String {
    browser.open(&format!("{base}/console/queue")).await;
    browser.page("/console/queue").await;
    let id = browser
        .script(
            "const r = document.querySelector('#queue tbody tr'); return r ? r.dataset.id : null;",
        )
        .await;
    let id = id.as_str().expect("a pending item").to_string();
    browser.click("#queue tbody tr a.open").await;
    browser.page(&format!("/console/reviews/{id}")).await;
    id
}

/// Waits for the item page to show the decision; returns [status, decided by, reason].
async fn decision(browser: &Browser, id: &str) -> Value {
    let script = format!(
        "const s = document.getElementById('status');
         return location.pathname === '/console/reviews/{id}' && document.readyState === 'complete'
             && s && s.dataset.status !== 'pending' && document.getElementById('decided-by')
             ? [s.dataset.status, document.getElementById('decided-by').textContent,
                (document.getElementById('reason') || {{textContent: ''}}).textContent]
             : null;"
    );
    browser.until(&script, Duration::from_secs(15)).await
}

/// Fills in the login form and sends it.
async fn log_in(browser: &Browser, username: &str, password: &str, code: &str) {
    browser.type_into("#username", username).await;
    browser.type_into("#password", password).await;
    browser.type_into("#code", code).await;
    browser.click("#submit").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reviewer_logs_in_with_password_and_totp_in_headless_chromium() {
    let Some((_driver, browser)) = start_browser("the console browser test", 1200).await else {
        return;
    };
    let data = mcert_test_support::TempDir::new("console-browser");
    let config = ServiceConfig {
        listen: "127.0.0.1:0".parse().expect("addr"),
        data_dir: data.0.join("service"),
        dev: true,
        ..Default::default()
    };
    // The operator's command and the service share the data folder and its operator key.
    let secret = add_reviewer(&config.data_dir, "zheng.shen", "郑审");
    let key = server::operator_key(&config).expect("operator key");
    let running = server::start(&config, &key).await.expect("start");
    let base = format!("http://{}", running.addr);

    // Without a session the console sends the browser to the login page.
    browser.open(&format!("{base}/console/queue")).await;
    let text = browser.page("/console/login").await;
    assert!(text.contains("审核员登录"), "{text}");

    // A wrong code: the form comes back with the reason, and no session.
    let wrong = (0u32..)
        .map(|n| format!("{:06}", (n * 7919) % 1_000_000))
        .find(|c| totp::matching_step(&secret, c, now_secs()).is_none())
        .expect("a wrong code");
    log_in(&browser, "zheng.shen", PASSWORD, &wrong).await;
    let text = browser
        .until(
            "const e = document.getElementById('error'); return e ? e.textContent : null;",
            Duration::from_secs(15),
        )
        .await;
    assert_eq!(text, "用户名、密码或动态验证码错误");

    // The right password and the code of the moment.
    browser.open(&format!("{base}/console/login")).await;
    browser.page("/console/login").await;
    log_in(
        &browser,
        "zheng.shen",
        PASSWORD,
        &totp::code_at(&secret, now_secs()),
    )
    .await;
    let text = browser.page("/console/queue").await;
    assert!(text.contains("审核队列"), "{text}");
    assert!(text.contains("郑审（zheng.shen）"), "{text}");
    // The session cookie is not for scripts.
    assert_eq!(browser.script("return document.cookie").await, "");
    let active = browser
        .script("return document.querySelector('.tabs a.active').id")
        .await;
    assert_eq!(active, "tab-pending");

    // The organisation's CA authorisation letter: approved in the browser.
    let org = Applicant::register(&base, "13900000009").await;
    let letter = org.upload("authorisation_letter", small_pdf()).await;
    org.call(
        reqwest::Method::POST,
        &format!("/v1/orgs/{}/authorisation/letter", org.org_id),
        Some(json!({ "upload_id": letter })),
    )
    .await;
    let review = open_first_pending(&browser, &base).await;
    let text = browser.page(&format!("/console/reviews/{review}")).await;
    assert!(
        text.contains("CA 授权书") && text.contains("青海浏览器测试有限公司"),
        "{text}"
    );
    let framed = browser
        .script("const f = document.querySelector('.material iframe'); return f ? f.getAttribute('src') : null;")
        .await;
    assert_eq!(
        framed,
        format!("/console/reviews/{review}/materials/{letter}")
    );
    browser.click("#approve").await;
    let shown = decision(&browser, &review).await;
    assert_eq!(shown[0], "approved", "{shown}");
    assert_eq!(shown[1], "郑审（zheng.shen）", "{shown}");
    let seen = org
        .call(
            reqwest::Method::GET,
            &format!("/v1/orgs/{}", org.org_id),
            None,
        )
        .await;
    assert_eq!(seen["authorisation"]["status"], "approved", "{seen}");

    // The application with a licence photo: rejected with a preset reason and a note.
    let png = mcert_core::device::qr::encode_png("营业执照", 4).expect("png");
    let licence = org.upload("business_licence", png).await;
    let order = org
        .call(
            reqwest::Method::POST,
            "/v1/orders",
            Some(
                json!({"product_id": "org-package", "years": 1, "org_id": org.org_id,
                "materials": [licence]}),
            ),
        )
        .await;
    let order_id = order["id"].as_str().expect("order id").to_string();
    let application = open_first_pending(&browser, &base).await;
    assert_ne!(application, review);
    let photo = browser
        .until(
            "const i = document.querySelector('.material img');
             return i && i.complete && i.naturalWidth > 0 ? i.naturalWidth : null;",
            Duration::from_secs(15),
        )
        .await;
    assert!(
        photo.as_u64().unwrap_or(0) > 0,
        "the licence photo shows: {photo}"
    );
    browser
        .click("#preset option[value='review-reason-missing-stamp']")
        .await;
    browser
        .type_into("#reason-text", "请加盖公章后重新上传")
        .await;
    browser.click("#reject").await;
    let shown = decision(&browser, &application).await;
    let reason = "授权书未加盖单位公章：请加盖公章后重新上传";
    assert_eq!(shown[0], "rejected", "{shown}");
    assert_eq!(shown[2], reason, "{shown}");
    let seen = org
        .call(
            reqwest::Method::GET,
            &format!("/v1/orders/{order_id}"),
            None,
        )
        .await;
    assert_eq!(seen["status"], "rejected", "{seen}");
    assert_eq!(seen["reject_reason"], reason, "{seen}");

    // The history tabs list each decision; the pending queue is empty.
    browser.open(&format!("{base}/console/queue")).await;
    let text = browser.page("/console/queue").await;
    assert!(text.contains("暂无记录"), "{text}");
    for (tab, status, id) in [
        ("#tab-approved", "approved", &review),
        ("#tab-rejected", "rejected", &application),
    ] {
        browser.click(tab).await;
        let script = format!(
            "return location.search === '?status={status}' && document.readyState === 'complete'
                 ? [document.querySelector('.tabs a.active').id,
                    Array.from(document.querySelectorAll('#queue tbody tr')).map(r => r.dataset.id)]
                 : null;"
        );
        let shown = browser.until(&script, Duration::from_secs(15)).await;
        assert_eq!(shown[0], format!("tab-{status}"));
        assert_eq!(shown[1], json!([id]), "{shown}");
    }

    // The certificate's life, read-only: revocations (searched by serial) and key recoveries.
    browser.click("nav a[href='/console/certificates']").await;
    let text = browser.page("/console/certificates").await;
    assert!(text.contains("没有已注销的证书"), "{text}");
    browser
        .type_into("#search input[name='serial']", "not-hex")
        .await;
    browser.click("#search button").await;
    let notice = browser
        .until(
            "return document.querySelector('#notice') ? document.querySelector('#notice').textContent : null;",
            Duration::from_secs(15),
        )
        .await;
    assert!(
        notice.as_str().is_some_and(|t| t.contains("十六进制")),
        "{notice}"
    );
    browser.click("nav a[href='/console/key-recoveries']").await;
    let text = browser.page("/console/key-recoveries").await;
    assert!(text.contains("没有恢复记录"), "{text}");

    // Logging out ends the session: the queue sends the browser back to the login page.
    browser.click("#logout").await;
    browser.page("/console/login").await;
    browser.open(&format!("{base}/console/queue")).await;
    browser.page("/console/login").await;

    let _ = browser.call(reqwest::Method::DELETE, "", None).await;
    running.stop().await.expect("stop");
}

/// `mcert reviewer list` and `disable`: the operator sees who may review and takes it back.
#[test]
fn the_operator_lists_and_disables_reviewers() {
    let data = mcert_test_support::TempDir::new("console-cli");
    let dir = data.0.join("service");
    add_reviewer(&dir, "chen.shen", "陈审");
    let run = |args: &[&str]| {
        let out = Command::new(MCERT)
            .args(["reviewer"])
            .args(args)
            .args(["--data-dir", &dir.display().to_string(), "--dev"])
            .env("MCERT_LANG", "zh-CN")
            .output()
            .expect("mcert reviewer");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, listed, _) = run(&["list"]);
    assert_eq!(code, Some(0));
    assert!(listed.starts_with("chen.shen\t陈审\t正常\t"), "{listed}");
    let (code, _, said) = run(&["disable", "chen.shen"]);
    assert_eq!(code, Some(0));
    assert!(said.contains("已停用"), "{said}");
    let (_, listed, _) = run(&["list"]);
    assert!(listed.starts_with("chen.shen\t陈审\t已停用\t"), "{listed}");
    let (code, _, said) = run(&["disable", "chen.shen"]);
    assert_eq!(code, Some(2), "{said}");
    let (code, _, said) = run(&["add", "Bad Name", "--name", "x"]);
    assert_eq!(code, Some(2), "{said}");
}
