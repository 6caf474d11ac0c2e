//! What the phone shows and signs: display texts, document digests, and the canonical
//! statement.

use super::{MAX_DISPLAY_CHARS, STATEMENT_HEADER, ScanError};
use crate::crypto::{Algorithm, hash};
use crate::wire::{DisplayText, DocumentDigests, ScannedSession, SessionKind};

fn check_line(field: &'static str, value: &str) -> Result<(), ScanError> {
    let bad = |reason| ScanError::BadDisplay { field, reason };
    if value.is_empty() {
        return Err(bad("is empty"));
    }
    if value.chars().count() > MAX_DISPLAY_CHARS {
        return Err(bad("is longer than 100 characters"));
    }
    if value.chars().any(char::is_control) {
        return Err(bad("contains control characters"));
    }
    if value.trim() != value {
        return Err(bad("has leading or trailing spaces"));
    }
    Ok(())
}

/// Checks that every display text is one clean line of at most 100 characters.
pub fn validate_display(display: &DisplayText) -> Result<(), ScanError> {
    for (field, value) in [
        ("project", &display.project),
        ("lot", &display.lot),
        ("document_name", &display.document_name),
    ] {
        if let Some(v) = value {
            check_line(field, v)?;
        }
    }
    Ok(())
}

/// Checks a platform name before it is registered.
pub fn validate_platform_name(name: &str) -> Result<(), ScanError> {
    check_line("platform_name", name)
}

impl DocumentDigests {
    /// The digest for certificates of `alg` (SM3 for SM2, SHA-256 for P-256), if given.
    pub fn for_algorithm(&self, alg: Algorithm) -> Result<Option<[u8; 32]>, ScanError> {
        let text = match alg {
            Algorithm::Sm2 => &self.sm3,
            Algorithm::P256 => &self.sha256,
        };
        let Some(text) = text else {
            return Ok(None);
        };
        let bytes = hex::decode(text).map_err(|_| ScanError::BadDigest(alg))?;
        let digest: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| ScanError::BadDigest(alg))?;
        Ok(Some(digest))
    }

    /// Checks every digest given, and that there is at least one.
    pub fn validate(&self) -> Result<(), ScanError> {
        let sm3 = self.for_algorithm(Algorithm::Sm2)?;
        let sha = self.for_algorithm(Algorithm::P256)?;
        if sm3.is_none() && sha.is_none() {
            return Err(ScanError::Missing("document_digests"));
        }
        Ok(())
    }

    /// Digests of a whole document by both hashes.
    pub fn of(document: &[u8]) -> DocumentDigests {
        DocumentDigests {
            sm3: Some(hex::encode(hash::sm3(document))),
            sha256: Some(hex::encode(hash::sha256(document))),
        }
    }
}

/// What the phone signs: everything the user was shown, in a canonical text form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    pub session_id: String,
    pub platform_id: String,
    pub platform_name: String,
    pub kind: SessionKind,
    pub display: DisplayText,
    /// `stamp`: the seal used, the project number (项目编号) the platform gave, and where the
    /// stamp goes (`2 380,80,520,220`: the page, then the rectangle in points).
    pub seal: Option<String>,
    pub project_code: Option<String>,
    pub place: Option<String>,
    /// `sign`: the document digest for the signer's algorithm; `stamp`: the digest of the
    /// prepared PDF's byte ranges.
    pub digest: Option<(Algorithm, [u8; 32])>,
    /// `decrypt`: SHA-256 of the re-encrypted bid key.
    pub answer_sha256: Option<[u8; 32]>,
    pub verification_code: String,
    pub created_at: String,
}

fn digest_label(alg: Algorithm) -> &'static str {
    match alg {
        Algorithm::Sm2 => "sm3",
        Algorithm::P256 => "sha256",
    }
}

