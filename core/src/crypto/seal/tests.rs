//! Unit tests of the seal format: round trips, strict reading, and no panic on any input.

use std::time::{Duration, SystemTime};

use der::Encode;

use super::*;
use crate::crypto::x509::testing::self_signed;
use crate::crypto::{Algorithm, PrivateKey, Signer, hash, oid, x509};

/// A 1×1 PNG is enough for the format; the picture is not decoded here.
const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

struct Parties {
    maker: PrivateKey,
    maker_cert: Vec<u8>,
    signer: PrivateKey,
    signer_cert: Vec<u8>,
}

fn parties() -> Parties {
    let maker = PrivateKey::generate(Algorithm::Sm2).expect("key");
    let signer = PrivateKey::generate(Algorithm::Sm2).expect("key");
    let maker_cert = x509::to_der(&self_signed(&maker, "制章者")).expect("der");
    let signer_cert = x509::to_der(&self_signed(&signer, "签章者")).expect("der");
    Parties {
        maker,
        maker_cert,
        signer,
        signer_cert,
    }
}

fn spec<'a>(bound: &'a [Vec<u8>], now: SystemTime) -> SealSpec<'a> {
    SealSpec {
        es_id: "mcert-seal-0001",
        seal_type: SEAL_TYPE_ORGANIZATION,
        name: "测试有限公司合同专用章",
        bound_certificates: bound,
        bind_by: BindBy::Certificates,
        valid_from: now - Duration::from_secs(60),
        valid_to: now + Duration::from_secs(86400),
        picture_type: "png",
        picture: PNG,
        width_mm: 42,
        height_mm: 42,
        created: now,
    }
}

fn accept_any(_: &x509_cert::Certificate, _: SystemTime) -> Result<(), String> {
    Ok(())
}

#[test]
fn seal_and_signature_round_trip() {
    let p = parties();
    let now = SystemTime::now();
    let bound = vec![p.signer_cert.clone()];
    for bind_by in [BindBy::Certificates, BindBy::Sm3Digests] {
        let seal = make_seal(
            &p.maker,
            &p.maker_cert,
            &SealSpec {
                bind_by,
                ..spec(&bound, now)
            },
        )
        .expect("seal");
        let again = SESeal::from_der(seal.to_der()).expect("parse");
        assert_eq!(again, seal);
        let info = seal.info();
        assert_eq!(info.header.id, "ES");
        assert_eq!(info.header.version, 4);
        assert_eq!(info.header.vendor_id, VENDOR_ID);
        assert_eq!(info.property.name, "测试有限公司合同专用章");
        assert_eq!(info.picture.data, PNG);
        assert_eq!(seal.signature_algorithm(), oid::SM2_WITH_SM3);
        assert!(seal.binds(&p.signer_cert));
        assert!(!seal.binds(&p.maker_cert));
        verify_seal(&seal, MakerTrust::Callback(&accept_any), now).expect("seal verifies");

        let digest = hash::sm3(b"bid document");
        let sig = sign_with_seal(&p.signer, &p.signer_cert, &seal, &digest, "bid.pdf", now)
            .expect("sign");
        let parsed = SesSignature::from_der(sig.to_der()).expect("parse");
        assert_eq!(parsed, sig);
        assert_eq!(parsed.seal(), &seal);
        assert_eq!(parsed.tbs().data_hash, digest);
        let v = verify_signature(&parsed, &digest, MakerTrust::Callback(&accept_any), now)
            .expect("signature verifies");
        assert_eq!(v.signing_time, wire::whole_seconds(now).expect("time"));
    }
}

