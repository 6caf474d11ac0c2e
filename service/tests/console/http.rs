//! The console over HTTP: no session → the login page; a POST without the session's CSRF token,
//! with a wrong one, or from another origin → 403; security headers on every answer.

use super::*;
use mcert_service::config::ServiceConfig;
use mcert_service::server;
use mcert_test_support::random_suffix;

pub(super) struct Console {
    pub running: server::Running,
    pub clock: Arc<ManualClock>,
    http: reqwest::Client,
    pub base: String,
}

fn urlencode<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                    char::from(b).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect::<String>()
    };
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k.as_ref()), enc(v.as_ref())))
        .collect::<Vec<_>>()
        .join("&")
}

/// The value of a cookie that a response sets, with its attributes.
pub(super) fn set_cookie(r: &reqwest::Response, name: &str) -> Option<(String, String)> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| {
            let (pair, attrs) = v.split_once(';').unwrap_or((v, ""));
            let value = pair.split_once('=').map(|(_, v)| v).unwrap_or("");
            (value.to_string(), attrs.to_string())
        })
}

/// The CSRF token of the page's first form.
pub(super) fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("a form with a CSRF token") + marker.len();
    html[start..].split('"').next().expect("token").to_string()
}

pub(super) fn assert_security_headers(r: &reqwest::Response) {
    let h = r.headers();
    let get = |k: &str| h.get(k).and_then(|v| v.to_str().ok()).unwrap_or("");
    assert_eq!(
        get("content-security-policy"),
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; object-src 'self'",
        "{}",
        r.url()
    );
    assert_eq!(get("x-frame-options"), "DENY");
    assert_eq!(get("cache-control"), "no-store");
    assert_eq!(get("x-content-type-options"), "nosniff");
}

impl Console {
    pub async fn start(url: &str) -> Console {
        let clock = Arc::new(ManualClock::new(std::time::SystemTime::now()));
        let config = ServiceConfig {
            listen: "127.0.0.1:0".parse().expect("addr"),
            data_dir: std::env::temp_dir().join(format!("mcert-console-{}", random_suffix())),
            database_url: Some(url.to_string()),
            dev: true,
            ..Default::default()
        };
        let running = server::start_with_clock(
            &config,
            &OperatorKey::generate().expect("key"),
            clock.clone(),
        )
        .await
        .expect("start");
        let base = format!("http://{}", running.addr);
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Console {
            running,
            clock,
            http,
            base,
        }
    }

    pub async fn get(&self, path: &str, session: Option<&str>) -> reqwest::Response {
        let mut req = self.http.get(format!("{}{path}", self.base));
        if let Some(s) = session {
            req = req.header("cookie", format!("mcert_console={s}"));
        }
        req.send().await.expect("get")
    }

    /// A form POST with the given cookies and `Origin` (none when `None`).
    pub async fn post<K: AsRef<str>, V: AsRef<str>>(
        &self,
        path: &str,
        form: &[(K, V)],
        cookies: &str,
        origin: Option<&str>,
    ) -> reqwest::Response {
        let mut req = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(urlencode(form));
        if !cookies.is_empty() {
            req = req.header("cookie", cookies);
        }
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        req.send().await.expect("post")
    }

    fn now_secs(&self) -> i64 {
        mcert_core::clock::unix_millis(self.clock.now()) / 1000
    }

    /// Adds a reviewer and logs in through the pages; returns the session token.
    pub async fn log_in(&self, username: &str) -> String {
        let enrolment = self
            .running
            .state
            .reviewers
            .add(&operator(), username, "测试审核员", PASSWORD)
            .await
            .expect("add");
        let secret = totp::base32_decode(&enrolment.secret_base32).expect("base32");
        let page = self.get("/console/login", None).await;
        let (pre, _) = set_cookie(&page, "mcert_console_login").expect("pre-session");
        let csrf = csrf_of(&page.text().await.expect("html"));
        let code = totp::code_at(&secret, self.now_secs());
        let r = self
            .post(
                "/console/login",
                &[
                    ("csrf", csrf.as_str()),
                    ("username", username),
                    ("password", PASSWORD),
                    ("code", code.as_str()),
                ],
                &format!("mcert_console_login={pre}"),
                Some(&self.base),
            )
            .await;
        assert_eq!(r.status(), 303);
        set_cookie(&r, "mcert_console").expect("session").0
    }
}

