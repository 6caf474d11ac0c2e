//! GB/T 38540-2020 seals on a throwaway SM2 hierarchy minted by code: the valid and tampered
//! seal signatures that the stranger on the JVM (verifiers/gbt38540, ofdrw-gm + BouncyCastle)
//! checks, verified here first with the same verdicts; an independent SM2 (sm-crypto) checks
//! both signatures; OpenSSL's `asn1parse` reads every encoding.
//!
//! With `MCERT_SEAL_FIXTURES=<dir>` the fixtures are written there (scripts/test.sh does so):
//! per fixture `<name>.seal.der`, `<name>.sig.der` and `<name>.data` (the protected bytes), the
//! CA as `root.der` and `issuing.der`, and `manifest.txt` ("<name> <expected verdict>").

use std::path::Path;
use std::time::{Duration, SystemTime};

use der::{Any, Decode, Encode, asn1::OctetString};
use mcert_core::crypto::seal::{
    self, BindBy, MakerTrust, SESeal, SealError, SealSpec, SesSignature,
};
use mcert_core::crypto::x509::{CertificateTemplate, Issuer, Profile, issue};
use mcert_core::crypto::{Algorithm, PrivateKey, Signer, hash, x509};
use mcert_test_support::{TempDir, openssl};
use x509_cert::Certificate;

use crate::common::{Hierarchy, hierarchy, name};

struct Party {
    key: PrivateKey,
    der: Vec<u8>,
}

fn leaf(h: &Hierarchy, profile: Profile, cn: &str) -> Party {
    let key = PrivateKey::generate(Algorithm::Sm2).expect("key");
    let now = SystemTime::now();
    let cert = issue(
        &CertificateTemplate {
            profile,
            subject: name(cn),
            subject_key: key.public_key().clone(),
            serial: None,
            not_before: now - Duration::from_secs(300),
            not_after: now + Duration::from_secs(365 * 86400),
            crl_url: None,
            ocsp_url: None,
            ca_issuers_url: None,
        },
        Issuer::Ca {
            certificate: &h.issuing,
            signer: &h.issuing_key,
        },
    )
    .expect("leaf");
    Party {
        key,
        der: x509::to_der(&cert).expect("der"),
    }
}

struct World {
    ca: Hierarchy,
    maker: Party,
    other_maker: Party,
    signer: Party,
    other_signer: Party,
    stranger_maker: Party,
    picture: Vec<u8>,
}

/// A 64×64 red ring on a transparent background, as a PNG.
fn picture() -> Vec<u8> {
    let img = image::RgbaImage::from_fn(64, 64, |x, y| {
        let (dx, dy) = (x as i32 - 32, y as i32 - 32);
        let r2 = dx * dx + dy * dy;
        if (26 * 26..=30 * 30).contains(&r2) {
            image::Rgba([0xE6, 0x00, 0x12, 0xFF])
        } else {
            image::Rgba([0, 0, 0, 0])
        }
    });
    let mut buf = std::io::Cursor::new(Vec::new());
    img.write_to(&mut buf, image::ImageFormat::Png)
        .expect("png");
    buf.into_inner()
}

fn world() -> World {
    let ca = hierarchy(Algorithm::Sm2);
    let stranger_ca = hierarchy(Algorithm::Sm2);
    World {
        maker: leaf(&ca, Profile::OrganizationLeaf, "mcert 制章服务"),
        other_maker: leaf(&ca, Profile::OrganizationLeaf, "mcert 制章服务 2"),
        signer: leaf(&ca, Profile::OrganizationLeaf, "测试建设有限公司"),
        other_signer: leaf(&ca, Profile::PersonalLeaf, "李四"),
        stranger_maker: leaf(&stranger_ca, Profile::OrganizationLeaf, "别家制章者"),
        ca,
        picture: picture(),
    }
}

fn at(secs: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
}