#[test]
fn split_signing_matches_the_one_call() {
    let p = parties();
    let now = SystemTime::now();
    let bound = vec![p.signer_cert.clone()];
    let seal = make_seal(&p.maker, &p.maker_cert, &spec(&bound, now)).expect("seal");
    let digest = hash::sm3(b"page bytes");
    let tbs = tbs_to_sign(&seal, &digest, "pdf", now).expect("tbs");
    let signature = p.signer.sign(&tbs).expect("sign");
    let sig = assemble_signature(&tbs, &p.signer_cert, &signature).expect("assemble");
    assert_eq!(sig.tbs_der(), tbs.as_slice());
    verify_signature(&sig, &digest, MakerTrust::Callback(&accept_any), now).expect("verifies");
    // A signature by another key, or over other bytes, is refused at assembly.
    let other = p.maker.sign(&tbs).expect("sign");
    assert!(matches!(
        assemble_signature(&tbs, &p.signer_cert, &other),
        Err(SealError::BadSignature)
    ));
    assert!(matches!(
        tbs_to_sign(&seal, &digest[..31], "pdf", now),
        Err(SealError::InvalidDataHash)
    ));
    assert!(matches!(
        tbs_to_sign(&seal, &digest, "文件", now),
        Err(SealError::InvalidField(_))
    ));
}

#[test]
fn bad_requests_are_refused() {
    let p = parties();
    let now = SystemTime::now();
    let bound = vec![p.signer_cert.clone()];
    let base = spec(&bound, now);
    let check = |s: SealSpec<'_>, want: fn(&SealError) -> bool| {
        let err = make_seal(&p.maker, &p.maker_cert, &s).expect_err("refused");
        assert!(want(&err), "unexpected {err:?}");
    };
    check(
        SealSpec {
            picture_type: "tiff",
            ..base.clone()
        },
        |e| matches!(e, SealError::UnsupportedPictureType(_)),
    );
    check(
        SealSpec {
            picture_type: "jpg",
            ..base.clone()
        },
        |e| matches!(e, SealError::PictureMismatch(_)),
    );
    check(
        SealSpec {
            width_mm: 0,
            ..base.clone()
        },
        |e| matches!(e, SealError::InvalidPictureSize { .. }),
    );
    check(
        SealSpec {
            valid_to: base.valid_from,
            ..base.clone()
        },
        |e| matches!(e, SealError::InvalidValidity),
    );
    check(
        SealSpec {
            bound_certificates: &[],
            ..base.clone()
        },
        |e| matches!(e, SealError::EmptyCertList),
    );
    check(
        SealSpec {
            es_id: "印章",
            ..base.clone()
        },
        |e| matches!(e, SealError::InvalidField(_)),
    );
    // The maker's certificate must hold the maker's key; P-256 makers are not GB/T 38540.
    assert!(matches!(
        make_seal(&p.signer, &p.maker_cert, &base),
        Err(SealError::KeyMismatch(CertRole::Maker))
    ));
    let p256 = PrivateKey::generate(Algorithm::P256).expect("key");
    let p256_cert = x509::to_der(&self_signed(&p256, "p256")).expect("der");
    assert!(matches!(
        make_seal(&p256, &p256_cert, &base),
        Err(SealError::NotSm2(CertRole::Maker))
    ));
    let with_p256 = vec![p256_cert];
    assert!(matches!(
        make_seal(&p.maker, &p.maker_cert, &spec(&with_p256, now)),
        Err(SealError::NotSm2(CertRole::Signer))
    ));
}

/// Re-signs a changed `SES_SealInfo`, so only the changed rule can refuse it.
fn resigned(p: &Parties, info: &SealInfo) -> Vec<u8> {
    let info_der = wire::encode_seal_info(info).expect("encode");
    let sig = p.maker.sign(&info_der).expect("sign");
    wire::encode_seal(&info_der, &p.maker_cert, oid::SM2_WITH_SM3, &sig).expect("seal")
}

