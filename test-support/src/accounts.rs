//! Accounts and paid orders over the service's HTTP API, for benchmarks and tests that drive a
//! development service (SMS codes read from its development outbox).

use mcert_service::authz::{Actor, policy};
use mcert_service::billing::{Notification, Orders};
use serde_json::{Value, json};

/// POSTs `body` as JSON (with `token` as bearer); asserts success and returns the JSON answer.
pub async fn post(http: &reqwest::Client, url: String, token: Option<&str>, body: Value) -> Value {
    let mut req = http.post(url).json(&body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let r = req.send().await.expect("send");
    assert!(r.status().is_success(), "{}", r.status());
    r.json().await.unwrap_or(Value::Null)
}

/// GETs `url` (with `token` as bearer) and returns the JSON answer.
pub async fn get(http: &reqwest::Client, url: String, token: Option<&str>) -> Value {
    let mut req = http.get(url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.expect("get").json().await.expect("json")
}

/// Logs `phone` in through the development SMS outbox and verifies its real name; returns the
/// token and the account id.
pub async fn verified_account(
    http: &reqwest::Client,
    base: &str,
    phone: &str,
    id_number: &str,
) -> (String, String) {
    post(
        http,
        format!("{base}/v1/auth/sms-code"),
        None,
        json!({"phone": phone}),
    )
    .await;
    let outbox = get(
        http,
        format!("{base}/v1/dev/sms-outbox?phone={phone}"),
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
    let session = post(
        http,
        format!("{base}/v1/auth/login"),
        None,
        json!({"phone": phone, "code": code}),
    )
    .await;
    let token = session["token"].as_str().expect("token").to_string();
    post(
        http,
        format!("{base}/v1/identity/verify"),
        Some(&token),
        json!({"method": "phone", "name": "压测", "id_number": id_number, "phone": phone, "face_token": "dev-live-ok"}),
    )
    .await;
    let account = session["account"]["id"].as_str().expect("id").to_string();
    (token, account)
}

/// A paid personal-certificate order of `account`, paid directly as the gateway would (outside
/// the timing); `n` makes the gateway transaction id unique.
pub async fn paid_order(orders: &Orders, account: &str, n: usize) {
    let owner = policy::own_account(&Actor::Account(account.to_string())).expect("grant");
    let order = orders
        .create(&owner, "personal", 1, None)
        .await
        .expect("order");
    orders
        .apply_payment(
            &policy::gateway(&Actor::Gateway("bench".into())).expect("grant"),
            &Notification {
                order_id: order.id,
                transaction_id: format!("bench-{n}"),
                amount_fen: order.amount_fen,
                currency: order.currency,
            },
        )
        .await
        .expect("paid");
}
