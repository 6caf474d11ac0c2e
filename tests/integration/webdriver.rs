//! A WebDriver session (W3C protocol over HTTP on loopback) with chromedriver and headless
//! Chromium, shared by the browser tests.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

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
pub struct Driver {
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
pub struct Browser {
    http: reqwest::Client,
    url: String,
}

impl Browser {
    pub async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
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

    pub async fn element(&self, css: &str) -> String {
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

    pub async fn click(&self, css: &str) {
        let id = self.element(css).await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{id}/click"),
            Some(json!({})),
        )
        .await;
    }

    pub async fn script(&self, script: &str) -> Value {
        self.call(
            reqwest::Method::POST,
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
        .await
    }

    /// A PNG screenshot of one element.
    pub async fn screenshot(&self, css: &str) -> Vec<u8> {
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

    pub async fn open(&self, url: &str) {
        self.call(reqwest::Method::POST, "/url", Some(json!({ "url": url })))
            .await;
    }

    /// Types into a field, as a person would.
    pub async fn type_into(&self, css: &str, text: &str) {
        let id = self.element(css).await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{id}/value"),
            Some(json!({ "text": text })),
        )
        .await;
    }

    /// Waits for a page whose path is `path`, and returns its text.
    pub async fn page(&self, path: &str) -> String {
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

    /// Waits until the script returns something other than null or false.
    pub async fn until(&self, script: &str, timeout: Duration) -> Value {
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

/// chromedriver and a headless Chromium window of `width`×1000, or `None` (with a notice naming
/// `what`) when they are not installed and `MCERT_REQUIRE_BROWSER` is not set.
pub async fn start_browser(what: &str, width: u32) -> Option<(Driver, Browser)> {
    let chromium = find(&["chromium", "chromium-browser", "google-chrome"]);
    let driver = find(&["chromedriver"]);
    let (Some(chromium), Some(driver)) = (chromium, driver) else {
        assert!(
            std::env::var("MCERT_REQUIRE_BROWSER").is_err(),
            "MCERT_REQUIRE_BROWSER is set but chromium or chromedriver is missing"
        );
        eprintln!("chromium/chromedriver not installed: {what} is skipped");
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
                     format!("--window-size={width},1000"), "--force-device-scale-factor=1"]
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
