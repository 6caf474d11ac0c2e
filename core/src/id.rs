//! Opaque identifiers: ULIDs (48-bit millisecond time, 80 random bits, Crockford base32), so
//! they sort by creation time.

use std::time::SystemTime;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A new ULID for the given time.
pub fn ulid(now: SystemTime) -> Result<String, crate::crypto::Error> {
    let ms = u128::try_from(crate::clock::unix_millis(now)).unwrap_or(0) & ((1 << 48) - 1);
    let mut rnd = [0u8; 10];
    getrandom::fill(&mut rnd).map_err(|_| crate::crypto::Error::Rng)?;
    let mut value = ms << 80;
    for (i, b) in rnd.iter().enumerate() {
        value |= u128::from(*b) << (8 * (9 - i));
    }
    let mut out = [0u8; 26];
    for (i, slot) in out.iter_mut().enumerate() {
        let shift = 5 * (25 - i);
        *slot = ALPHABET[((value >> shift) & 0x1f) as usize];
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// Whether `s` has the shape of a ULID.
pub fn is_ulid(s: &str) -> bool {
    s.len() == 26 && s.bytes().all(|b| ALPHABET.contains(&b)) && s.as_bytes()[0] <= b'7'
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn ulids_sort_by_time_and_are_unique() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let a = ulid(t).expect("ulid");
        let b = ulid(t + Duration::from_millis(1)).expect("ulid");
        assert!(is_ulid(&a) && is_ulid(&b));
        assert!(a < b);
        assert_ne!(ulid(t).expect("ulid"), ulid(t).expect("ulid"));
        assert!(!is_ulid("not-a-ulid"));
    }
}
