//! The structures as they travel (DER through `der`'s derive) and the checks made while reading
//! them. The parts that are signed (`SES_SealInfo`, `TBS_Sign`) and the embedded `SESeal` are
//! carried as raw TLVs, so what is verified, and what is re-emitted, is exactly what came in.

use std::time::{Duration, SystemTime};

use const_oid::ObjectIdentifier;
use der::asn1::{BitString, GeneralizedTime, Ia5String, OctetString, PrintableString};
use der::{Any, Decode, Encode, Sequence};

use super::{
    CERT_LIST_CERTIFICATES, CERT_LIST_DIGESTS, CertDigest, CertList, ExtData, HEADER_ID,
    MAX_DER_LEN, PICTURE_TYPES, SESeal, SealError, SealHeader, SealInfo, SealPicture, SealProperty,
    SesSignature, TbsSign, VERSION,
};

#[derive(Sequence)]
struct HeaderWire {
    id: Ia5String,
    version: i64,
    vid: Ia5String,
}

#[derive(Sequence)]
struct ExtDataWire {
    extn_id: ObjectIdentifier,
    #[asn1(default = "Default::default")]
    critical: bool,
    extn_value: OctetString,
}

#[derive(Sequence)]
struct CertDigestWire {
    digest_type: PrintableString,
    value: OctetString,
}

#[derive(Sequence)]
struct PropertyWire {
    seal_type: i64,
    name: String,
    cert_list_type: i64,
    /// `SES_CertList`: an untagged CHOICE of two SEQUENCE OFs, told apart by `cert_list_type`.
    cert_list: Any,
    create_date: GeneralizedTime,
    valid_start: GeneralizedTime,
    valid_end: GeneralizedTime,
}

#[derive(Sequence)]
struct PictureWire {
    picture_type: Ia5String,
    data: OctetString,
    width: i64,
    height: i64,
}

#[derive(Sequence)]
struct SealInfoWire {
    header: HeaderWire,
    es_id: Ia5String,
    property: PropertyWire,
    picture: PictureWire,
    #[asn1(optional = "true")]
    ext_datas: Option<Vec<ExtDataWire>>,
}

#[derive(Sequence)]
struct SealWire {
    seal_info: Any,
    cert: OctetString,
    sign_alg_id: ObjectIdentifier,
    signed_value: BitString,
}

#[derive(Sequence)]
struct TbsWire {
    version: i64,
    eseal: Any,
    time_info: GeneralizedTime,
    data_hash: BitString,
    property_info: Ia5String,
    #[asn1(context_specific = "0", optional = "true")]
    ext_datas: Option<Vec<ExtDataWire>>,
}

#[derive(Sequence)]
struct SignatureWire {
    to_sign: Any,
    cert: OctetString,
    signature_alg_id: ObjectIdentifier,
    signature: BitString,
    #[asn1(context_specific = "0", optional = "true")]
    time_stamp: Option<BitString>,
}

fn check_len(der: &[u8]) -> Result<(), SealError> {
    if der.len() > MAX_DER_LEN {
        return Err(SealError::TooLarge {
            len: der.len(),
            max: MAX_DER_LEN,
        });
    }
    Ok(())
}

fn bits(b: &BitString) -> Result<Vec<u8>, SealError> {
    b.as_bytes()
        .map(<[u8]>::to_vec)
        .ok_or(SealError::InvalidField("BIT STRING with unused bits"))
}

/// Whole seconds since the epoch, as GeneralizedTime carries them.
pub(super) fn whole_seconds(t: SystemTime) -> Result<SystemTime, SealError> {
    let secs = t
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_err(|_| SealError::InvalidField("time before 1970"))?
        .as_secs();
    Ok(SystemTime::UNIX_EPOCH + Duration::from_secs(secs))
}

fn gtime(t: SystemTime) -> Result<GeneralizedTime, SealError> {
    Ok(GeneralizedTime::from_system_time(whole_seconds(t)?)?)
}

pub(super) fn ia5(s: &str, what: &'static str) -> Result<Ia5String, SealError> {
    Ia5String::new(s).map_err(|_| SealError::InvalidField(what))
}

/// The canonical (lower-case) picture type, if the standard names it.
pub(super) fn picture_type(t: &str) -> Result<&'static str, SealError> {
    PICTURE_TYPES
        .iter()
        .find(|known| known.eq_ignore_ascii_case(t))
        .copied()
        .ok_or_else(|| SealError::UnsupportedPictureType(t.to_string()))
}

