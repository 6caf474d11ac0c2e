//! Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP): HMAC-SHA-1, 6 digits, 30 s
//! steps, as every authenticator app reads them from an `otpauth://` URI; base32 (RFC 4648) for
//! the secret as people type it.

use hmac::{KeyInit, Mac};
use mcert_core::crypto::hash::ct_eq;

/// Digits of a code.
pub const DIGITS: u32 = 6;
/// Seconds of one time-step.
pub const STEP_SECS: i64 = 30;
/// Steps accepted either side of the current one (clock drift, a code typed at the turn).
pub const WINDOW: i64 = 1;
/// Bytes of a new secret (RFC 4226 §4 recommends 160 bits).
pub const SECRET_LEN: usize = 20;

/// The HOTP value of `counter` (RFC 4226 §5.3), reduced to `digits` digits.
pub fn hotp(secret: &[u8], counter: u64, digits: u32) -> u32 {
    let mut mac = match hmac::Hmac::<sha1::Sha1>::new_from_slice(secret) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC takes keys of any length"),
    };
    mac.update(&counter.to_be_bytes());
    let h: [u8; 20] = mac.finalize().into_bytes().into();
    let offset = usize::from(h[19] & 0x0f);
    let binary = (u32::from(h[offset] & 0x7f) << 24)
        | (u32::from(h[offset + 1]) << 16)
        | (u32::from(h[offset + 2]) << 8)
        | u32::from(h[offset + 3]);
    binary % 10u32.pow(digits)
}

/// The time-step of a Unix time in seconds.
pub fn step_of(unix_secs: i64) -> i64 {
    unix_secs.div_euclid(STEP_SECS)
}

/// The 6-digit code of a time-step.
pub fn code_for_step(secret: &[u8], step: i64) -> String {
    let counter = u64::try_from(step).unwrap_or(0);
    format!("{:06}", hotp(secret, counter, DIGITS))
}

/// The 6-digit code at a Unix time in seconds.
pub fn code_at(secret: &[u8], unix_secs: i64) -> String {
    code_for_step(secret, step_of(unix_secs))
}

/// The time-step among the current one ±[`WINDOW`] whose code `code` is, if any. Every
/// candidate is compared, each in constant time.
pub fn matching_step(secret: &[u8], code: &str, unix_secs: i64) -> Option<i64> {
    let well_formed = code.len() == DIGITS as usize && code.bytes().all(|b| b.is_ascii_digit());
    let now = step_of(unix_secs);
    let mut found = None;
    for step in (now - WINDOW)..=(now + WINDOW) {
        if step < 0 {
            continue;
        }
        let matches = ct_eq(code_for_step(secret, step).as_bytes(), code.as_bytes());
        if matches && well_formed && found.is_none() {
            found = Some(step);
        }
    }
    found
}

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// Base32 without padding.
pub fn base32_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(5) * 8);
    let mut buffer: u32 = 0;
    let mut bits = 0u32;
    for &b in data {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// Base32 as people type it: any case, spaces and `=` padding ignored. `None` on another
/// character.
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let mut buffer: u32 = 0;
    let mut bits = 0u32;
    for c in text.bytes() {
        if c == b' ' || c == b'=' || c == b'-' {
            continue;
        }
        let up = c.to_ascii_uppercase();
        let v = ALPHABET.iter().position(|&a| a == up)?;
        buffer = (buffer << 5) | u32::try_from(v).ok()?;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((buffer >> bits) & 0xff).ok()?);
        }
    }
    Some(out)
}

/// Percent-encoding of everything but RFC 3986's unreserved characters.
fn percent(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The `otpauth://totp/…` URI that authenticator apps read (usually from a QR code).
pub fn otpauth_uri(issuer: &str, account: &str, secret_base32: &str) -> String {
    format!(
        "otpauth://totp/{}:{}?secret={secret_base32}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECS}",
        percent(issuer),
        percent(account),
        percent(issuer),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC_SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn rfc_6238_appendix_b_sha1_vectors() {
        // (time, the 8-digit TOTP of the RFC); 6 digits are its last six.
        for (t, eight) in [
            (59i64, 94287082u32),
            (1111111109, 7081804),
            (1111111111, 14050471),
            (1234567890, 89005924),
            (2000000000, 69279037),
            (20000000000, 65353130),
        ] {
            let counter = u64::try_from(step_of(t)).expect("positive");
            assert_eq!(hotp(RFC_SECRET, counter, 8), eight, "t={t}");
            assert_eq!(code_at(RFC_SECRET, t), format!("{:06}", eight % 1_000_000));
        }
    }

    #[test]
    fn rfc_4226_appendix_d_hotp_values() {
        let expected = [
            755224u32, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489,
        ];
        for (counter, value) in expected.iter().enumerate() {
            assert_eq!(hotp(RFC_SECRET, counter as u64, 6), *value);
        }
    }

    #[test]
    fn one_step_either_side_is_accepted_and_no_further() {
        let t = 1_111_111_111;
        let now = step_of(t);
        for delta in [-1i64, 0, 1] {
            let code = code_for_step(RFC_SECRET, now + delta);
            assert_eq!(matching_step(RFC_SECRET, &code, t), Some(now + delta));
        }
        for delta in [-2i64, 2] {
            let code = code_for_step(RFC_SECRET, now + delta);
            assert_eq!(matching_step(RFC_SECRET, &code, t), None);
        }
        assert_eq!(matching_step(RFC_SECRET, "12345", t), None);
        assert_eq!(matching_step(RFC_SECRET, "abcdef", t), None);
        assert_eq!(matching_step(RFC_SECRET, "", t), None);
    }

    #[test]
    fn base32_round_trip_and_rfc_4648_vectors() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "MY"),
            ("fo", "MZXQ"),
            ("foo", "MZXW6"),
            ("foob", "MZXW6YQ"),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI"),
        ] {
            assert_eq!(base32_encode(plain.as_bytes()), encoded);
            assert_eq!(
                base32_decode(encoded).expect("decode"),
                plain.as_bytes().to_vec()
            );
        }
        assert_eq!(
            base32_decode("mzxw 6ytb oi======").expect("lenient"),
            b"foobar".to_vec()
        );
        assert_eq!(base32_decode("MZX1"), None);
        assert_eq!(
            base32_encode(RFC_SECRET),
            "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
        );
    }

    #[test]
    fn the_uri_names_issuer_account_and_parameters() {
        let uri = otpauth_uri("mcert", "zhang san", "GEZDGNBV");
        assert_eq!(
            uri,
            "otpauth://totp/mcert:zhang%20san?secret=GEZDGNBV&issuer=mcert&algorithm=SHA1&digits=6&period=30"
        );
    }
}
