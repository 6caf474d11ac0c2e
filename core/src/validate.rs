//! Validation and masking of personal data entered by users: mainland mobile numbers, resident
//! identity numbers (GB 11643 check digit), bank card numbers (Luhn), unified social credit
//! codes (GB 32100 check character).

/// A person's name as entered (already trimmed): 2 to 30 characters, no control characters.
pub fn is_person_name(name: &str) -> bool {
    (2..=30).contains(&name.chars().count()) && !name.chars().any(char::is_control)
}

/// A mainland China mobile number: 11 digits starting with 1[3-9].
pub fn is_mobile(phone: &str) -> bool {
    let b = phone.as_bytes();
    b.len() == 11
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1])
        && b.iter().all(u8::is_ascii_digit)
}

/// `138****5678`.
pub fn mask_mobile(phone: &str) -> String {
    if phone.len() == 11 && phone.is_ascii() {
        format!("{}****{}", &phone[..3], &phone[7..])
    } else {
        "***".to_string()
    }
}

/// An 18-character resident identity number with a valid GB 11643 check character.
pub fn is_id_number(id: &str) -> bool {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let b = id.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = b[..17]
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    let expected = CHECK[(sum % 11) as usize];
    b[17].to_ascii_uppercase() == expected
}

/// `110***********1234`.
pub fn mask_id_number(id: &str) -> String {
    if id.len() == 18 && id.is_ascii() {
        format!("{}***********{}", &id[..3], &id[14..])
    } else {
        "***".to_string()
    }
}

/// A bank card number (12–19 digits) passing the Luhn check.
pub fn is_bank_card(card: &str) -> bool {
    let b = card.as_bytes();
    if !(12..=19).contains(&b.len()) || !b.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = b
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| {
            let v = u32::from(d - b'0');
            if i % 2 == 1 {
                let dbl = v * 2;
                if dbl > 9 { dbl - 9 } else { dbl }
            } else {
                v
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// `6222 **** **** 1234` style: first 4 and last 4 digits.
pub fn mask_bank_card(card: &str) -> String {
    if card.len() >= 12 && card.is_ascii() {
        format!("{}****{}", &card[..4], &card[card.len() - 4..])
    } else {
        "***".to_string()
    }
}

/// An 18-character unified social credit code (统一社会信用代码) with a valid check character.
pub fn is_unified_code(code: &str) -> bool {
    const CHARS: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    const WEIGHTS: [u32; 17] = [
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
    ];
    let b = code.as_bytes();
    if b.len() != 18 {
        return false;
    }
    let mut sum = 0u32;
    for (c, w) in b[..17].iter().zip(WEIGHTS) {
        let Some(v) = CHARS.iter().position(|x| x == c) else {
            return false;
        };
        sum += v as u32 * w;
    }
    let check = (31 - sum % 31) % 31;
    CHARS[check as usize] == b[17]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn person_names() {
        assert!(is_person_name("张三"));
        assert!(!is_person_name("张"));
        assert!(!is_person_name("张\n三"));
        assert!(!is_person_name(&"名".repeat(31)));
    }

    #[test]
    fn mobiles() {
        assert!(is_mobile("13812345678"));
        assert!(!is_mobile("12812345678"));
        assert!(!is_mobile("1381234567"));
        assert!(!is_mobile("1381234567a"));
        assert_eq!(mask_mobile("13812345678"), "138****5678");
    }

    #[test]
    fn identity_numbers() {
        // GB 11643 example and a number ending in X.
        assert!(is_id_number("11010519491231002X"));
        assert!(is_id_number("110101199003070011"));
        assert!(!is_id_number("110101199003070012"));
        assert!(!is_id_number("11010119900307001"));
        assert_eq!(mask_id_number("110101199003070011"), "110***********0011");
    }

    #[test]
    fn bank_cards() {
        assert!(is_bank_card("6222021234567890128"));
        assert!(is_bank_card("4111111111111111"));
        assert!(!is_bank_card("4111111111111112"));
        assert!(!is_bank_card("41111"));
        assert_eq!(mask_bank_card("6222021234567890128"), "6222****0128");
    }

    #[test]
    fn unified_codes() {
        assert!(is_unified_code("91350100M000100Y43"));
        assert!(!is_unified_code("91350100M000100Y44"));
        assert!(!is_unified_code("91350100M000100Y4"));
    }
}