#[tokio::test]
async fn the_console_refuses_without_session_csrf_or_origin() {
    for db in databases().await {
        let c = Console::start(&db.url).await;
        let enrolment = c
            .running
            .state
            .reviewers
            .add(&operator(), "qian.shen", "钱审", PASSWORD)
            .await
            .expect("add");
        let secret = totp::base32_decode(&enrolment.secret_base32).expect("base32");

        // No session: every page sends the browser to the login page.
        for path in [
            "/console",
            "/console/queue",
            "/console/queue?status=approved",
            "/console/reviews/01ABC",
            "/console/reviews/01ABC/materials/01DEF",
        ] {
            let r = c.get(path, None).await;
            assert!(r.status().is_redirection(), "{path}: {}", r.status());
            assert_security_headers(&r);
            if path != "/console" {
                assert_eq!(r.headers()["location"], "/console/login", "{path}");
            }
        }
        let r = c.get("/console/queue", Some(&"ab".repeat(32))).await;
        assert_eq!(r.headers()["location"], "/console/login");
        let r = c
            .post("/console/logout", &[("csrf", "x")], "", Some(&c.base))
            .await;
        assert_eq!(r.headers()["location"], "/console/login");

        // The login page and its pre-session cookie.
        let page = c.get("/console/login", None).await;
        assert_eq!(page.status(), 200);
        assert_security_headers(&page);
        assert!(
            page.headers()["content-type"]
                .to_str()
                .expect("ascii")
                .starts_with("text/html")
        );
        let (pre, attrs) = set_cookie(&page, "mcert_console_login").expect("pre-session");
        for attr in ["HttpOnly", "SameSite=Strict", "Path=/console"] {
            assert!(attrs.contains(attr), "{attrs}");
        }
        assert!(
            !attrs.contains("Secure"),
            "development mode serves plain HTTP"
        );
        let html = page.text().await.expect("html");
        assert!(html.contains("审核员登录"), "{html}");
        let csrf = csrf_of(&html);
        let pre_cookie = format!("mcert_console_login={pre}");
        let code = totp::code_at(&secret, c.now_secs());
        let login = |csrf: &str| {
            vec![
                ("csrf".to_string(), csrf.to_string()),
                ("username".to_string(), "qian.shen".to_string()),
                ("password".to_string(), PASSWORD.to_string()),
                ("code".to_string(), code.clone()),
            ]
        };
        let no_csrf = login(&csrf)[1..].to_vec();
        let other_site = "http://evil.example";
        let refused = [
            (no_csrf, pre_cookie.as_str(), Some(c.base.as_str())),
            (login("00"), pre_cookie.as_str(), Some(c.base.as_str())),
            (login(&csrf), pre_cookie.as_str(), Some(other_site)),
            (login(&csrf), pre_cookie.as_str(), None),
            (login(&csrf), "", Some(c.base.as_str())),
            (
                login(&csrf),
                "mcert_console_login=another",
                Some(c.base.as_str()),
            ),
        ];
        for (i, (form, cookies, origin)) in refused.iter().enumerate() {
            let r = c.post("/console/login", form, cookies, *origin).await;
            assert_eq!(r.status(), 403, "case {i}");
            assert_security_headers(&r);
        }
        // A Referer of this origin does when the Origin is missing.
        let wrong = wrong_code(&secret, c.now_secs());
        let mut bad = login(&csrf);
        bad[3].1 = wrong;
        let r = c
            .http
            .post(format!("{}/console/login", c.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", &pre_cookie)
            .header("referer", format!("{}/console/login", c.base))
            .body(urlencode(&bad))
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), 401);
        assert!(
            r.text()
                .await
                .expect("html")
                .contains("用户名、密码或动态验证码错误")
        );

        let login_csrf = csrf.clone();
        let r = c
            .post("/console/login", &login(&csrf), &pre_cookie, Some(&c.base))
            .await;
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], "/console/queue");
        let (session, attrs) = set_cookie(&r, "mcert_console").expect("session cookie");
        assert_eq!(session.len(), 64);
        for attr in [
            "HttpOnly",
            "SameSite=Strict",
            "Path=/console",
            "Max-Age=28800",
        ] {
            assert!(attrs.contains(attr), "{attrs}");
        }

        // The queue, with the session's CSRF token in its forms.
        let r = c.get("/console/queue", Some(&session)).await;
        assert_eq!(r.status(), 200);
        assert_security_headers(&r);
        let html = r.text().await.expect("html");
        assert!(html.contains("待审核") && html.contains("已通过") && html.contains("已驳回"));
        assert!(html.contains("钱审"), "{html}");
        let csrf = csrf_of(&html);
        let cookie = format!("mcert_console={session}");
        for status in ["approved", "rejected", "nonsense"] {
            let r = c
                .get(&format!("/console/queue?status={status}"), Some(&session))
                .await;
            assert_eq!(r.status(), 200, "{status}");
        }

        // POSTs of the session: CSRF missing, wrong, or from elsewhere → 403.
        for path in [
            "/console/reviews/01ABC/approve",
            "/console/reviews/01ABC/reject",
            "/console/logout",
        ] {
            for (form, origin) in [
                (vec![("other", String::new())], Some(c.base.as_str())),
                (vec![("csrf", "0".repeat(64))], Some(c.base.as_str())),
                (vec![("csrf", csrf.clone())], Some(other_site)),
                (vec![("csrf", csrf.clone())], None),
            ] {
                let r = c.post(path, &form, &cookie, origin).await;
                assert_eq!(r.status(), 403, "{path} {form:?} {origin:?}");
                assert_security_headers(&r);
            }
        }
        // The login page's token is not the session's, nor is another session's.
        let r = c
            .post(
                "/console/logout",
                &[("csrf", &login_csrf)],
                &cookie,
                Some(&c.base),
            )
            .await;
        assert_eq!(r.status(), 403, "the login form's token");
        let session = c.log_in("sun.shen").await;
        let cookie = format!("mcert_console={session}");
        let r = c
            .post(
                "/console/logout",
                &[("csrf", &csrf)],
                &cookie,
                Some(&c.base),
            )
            .await;
        assert_eq!(r.status(), 403, "another session's token");

        // Unknown items and materials: 404 pages with the same headers.
        for path in [
            "/console/reviews/01NOSUCHREVIEW",
            "/console/reviews/01NOSUCHREVIEW/materials/01NOSUCHUPLOAD",
            "/console/no/such/page",
        ] {
            let r = c.get(path, Some(&session)).await;
            assert_eq!(r.status(), 404, "{path}");
            assert_security_headers(&r);
        }
        let css = c.get("/console/static/console.css", None).await;
        assert_eq!(css.status(), 200);
        assert!(
            css.headers()["content-type"]
                .to_str()
                .expect("ascii")
                .starts_with("text/css")
        );

        // Logout ends the session.
        let html = c
            .get("/console/queue", Some(&session))
            .await
            .text()
            .await
            .expect("html");
        let r = c
            .post(
                "/console/logout",
                &[("csrf", &csrf_of(&html))],
                &cookie,
                Some(&c.base),
            )
            .await;
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], "/console/login");
        let r = c.get("/console/queue", Some(&session)).await;
        assert_eq!(r.headers()["location"], "/console/login");
        c.running.stop().await.expect("stop");
    }
}