#[test]
fn reading_is_strict() {
    let p = parties();
    let now = SystemTime::now();
    let bound = vec![p.signer_cert.clone()];
    let seal = make_seal(&p.maker, &p.maker_cert, &spec(&bound, now)).expect("seal");
    let der = seal.to_der().to_vec();

    let mut trailing = der.clone();
    trailing.push(0);
    assert!(matches!(
        SESeal::from_der(&trailing),
        Err(SealError::Der(_))
    ));
    assert!(matches!(
        SESeal::from_der(&vec![0u8; MAX_DER_LEN + 1]),
        Err(SealError::TooLarge { .. })
    ));

    let mut info = seal.info().clone();
    info.header.id = "EX".into();
    assert!(matches!(
        SESeal::from_der(&resigned(&p, &info)),
        Err(SealError::BadHeaderId(id)) if id == "EX"
    ));
    let mut info = seal.info().clone();
    info.header.version = 5;
    assert!(matches!(
        SESeal::from_der(&resigned(&p, &info)),
        Err(SealError::UnsupportedVersion(5))
    ));
    let mut info = seal.info().clone();
    info.picture.picture_type = "tiff".into();
    assert!(matches!(
        SESeal::from_der(&resigned(&p, &info)),
        Err(SealError::UnsupportedPictureType(_))
    ));
    let mut info = seal.info().clone();
    info.property.cert_list = CertList::Certificates(Vec::new());
    assert!(matches!(
        SESeal::from_der(&resigned(&p, &info)),
        Err(SealError::EmptyCertList)
    ));
    // certListType 3 (the name's UTF8String is followed by INTEGER 1, then the list).
    let name = seal.info().property.name.to_der().expect("der");
    let mut marker = name.clone();
    marker.extend_from_slice(&[0x02, 0x01, 0x01]);
    let at = der
        .windows(marker.len())
        .position(|w| w == marker.as_slice())
        .expect("certListType in the DER");
    let mut unknown = der.clone();
    unknown[at + marker.len() - 1] = 3;
    assert!(matches!(
        SESeal::from_der(&unknown),
        Err(SealError::UnknownCertListType(3))
    ));
    // A list of the wrong kind for its type does not parse.
    unknown[at + marker.len() - 1] = 2;
    assert!(matches!(SESeal::from_der(&unknown), Err(SealError::Der(_))));
    // An unknown critical extension parses but refuses the seal.
    let mut info = seal.info().clone();
    info.extensions.push(ExtData {
        id: const_oid::ObjectIdentifier::new_unwrap("1.2.3.4"),
        critical: true,
        value: vec![1, 2, 3],
    });
    let with_ext = SESeal::from_der(&resigned(&p, &info)).expect("parses");
    assert!(matches!(
        verify_seal(&with_ext, MakerTrust::Callback(&accept_any), now),
        Err(SealError::UnknownCriticalExtension(_))
    ));
}

/// Truncated and mutated encodings never panic, and a changed signed byte never verifies.
#[test]
fn mangled_input_never_panics() {
    let p = parties();
    let now = SystemTime::now();
    let bound = vec![p.signer_cert.clone()];
    let seal = make_seal(&p.maker, &p.maker_cert, &spec(&bound, now)).expect("seal");
    let digest = hash::sm3(b"doc");
    let sig = sign_with_seal(&p.signer, &p.signer_cert, &seal, &digest, "doc", now).expect("sig");
    let trust = MakerTrust::Callback(&accept_any);
    for der in [seal.to_der(), sig.to_der()] {
        for len in 0..der.len() {
            assert!(SESeal::from_der(&der[..len]).is_err());
            assert!(SesSignature::from_der(&der[..len]).is_err());
        }
    }
    // Every byte flipped three ways is parsed; one way per byte is also verified (verification
    // is the slow part).
    let bytes = sig.to_der();
    let mut accepted = 0;
    for i in 0..bytes.len() {
        for (k, flip) in [0x01u8, 0x80, 0xFF].into_iter().enumerate() {
            let mut m = bytes.to_vec();
            m[i] ^= flip;
            let _ = SESeal::from_der(&m);
            if let Ok(parsed) = SesSignature::from_der(&m)
                && i % 3 == k
                && verify_signature(&parsed, &digest, trust, now).is_ok()
            {
                accepted += 1;
            }
        }
    }
    assert_eq!(accepted, 0, "a mutated signature verified");
}
