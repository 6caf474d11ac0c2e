//! Reviewer accounts: password and TOTP together, codes used once, the lock claimed in the
//! database under many parallel guesses, session expiry, disabling; on every engine.

use super::*;

fn at(clock: &ManualClock) -> i64 {
    mcert_core::clock::unix_millis(clock.now()) / 1000
}

#[tokio::test]
async fn a_login_needs_the_password_and_a_code_not_used_before() {
    for db in databases().await {
        let (reviewers, clock, store) = reviewers(&db.url).await;
        let enrolment = reviewers
            .add(&operator(), "li.shen", "李审", PASSWORD)
            .await
            .expect("add");
        assert!(
            enrolment
                .otpauth_uri
                .starts_with("otpauth://totp/mcert:li.shen?secret="),
            "{}",
            *enrolment.otpauth_uri
        );
        assert!(!format!("{enrolment:?}").contains(enrolment.secret_base32.as_str()));
        let secret = totp::base32_decode(&enrolment.secret_base32).expect("base32");
        assert_eq!(secret.len(), totp::SECRET_LEN);
        // The secret is stored sealed, never in the clear.
        let stored: Vec<u8> = sqlx::query_scalar("SELECT totp_sealed FROM reviewers")
            .fetch_one(store.pool())
            .await
            .expect("row");
        assert!(!stored.windows(secret.len()).any(|w| w == secret.as_slice()));
        let phc: String = sqlx::query_scalar("SELECT password_hash FROM reviewers")
            .fetch_one(store.pool())
            .await
            .expect("row");
        assert!(phc.starts_with("$argon2id$"), "{phc}");
        assert!(matches!(
            reviewers
                .add(&operator(), "li.shen", "另一个", PASSWORD)
                .await,
            Err(ReviewerError::UsernameTaken)
        ));
        assert!(matches!(
            reviewers
                .add(&operator(), "Li Shen", "李审", PASSWORD)
                .await,
            Err(ReviewerError::BadUsername)
        ));
        assert!(matches!(
            reviewers.add(&operator(), "wang", "王", "short").await,
            Err(ReviewerError::WeakPassword)
        ));

        let code = totp::code_at(&secret, at(&clock));
        let wrong = wrong_code(&secret, at(&clock));
        for (password, code) in [
            ("wrong password!", code.as_str()),
            (PASSWORD, wrong.as_str()),
            (PASSWORD, ""),
        ] {
            assert!(matches!(
                reviewers.login("li.shen", password, code).await,
                Err(ReviewerError::BadCredentials)
            ));
        }
        assert!(matches!(
            reviewers.login("nobody", PASSWORD, &code).await,
            Err(ReviewerError::BadCredentials)
        ));
        let login = reviewers
            .login("li.shen", PASSWORD, &code)
            .await
            .expect("login");
        assert_eq!(login.token.len(), 64);
        assert!(!format!("{login:?}").contains(login.token.as_str()));
        // The same code again: refused, even within its 30 seconds.
        assert!(matches!(
            reviewers.login("li.shen", PASSWORD, &code).await,
            Err(ReviewerError::BadCredentials)
        ));
        // The previous step's code is still in the window, but older than the one used.
        let previous = totp::code_for_step(&secret, totp::step_of(at(&clock)) - 1);
        assert!(matches!(
            reviewers.login("li.shen", PASSWORD, &previous).await,
            Err(ReviewerError::BadCredentials)
        ));
        // The next step's code is accepted (a phone a little ahead), and then the current
        // step's one no longer is.
        let next = totp::code_for_step(&secret, totp::step_of(at(&clock)) + 1);
        let second = reviewers
            .login("li.shen", PASSWORD, &next)
            .await
            .expect("next step");
        clock.advance(Duration::from_secs(30));
        assert!(matches!(
            reviewers
                .login("li.shen", PASSWORD, &totp::code_at(&secret, at(&clock)))
                .await,
            Err(ReviewerError::BadCredentials)
        ));
        clock.advance(Duration::from_secs(30));

        // Sessions: the token finds the reviewer; 30 minutes unused end it.
        let s = reviewers.authenticate(&login.token).await.expect("live");
        assert_eq!(s.reviewer.username, "li.shen");
        assert_eq!(s.reviewer.display_name, "李审");
        clock.advance(Duration::from_secs(29 * 60));
        reviewers
            .authenticate(&login.token)
            .await
            .expect("used within 30 minutes");
        clock.advance(Duration::from_secs(31 * 60));
        assert!(matches!(
            reviewers.authenticate(&login.token).await,
            Err(ReviewerError::Unauthorized)
        ));
        // Used every 20 minutes, a session still ends 8 hours after login.
        let code = totp::code_at(&secret, at(&clock));
        let busy = reviewers
            .login("li.shen", PASSWORD, &code)
            .await
            .expect("login");
        for _ in 0..23 {
            clock.advance(Duration::from_secs(20 * 60));
            reviewers.authenticate(&busy.token).await.expect("live");
        }
        clock.advance(Duration::from_secs(20 * 60));
        assert!(matches!(
            reviewers.authenticate(&busy.token).await,
            Err(ReviewerError::Unauthorized)
        ));
        assert!(matches!(
            reviewers.authenticate("not a token").await,
            Err(ReviewerError::Unauthorized)
        ));

        // Logout ends a session once.
        clock.advance(Duration::from_secs(60));
        let code = totp::code_at(&secret, at(&clock));
        let third = reviewers
            .login("li.shen", PASSWORD, &code)
            .await
            .expect("login");
        reviewers.logout(&third.token).await.expect("logout");
        assert!(reviewers.authenticate(&third.token).await.is_err());
        assert!(reviewers.logout(&third.token).await.is_err());

        // Disabling ends every session and refuses logins.
        clock.advance(Duration::from_secs(60));
        let code = totp::code_at(&secret, at(&clock));
        let fourth = reviewers
            .login("li.shen", PASSWORD, &code)
            .await
            .expect("login");
        reviewers
            .disable(&operator(), "li.shen")
            .await
            .expect("disable");
        assert!(reviewers.authenticate(&fourth.token).await.is_err());
        assert!(reviewers.authenticate(&second.token).await.is_err());
        clock.advance(Duration::from_secs(60));
        let code = totp::code_at(&secret, at(&clock));
        assert!(matches!(
            reviewers.login("li.shen", PASSWORD, &code).await,
            Err(ReviewerError::BadCredentials)
        ));
        assert!(matches!(
            reviewers.disable(&operator(), "li.shen").await,
            Err(ReviewerError::UnknownReviewer)
        ));
        let listed = reviewers.list(&operator()).await.expect("list");
        assert_eq!(listed.len(), 1);
        assert!(listed[0].disabled);

        // Audited, and the chain holds.
        let actions = audit_actions(&store).await;
        for action in [
            "reviewer.added",
            "reviewer.login",
            "reviewer.login_failed",
            "reviewer.logout",
            "reviewer.disabled",
        ] {
            assert!(actions.iter().any(|a| a == action), "{action}: {actions:?}");
        }
        assert_eq!(
            audit::verify(&store).await.expect("verify").first_broken,
            None
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_parallel_guesses_compare_at_most_five_then_lock() {
    for db in databases().await {
        let (reviewers, clock, store) = reviewers(&db.url).await;
        let enrolment = reviewers
            .add(&operator(), "zhao.shen", "赵审", PASSWORD)
            .await
            .expect("add");
        let secret = totp::base32_decode(&enrolment.secret_base32).expect("base32");
        let code = totp::code_at(&secret, at(&clock));
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..50 {
            let r = reviewers.clone();
            let code = code.clone();
            tasks.spawn(async move {
                r.login("zhao.shen", &format!("guess number {i}"), &code)
                    .await
            });
        }
        let (mut wrong, mut locked) = (0, 0);
        while let Some(done) = tasks.join_next().await {
            match done.expect("task") {
                Err(ReviewerError::BadCredentials) => wrong += 1,
                Err(ReviewerError::Locked(secs)) => {
                    assert!(secs <= 15 * 60, "{secs}");
                    locked += 1;
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        // Four say "wrong", the fifth locks; all others were refused without a comparison.
        assert_eq!((wrong, locked), (4, 46), "{}", db.url);
        let compared = audit_actions(&store)
            .await
            .iter()
            .filter(|a| *a == "reviewer.login_failed")
            .count();
        assert_eq!(compared, 5);
        let locks = audit_actions(&store)
            .await
            .iter()
            .filter(|a| *a == "reviewer.locked")
            .count();
        assert_eq!(locks, 1);
        // Locked: even the right password and code are refused, for 15 minutes.
        assert!(matches!(
            reviewers.login("zhao.shen", PASSWORD, &code).await,
            Err(ReviewerError::Locked(_))
        ));
        clock.advance(Duration::from_secs(14 * 60));
        let code = totp::code_at(&secret, at(&clock));
        assert!(matches!(
            reviewers.login("zhao.shen", PASSWORD, &code).await,
            Err(ReviewerError::Locked(_))
        ));
        clock.advance(Duration::from_secs(61));
        let code = totp::code_at(&secret, at(&clock));
        reviewers
            .login("zhao.shen", PASSWORD, &code)
            .await
            .expect("after the lock");
        // A success clears the count: four failures do not lock.
        for i in 0..4 {
            assert!(matches!(
                reviewers
                    .login("zhao.shen", &format!("wrong {i}"), &code)
                    .await,
                Err(ReviewerError::BadCredentials)
            ));
        }
        clock.advance(Duration::from_secs(30));
        let code = totp::code_at(&secret, at(&clock));
        reviewers
            .login("zhao.shen", PASSWORD, &code)
            .await
            .expect("four failures, then the right one");
    }
}
