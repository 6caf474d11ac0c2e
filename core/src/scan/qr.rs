//! The animated QR payload `mcert.<token>.<t>.<HMAC-SHA256(secret, t) hex>`.

use super::{MAX_QR_LEN, QR_PREFIX, ScanError, TOKEN_ALPHABET, TOKEN_LEN};
use crate::crypto::{self, hash};

/// A fresh QR start token (70 random bits; a handle, not a secret).
pub fn new_token() -> Result<String, crypto::Error> {
    let mut bytes = [0u8; TOKEN_LEN];
    getrandom::fill(&mut bytes).map_err(|_| crypto::Error::Rng)?;
    Ok(bytes
        .iter()
        .map(|b| TOKEN_ALPHABET[usize::from(b & 31)] as char)
        .collect())
}

/// `HMAC-SHA256(secret, t)` in lower-case hex, the key being the secret's UTF-8 text and the
/// message `t` in decimal (as BankID computes its animated QR codes).
pub fn qr_auth_code(secret: &str, t: u64) -> String {
    hex::encode(hash::hmac_sha256(
        secret.as_bytes(),
        &[t.to_string().as_bytes()],
    ))
}

/// The payload a platform shows `t` seconds after creating the session.
pub fn qr_payload(token: &str, secret: &str, t: u64) -> String {
    format!("{QR_PREFIX}.{token}.{t}.{}", qr_auth_code(secret, t))
}

/// A parsed QR payload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QrCode {
    pub token: String,
    pub t: u64,
    pub auth_code: String,
}

impl QrCode {
    /// Parses and checks the shape of a payload (the HMAC is checked by the service).
    pub fn parse(text: &str) -> Result<QrCode, ScanError> {
        let text = text.trim();
        let mut parts = text.split('.');
        if parts.next() != Some(QR_PREFIX) {
            return Err(ScanError::NotMcertCode);
        }
        if text.len() > MAX_QR_LEN {
            return Err(ScanError::MalformedQr("too long"));
        }
        let (Some(token), Some(t), Some(auth), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(ScanError::MalformedQr("expected four dot-separated fields"));
        };
        if token.len() != TOKEN_LEN || !token.bytes().all(|b| TOKEN_ALPHABET.contains(&b)) {
            return Err(ScanError::MalformedQr("bad token"));
        }
        if t.is_empty() || t.len() > 3 || !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ScanError::MalformedQr("bad time field"));
        }
        let t: u64 = t
            .parse()
            .map_err(|_| ScanError::MalformedQr("bad time field"))?;
        if auth.len() != 64 || !auth.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(ScanError::MalformedQr("bad authentication code"));
        }
        Ok(QrCode {
            token: token.to_string(),
            t,
            auth_code: auth.to_string(),
        })
    }

    /// Whether the authentication code is right for `secret` (constant time).
    pub fn authentic(&self, secret: &str) -> bool {
        hash::ct_eq(
            qr_auth_code(secret, self.t).as_bytes(),
            self.auth_code.as_bytes(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bankid_vector_and_payload_shape() {
        // BankID's published animated-QR example: same HMAC construction.
        assert_eq!(
            qr_auth_code("d28db9a7-4cde-429e-a983-359be676944c", 0),
            "dc69358e712458a66a7525beef148ae8526b1c71610eff2c16cdffb4cdac9bf8"
        );
        let token = new_token().expect("rng");
        let secret = "0123456789abcdef0123456789abcdef";
        let text = qr_payload(&token, secret, 599);
        assert!(text.len() <= MAX_QR_LEN, "{} bytes", text.len());
        let code = QrCode::parse(&text).expect("parses");
        assert_eq!(code.t, 599);
        assert!(code.authentic(secret));
        assert!(!code.authentic("another secret"));
    }

    #[test]
    fn malformed_payloads_are_named() {
        let good = qr_payload("0123456789abcd", "s", 3);
        assert!(QrCode::parse(&good).is_ok());
        for (text, code) in [
            ("https://example.com", "not_mcert_code"),
            ("mcert.0123456789abcd.3", "malformed_qr"),
            ("mcert.0123456789ABCD.3.00", "malformed_qr"),
            ("mcert.0123456789abcd.-1.00", "malformed_qr"),
            (&good.replace(".3.", ".1000."), "malformed_qr"),
            (&good.replace(".3.", ".3.x"), "malformed_qr"),
            (&format!("{good}.extra"), "malformed_qr"),
        ] {
            let e = QrCode::parse(text).expect_err(text);
            assert_eq!(e.code(), code, "{text}: {e}");
        }
    }
}
