//! The demo bidding platform page in a real browser (headless Chromium driven over WebDriver
//! by chromedriver): the test opens the page, clicks 扫码登录 / 签署投标文件 / 开标解密, takes
//! a screenshot of the QR code on the page, decodes it with the core as the phone's camera
//! would, answers through the device core, and waits for the page to show the verified result.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use mcert_core::crypto::Algorithm;
use mcert_core::device::envelope::KdfParams;
use mcert_core::device::flows::Device;
use mcert_core::device::keystore::KeyStoreOptions;
use mcert_core::device::secret::KeyringSecretStore;
use mcert_rp::client::RpClient;
use mcert_service::authority::OperatorKey;
use mcert_service::config::ServiceConfig;
use mcert_service::server;
use mcert_test_support::device::{buy_and_install, login_by_sms, verify_by_phone};
use serde_json::{Value, json};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

fn find(names: &[&str]) -> Option<String> {
    names.iter().find_map(|n| {
        Command::new("which")
            .arg(n)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    })
}

/// chromedriver, stopped when dropped.
struct Driver {
    child: Child,
    base: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// A WebDriver session (W3C protocol over HTTP on loopback).
struct Browser {
    http: reqwest::Client,
    url: String,
}

impl Browser {
    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut r = self.http.request(method, format!("{}{path}", self.url));
        if let Some(b) = body {
            r = r.json(&b);
        }
        let v: Value = r
            .send()
            .await
            .expect("webdriver")
            .json()
            .await
            .expect("json");
        assert!(v["value"]["error"].is_null(), "{path}: {v}");
        v["value"].clone()
    }

    async fn element(&self, css: &str) -> String {
        let v = self
            .call(
                reqwest::Method::POST,
                "/element",
                Some(json!({"using": "css selector", "value": css})),
            )
            .await;
        v[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element {css}: {v}"))
            .to_string()
    }

    async fn click(&self, css: &str) {
        let id = self.element(css).await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{id}/click"),
            Some(json!({})),
        )
        .await;
    }

