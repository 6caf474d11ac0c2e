//! OpenSSL 3 interoperability, both ways: what mcert makes, OpenSSL accepts; what OpenSSL makes,
//! mcert accepts. Runs when `openssl` is on the PATH; with `MCERT_REQUIRE_OPENSSL=1` (set by
//! CI) a missing `openssl` fails the tests instead of skipping them.
//!
//! OpenSSL 3.0's default SM2 ID is empty, so every SM2 command passes
//! `distid:1234567812345678`.

use std::path::Path;
use std::time::SystemTime;

use mcert_core::crypto::path::{ValidationOptions, validate};
use mcert_core::crypto::{Algorithm, PrivateKey, PublicKey, Signer, cms, csr, x509};
use mcert_test_support::{TempDir, have_openssl, openssl};

use crate::common::{hierarchy, name};

const DISTID: &str = "distid:1234567812345678";

fn must(dir: &TempDir, args: &[&str]) -> String {
    let (ok, text) = openssl(dir, args);
    assert!(ok, "openssl {} failed:\n{text}", args.join(" "));
    text
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn pem(cert: &x509_cert::Certificate) -> String {
    x509::to_pem(cert).expect("pem")
}

fn pubkey_pem(key: &PublicKey) -> String {
    let der = key.to_spki_der().expect("spki");
    der::pem::encode_string("PUBLIC KEY", der::pem::LineEnding::LF, &der).expect("pem")
}

fn privkey_pem(key: &PrivateKey) -> String {
    let der = key.to_pkcs8_der().expect("pkcs8");
    der::pem::encode_string("PRIVATE KEY", der::pem::LineEnding::LF, &der).expect("pem")
}

#[test]
fn openssl_verifies_our_chains() {
    if !have_openssl() {
        return;
    }
    for alg in [Algorithm::Sm2, Algorithm::P256] {
        let dir = TempDir::new("openssl-chain");
        let h = hierarchy(alg);
        let root = dir.write("root.pem", pem(&h.root));
        let issuing = dir.write("issuing.pem", pem(&h.issuing));
        let leaf = dir.write("leaf.pem", pem(&h.leaf));
        // Each link on its own: `openssl verify -vfyopt` gives the SM2 ID to the certificate
        // under test only, not to intermediates, so the issuing CA is checked as a target
        // against the root and the leaf against the issuing CA (as a partial chain).
        for (anchor, target, partial) in [(&root, &issuing, false), (&issuing, &leaf, true)] {
            let mut args = vec!["verify"];
            if alg == Algorithm::Sm2 {
                args.extend(["-vfyopt", DISTID]);
            }
            if partial {
                args.push("-partial_chain");
            }
            args.extend(["-CAfile", s(anchor), s(target)]);
            let out = must(&dir, &args);
            assert!(out.contains(": OK"), "{alg}: {out}");
        }
        if alg == Algorithm::P256 {
            // Without SM2 IDs in play, the whole chain in one call.
            let out = must(
                &dir,
                &[
                    "verify",
                    "-CAfile",
                    s(&root),
                    "-untrusted",
                    s(&issuing),
                    s(&leaf),
                ],
            );
            assert!(out.contains(": OK"), "{out}");
        }

        // The root's self-signature, checked with pkeyutl (verify ignores -vfyopt for CA files).
        let tbs = der::Encode::to_der(h.root.tbs_certificate()).expect("tbs");
        let tbs_path = dir.write("root.tbs", tbs);
        let sig = dir.write(
            "root.sig",
            h.root.signature().as_bytes().expect("signature bytes"),
        );
        let root_pub = dir.write(
            "root.pub",
            pubkey_pem(&x509::certificate_public_key(&h.root).expect("key")),
        );
        let digest = if alg == Algorithm::Sm2 {
            "sm3"
        } else {
            "sha256"
        };
        let mut args = vec![
            "pkeyutl",
            "-verify",
            "-pubin",
            "-inkey",
            s(&root_pub),
            "-rawin",
            "-digest",
            digest,
            "-in",
            s(&tbs_path),
            "-sigfile",
            s(&sig),
        ];
        if alg == Algorithm::Sm2 {
            args.extend(["-pkeyopt", DISTID]);
        }
        let out = must(&dir, &args);
        assert!(
            out.contains("Signature Verified Successfully"),
            "{alg}: {out}"
        );

        // OpenSSL prints the extensions we meant to write.
        let text = must(&dir, &["x509", "-in", s(&leaf), "-noout", "-text"]);
        for expected in [
            "CA:FALSE",
            "Digital Signature, Non Repudiation",
            "TLS Web Client Authentication",
            "OCSP - URI:http://127.0.0.1:8080/v1/ocsp",
            "URI:http://127.0.0.1:8080/v1/crl/issuing.crl",
            "X509v3 Authority Key Identifier",
        ] {
            assert!(
                text.contains(expected),
                "{alg}: missing {expected} in\n{text}"
            );
        }
    }
}

#[test]
fn openssl_verifies_our_csrs() {
    if !have_openssl() {
        return;
    }
    for alg in [Algorithm::Sm2, Algorithm::P256] {
        let dir = TempDir::new("openssl-csr");
        let key = PrivateKey::generate(alg).expect("key");
        let req = csr::build(&name("李四"), &key).expect("csr");
        let path = dir.write("req.pem", csr::to_pem(&req).expect("pem"));
        let mut args = vec!["req", "-verify", "-noout", "-in", s(&path)];
        if alg == Algorithm::Sm2 {
            args.extend(["-vfyopt", DISTID]);
        }
        let out = must(&dir, &args);
        assert!(out.contains("verify OK"), "{alg}: {out}");
    }
}

#[test]
fn we_verify_openssl_csrs_and_certificates() {
    if !have_openssl() {
        return;
    }
    for alg in [Algorithm::Sm2, Algorithm::P256] {
        let dir = TempDir::new("openssl-theirs");
        let (genpkey, md): (&[&str], &str) = match alg {
            Algorithm::Sm2 => (&["genpkey", "-algorithm", "SM2"], "-sm3"),
            Algorithm::P256 => (
                &[
                    "genpkey",
                    "-algorithm",
                    "EC",
                    "-pkeyopt",
                    "ec_paramgen_curve:P-256",
                ],
                "-sha256",
            ),
        };
        let mut args = genpkey.to_vec();
        args.extend(["-out", "key.pem"]);
        must(&dir, &args);
        let mut args = vec![
            "req",
            "-new",
            "-key",
            "key.pem",
            "-subj",
            "/CN=openssl-made",
            "-out",
            "req.pem",
            md,
        ];
        if alg == Algorithm::Sm2 {
            args.extend(["-sigopt", DISTID]);
        }
        must(&dir, &args);
        let (_, pk) = csr::verify(&dir.read("req.pem")).expect("we accept OpenSSL's CSR");
        assert_eq!(pk.algorithm(), alg);

        // A self-signed CA certificate made by OpenSSL validates as a trust anchor of a path
        // whose leaf we issue from its key.
        let mut args = vec![
            "req",
            "-x509",
            "-new",
            "-key",
            "key.pem",
            "-subj",
            "/CN=OpenSSL Root",
            "-days",
            "30",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
            "-out",
            "ca.pem",
        ];
        args.push(md);
        if alg == Algorithm::Sm2 {
            args.extend(["-sigopt", DISTID]);
        }
        must(&dir, &args);
        let ca = x509::parse_certificate(&dir.read("ca.pem")).expect("parse OpenSSL cert");
        must(
            &dir,
            &[
                "pkcs8", "-topk8", "-nocrypt", "-in", "key.pem", "-outform", "DER", "-out",
                "key.der",
            ],
        );
        let ca_key = PrivateKey::from_pkcs8_der(&dir.read("key.der")).expect("OpenSSL key");
        assert_eq!(ca_key.algorithm(), alg);
        let leaf_key = PrivateKey::generate(alg).expect("key");
        let now = SystemTime::now();
        let leaf = x509::issue(
            &x509::CertificateTemplate {
                profile: x509::Profile::PersonalLeaf,
                subject: name("王五"),
                subject_key: leaf_key.public_key().clone(),
                serial: None,
                not_before: now - std::time::Duration::from_secs(60),
                not_after: now + std::time::Duration::from_secs(86400),
                crl_url: None,
                ocsp_url: None,
                ca_issuers_url: None,
            },
            x509::Issuer::Ca {
                certificate: &ca,
                signer: &ca_key,
            },
        )
        .expect("issue under OpenSSL's CA");
        let path = validate(
            &leaf,
            &[],
            std::slice::from_ref(&ca),
            &ValidationOptions::at(now),
        )
        .expect("path to OpenSSL's root");
        assert_eq!(path.len(), 2);
    }
}

#[test]
fn signatures_both_ways_with_pkeyutl() {
    if !have_openssl() {
        return;
    }
    for alg in [Algorithm::Sm2, Algorithm::P256] {
        let dir = TempDir::new("openssl-sig");
        let digest = if alg == Algorithm::Sm2 {
            "sm3"
        } else {
            "sha256"
        };
        let key = PrivateKey::generate(alg).expect("key");
        let msg = dir.write("msg", "登录 青海能源集团数字招采平台 session 42".as_bytes());
        let pubkey = dir.write("pub.pem", pubkey_pem(key.public_key()));
        let keyfile = dir.write("key.pem", privkey_pem(&key));
        let sig = dir.write("ours.sig", key.sign(&dir.read("msg")).expect("sign"));
        let mut args = vec![
            "pkeyutl",
            "-verify",
            "-pubin",
            "-inkey",
            s(&pubkey),
            "-rawin",
            "-digest",
            digest,
            "-in",
            s(&msg),
            "-sigfile",
            s(&sig),
        ];
        if alg == Algorithm::Sm2 {
            args.extend(["-pkeyopt", DISTID]);
        }
        let out = must(&dir, &args);
        assert!(
            out.contains("Signature Verified Successfully"),
            "{alg}: {out}"
        );

        // OpenSSL signs with our exported key; we verify.
        let theirs = dir.path("theirs.sig");
        let mut args = vec![
            "pkeyutl",
            "-sign",
            "-inkey",
            s(&keyfile),
            "-rawin",
            "-digest",
            digest,
            "-in",
            s(&msg),
            "-out",
            s(&theirs),
        ];
        if alg == Algorithm::Sm2 {
            args.extend(["-pkeyopt", DISTID]);
        }
        must(&dir, &args);
        key.public_key()
            .verify(&dir.read("msg"), &dir.read("theirs.sig"))
            .expect("we verify OpenSSL's signature");
    }
}

#[test]
fn sm2_encryption_both_ways_with_pkeyutl() {
    if !have_openssl() {
        return;
    }
    let dir = TempDir::new("openssl-enc");
    let key = PrivateKey::generate(Algorithm::Sm2).expect("key");
    let pubkey = dir.write("pub.pem", pubkey_pem(key.public_key()));
    let keyfile = dir.write("key.pem", privkey_pem(&key));
    let secret = b"AES-256 bid key: 0123456789abcdef0123456789abcdef";
    // Ours → OpenSSL.
    let ct = dir.write(
        "ours.ct",
        key.public_key().encrypt(secret).expect("encrypt"),
    );
    let out = dir.path("ours.pt");
    must(
        &dir,
        &[
            "pkeyutl",
            "-decrypt",
            "-inkey",
            s(&keyfile),
            "-in",
            s(&ct),
            "-out",
            s(&out),
        ],
    );
    assert_eq!(dir.read("ours.pt"), secret);
    // OpenSSL → ours.
    let pt = dir.write("pt", secret);
    let theirs = dir.path("theirs.ct");
    must(
        &dir,
        &[
            "pkeyutl",
            "-encrypt",
            "-pubin",
            "-inkey",
            s(&pubkey),
            "-in",
            s(&pt),
            "-out",
            s(&theirs),
        ],
    );
    let opened = key
        .decrypt(&dir.read("theirs.ct"))
        .expect("decrypt OpenSSL's ciphertext");
    assert_eq!(opened.as_slice(), secret);
}

#[test]
fn p256_cms_both_ways() {
    if !have_openssl() {
        return;
    }
    let dir = TempDir::new("openssl-cms");
    let h = hierarchy(Algorithm::P256);
    let doc = b"%PDF-1.7 tender document".to_vec();
    let doc_path = dir.write("doc.pdf", &doc);
    let root = dir.write("root.pem", pem(&h.root));
    let chain = dir.write("chain.pem", format!("{}{}", pem(&h.issuing), pem(&h.root)));
    let digest = Algorithm::P256.digest(&doc);
    let sig = cms::sign_detached(
        &digest,
        &h.leaf_key,
        &h.leaf,
        std::slice::from_ref(&h.issuing),
        SystemTime::now(),
    )
    .expect("sign");
    let sig_path = dir.write("doc.p7s", &sig);
    let out = must(
        &dir,
        &[
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            s(&sig_path),
            "-content",
            s(&doc_path),
            "-CAfile",
            s(&root),
            "-out",
            "/dev/null",
        ],
    );
    assert!(out.contains("Verification successful"), "{out}");

    // OpenSSL signs the document with the same leaf; we verify against the digest.
    let leaf = dir.write("leaf.pem", pem(&h.leaf));
    let key = dir.write("leaf.key", privkey_pem(&h.leaf_key));
    let theirs = dir.path("theirs.p7s");
    must(
        &dir,
        &[
            "cms",
            "-sign",
            "-binary",
            "-md",
            "sha256",
            "-in",
            s(&doc_path),
            "-signer",
            s(&leaf),
            "-inkey",
            s(&key),
            "-certfile",
            s(&chain),
            "-outform",
            "DER",
            "-out",
            s(&theirs),
        ],
    );
    let v = cms::verify_detached(&dir.read("theirs.p7s"), &digest).expect("verify OpenSSL CMS");
    assert_eq!(v.signer, h.leaf);
    let mut other = digest;
    other[0] ^= 1;
    assert!(cms::verify_detached(&dir.read("theirs.p7s"), &other).is_err());
}

/// What OpenSSL 3.0 does with an SM2 CMS SignedData: it parses and prints ours, and a
/// signature check of the signed attributes with the SM2 ID passes with pkeyutl; `openssl cms
/// -verify` itself cannot pass the SM2 ID and fails on SM2 signers (recorded, not required).
#[test]
fn sm2_cms_as_far_as_openssl_goes() {
    if !have_openssl() {
        return;
    }
    let dir = TempDir::new("openssl-cms-sm2");
    let h = hierarchy(Algorithm::Sm2);
    let doc = b"tender document (SM2)".to_vec();
    let doc_path = dir.write("doc.bin", &doc);
    let digest = Algorithm::Sm2.digest(&doc);
    let sig =
        cms::sign_detached(&digest, &h.leaf_key, &h.leaf, &[], SystemTime::now()).expect("sign");
    let sig_path = dir.write("doc.p7s", &sig);
    let printed = must(
        &dir,
        &[
            "cms",
            "-cmsout",
            "-print",
            "-inform",
            "DER",
            "-in",
            s(&sig_path),
        ],
    );
    assert!(printed.contains("sm3"), "{printed}");
    assert!(
        printed.contains("SM2-with-SM3") || printed.contains("SM2-SM3"),
        "{printed}"
    );

    // Our own verifier accepts it; the attribute signature verifies in OpenSSL with the ID.
    cms::verify_detached(&sig, &digest).expect("verify");
    let root = dir.write("root.pem", pem(&h.root));
    let (ok, text) = openssl(
        &dir,
        &[
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            s(&sig_path),
            "-content",
            s(&doc_path),
            "-CAfile",
            s(&root),
            "-noverify",
            "-out",
            "/dev/null",
        ],
    );
    eprintln!("openssl cms -verify on SM2 SignedData: ok={ok}\n{text}");

    // The SignerInfo's signature over the signed attributes verifies in OpenSSL given the ID.
    let (attrs, signature) = cms::signed_attributes_and_signature(&sig).expect("parts");
    let attrs = dir.write("attrs.der", attrs);
    let signature = dir.write("attrs.sig", signature);
    let pubkey = dir.write("leaf.pub", pubkey_pem(h.leaf_key.public_key()));
    let out = must(
        &dir,
        &[
            "pkeyutl",
            "-verify",
            "-pubin",
            "-inkey",
            s(&pubkey),
            "-rawin",
            "-digest",
            "sm3",
            "-in",
            s(&attrs),
            "-sigfile",
            s(&signature),
            "-pkeyopt",
            DISTID,
        ],
    );
    assert!(out.contains("Signature Verified Successfully"), "{out}");
}

/// CRLs and OCSP: OpenSSL verifies our P-256 CRL and OCSP responses, and we read the OCSP
/// requests `openssl ocsp` makes. (SM2 CRL/OCSP signatures cannot be checked by OpenSSL's
/// commands, which have no way to pass the SM2 ID; they are parsed and printed here.)
#[test]
fn crl_and_ocsp_with_openssl() {
    use mcert_core::crypto::revocation::{
        CertStatus, RevocationReason, Revoked, build_crl, build_ocsp_response, parse_ocsp_request,
    };
    if !have_openssl() {
        return;
    }
    for alg in [Algorithm::Sm2, Algorithm::P256] {
        let dir = TempDir::new("openssl-revocation");
        let h = hierarchy(alg);
        let root = dir.write("root.pem", pem(&h.root));
        let issuing = dir.write("issuing.pem", pem(&h.issuing));
        let leaf = dir.write("leaf.pem", pem(&h.leaf));
        let now = SystemTime::now();
        let serial = h.leaf.tbs_certificate().serial_number().as_bytes().to_vec();

        // The CRL lists the leaf.
        let crl = build_crl(
            &h.issuing,
            &h.issuing_key,
            &[Revoked {
                serial: serial.clone(),
                time: now,
                reason: RevocationReason::KeyCompromise,
            }],
            3,
            now,
            now + std::time::Duration::from_secs(86400),
        )
        .expect("crl");
        let crl_path = dir.write("issuing.crl", der::Encode::to_der(&crl).expect("der"));
        let text = must(
            &dir,
            &[
                "crl",
                "-inform",
                "DER",
                "-in",
                s(&crl_path),
                "-noout",
                "-text",
            ],
        );
        assert!(text.contains("Key Compromise"), "{text}");
        assert!(text.contains(&x509::serial_hex(&h.leaf)), "{text}");
        assert!(text.contains("X509v3 CRL Number"), "{text}");
        if alg == Algorithm::P256 {
            let out = must(
                &dir,
                &[
                    "crl",
                    "-inform",
                    "DER",
                    "-in",
                    s(&crl_path),
                    "-CAfile",
                    s(&issuing),
                    "-noout",
                ],
            );
            assert!(out.contains("verify OK"), "{out}");
            // openssl verify with the CRL rejects the revoked leaf.
            let crl_pem = dir.path("issuing.crl.pem");
            must(
                &dir,
                &[
                    "crl",
                    "-inform",
                    "DER",
                    "-in",
                    s(&crl_path),
                    "-out",
                    s(&crl_pem),
                ],
            );
            let chain = dir.write("chain.pem", format!("{}{}", pem(&h.root), pem(&h.issuing)));
            let (ok, out) = openssl(
                &dir,
                &[
                    "verify",
                    "-crl_check",
                    "-CAfile",
                    s(&chain),
                    "-CRLfile",
                    s(&crl_pem),
                    s(&leaf),
                ],
            );
            assert!(!ok && out.contains("certificate revoked"), "{out}");
        }

        // OCSP: OpenSSL's request, our response.
        let req = dir.path("req.der");
        must(
            &dir,
            &[
                "ocsp",
                "-issuer",
                s(&issuing),
                "-cert",
                s(&leaf),
                "-reqout",
                s(&req),
            ],
        );
        let parsed = parse_ocsp_request(&dir.read("req.der")).expect("parse OpenSSL request");
        assert_eq!(parsed.cert_ids.len(), 1);
        assert!(parsed.cert_ids[0].matches_issuer(&h.issuing));
        assert_eq!(parsed.cert_ids[0].serial(), serial.as_slice());
        assert!(parsed.nonce.is_some(), "OpenSSL sends a nonce by default");
        for (status, expect) in [
            (CertStatus::Good, ": good"),
            (
                CertStatus::Revoked {
                    time: now,
                    reason: RevocationReason::Superseded,
                },
                ": revoked",
            ),
        ] {
            let resp = build_ocsp_response(
                &h.issuing,
                &h.issuing_key,
                &[(parsed.cert_ids[0].clone(), status)],
                parsed.nonce.as_deref(),
                now,
                std::time::Duration::from_secs(600),
            )
            .expect("response");
            let resp_path = dir.write("resp.der", &resp);
            let mut args = vec![
                "ocsp",
                "-respin",
                s(&resp_path),
                "-issuer",
                s(&issuing),
                "-cert",
                s(&leaf),
                "-CAfile",
                s(&root),
                "-VAfile",
                s(&issuing),
                "-resp_text",
                // -respin makes a fresh request whose nonce cannot match the saved response.
                "-no_nonce",
            ];
            if alg == Algorithm::Sm2 {
                args.push("-noverify");
            }
            let out = must(&dir, &args);
            assert!(out.contains(expect), "{alg}: {out}");
            if alg == Algorithm::P256 {
                assert!(out.contains("Response verify OK"), "{out}");
            }
        }
    }
}
