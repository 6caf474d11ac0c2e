//! Helpers shared by the integration tests: temporary folders and OpenSSL, from
//! `mcert-test-support`.

pub use mcert_test_support::temp_path as temp;
pub use mcert_test_support::{have_openssl, openssl};

/// `mcert serve --dev` on a free loopback port, stopped (SIGTERM) when dropped.
pub struct DevServer {
    pub child: std::process::Child,
    pub url: String,
}

impl DevServer {
    /// With its data in `data_dir`, on `database` (the embedded SQLite file when `None`), with
    /// `MCERT_OPERATOR_KEY` set when given (processes that must share one key).
    pub fn start(
        data_dir: &std::path::Path,
        database: Option<&str>,
        operator_key: Option<&str>,
    ) -> DevServer {
        use std::io::{BufRead, BufReader};
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_mcert"));
        cmd.args(["serve", "--dev", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(data_dir)
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null());
        if let Some(db) = database {
            cmd.args(["--database", db]);
        }
        if let Some(key) = operator_key {
            cmd.env("MCERT_OPERATOR_KEY", key);
        }
        let mut child = cmd.spawn().expect("spawn mcert serve");
        let mut first = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut first)
            .expect("read");
        let url = format!(
            "http://{}",
            first
                .split("http://")
                .nth(1)
                .and_then(|r| r.split(['（', ' ']).next())
                .expect("url")
        );
        DevServer { child, url }
    }
}

impl Drop for DevServer {
    fn drop(&mut self) {
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}