fn make(w: &World, maker: &Party, valid: (SystemTime, SystemTime), bind_by: BindBy) -> SESeal {
    let bound = [w.signer.der.clone()];
    seal::make_seal(
        &maker.key,
        &maker.der,
        &SealSpec {
            es_id: "91110000MA00TEST0X-0001",
            seal_type: seal::SEAL_TYPE_ORGANIZATION,
            name: "测试建设有限公司合同专用章",
            bound_certificates: &bound,
            bind_by,
            valid_from: valid.0,
            valid_to: valid.1,
            picture_type: "png",
            picture: &w.picture,
            width_mm: 40,
            height_mm: 40,
            created: valid.0,
        },
    )
    .expect("make seal")
}

/// The seal with element `index` of its outer SEQUENCE replaced.
fn replace_element(der: &[u8], index: usize, element: Any) -> Vec<u8> {
    let mut elements = Vec::<Any>::from_der(der).expect("sequence");
    elements[index] = element;
    elements.to_der().expect("der")
}

struct Fixture {
    name: &'static str,
    /// The verdict both verifiers must reach: OK or the one check that fails.
    expected: &'static str,
    seal: Vec<u8>,
    signature: Vec<u8>,
    data: Vec<u8>,
}

const PROPERTY: &str = "pdf:ByteRange=0,1000,5000,200";
const DATA: &str = "招标编号 ZB-2026-001 投标文件 第一册";

fn fixtures(w: &World) -> Vec<Fixture> {
    let now = SystemTime::now();
    let window = (
        now - Duration::from_secs(3600),
        now + Duration::from_secs(30 * 86400),
    );
    let data = DATA.as_bytes().to_vec();
    let digest = hash::sm3(&data);
    let sign = |seal: &SESeal, digest: &[u8], time: SystemTime| -> SesSignature {
        seal::sign_with_seal(&w.signer.key, &w.signer.der, seal, digest, PROPERTY, time)
            .expect("sign")
    };
    let mut out = Vec::new();
    let mut push = |name, expected, seal: &SESeal, sig: &SesSignature| {
        out.push(Fixture {
            name,
            expected,
            seal: seal.to_der().to_vec(),
            signature: sig.to_der().to_vec(),
            data: data.clone(),
        })
    };

    let valid = make(w, &w.maker, window, BindBy::Certificates);
    push("valid", "OK", &valid, &sign(&valid, &digest, now));

    let by_digest = make(w, &w.maker, window, BindBy::Sm3Digests);
    push(
        "valid-digest-list",
        "OK",
        &by_digest,
        &sign(&by_digest, &digest, now),
    );

    // A picture byte flipped after the maker signed; the signer (re)signs the changed seal.
    let der = valid.to_der();
    let pos = der
        .windows(w.picture.len())
        .position(|win| win == w.picture.as_slice())
        .expect("picture in the seal")
        + w.picture.len() / 2;
    let mut flipped = der.to_vec();
    flipped[pos] ^= 0x01;
    let flipped = SESeal::from_der(&flipped).expect("still parses");
    push(
        "picture-flipped",
        "MAKER_SIGNATURE",
        &flipped,
        &sign(&flipped, &digest, now),
    );

    // Signed by one maker's key, carrying another maker's certificate.
    let cert = Any::encode_from(&OctetString::new(w.other_maker.der.clone()).expect("octets"))
        .expect("any");
    let swapped = SESeal::from_der(&replace_element(valid.to_der(), 1, cert)).expect("parses");
    push(
        "wrong-maker-key",
        "MAKER_SIGNATURE",
        &swapped,
        &sign(&swapped, &digest, now),
    );

    let stranger = make(w, &w.stranger_maker, window, BindBy::Certificates);
    push(
        "untrusted-maker",
        "MAKER_CHAIN",
        &stranger,
        &sign(&stranger, &digest, now),
    );

    // A certificate of the same CA that the seal does not bind: the one-call API refuses it,
    // the two-step API (what a phone uses) lets it through to the verifiers.
    let o = &w.other_signer;
    assert!(matches!(
        seal::sign_with_seal(&o.key, &o.der, &valid, &digest, PROPERTY, now),
        Err(SealError::SignerNotBound)
    ));
    let tbs = seal::tbs_to_sign(&valid, &digest, PROPERTY, now).expect("tbs");
    let unbound =
        seal::assemble_signature(&tbs, &o.der, &o.key.sign(&tbs).expect("sign")).expect("assemble");
    push("unbound-signer", "BINDING", &valid, &unbound);

    // Valid through 2020, used in June 2020, verified now.
    let old = make(
        w,
        &w.maker,
        (at(1_577_836_800), at(1_609_459_200)),
        BindBy::Certificates,
    );
    push(
        "expired-seal",
        "SEAL_VALIDITY",
        &old,
        &sign(&old, &digest, at(1_590_969_600)),
    );

    let other_digest = hash::sm3("招标编号 ZB-2026-001 投标文件 第二册".as_bytes());
    push(
        "wrong-data-hash",
        "DATA_HASH",
        &valid,
        &sign(&valid, &other_digest, now),
    );

    // propertyInfo changed after signing (same length, so the DER stays well-formed).
    let sig = sign(&valid, &digest, now);
    let mut changed = sig.to_der().to_vec();
    let pos = changed
        .windows(PROPERTY.len())
        .position(|win| win == PROPERTY.as_bytes())
        .expect("propertyInfo in the signature");
    changed[pos + PROPERTY.len() - 1] = b'9';
    let changed = SesSignature::from_der(&changed).expect("still parses");
    push("tampered-tbs", "SIGNER_SIGNATURE", &valid, &changed);
    out
}

