//! Cross-checks against `sm-crypto`, an independent SM2/SM3/SM4 implementation, both ways.
//! Its public keys are hex without the 0x04 prefix, its raw ciphertext is C1 (no prefix) ‖ C3 ‖
//! C2, and its decrypt drops leading zero bytes of the plaintext.

use mcert_core::crypto::{Algorithm, CiphertextFormat, PrivateKey, PublicKey, Signer, hash};
use sm_crypto::{sm2, sm3, sm4};

fn key_pair() -> (PrivateKey, String, String) {
    let key = PrivateKey::generate(Algorithm::Sm2).expect("key");
    let sk = hex::encode(key.to_bytes().as_slice());
    let pk = hex::encode(&key.public_key().to_sec1()[1..]);
    (key, sk, pk)
}

#[test]
fn sm2_signatures_both_ways() {
    for round in 0..8 {
        let (key, sk, pk) = key_pair();
        let msg = format!("投标文件 round {round}").into_bytes();
        // Ours → theirs.
        let ours = key.sign(&msg).expect("sign");
        assert!(
            sm2::Verify::new(&pk).verify_der(&msg, &ours, true),
            "sm-crypto rejects ours"
        );
        // Theirs → ours.
        let theirs = sm2::Sign::new(&sk).sign_der(&msg, true);
        key.public_key()
            .verify(&msg, &theirs)
            .expect("we reject sm-crypto's signature");
        // And a key made by sm-crypto works in ours.
        let (sk2, pk2) = sm2::gen_keypair();
        let key2 = PrivateKey::from_bytes(Algorithm::Sm2, &hex::decode(&sk2).expect("hex"))
            .expect("their key");
        assert_eq!(
            hex::encode(&key2.public_key().to_sec1()[1..]),
            pk2.to_lowercase()
        );
    }
}

#[test]
fn sm2_encryption_both_ways() {
    for round in 0..8 {
        let (key, sk, pk) = key_pair();
        let msg = format!("bid key {round}: 0123456789abcdef").into_bytes();
        // Ours (ASN.1) → theirs.
        let ct = key.public_key().encrypt(&msg).expect("encrypt");
        assert_eq!(sm2::Decrypt::new(&sk).decrypt_asna1(&ct), msg);
        // Theirs (ASN.1) → ours.
        let ct = sm2::Encrypt::new(&pk).encrypt_asna1(&msg);
        assert_eq!(
            key.decrypt(&ct).expect("decrypt asn1").as_slice(),
            msg.as_slice()
        );
        // Theirs (raw C1C3C2 without the point prefix) → ours, once the prefix is added.
        let raw = sm2::Encrypt::new(&pk).encrypt(&msg);
        let mut prefixed = vec![0x04];
        prefixed.extend_from_slice(&raw);
        let pt = key
            .decrypt_sm2(&prefixed, CiphertextFormat::C1C3C2)
            .expect("decrypt raw");
        assert_eq!(pt.as_slice(), msg.as_slice());
        // Theirs (legacy C1C2C3) → ours.
        let legacy = sm2::Encrypt::new(&pk).encrypt_c1c2c3(&msg);
        let mut prefixed = vec![0x04];
        prefixed.extend_from_slice(&legacy);
        let pt = key
            .decrypt_sm2(&prefixed, CiphertextFormat::C1C2C3)
            .expect("decrypt legacy");
        assert_eq!(pt.as_slice(), msg.as_slice());
    }
}

#[test]
fn sm2_public_key_interchange() {
    let (_, pk) = sm2::gen_keypair();
    let mut sec1 = vec![0x04];
    sec1.extend_from_slice(&hex::decode(&pk).expect("hex"));
    PublicKey::from_sec1(Algorithm::Sm2, &sec1).expect("their public key parses");
}

#[test]
fn sm3_and_sm4_agree() {
    for len in [0usize, 1, 55, 56, 63, 64, 65, 1000] {
        let data: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
        assert_eq!(hex::encode(hash::sm3(&data)), sm3::sm3_hash(&data));
    }
    use ::sm4::cipher::{BlockCipherEncrypt, KeyInit};
    let key = [0x42u8; 16];
    let block_in = [0x17u8; 16];
    let ours = {
        let c = ::sm4::Sm4::new_from_slice(&key).expect("key");
        let mut b = ::sm4::cipher::Array::from(block_in);
        c.encrypt_block(&mut b);
        b.to_vec()
    };
    let theirs = sm4::CryptSM4ECB::new(&key).encrypt_ecb(&block_in);
    // sm-crypto pads ECB input with PKCS#7: the first block is the raw block cipher output.
    assert_eq!(&theirs[..16], ours.as_slice());
}
