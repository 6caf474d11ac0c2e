//! The outbox against real databases: jobs exist only if their unit of work commits, survive a
//! restart, are retried with backoff, expire, and are delivered once by competing workers.

use std::sync::atomic::{AtomicUsize, Ordering};

use mcert_service::outbox::{DeliveryError, JobHandler, JobKind, JobState, Outbox};

use super::*;

/// Fails its first `fail_first` deliveries, then counts each payload it gets.
#[derive(Debug, Default)]
struct Flaky {
    fail_first: usize,
    calls: AtomicUsize,
    delivered: std::sync::Mutex<Vec<Value>>,
}

#[async_trait::async_trait]
impl JobHandler for Flaky {
    async fn deliver(&self, payload: &Value) -> Result<(), DeliveryError> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        if n < self.fail_first {
            return Err(DeliveryError::Retry("receiver is down".into()));
        }
        self.delivered.lock().expect("lock").push(payload.clone());
        Ok(())
    }
}

fn key() -> zeroize::Zeroizing<[u8; 32]> {
    zeroize::Zeroizing::new([7u8; 32])
}

#[tokio::test]
async fn jobs_commit_with_their_change_survive_a_restart_and_are_retried() {
    for db in databases().await {
        let clock = Arc::new(ManualClock::new(std::time::SystemTime::now()));
        let store = Store::connect(&db.url).await.expect("store");
        let outbox = Outbox::new(store.clone(), clock.clone(), key());
        let flaky = Arc::new(Flaky {
            fail_first: 1,
            ..Default::default()
        });
        outbox.register(JobKind::Callback, flaky.clone());

        // Rolled back: no job.
        let mut tx = store.begin().await.expect("tx");
        let lost = outbox
            .enqueue(&mut tx, JobKind::Callback, &json!({"n": 0}), None)
            .await
            .expect("enqueue");
        drop(tx);
        assert!(outbox.state(&lost.0).await.expect("state").is_none());

        // Committed: the first try fails, the job waits for its backoff.
        let mut tx = store.begin().await.expect("tx");
        let job = outbox
            .enqueue(&mut tx, JobKind::Callback, &json!({"n": 1}), None)
            .await
            .expect("enqueue");
        tx.commit().await.expect("commit");
        assert!(!outbox.deliver_now(&job).await);
        assert_eq!(
            outbox.state(&job.0).await.expect("state"),
            Some((JobState::Pending, 1))
        );
        // The payload is not in the table in clear.
        let stored: String = sqlx::query_scalar("SELECT payload FROM outbox_jobs WHERE id = $1")
            .bind(&job.0)
            .fetch_one(store.pool())
            .await
            .expect("payload");
        assert!(!stored.contains("\"n\""));
        assert_eq!(outbox.run_due().await.expect("run"), 0, "not due yet");
        store.close().await;

        // A new process on the same database delivers it once the backoff has passed.
        let store = Store::connect(&db.url).await.expect("store");
        let restarted = Outbox::new(store.clone(), clock.clone(), key());
        restarted.register(JobKind::Callback, flaky.clone());
        clock.advance(Duration::from_secs(3));
        assert_eq!(restarted.run_due().await.expect("run"), 1);
        assert_eq!(
            restarted.state(&job.0).await.expect("state"),
            Some((JobState::Done, 2))
        );
        assert_eq!(
            *flaky.delivered.lock().expect("lock"),
            vec![json!({"n": 1})]
        );

        // A job whose deadline passes is not delivered late.
        let mut tx = store.begin().await.expect("tx");
        let late = restarted
            .enqueue(
                &mut tx,
                JobKind::Callback,
                &json!({"n": 2}),
                Some(Duration::from_secs(1)),
            )
            .await
            .expect("enqueue");
        tx.commit().await.expect("commit");
        clock.advance(Duration::from_secs(2));
        assert_eq!(restarted.run_due().await.expect("run"), 0);
        assert_eq!(
            restarted.state(&late.0).await.expect("state"),
            Some((JobState::Expired, 1))
        );
        store.close().await;
    }
}

#[tokio::test]
async fn competing_workers_deliver_each_job_once() {
    for db in databases().await {
        let clock = Arc::new(ManualClock::new(std::time::SystemTime::now()));
        let store = Store::connect(&db.url).await.expect("store");
        let counter = Arc::new(Flaky::default());
        let workers: Vec<Outbox> = (0..3)
            .map(|_| {
                let o = Outbox::new(store.clone(), clock.clone(), key());
                o.register(JobKind::Callback, counter.clone());
                o
            })
            .collect();
        let mut tx = store.begin().await.expect("tx");
        for n in 0..60 {
            workers[0]
                .enqueue(&mut tx, JobKind::Callback, &json!({"n": n}), None)
                .await
                .expect("enqueue");
        }
        tx.commit().await.expect("commit");
        let mut runs = tokio::task::JoinSet::new();
        for w in workers {
            runs.spawn(async move { w.run_due().await.expect("run") });
        }
        let mut delivered = 0;
        while let Some(n) = runs.join_next().await {
            delivered += n.expect("worker");
        }
        assert_eq!(delivered, 60);
        assert_eq!(counter.calls.load(Ordering::SeqCst), 60);
        let mut seen: Vec<i64> = counter
            .delivered
            .lock()
            .expect("lock")
            .iter()
            .filter_map(|v| v["n"].as_i64())
            .collect();
        seen.sort_unstable();
        assert_eq!(seen, (0..60).collect::<Vec<_>>());
        store.close().await;
    }
}