fn verdict(result: Result<(), SealError>) -> &'static str {
    match result {
        Ok(()) => "OK",
        Err(SealError::BadMakerSignature) => "MAKER_SIGNATURE",
        Err(SealError::MakerNotTrusted(_)) => "MAKER_CHAIN",
        Err(SealError::SignerNotBound) => "BINDING",
        Err(SealError::SealExpired) => "SEAL_VALIDITY",
        Err(SealError::DataHashMismatch) => "DATA_HASH",
        Err(SealError::BadSignature) => "SIGNER_SIGNATURE",
        Err(other) => panic!("unexpected error {other:?}"),
    }
}

fn write_fixtures(dir: &Path, w: &World, fixtures: &[Fixture]) {
    if dir.exists() {
        std::fs::remove_dir_all(dir).expect("clear the fixture directory");
    }
    std::fs::create_dir_all(dir).expect("fixture directory");
    let put = |name: &str, bytes: &[u8]| std::fs::write(dir.join(name), bytes).expect("write");
    put("root.der", &x509::to_der(&w.ca.root).expect("der"));
    put("issuing.der", &x509::to_der(&w.ca.issuing).expect("der"));
    let mut manifest = String::new();
    for f in fixtures {
        put(&format!("{}.seal.der", f.name), &f.seal);
        put(&format!("{}.sig.der", f.name), &f.signature);
        put(&format!("{}.data", f.name), &f.data);
        manifest.push_str(&format!("{} {}\n", f.name, f.expected));
    }
    put("manifest.txt", manifest.as_bytes());
    eprintln!("GB/T 38540 fixtures written to {}", dir.display());
}

#[test]
fn fixtures_get_the_expected_verdicts_and_go_to_the_jvm() {
    let w = world();
    let fixtures = fixtures(&w);
    let anchors = [w.ca.root.clone()];
    let intermediates = [w.ca.issuing.clone()];
    let trust = MakerTrust::Anchors {
        anchors: &anchors,
        intermediates: &intermediates,
    };
    let now = SystemTime::now();
    for f in &fixtures {
        let sig = SesSignature::from_der(&f.signature).expect("signature parses");
        assert_eq!(sig.seal().to_der(), f.seal.as_slice(), "{}", f.name);
        assert_eq!(
            SESeal::from_der(&f.seal).expect("seal parses").to_der(),
            f.seal
        );
        let result = seal::verify_signature(&sig, &hash::sm3(&f.data), trust, now).map(|_| ());
        assert_eq!(verdict(result), f.expected, "fixture {}", f.name);
        if f.expected == "OK" {
            // An independent SM2 (sm-crypto) accepts both signatures.
            for (cert, msg, signature) in [
                (
                    sig.seal().maker_certificate_der(),
                    sig.seal().info_der(),
                    sig.seal().signature_der(),
                ),
                (
                    sig.signer_certificate_der(),
                    sig.tbs_der(),
                    sig.signature_der(),
                ),
            ] {
                let cert = Certificate::from_der(cert).expect("cert");
                let key = x509::certificate_public_key(&cert).expect("key");
                let pk = hex::encode(&key.to_sec1()[1..]);
                assert!(
                    sm_crypto::sm2::Verify::new(&pk).verify_der(msg, signature, true),
                    "sm-crypto rejects {}",
                    f.name
                );
            }
        }
    }
    if let Some(dir) = std::env::var_os("MCERT_SEAL_FIXTURES") {
        write_fixtures(Path::new(&dir), &w, &fixtures);
    }
}