impl Statement {
    /// The statement for a session as scanned, answered with a key of `alg`; `answer` is the
    /// re-encrypted bid key of a `decrypt` session.
    pub fn for_session(
        session: &ScannedSession,
        alg: Algorithm,
        answer: Option<&[u8]>,
    ) -> Result<Statement, ScanError> {
        let digest = match session.kind {
            SessionKind::Sign | SessionKind::Stamp => {
                let digests = session
                    .document_digests
                    .as_ref()
                    .ok_or(ScanError::Missing("document_digests"))?;
                let d = digests
                    .for_algorithm(alg)?
                    .ok_or(ScanError::BadDigest(alg))?;
                Some((alg, d))
            }
            _ => None,
        };
        let answer_sha256 = match session.kind {
            SessionKind::Decrypt => Some(hash::sha256(
                answer.ok_or(ScanError::Missing("reencrypted_key"))?,
            )),
            _ => None,
        };
        let seal = match session.kind {
            SessionKind::Stamp => Some(
                session
                    .stamp_seal_id
                    .clone()
                    .ok_or(ScanError::Missing("stamp_seal_id"))?,
            ),
            _ => None,
        };
        let project_code = match session.kind {
            SessionKind::Stamp => session
                .stamp
                .as_ref()
                .and_then(|s| s.request.project_code.clone()),
            _ => None,
        };
        let place = match session.kind {
            SessionKind::Stamp => session
                .stamp
                .as_ref()
                .and_then(|s| s.request.place(session.stamp_place as usize))
                .map(|p| {
                    let [x0, y0, x1, y1] = p.rect;
                    format!("{} {x0},{y0},{x1},{y1}", p.page)
                }),
            _ => None,
        };
        Ok(Statement {
            seal,
            project_code,
            place,
            session_id: session.session_id.clone(),
            platform_id: session.platform.id.clone(),
            platform_name: session.platform.name.clone(),
            kind: session.kind,
            display: session.display.clone(),
            digest,
            answer_sha256,
            verification_code: session.verification_code.clone(),
            created_at: session.created_at.clone(),
        })
    }