#[tokio::test]
async fn one_address_may_try_the_login_only_so_often() {
    for db in databases().await {
        let c = Console::start(&db.url).await;
        let page = c.get("/console/login", None).await;
        let (pre, _) = set_cookie(&page, "mcert_console_login").expect("pre-session");
        let csrf = csrf_of(&page.text().await.expect("html"));
        let cookies = format!("mcert_console_login={pre}");
        let attempt = |n: usize| {
            let (csrf, cookies) = (csrf.clone(), cookies.clone());
            let c = &c;
            async move {
                let user = format!("nobody{n}");
                c.post(
                    "/console/login",
                    &[
                        ("csrf", csrf.as_str()),
                        ("username", user.as_str()),
                        ("password", "x"),
                        ("code", "000000"),
                    ],
                    &cookies,
                    Some(&c.base),
                )
                .await
                .status()
            }
        };
        // Different usernames each time: the per-reviewer lock never applies, the address
        // limit does.
        for n in 0..60 {
            assert_eq!(attempt(n).await, 401, "attempt {n}");
        }
        let r = attempt(60).await;
        assert_eq!(r, 429);
        // An hour later the address may try again.
        c.clock.advance(Duration::from_secs(3601));
        assert_eq!(attempt(61).await, 401);
        c.running.stop().await.expect("stop");
    }
}

