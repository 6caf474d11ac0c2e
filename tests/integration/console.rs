//! The reviewer console in a real browser (headless Chromium driven over WebDriver by
//! chromedriver, as in `browser.rs`): the operator makes a reviewer with `mcert reviewer add`,
//! the test computes the TOTP code from the printed secret as an authenticator app would, logs
//! in through the plain HTML form, opens the queue and its history tabs, and logs out.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use mcert_service::config::ServiceConfig;
use mcert_service::reviewers::totp;
use mcert_service::server;
use serde_json::{Value, json};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
const MCERT: &str = env!("CARGO_BIN_EXE_mcert");
const PASSWORD: &str = "审核台 correct horse";

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
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
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

    async fn open(&self, url: &str) {
        self.call(reqwest::Method::POST, "/url", Some(json!({ "url": url })))
            .await;
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

    /// Types into a field, as a person would.
    async fn type_into(&self, css: &str, text: &str) {
        let id = self.element(css).await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{id}/value"),
            Some(json!({ "text": text })),
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

    /// Waits for a page whose path is `path`, and returns its text.
    async fn page(&self, path: &str) -> String {
        let script = format!(
            "return document.readyState === 'complete' && location.pathname === '{path}'
                 ? document.body.innerText : null;"
        );
        self.until(&script, Duration::from_secs(15))
            .await
            .as_str()
            .unwrap_or("")
            .to_string()
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
        eprintln!("chromium/chromedriver not installed: the console browser test is skipped");
        return None;
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port");
    let child = Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver");
    let driver = Driver(child);
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client");
    let started = Instant::now();
    loop {
        let ready = http.get(format!("{base}/status")).send().await.ok();
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
                     "--window-size=1200,1000"]
        }
    }}});
    let v: Value = http
        .post(format!("{base}/session"))
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
    let url = format!("{base}/session/{id}");
    Some((driver, Browser { http, url }))
}

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

/// Fills in the login form and sends it.
async fn log_in(browser: &Browser, username: &str, password: &str, code: &str) {
    browser.type_into("#username", username).await;
    browser.type_into("#password", password).await;
    browser.type_into("#code", code).await;
    browser.click("#submit").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reviewer_logs_in_with_password_and_totp_in_headless_chromium() {
    let Some((_driver, browser)) = start_browser().await else {
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

    // The history tabs.
    for (tab, path_status) in [("#tab-approved", "approved"), ("#tab-rejected", "rejected")] {
        browser.click(tab).await;
        let script = format!(
            "return location.search === '?status={path_status}' && document.readyState === 'complete'
                 ? document.querySelector('.tabs a.active').id : null;"
        );
        let active = browser.until(&script, Duration::from_secs(15)).await;
        assert_eq!(active, format!("tab-{path_status}"));
    }

    // Logging out ends the session: the queue sends the browser back to the login page.
    browser.click("#logout").await;
    browser.page("/console/login").await;
    browser.open(&format!("{base}/console/queue")).await;
    browser.page("/console/login").await;

    let _ = browser.call(reqwest::Method::DELETE, "", None).await;
    running.stop().await.expect("stop");
}