    async fn script(&self, script: &str) -> Value {
        self.call(
            reqwest::Method::POST,
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
        .await
    }

    /// A PNG screenshot of one element.
    async fn screenshot(&self, css: &str) -> Vec<u8> {
        use base64ct::Encoding;
        let id = self.element(css).await;
        let v = self
            .call(
                reqwest::Method::GET,
                &format!("/element/{id}/screenshot"),
                None,
            )
            .await;
        base64ct::Base64::decode_vec(v.as_str().expect("png")).expect("base64")
    }

    /// Waits until the script returns something other than null or false.
    async fn until(&self, script: &str, timeout: Duration) -> Value {
        let started = Instant::now();
        loop {
            let v = self.script(script).await;
            if !v.is_null() && v != Value::Bool(false) {
                return v;
            }
            assert!(
                started.elapsed() < timeout,
                "timed out waiting for {script}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

async fn start_browser() -> Option<(Driver, Browser)> {
    let chromium = find(&["chromium", "chromium-browser", "google-chrome"]);
    let driver = find(&["chromedriver"]);
    let (Some(chromium), Some(driver)) = (chromium, driver) else {
        assert!(
            std::env::var("MCERT_REQUIRE_BROWSER").is_err(),
            "MCERT_REQUIRE_BROWSER is set but chromium or chromedriver is missing"
        );
        eprintln!("chromium/chromedriver not installed: the browser test is skipped");
        return None;
    };
    let port = free_port();
    let child = Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver");
    let driver = Driver {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client");
    let started = Instant::now();
    loop {
        let ready = http
            .get(format!("{}/status", driver.base))
            .send()
            .await
            .ok();
        if let Some(r) = ready
            && let Ok(v) = r.json::<Value>().await
            && v["value"]["ready"] == true
        {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "chromedriver did not start"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let caps = json!({"capabilities": {"alwaysMatch": {
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1000,1000", "--force-device-scale-factor=1"]
        }
    }}});
    let v: Value = http
        .post(format!("{}/session", driver.base))
        .json(&caps)
        .send()
        .await
        .expect("new session")
        .json()
        .await
        .expect("json");
    let id = v["value"]["sessionId"]
        .as_str()
        .unwrap_or_else(|| panic!("no browser session: {v}"))
        .to_string();
    let url = format!("{}/session/{id}", driver.base);
    Some((driver, Browser { http, url }))
}

/// Clicks `button` and waits until the page shows the new session's QR code; returns the
/// verification code on the page and the session id.
async fn show_qr(browser: &Browser, button: &str, previous: &str) -> (Value, String) {
    browser.click(button).await;
    let script = format!(
        "const p = document.getElementById('panel'); const q = document.getElementById('qr');
         const s = p.dataset.session;
         return (s && s !== '{previous}' && q.src.includes(s) && q.complete && q.naturalWidth > 0)
             ? [document.getElementById('code').textContent, s] : null;"
    );
    let v = browser.until(&script, Duration::from_secs(15)).await;
    (v[0].clone(), v[1].as_str().unwrap_or("").to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_platform_page_in_headless_chromium() {
    let Some((_driver, browser)) = start_browser().await else {
        return;
    };
    let data = std::env::temp_dir().join(format!(
        "mcert-browser-{}",
        mcert_core::id::ulid(std::time::SystemTime::now())
            .expect("id")
            .to_lowercase()
    ));
    let config = ServiceConfig {
        listen: "127.0.0.1:0".parse().expect("addr"),
        data_dir: data.join("service"),
        dev: true,
        ..Default::default()
    };
    let running = server::start(&config, &OperatorKey::generate().expect("key"))
        .await
        .expect("start");
    let base = format!("http://{}", running.addr);
    // The development service registered the demo platform and left its key.
    let key = std::fs::read_to_string(
        config
            .data_dir
            .join(mcert_service::server::DEMO_PLATFORM_KEY_FILE),
    )
    .expect("demo platform key");
    let demo = mcert_rp::demo::start(
        RpClient::new(&base, &key).expect("client"),
        "127.0.0.1:0".parse().expect("addr"),
    )
    .await
    .expect("demo platform");

    // The phone with a certificate.
    let secrets = KeyringSecretStore::mock().expect("secrets");
    let options = KeyStoreOptions {
        kdf: KdfParams::INSECURE_TEST,
        ..Default::default()
    };
    let mut phone = Device::open(&data.join("phone"), &base, &secrets, options).expect("device");
    let number = "13512345678";
    login_by_sms(&mut phone, number).await;
    verify_by_phone(&phone, number, "吴九", "110105198505120040").await;
    buy_and_install(&phone, Algorithm::Sm2, "135790").await;

    browser
        .call(
            reqwest::Method::POST,
            "/url",
            Some(json!({"url": format!("http://{}/", demo.addr)})),
        )
        .await;
    let title = browser.script("return document.title").await;
    assert_eq!(title, "mcert 演示招标平台");

    let mut previous = String::new();
    for (button, expected) in [
        ("#login", "登录成功：吴九"),
        ("#sign", "投标文件签名已验证：吴九"),
        ("#decrypt", "开标成功：吴九"),
    ] {
        let (page_code, session) = show_qr(&browser, button, &previous).await;
        previous = session;
        let picture = browser.screenshot("#qr").await;
        let pending = phone
            .scan_image(&picture)
            .await
            .expect("phone reads the page's QR code");
        assert_eq!(
            Value::String(pending.session.verification_code.clone()),
            page_code,
            "the phone shows the code the page shows"
        );
        let serial = pending
            .choices
            .first()
            .expect("a certificate")
            .serial
            .clone();
        phone
            .confirm(&pending, &serial, "135790")
            .await
            .expect("confirm");
        let shown = browser
            .until(
                "const r = document.getElementById('result'); return r.style.display === 'block' ? [r.dataset.verified, r.textContent] : null;",
                Duration::from_secs(20),
            )
            .await;
        assert_eq!(shown[0], "true", "{shown}");
        let text = shown[1].as_str().expect("text");
        assert!(text.contains(expected), "{text}");
        if button == "#decrypt" {
            assert!(text.contains(mcert_rp::demo::BID_TEXT), "{text}");
        }
    }

    // Declined on the phone: the page says so.
    show_qr(&browser, "#login", &previous).await;
    let picture = browser.screenshot("#qr").await;
    let pending = phone.scan_image(&picture).await.expect("scan");
    phone.decline(&pending).await.expect("decline");
    let shown = browser
        .until(
            "const r = document.getElementById('result'); return r.style.display === 'block' ? [r.dataset.verified, r.textContent] : null;",
            Duration::from_secs(20),
        )
        .await;
    assert_eq!(shown[0], "false");
    assert!(
        shown[1].as_str().unwrap_or("").contains("用户已拒绝"),
        "{shown}"
    );

    let _ = browser.call(reqwest::Method::DELETE, "", None).await;
    demo.stop();
    running.stop().await.expect("stop");
    let _ = std::fs::remove_dir_all(&data);
}