#[tokio::test]
async fn operators_resolve_exceptional_transfers_in_the_console() {
    for db in databases().await {
        let c = Console::start(&db.url).await;
        let session = c.log_in("sun.caiwu").await;
        // A transfer to a receiving account nobody has.
        let gateway =
            mcert_service::authz::policy::gateway(&Actor::Gateway("bank".into())).expect("gateway");
        let note = mcert_service::billing::BankNote {
            bank_ref: "U-1".into(),
            account_no: "02000009191234567890".into(),
            amount_fen: 12_345,
            currency: "CNY".into(),
            payer_name: Some("某某公司".into()),
            payer_account: None,
            booked_on: Some("2026-12-02".into()),
            remittance: None,
        };
        let outcome = c
            .running
            .state
            .orders
            .bank_notified(&gateway, &note.into_transfer().expect("transfer"))
            .await
            .expect("notified");
        assert_eq!(outcome.as_str(), "unmatched");
        let r = c.get("/console/transfers", Some(&session)).await;
        assert_eq!(r.status(), 200);
        assert_security_headers(&r);
        let html = r.text().await.expect("html");
        assert!(
            html.contains("U-1") && html.contains("123.45") && html.contains("未匹配"),
            "{html}"
        );
        let id = html
            .split("data-id=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("row id")
            .to_string();
        let csrf = csrf_of(&html);
        let cookies = format!("mcert_console={session}");
        // Counting it toward an order that does not exist is refused on the page.
        let r = c
            .post(
                &format!("/console/transfers/{id}/resolve"),
                &[
                    ("csrf", csrf.as_str()),
                    ("action", "apply"),
                    ("order_id", "01NOPE"),
                ],
                &cookies,
                Some(&c.base),
            )
            .await;
        assert_eq!(r.status(), 409);
        assert!(r.text().await.expect("html").contains("不能这样处理"));
        // Without the CSRF token: refused.
        let r = c
            .post(
                &format!("/console/transfers/{id}/resolve"),
                &[("csrf", "x"), ("action", "refunded")],
                &cookies,
                Some(&c.base),
            )
            .await;
        assert_eq!(r.status(), 403);
        let r = c
            .post(
                &format!("/console/transfers/{id}/resolve"),
                &[("csrf", csrf.as_str()), ("action", "refunded")],
                &cookies,
                Some(&c.base),
            )
            .await;
        assert_eq!(r.status(), 303);
        let html = c
            .get("/console/transfers", Some(&session))
            .await
            .text()
            .await
            .expect("html");
        assert!(html.contains("没有待处理的到账"), "{html}");
        c.running.stop().await.expect("stop");
    }
}

/// The certificate's life in the console: the revoked certificates with their reason and who
/// revoked them, searchable by serial (a bad serial is refused with a message), and the
/// judicial recoveries of escrowed keys; both only for a logged-in reviewer.
#[tokio::test]
async fn the_console_shows_revocations_and_key_recoveries() {
    use mcert_core::crypto::name::SubjectName;
    use mcert_core::crypto::revocation::RevocationReason;
    use mcert_core::crypto::{Algorithm, x509};
    use mcert_service::authority::IssueRequest;
    for db in databases().await {
        let c = Console::start(&db.url).await;
        for path in ["/console/certificates", "/console/key-recoveries"] {
            let r = c.get(path, None).await;
            assert_eq!(r.headers()["location"], "/console/login", "{path}");
        }
        let session = c.log_in("zhou.shenhe").await;
        let r = c.get("/console/key-recoveries", Some(&session)).await;
        assert_eq!(r.status(), 200);
        assert!(r.text().await.expect("html").contains("没有恢复记录"));
        let authority = &c.running.state.authority;
        let mut serials = Vec::new();
        for (name, reason) in [
            ("甲某", RevocationReason::KeyCompromise),
            ("乙某", RevocationReason::Superseded),
        ] {
            let (_, csr) = mcert_test_support::device_csr(Algorithm::Sm2);
            let issued = authority
                .issue(IssueRequest {
                    csr: &csr,
                    subject: SubjectName {
                        country: Some("CN".into()),
                        common_name: Some(name.into()),
                        ..Default::default()
                    },
                    profile: x509::Profile::PersonalLeaf,
                    validity: Duration::from_secs(86_400),
                    entitlement_id: None,
                    actor: "account:test",
                })
                .await
                .expect("issued");
            authority
                .revoke(&issued.serial, reason, "operator:ca")
                .await
                .expect("revoked");
            serials.push(issued.serial);
        }
        let r = c.get("/console/certificates", Some(&session)).await;
        assert_eq!(r.status(), 200);
        assert_security_headers(&r);
        let html = r.text().await.expect("html");
        for (serial, label) in serials.iter().zip(["密钥泄露（挂失）", "已被新证书取代"])
        {
            assert!(
                html.contains(serial.as_str()) && html.contains(label),
                "{html}"
            );
        }
        assert!(
            html.contains("operator:ca") && html.contains("甲某"),
            "{html}"
        );
        let prefix = &serials[1][..8].to_ascii_lowercase();
        let html = c
            .get(
                &format!("/console/certificates?serial={prefix}"),
                Some(&session),
            )
            .await
            .text()
            .await
            .expect("html");
        assert!(
            html.contains(serials[1].as_str()) && !html.contains(serials[0].as_str()),
            "{html}"
        );
        let r = c
            .get("/console/certificates?serial=%3Cscript%3E", Some(&session))
            .await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.expect("html");
        assert!(
            html.contains("十六进制") && !html.contains("<script>"),
            "{html}"
        );

        // A recovery on record (made by `mcert keys recover`, tested with the key escrow).
        let pool = c.running.state.store.pool();
        sqlx::query(
            "INSERT INTO escrowed_keys (id, entitlement_id, algorithm, public_key, key_sealed, created_at)
             VALUES ('k1', 'e1', 'sm2', $1, $1, 1)",
        )
        .bind(vec![4u8; 65])
        .execute(pool)
        .await
        .expect("key");
        sqlx::query(
            "INSERT INTO key_recoveries (id, key_id, encryption_serial, case_reference, operator, first_approver,
                 second_approver, recipient_serial, recipient_subject, created_at)
             VALUES ('r1', 'k1', 'AB12', '（2026）青01刑初12号', 'operator:ca', 'reviewer:wang', 'reviewer:li',
                 'CD34', 'CN=某市公安局电子数据取证中心', 1764700000000)",
        )
        .execute(pool)
        .await
        .expect("recovery");
        let html = c
            .get("/console/key-recoveries", Some(&session))
            .await
            .text()
            .await
            .expect("html");
        for expected in [
            "（2026）青01刑初12号",
            "reviewer:wang、reviewer:li",
            "取证中心（CD34）",
            "AB12",
        ] {
            assert!(html.contains(expected), "{expected}: {html}");
        }
        c.running.stop().await.expect("stop");
    }
}
