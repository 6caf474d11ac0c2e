//! The certificate PIN (证书密码): exactly six digits, not all the same, not a straight run.

use zeroize::Zeroizing;

/// Consecutive wrong PINs after which a key locks until the reset flow.
pub const MAX_PIN_FAILURES: u32 = 5;

/// Why a PIN is refused before it is ever used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PinPolicyError {
    #[error("the PIN must be exactly 6 digits")]
    Format,
    #[error("the PIN is too easy to guess (all the same digit or a straight run)")]
    TooWeak,
}

/// A PIN that passed the policy, zeroized on drop.
pub struct Pin(Zeroizing<String>);

impl std::fmt::Debug for Pin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pin(******)")
    }
}

impl Pin {
    /// Checks the format only (to unlock an existing key, any six digits are tried).
    pub fn parse(text: &str) -> Result<Pin, PinPolicyError> {
        if text.len() != 6 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PinPolicyError::Format);
        }
        Ok(Pin(Zeroizing::new(text.to_owned())))
    }

    /// Checks format and strength (to set a new PIN).
    pub fn new_checked(text: &str) -> Result<Pin, PinPolicyError> {
        let pin = Pin::parse(text)?;
        let d = pin.0.as_bytes();
        let all_same = d.iter().all(|&b| b == d[0]);
        let ascending = d.windows(2).all(|w| w[1] == w[0] + 1);
        let descending = d.windows(2).all(|w| w[0] == w[1] + 1);
        if all_same || ascending || descending {
            return Err(PinPolicyError::TooWeak);
        }
        Ok(pin)
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy() {
        for ok in ["135790", "202611", "987655", "000001", "480213"] {
            assert!(Pin::new_checked(ok).is_ok(), "{ok}");
        }
        for weak in [
            "000000", "999999", "123456", "654321", "012345", "456789", "543210",
        ] {
            assert_eq!(
                Pin::new_checked(weak).err(),
                Some(PinPolicyError::TooWeak),
                "{weak}"
            );
        }
        for bad in ["", "12345", "1234567", "12a456", "１２３４５６", " 12345"] {
            assert_eq!(
                Pin::new_checked(bad).err(),
                Some(PinPolicyError::Format),
                "{bad}"
            );
        }
        // Unlocking accepts any six digits, weak or not (old keys may predate the policy).
        assert!(Pin::parse("123456").is_ok());
        assert_eq!(
            format!("{:?}", Pin::parse("135790").expect("pin")),
            "Pin(******)"
        );
    }
}
