//! PKCS#10 certificate signing requests: built on the device, checked by the CA (proof of
//! possession). The CA takes only the public key from a CSR; the subject comes from the verified
//! owner.

use der::asn1::{BitString, SetOfVec};
use der::{Decode, DecodePem, Encode, EncodePem};
use x509_cert::name::Name;
use x509_cert::request::{CertReq, CertReqInfo, Version};

use super::{Error, PublicKey, Signer};

/// Upper bound on the size of a CSR the CA reads.
pub const MAX_CSR_LEN: usize = 8 * 1024;

/// Builds and signs a CSR for the signer's key.
pub fn build(subject: &Name, signer: &dyn Signer) -> Result<CertReq, Error> {
    let info = CertReqInfo {
        version: Version::V1,
        subject: subject.clone(),
        public_key: signer.public_key().to_spki()?,
        attributes: SetOfVec::new(),
    };
    let signature = signer.sign(&info.to_der()?)?;
    Ok(CertReq {
        info,
        algorithm: signer.algorithm().signature_algorithm(),
        signature: BitString::from_bytes(&signature)?,
    })
}

pub fn to_der(csr: &CertReq) -> Result<Vec<u8>, Error> {
    Ok(csr.to_der()?)
}

pub fn to_pem(csr: &CertReq) -> Result<String, Error> {
    Ok(csr.to_pem(der::pem::LineEnding::LF)?)
}

/// Parses a CSR (DER or PEM) and checks that it is signed by the key it carries.
/// Returns the request and its public key.
pub fn verify(bytes: &[u8]) -> Result<(CertReq, PublicKey), Error> {
    if bytes.len() > MAX_CSR_LEN {
        return Err(Error::Csr("CSR too large"));
    }
    let csr = if bytes.starts_with(b"-----BEGIN") {
        CertReq::from_pem(bytes)
    } else {
        CertReq::from_der(bytes)
    }
    .map_err(|_| Error::Csr("not a PKCS#10 request"))?;
    let key = PublicKey::from_spki(&csr.info.public_key)?;
    let tbs = csr.info.to_der()?;
    let signature = csr
        .signature
        .as_bytes()
        .ok_or(Error::Csr("signature bit string has unused bits"))?;
    key.verify_with(&csr.algorithm, &tbs, signature)
        .map_err(|e| match e {
            Error::BadSignature | Error::MalformedSignature => {
                Error::Csr("CSR is not signed by the key it carries")
            }
            other => other,
        })?;
    Ok((csr, key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::name::SubjectName;
    use crate::crypto::{Algorithm, PrivateKey};

    #[test]
    fn proof_of_possession() {
        for alg in [Algorithm::Sm2, Algorithm::P256] {
            let key = PrivateKey::generate(alg).expect("key");
            let subject = SubjectName {
                common_name: Some("李四".into()),
                ..Default::default()
            }
            .to_name()
            .expect("name");
            let csr = build(&subject, &key).expect("csr");
            let der = to_der(&csr).expect("der");
            let (_, pk) = verify(&der).expect("verify");
            assert_eq!(&pk, key.public_key());
            let (_, pk) = verify(to_pem(&csr).expect("pem").as_bytes()).expect("verify pem");
            assert_eq!(&pk, key.public_key());

            // Swap in another key: the signature no longer matches.
            let other = PrivateKey::generate(alg).expect("key");
            let mut forged = csr.clone();
            forged.info.public_key = other.public_key().to_spki().expect("spki");
            let err = verify(&to_der(&forged).expect("der"));
            assert!(matches!(err, Err(Error::Csr(_))), "{err:?}");

            assert!(matches!(
                verify(b"\x30\x03\x02\x01\x01"),
                Err(Error::Csr(_))
            ));
            assert!(matches!(
                verify(&vec![0x30; MAX_CSR_LEN + 1]),
                Err(Error::Csr(_))
            ));
        }
    }
}
