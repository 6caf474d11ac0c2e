//! Seals (印章) and personal signatures (签章图片): GB/T 38540 electronic seals bound to an
//! organisation's certificate, made from a photo of the stamp on white paper, reviewed in the
//! console, claimed with the certificate's key and used to stamp documents by scan (issue 11).
//! This module so far holds the seal kinds with their real sizes and the cleaning of the photo
//! ([`picture`]); the seal's life (application, review, claim, void) builds on it.

pub mod picture;

/// The kinds of organisation seal (seed 000 §3) with the size a rubber one prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SealKind {
    /// 企业公章: round, 42 mm.
    Official,
    /// 合同专用章: round, 40 mm.
    Contract,
    /// 财务专用章: round, 38 mm.
    Finance,
    /// 发票专用章: oval, 40 × 30 mm.
    Invoice,
    /// 法定代表人章: square, 20 mm.
    LegalRepresentative,
}

impl SealKind {
    pub const ALL: [SealKind; 5] = [
        SealKind::Official,
        SealKind::Contract,
        SealKind::Finance,
        SealKind::Invoice,
        SealKind::LegalRepresentative,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SealKind::Official => "official",
            SealKind::Contract => "contract",
            SealKind::Finance => "finance",
            SealKind::Invoice => "invoice",
            SealKind::LegalRepresentative => "legal_representative",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Width and height in millimetres.
    pub fn size_mm(self) -> (u32, u32) {
        match self {
            SealKind::Official => (42, 42),
            SealKind::Contract => (40, 40),
            SealKind::Finance => (38, 38),
            SealKind::Invoice => (40, 30),
            SealKind::LegalRepresentative => (20, 20),
        }
    }

    /// The GB/T 38540 `type` of the seal's property information.
    pub fn es_type(self) -> i64 {
        match self {
            SealKind::LegalRepresentative => 2,
            _ => 1,
        }
    }
}
