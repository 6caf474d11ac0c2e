//! Two service processes on one PostgreSQL database behave as one service: an order created
//! through one is paid and completed through the other. Runs when `MCERT_TEST_PG_URL` points at
//! a server (the test script starts one).

use std::process::Command;

use mcert_core::device::client::{IdentityRequest, ServiceClient};
use mcert_test_support::{postgres_database, temp_path};

use crate::common::DevServer;

const MCERT: &str = env!("CARGO_BIN_EXE_mcert");

fn serve(database: &str, operator_key: &str, data_dir: &std::path::Path) -> DevServer {
    DevServer::start(data_dir, Some(database), Some(operator_key))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_one_database() {
    let Ok(admin) = std::env::var("MCERT_TEST_PG_URL") else {
        assert!(
            std::env::var("MCERT_REQUIRE_POSTGRES").is_err(),
            "PostgreSQL required"
        );
        eprintln!("MCERT_TEST_PG_URL not set: skipping the scale-out test");
        return;
    };
    let database = postgres_database(&admin, "mcert_scale").await;
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).expect("rng");
    let key = hex::encode(key);
    let dir = temp_path("scale");
    let a = serve(&database, &key, &dir.join("a"));
    let b = serve(&database, &key, &dir.join("b"));
    assert_ne!(a.url, b.url);

    let mut via_a = ServiceClient::new(&a.url).expect("client");
    let phone = "13712345678";
    via_a.request_code(phone).await.expect("code");
    // The development outbox lives in the shared database: B sees what A sent.
    let via_b_anon = ServiceClient::new(&b.url).expect("client");
    let text = via_b_anon
        .dev_outbox(phone)
        .await
        .expect("outbox")
        .remove(0);
    let code: String = text.chars().filter(char::is_ascii_digit).take(6).collect();
    let session = via_a.login(phone, &code).await.expect("login");
    let via_b = ServiceClient::new(&b.url)
        .expect("client")
        .with_token(Some(session.token.clone()));
    assert_eq!(via_b.me().await.expect("me on B").id, session.account.id);
    via_b
        .verify_identity(&IdentityRequest {
            method: mcert_core::wire::Method::Phone,
            name: "王五".into(),
            id_number: "110101199003070011".into(),
            bank_card: None,
            phone: phone.into(),
            face_token: "dev-live-ok".into(),
        })
        .await
        .expect("identity on B");

    // Created through A, paid through B (B's gateway notifies B), completed as seen from A.
    let order = via_a
        .create_order("personal", 1, "scale-1")
        .await
        .expect("order on A");
    assert_eq!(
        via_b
            .create_order("personal", 1, "scale-1")
            .await
            .expect("same key on B")
            .id,
        order.id
    );
    via_b.pay(&order.id).await.expect("pay on B");
    let mut status = String::new();
    for _ in 0..200 {
        status = via_a.order(&order.id).await.expect("order on A").status;
        if status == "completed" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(status, "completed");
    // Both processes use the same CA, created once.
    let root_a = reqwest::get(format!("{}/v1/ca/sm2/root.cer", a.url))
        .await
        .expect("get")
        .bytes()
        .await
        .expect("body");
    let root_b = reqwest::get(format!("{}/v1/ca/sm2/root.cer", b.url))
        .await
        .expect("get")
        .bytes()
        .await
        .expect("body");
    assert_eq!(root_a, root_b);
    drop(a);
    drop(b);
    let out = Command::new(MCERT)
        .args(["audit", "verify", "--database", &database])
        .env("MCERT_LANG", "en")
        .output()
        .expect("audit");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
