//! Object identifiers used by mcert (X.509, CMS, GM/T 0006).

use const_oid::ObjectIdentifier as Oid;

/// id-ecPublicKey (RFC 5480); SM2 keys use it too, with the SM2 curve as parameter.
pub const EC_PUBLIC_KEY: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
/// The SM2 curve (GM/T 0006: sm2p256v1).
pub const SM2_CURVE: Oid = Oid::new_unwrap("1.2.156.10197.1.301");
/// NIST P-256 (secp256r1 / prime256v1).
pub const P256_CURVE: Oid = Oid::new_unwrap("1.2.840.10045.3.1.7");
/// SM2 signature with SM3 (GM/T 0006: SM2-with-SM3).
pub const SM2_WITH_SM3: Oid = Oid::new_unwrap("1.2.156.10197.1.501");
/// ecdsa-with-SHA256 (RFC 5758).
pub const ECDSA_WITH_SHA256: Oid = Oid::new_unwrap("1.2.840.10045.4.3.2");
/// SM3 hash.
pub const SM3: Oid = Oid::new_unwrap("1.2.156.10197.1.401");
/// SHA-256 hash.
pub const SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.1");

/// PKCS#7 / CMS content types.
pub const CMS_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.1");
pub const CMS_SIGNED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.2");
/// CMS signed attributes.
pub const ATTR_CONTENT_TYPE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.3");
pub const ATTR_MESSAGE_DIGEST: Oid = Oid::new_unwrap("1.2.840.113549.1.9.4");
pub const ATTR_SIGNING_TIME: Oid = Oid::new_unwrap("1.2.840.113549.1.9.5");

/// Extended key usages.
pub const KP_CLIENT_AUTH: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.3.2");
pub const KP_EMAIL_PROTECTION: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.3.4");
/// id-kp-documentSigning (RFC 9336).
pub const KP_DOCUMENT_SIGNING: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.3.36");
/// Access methods for Authority Information Access.
pub const AD_OCSP: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.48.1");
pub const AD_CA_ISSUERS: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.48.2");

/// Name attributes.
pub const AT_COUNTRY: Oid = Oid::new_unwrap("2.5.4.6");
pub const AT_PROVINCE: Oid = Oid::new_unwrap("2.5.4.8");
pub const AT_LOCALITY: Oid = Oid::new_unwrap("2.5.4.7");
pub const AT_ORGANIZATION: Oid = Oid::new_unwrap("2.5.4.10");
pub const AT_ORG_UNIT: Oid = Oid::new_unwrap("2.5.4.11");
pub const AT_COMMON_NAME: Oid = Oid::new_unwrap("2.5.4.3");
pub const AT_SERIAL_NUMBER: Oid = Oid::new_unwrap("2.5.4.5");
/// organizationIdentifier (X.520), used for the unified social credit code.
pub const AT_ORGANIZATION_IDENTIFIER: Oid = Oid::new_unwrap("2.5.4.97");