fn ext_from_wire(exts: Option<Vec<ExtDataWire>>) -> Vec<ExtData> {
    exts.unwrap_or_default()
        .into_iter()
        .map(|e| ExtData {
            id: e.extn_id,
            critical: e.critical,
            value: e.extn_value.as_bytes().to_vec(),
        })
        .collect()
}

fn ext_to_wire(exts: &[ExtData]) -> Result<Option<Vec<ExtDataWire>>, SealError> {
    if exts.is_empty() {
        return Ok(None);
    }
    exts.iter()
        .map(|e| {
            Ok(ExtDataWire {
                extn_id: e.id,
                critical: e.critical,
                extn_value: OctetString::new(e.value.clone())?,
            })
        })
        .collect::<Result<Vec<_>, SealError>>()
        .map(Some)
}

fn parse_seal_info(der: &[u8]) -> Result<SealInfo, SealError> {
    let w = SealInfoWire::from_der(der)?;
    let id = w.header.id.to_string();
    if id != HEADER_ID {
        return Err(SealError::BadHeaderId(id));
    }
    if w.header.version != VERSION {
        return Err(SealError::UnsupportedVersion(w.header.version));
    }
    let es_id = w.es_id.to_string();
    if es_id.is_empty() {
        return Err(SealError::InvalidField("esID is empty"));
    }
    let p = w.property;
    let list_der = p.cert_list.to_der()?;
    let cert_list = match p.cert_list_type {
        CERT_LIST_CERTIFICATES => {
            let certs = Vec::<OctetString>::from_der(&list_der)?;
            CertList::Certificates(certs.iter().map(|c| c.as_bytes().to_vec()).collect())
        }
        CERT_LIST_DIGESTS => {
            let digests = Vec::<CertDigestWire>::from_der(&list_der)?;
            CertList::Digests(
                digests
                    .iter()
                    .map(|d| CertDigest {
                        digest_type: d.digest_type.to_string(),
                        value: d.value.as_bytes().to_vec(),
                    })
                    .collect(),
            )
        }
        other => return Err(SealError::UnknownCertListType(other)),
    };
    let empty = match &cert_list {
        CertList::Certificates(c) => c.is_empty(),
        CertList::Digests(d) => d.is_empty(),
    };
    if empty {
        return Err(SealError::EmptyCertList);
    }
    let pic = w.picture;
    let kind = pic.picture_type.to_string();
    picture_type(&kind)?;
    if pic.width <= 0 || pic.height <= 0 {
        return Err(SealError::InvalidPictureSize {
            width: pic.width,
            height: pic.height,
        });
    }
    Ok(SealInfo {
        header: SealHeader {
            id,
            version: w.header.version,
            vendor_id: w.header.vid.to_string(),
        },
        es_id,
        property: SealProperty {
            seal_type: p.seal_type,
            name: p.name,
            cert_list,
            created: p.create_date.to_system_time(),
            valid_from: p.valid_start.to_system_time(),
            valid_to: p.valid_end.to_system_time(),
        },
        picture: SealPicture {
            picture_type: kind,
            data: pic.data.as_bytes().to_vec(),
            width_mm: pic.width,
            height_mm: pic.height,
        },
        extensions: ext_from_wire(w.ext_datas),
    })
}

/// DER of `SES_SealInfo`.
pub(super) fn encode_seal_info(info: &SealInfo) -> Result<Vec<u8>, SealError> {
    let p = &info.property;
    let cert_list = match &p.cert_list {
        CertList::Certificates(certs) => {
            let list = certs
                .iter()
                .map(|c| OctetString::new(c.clone()))
                .collect::<Result<Vec<_>, _>>()?;
            Any::from_der(&list.to_der()?)?
        }
        CertList::Digests(digests) => {
            let list = digests
                .iter()
                .map(|d| {
                    Ok(CertDigestWire {
                        digest_type: PrintableString::new(&d.digest_type)
                            .map_err(|_| SealError::InvalidField("digest type"))?,
                        value: OctetString::new(d.value.clone())?,
                    })
                })
                .collect::<Result<Vec<_>, SealError>>()?;
            Any::from_der(&list.to_der()?)?
        }
    };
    let wire = SealInfoWire {
        header: HeaderWire {
            id: ia5(&info.header.id, "header id")?,
            version: info.header.version,
            vid: ia5(&info.header.vendor_id, "vendor id must be ASCII")?,
        },
        es_id: ia5(&info.es_id, "esID must be ASCII")?,
        property: PropertyWire {
            seal_type: p.seal_type,
            name: p.name.clone(),
            cert_list_type: match p.cert_list {
                CertList::Certificates(_) => CERT_LIST_CERTIFICATES,
                CertList::Digests(_) => CERT_LIST_DIGESTS,
            },
            cert_list,
            create_date: gtime(p.created)?,
            valid_start: gtime(p.valid_from)?,
            valid_end: gtime(p.valid_to)?,
        },
        picture: PictureWire {
            picture_type: ia5(&info.picture.picture_type, "picture type")?,
            data: OctetString::new(info.picture.data.clone())?,
            width: info.picture.width_mm,
            height: info.picture.height_mm,
        },
        ext_datas: ext_to_wire(&info.extensions)?,
    };
    Ok(wire.to_der()?)
}

