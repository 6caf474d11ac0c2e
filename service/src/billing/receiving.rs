//! Receiving accounts and the bank's notifications: the account number with its check digit,
//! the deadline by booking day, and a notified transfer checked like a statement's line.

use super::OrderError;
use super::statements::IncomingTransfer;

/// Digits of an order's part of its receiving account (before the check digit).
const ORDER_DIGITS: usize = 8;

/// A transfer as the bank (or the development endpoint) notifies it.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BankNote {
    pub bank_ref: String,
    pub account_no: String,
    pub amount_fen: i64,
    #[serde(default = "cny")]
    pub currency: String,
    #[serde(default)]
    pub payer_name: Option<String>,
    #[serde(default)]
    pub payer_account: Option<String>,
    #[serde(default)]
    pub booked_on: Option<String>,
    #[serde(default)]
    pub remittance: Option<String>,
}

fn cny() -> String {
    "CNY".into()
}

impl BankNote {
    /// Checked like a statement's line.
    pub fn into_transfer(self) -> Result<IncomingTransfer, OrderError> {
        let digits = |s: &str| {
            s.chars()
                .filter(|c| !matches!(c, ' ' | '-'))
                .collect::<String>()
        };
        let account_no = digits(&self.account_no);
        let payer_account = self
            .payer_account
            .as_deref()
            .map(|a| digits(a).to_ascii_uppercase());
        let short = |v: &Option<String>, max: usize| {
            v.as_deref()
                .is_none_or(|s| s.chars().count() <= max && !s.chars().any(char::is_control))
        };
        let date_ok = self.booked_on.as_deref().is_none_or(is_iso_date);
        let ok = short(&self.payer_name, 100)
            && short(&self.remittance, 200)
            && date_ok
            && payer_account
                .as_deref()
                .is_none_or(|a| a.len() <= 40 && a.bytes().all(|c| c.is_ascii_alphanumeric()))
            && !self.bank_ref.trim().is_empty()
            && self.bank_ref.len() <= 128
            && !account_no.is_empty()
            && account_no.len() <= 40
            && account_no.bytes().all(|c| c.is_ascii_digit())
            && self.amount_fen > 0
            && self.currency.len() == 3
            && self.currency.bytes().all(|c| c.is_ascii_uppercase());
        if !ok {
            return Err(OrderError::BadNotification);
        }
        Ok(IncomingTransfer {
            bank_ref: self.bank_ref.trim().to_string(),
            account_no,
            amount_fen: self.amount_fen,
            currency: self.currency,
            payer_name: self.payer_name,
            payer_account,
            booked_on: self.booked_on.unwrap_or_default(),
            remittance: self.remittance,
        })
    }
}

/// `YYYY-MM-DD` in shape (digits and dashes where they belong).
fn is_iso_date(d: &str) -> bool {
    d.len() == 10
        && d.bytes().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
}

/// Whether a transfer came after the order's deadline: by the day the bank booked it (Beijing
/// time), or by when it is seen if the bank gave no usable date.
pub(super) fn late(booked_on: &str, deadline_ms: i64, now_ms: i64) -> bool {
    let deadline_day = mcert_core::clock::rfc3339(mcert_core::clock::from_unix_millis(
        deadline_ms + 8 * 3600 * 1000,
    ));
    let valid = is_iso_date(booked_on);
    if valid {
        booked_on > &deadline_day[..10]
    } else {
        now_ms > deadline_ms
    }
}

/// The Luhn check digit of `digits` (all ASCII digits).
pub fn luhn_digit(digits: &str) -> Option<u8> {
    let mut sum = 0u32;
    for (i, c) in digits.bytes().rev().enumerate() {
        if !c.is_ascii_digit() {
            return None;
        }
        let mut d = u32::from(c - b'0');
        if i % 2 == 0 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    u8::try_from((10 - sum % 10) % 10).ok()
}

/// Whether `account_no` is one of our receiving accounts by its shape: the prefix, the
/// order's digits and a right check digit.
pub fn is_receiving_account(account_no: &str, prefix: &str) -> bool {
    let Some(body) = account_no.strip_prefix(prefix) else {
        return false;
    };
    if body.len() != ORDER_DIGITS + 1 || !body.bytes().all(|c| c.is_ascii_digit()) {
        return false;
    }
    let (head, check) = account_no.split_at(account_no.len() - 1);
    luhn_digit(head).map(|d| (b'0' + d) as char) == check.chars().next()
}

pub(super) fn new_account_no(prefix: &str) -> Result<String, OrderError> {
    let mut raw = [0u8; ORDER_DIGITS];
    getrandom::fill(&mut raw).map_err(|_| OrderError::Internal("rng".into()))?;
    let mut no = prefix.to_string();
    for b in raw {
        no.push(char::from(b'0' + b % 10));
    }
    let check = luhn_digit(&no).ok_or_else(|| OrderError::Internal("account prefix".into()))?;
    no.push(char::from(b'0' + check));
    Ok(no)
}

#[cfg(test)]
mod account_tests {
    use super::*;

    #[test]
    fn receiving_accounts_carry_a_check_digit() {
        let no = new_account_no("0200000919").expect("account");
        assert_eq!(no.len(), 10 + ORDER_DIGITS + 1);
        assert!(is_receiving_account(&no, "0200000919"));
        // Any single mistyped digit is caught.
        for i in 10..no.len() {
            let mut typo: Vec<u8> = no.clone().into_bytes();
            typo[i] = b'0' + (typo[i] - b'0' + 1) % 10;
            let typo = String::from_utf8(typo).expect("digits");
            assert!(!is_receiving_account(&typo, "0200000919"), "{typo}");
        }
        assert!(!is_receiving_account(&no, "0300000919"));
        assert!(!is_receiving_account("0200000919abc", "0200000919"));
        // The usual Luhn example.
        assert_eq!(luhn_digit("7992739871"), Some(3));
    }
}
