//! The demo bidding platform page in a real browser (headless Chromium driven over WebDriver
//! by chromedriver): the test opens the page, clicks 扫码登录 / 签署投标文件 / 开标解密, takes
//! a screenshot of the QR code on the page, decodes it with the core as the phone's camera
//! would, answers through the device core, and waits for the page to show the verified result.

use std::time::Duration;

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

use super::webdriver::{Browser, start_browser};

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
    let Some((_driver, browser)) = start_browser("the browser test", 1000).await else {
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