pub(super) fn parse_seal(der: &[u8]) -> Result<SESeal, SealError> {
    check_len(der)?;
    let w = SealWire::from_der(der)?;
    let info_der = w.seal_info.to_der()?;
    let info = parse_seal_info(&info_der)?;
    Ok(SESeal {
        info,
        maker_certificate: w.cert.as_bytes().to_vec(),
        signature_algorithm: w.sign_alg_id,
        signature: bits(&w.signed_value)?,
        info_der,
        der: der.to_vec(),
    })
}

/// DER of `SESeal` from the signed `SES_SealInfo` bytes and the maker's signature.
pub(super) fn encode_seal(
    info_der: &[u8],
    maker_certificate: &[u8],
    algorithm: ObjectIdentifier,
    signature: &[u8],
) -> Result<Vec<u8>, SealError> {
    let wire = SealWire {
        seal_info: Any::from_der(info_der)?,
        cert: OctetString::new(maker_certificate.to_vec())?,
        sign_alg_id: algorithm,
        signed_value: BitString::from_bytes(signature)?,
    };
    Ok(wire.to_der()?)
}

pub(super) fn parse_tbs(der: &[u8]) -> Result<TbsSign, SealError> {
    check_len(der)?;
    let w = TbsWire::from_der(der)?;
    let seal = parse_seal(&w.eseal.to_der()?)?;
    if w.version != seal.info.header.version {
        return Err(SealError::VersionMismatch {
            tbs: w.version,
            seal: seal.info.header.version,
        });
    }
    Ok(TbsSign {
        version: w.version,
        seal,
        time: w.time_info.to_system_time(),
        data_hash: bits(&w.data_hash)?,
        property_info: w.property_info.to_string(),
        extensions: ext_from_wire(w.ext_datas),
    })
}

/// DER of `TBS_Sign`.
pub(super) fn encode_tbs(
    seal: &SESeal,
    time: SystemTime,
    data_hash: &[u8],
    property_info: &str,
    extensions: &[ExtData],
) -> Result<Vec<u8>, SealError> {
    let wire = TbsWire {
        version: seal.info.header.version,
        eseal: Any::from_der(&seal.der)?,
        time_info: gtime(time)?,
        data_hash: BitString::from_bytes(data_hash)?,
        property_info: ia5(property_info, "propertyInfo must be ASCII")?,
        ext_datas: ext_to_wire(extensions)?,
    };
    let der = wire.to_der()?;
    check_len(&der)?;
    Ok(der)
}

pub(super) fn parse_signature(der: &[u8]) -> Result<SesSignature, SealError> {
    check_len(der)?;
    let w = SignatureWire::from_der(der)?;
    let tbs_der = w.to_sign.to_der()?;
    let tbs = parse_tbs(&tbs_der)?;
    Ok(SesSignature {
        tbs,
        signer_certificate: w.cert.as_bytes().to_vec(),
        signature_algorithm: w.signature_alg_id,
        signature: bits(&w.signature)?,
        time_stamp: w.time_stamp.as_ref().map(bits).transpose()?,
        tbs_der,
        der: der.to_vec(),
    })
}

/// DER of `SES_Signature` from the signed `TBS_Sign` bytes (no time-stamp).
pub(super) fn encode_signature(
    tbs_der: &[u8],
    signer_certificate: &[u8],
    algorithm: ObjectIdentifier,
    signature: &[u8],
) -> Result<Vec<u8>, SealError> {
    let wire = SignatureWire {
        to_sign: Any::from_der(tbs_der)?,
        cert: OctetString::new(signer_certificate.to_vec())?,
        signature_alg_id: algorithm,
        signature: BitString::from_bytes(signature)?,
        time_stamp: None,
    };
    let der = wire.to_der()?;
    check_len(&der)?;
    Ok(der)
}
