//! Standard test vectors: SM3 and SM4 (GB/T 32905, GB/T 32907). The SM2 signature and
//! encryption vectors of GM/T 0003.5 are unit tests next to the code they pin down
//! (`crypto::keys`, `crypto::sm2enc`), since they need the fixed nonce.

use mcert_core::crypto::hash;

#[test]
fn sm3_abc() {
    assert_eq!(
        hex::encode(hash::sm3(b"abc")),
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    );
    // The 64-byte example of GB/T 32905 Annex A.
    assert_eq!(
        hex::encode(hash::sm3(&b"abcd".repeat(16))),
        "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
    );
}

#[test]
fn sm4_standard_block() {
    use sm4::cipher::{BlockCipherEncrypt, KeyInit};
    let key = hex::decode("0123456789abcdeffedcba9876543210").expect("hex");
    let cipher = sm4::Sm4::new_from_slice(&key).expect("key");
    let mut block = sm4::cipher::Array::try_from(key.as_slice()).expect("block");
    cipher.encrypt_block(&mut block);
    assert_eq!(hex::encode(block), "681edf34d206965e86b3e94f536e4246");
    // One million iterations, GB/T 32907 Annex A example 2.
    let mut block = sm4::cipher::Array::try_from(key.as_slice()).expect("block");
    for _ in 0..1_000_000 {
        cipher.encrypt_block(&mut block);
    }
    assert_eq!(hex::encode(block), "595298c7c6fd271f0402f804c33d3f66");
}