    /// The canonical UTF-8 text: one `name: value` line per field, in a fixed order.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut s = String::with_capacity(512);
        let mut line = |k: &str, v: &str| {
            s.push_str(k);
            s.push_str(": ");
            s.push_str(v);
            s.push('\n');
        };
        line("session", &self.session_id);
        line("platform", &self.platform_id);
        line("platform-name", &self.platform_name);
        line("operation", self.kind.operation());
        line("kind", self.kind.as_str());
        if let Some(v) = &self.display.project {
            line("project", v);
        }
        if let Some(v) = &self.display.lot {
            line("lot", v);
        }
        if let Some(v) = &self.display.document_name {
            line("document", v);
        }
        if let Some(v) = &self.seal {
            line("seal", v);
        }
        if let Some(v) = &self.project_code {
            line("project-code", v);
        }
        if let Some(v) = &self.place {
            line("place", v);
        }
        if let Some((alg, d)) = &self.digest {
            line(
                "digest",
                &format!("{}:{}", digest_label(*alg), hex::encode(d)),
            );
        }
        if let Some(a) = &self.answer_sha256 {
            line("answer", &format!("sha256:{}", hex::encode(a)));
        }
        line("code", &self.verification_code);
        line("created", &self.created_at);
        let mut out = String::with_capacity(s.len() + STATEMENT_HEADER.len() + 1);
        out.push_str(STATEMENT_HEADER);
        out.push('\n');
        out.push_str(&s);
        out.into_bytes()
    }

    /// Reads a statement; only the canonical form is accepted.
    pub fn parse(bytes: &[u8]) -> Result<Statement, ScanError> {
        if bytes.len() > 4096 {
            return Err(ScanError::BadStatement("too long"));
        }
        let text = std::str::from_utf8(bytes).map_err(|_| ScanError::BadStatement("not UTF-8"))?;
        let mut lines = text.lines();
        if lines.next() != Some(STATEMENT_HEADER) {
            return Err(ScanError::BadStatement("unknown header"));
        }
        let mut fields: Vec<(&str, &str)> = Vec::new();
        for l in lines {
            let (k, v) = l
                .split_once(": ")
                .ok_or(ScanError::BadStatement("line without a name"))?;
            fields.push((k, v));
        }
        let mut it = fields.into_iter().peekable();
        let mut take = |name: &'static str, required: bool| -> Result<Option<String>, ScanError> {
            match it.peek() {
                Some((k, v)) if *k == name => {
                    let v = v.to_string();
                    it.next();
                    Ok(Some(v))
                }
                _ if required => Err(ScanError::BadStatement(name)),
                _ => Ok(None),
            }
        };
        let session_id = take("session", true)?.unwrap_or_default();
        let platform_id = take("platform", true)?.unwrap_or_default();
        let platform_name = take("platform-name", true)?.unwrap_or_default();
        let _operation = take("operation", true)?;
        let kind = take("kind", true)?
            .as_deref()
            .and_then(SessionKind::parse)
            .ok_or(ScanError::BadStatement("kind"))?;
        let display = DisplayText {
            project: take("project", false)?,
            lot: take("lot", false)?,
            document_name: take("document", false)?,
        };
        let seal = take("seal", false)?;
        let project_code = take("project-code", false)?;
        let place = take("place", false)?;
        let digest = match take("digest", false)? {
            None => None,
            Some(v) => {
                let (label, hexd) = v.split_once(':').ok_or(ScanError::BadStatement("digest"))?;
                let alg = match label {
                    "sm3" => Algorithm::Sm2,
                    "sha256" => Algorithm::P256,
                    _ => return Err(ScanError::BadStatement("digest")),
                };
                let d: [u8; 32] = hex::decode(hexd)
                    .ok()
                    .and_then(|b| b.try_into().ok())
                    .ok_or(ScanError::BadStatement("digest"))?;
                Some((alg, d))
            }
        };
        let answer_sha256 = match take("answer", false)? {
            None => None,
            Some(v) => Some(
                v.strip_prefix("sha256:")
                    .and_then(|h| hex::decode(h).ok())
                    .and_then(|b| <[u8; 32]>::try_from(b).ok())
                    .ok_or(ScanError::BadStatement("answer"))?,
            ),
        };
        let verification_code = take("code", true)?.unwrap_or_default();
        let created_at = take("created", true)?.unwrap_or_default();
        if it.next().is_some() {
            return Err(ScanError::BadStatement("unexpected line"));
        }
        let statement = Statement {
            seal,
            project_code,
            place,
            session_id,
            platform_id,
            platform_name,
            kind,
            display,
            digest,
            answer_sha256,
            verification_code,
            created_at,
        };
        if statement.to_bytes() != bytes {
            return Err(ScanError::BadStatement("not in canonical form"));
        }
        Ok(statement)
    }

    /// Names the first field in which `self` (what was signed) differs from `expected`.
    pub fn first_difference(&self, expected: &Statement) -> Option<&'static str> {
        if self.session_id != expected.session_id {
            Some("session")
        } else if self.platform_id != expected.platform_id
            || self.platform_name != expected.platform_name
        {
            Some("platform")
        } else if self.kind != expected.kind {
            Some("operation")
        } else if self.display.project != expected.display.project {
            Some("project")
        } else if self.display.lot != expected.display.lot {
            Some("lot")
        } else if self.display.document_name != expected.display.document_name {
            Some("document")
        } else if self.seal != expected.seal {
            Some("seal")
        } else if self.project_code != expected.project_code {
            Some("project_code")
        } else if self.place != expected.place {
            Some("place")
        } else if self.digest != expected.digest {
            Some("digest")
        } else if self.answer_sha256 != expected.answer_sha256 {
            Some("answer")
        } else if self.verification_code != expected.verification_code {
            Some("verification_code")
        } else if self.created_at != expected.created_at {
            Some("created")
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_texts_are_single_clean_lines() {
        let ok = DisplayText {
            project: Some("青海某光伏电站EPC总承包".into()),
            lot: Some("第1标段".into()),
            document_name: None,
        };
        assert!(validate_display(&ok).is_ok());
        for bad in ["", "a\nb", " padded", &"长".repeat(101)] {
            let d = DisplayText {
                project: Some(bad.to_string()),
                ..Default::default()
            };
            assert!(validate_display(&d).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn statement_round_trips_and_rejects_variants() {
        let s = Statement {
            session_id: "01JSESSION".into(),
            platform_id: "qhny".into(),
            platform_name: "青海能源集团数字招采平台".into(),
            kind: SessionKind::Sign,
            display: DisplayText {
                project: Some("项目A".into()),
                lot: None,
                document_name: Some("投标文件.pdf".into()),
            },
            seal: None,
            project_code: None,
            place: None,
            digest: Some((Algorithm::Sm2, [7u8; 32])),
            answer_sha256: None,
            verification_code: "4821".into(),
            created_at: "2026-11-23T00:00:00Z".into(),
        };
        let bytes = s.to_bytes();
        assert_eq!(Statement::parse(&bytes).expect("parses"), s);
        let text = String::from_utf8(bytes).expect("utf8");
        assert!(text.contains("operation: 文件签名\n"));
        for variant in [
            text.replace("operation: 文件签名", "operation: 扫码登录"),
            text.replace("kind: sign\n", "kind: sign\nextra: 1\n"),
            format!("{text}\n"),
            text.replace("mcert statement v1", "mcert statement v2"),
        ] {
            assert!(Statement::parse(variant.as_bytes()).is_err(), "{variant}");
        }
    }
}
