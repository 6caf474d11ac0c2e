//! Distinguished names for mcert certificates, built from typed fields with UTF8String values
//! (so Chinese names survive) and read back for display.

use der::asn1::{PrintableStringRef, Utf8StringRef};
use der::{Any, Decode, Encode, Tag, Tagged};
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};

use super::{Error, oid};

/// The fields mcert puts in subjects and issuers, in the order they appear.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SubjectName {
    /// Two-letter country code, PrintableString (`CN`).
    pub country: Option<String>,
    pub province: Option<String>,
    pub locality: Option<String>,
    pub organization: Option<String>,
    /// Unified social credit code of an organisation (organizationIdentifier).
    pub organization_identifier: Option<String>,
    pub organizational_unit: Option<String>,
    pub common_name: Option<String>,
    /// serialNumber attribute (for a person: the identity number), PrintableString.
    pub serial_number: Option<String>,
}

fn printable(value: &str) -> Result<Any, Error> {
    let s = PrintableStringRef::new(value)
        .map_err(|_| Error::InvalidInput("value is not a PrintableString"))?;
    Ok(Any::new(Tag::PrintableString, s.as_bytes())?)
}

fn utf8(value: &str) -> Result<Any, Error> {
    if value.is_empty() || value.chars().count() > 128 {
        return Err(Error::InvalidInput(
            "name attribute must have 1 to 128 characters",
        ));
    }
    Ok(Any::new(Tag::Utf8String, value.as_bytes())?)
}

impl SubjectName {
    /// The DER `Name`.
    pub fn to_name(&self) -> Result<Name, Error> {
        let mut seq = RdnSequence::default();
        let fields: [(Option<&String>, const_oid::ObjectIdentifier, bool); 8] = [
            (self.country.as_ref(), oid::AT_COUNTRY, true),
            (self.province.as_ref(), oid::AT_PROVINCE, false),
            (self.locality.as_ref(), oid::AT_LOCALITY, false),
            (self.organization.as_ref(), oid::AT_ORGANIZATION, false),
            (
                self.organization_identifier.as_ref(),
                oid::AT_ORGANIZATION_IDENTIFIER,
                false,
            ),
            (self.organizational_unit.as_ref(), oid::AT_ORG_UNIT, false),
            (self.common_name.as_ref(), oid::AT_COMMON_NAME, false),
            (self.serial_number.as_ref(), oid::AT_SERIAL_NUMBER, true),
        ];
        for (value, oid, is_printable) in fields {
            let Some(value) = value else { continue };
            let value = if is_printable {
                printable(value)?
            } else {
                utf8(value)?
            };
            let rdn =
                RelativeDistinguishedName::try_from(vec![AttributeTypeAndValue { oid, value }])?;
            seq.push(rdn);
        }
        if seq.is_empty() {
            return Err(Error::InvalidInput("a name needs at least one attribute"));
        }
        Ok(Name::from_der(&seq.to_der()?)?)
    }

    /// Reads the fields back from a `Name` (unknown attributes are ignored).
    pub fn from_name(name: &Name) -> Self {
        let mut out = SubjectName::default();
        for atv in name.iter() {
            let Some(text) = attribute_text(&atv.value) else {
                continue;
            };
            let slot = match atv.oid {
                oid::AT_COUNTRY => &mut out.country,
                oid::AT_PROVINCE => &mut out.province,
                oid::AT_LOCALITY => &mut out.locality,
                oid::AT_ORGANIZATION => &mut out.organization,
                oid::AT_ORGANIZATION_IDENTIFIER => &mut out.organization_identifier,
                oid::AT_ORG_UNIT => &mut out.organizational_unit,
                oid::AT_COMMON_NAME => &mut out.common_name,
                oid::AT_SERIAL_NUMBER => &mut out.serial_number,
                _ => continue,
            };
            *slot = Some(text);
        }
        out
    }
}

fn attribute_text(value: &Any) -> Option<String> {
    match value.tag() {
        Tag::Utf8String => Utf8StringRef::try_from(value)
            .ok()
            .map(|s| s.as_str().to_owned()),
        Tag::PrintableString => PrintableStringRef::try_from(value)
            .ok()
            .map(|s| s.as_str().to_owned()),
        _ => None,
    }
}

/// RFC 4514 text of a name, most significant attribute last (as OpenSSL's `-nameopt RFC2253`).
pub fn display(name: &Name) -> String {
    name.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_names_round_trip() {
        let subject = SubjectName {
            country: Some("CN".into()),
            organization: Some("青海能源集团有限公司".into()),
            organization_identifier: Some("91630000MA7XXXXX2K".into()),
            common_name: Some("张三".into()),
            ..Default::default()
        };
        let name = subject.to_name().expect("name");
        assert_eq!(SubjectName::from_name(&name), subject);
        assert!(display(&name).contains("CN=张三"));
    }

    #[test]
    fn bad_values_are_refused() {
        let empty = SubjectName::default();
        assert!(matches!(empty.to_name(), Err(Error::InvalidInput(_))));
        let bad_country = SubjectName {
            country: Some("中国".into()),
            ..Default::default()
        };
        assert!(matches!(bad_country.to_name(), Err(Error::InvalidInput(_))));
    }
}