#[test]
fn validity_is_judged_at_the_given_time() {
    let w = world();
    let now = SystemTime::now();
    let day = Duration::from_secs(86400);
    let anchors = [w.ca.root.clone()];
    let intermediates = [w.ca.issuing.clone()];
    let trust = MakerTrust::Anchors {
        anchors: &anchors,
        intermediates: &intermediates,
    };
    let later = make(
        &w,
        &w.maker,
        (now + day, now + 30 * day),
        BindBy::Certificates,
    );
    assert!(matches!(
        seal::verify_seal(&later, trust, now),
        Err(SealError::SealNotYetValid)
    ));
    seal::verify_seal(&later, trust, now + 2 * day).expect("valid from tomorrow");
    assert!(matches!(
        seal::verify_seal(&later, trust, now + 31 * day),
        Err(SealError::SealExpired)
    ));
    // Signed today with a seal valid from tomorrow: refused even when checked tomorrow.
    let digest = hash::sm3(b"doc");
    let sig = seal::sign_with_seal(&w.signer.key, &w.signer.der, &later, &digest, "doc", now)
        .expect("sign");
    assert!(matches!(
        seal::verify_signature(&sig, &digest, trust, now + 2 * day),
        Err(SealError::SignedOutsideSealValidity)
    ));
    // A maker outside the anchors, or refused by the caller's own check.
    let refuse = |_: &Certificate, _: SystemTime| Err("revoked".to_string());
    assert!(matches!(
        seal::verify_seal(&later, MakerTrust::Callback(&refuse), now + 2 * day),
        Err(SealError::MakerNotTrusted(reason)) if reason == "revoked"
    ));
    let stranger = [hierarchy(Algorithm::Sm2).root];
    let untrusted = MakerTrust::Anchors {
        anchors: &stranger,
        intermediates: &intermediates,
    };
    assert!(matches!(
        seal::verify_seal(&later, untrusted, now + 2 * day),
        Err(SealError::MakerNotTrusted(_))
    ));
}

#[test]
fn openssl_asn1parse_reads_seals_and_signatures() {
    assert!(
        std::process::Command::new("openssl")
            .arg("version")
            .output()
            .is_ok_and(|o| o.status.success()),
        "openssl is required to check the GB/T 38540 encodings (asn1parse)"
    );
    let w = world();
    let dir = TempDir::new("seal-asn1parse");
    for f in fixtures(&w).iter().filter(|f| f.name.starts_with("valid")) {
        for (kind, der) in [("seal", &f.seal), ("sig", &f.signature)] {
            let file = format!("{}.{kind}.der", f.name);
            dir.write(&file, der);
            let (ok, text) = openssl(&dir.0, &["asn1parse", "-inform", "DER", "-in", &file]);
            assert!(ok, "openssl asn1parse failed on {file}:\n{text}");
            assert!(!text.to_lowercase().contains("error"), "{file}:\n{text}");
            for expected in [
                ":ES",
                "GENERALIZEDTIME",
                "UTF8STRING",
                "IA5STRING",
                "BIT STRING",
            ] {
                assert!(text.contains(expected), "{file} lacks {expected}:\n{text}");
            }
            assert!(
                text.contains("SM2-with-SM3") || text.contains("1.2.156.10197.1.501"),
                "{file} lacks the SM2-with-SM3 OID:\n{text}"
            );
        }
    }
}
