//! Wire types of the scan protocol: what a relying platform asks (sessions, display text,
//! document digests, allowed subjects), what the phone sees and answers, the results, and
//! usage records.

use serde::{Deserialize, Serialize};

/// What a relying-party session asks of the phone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionKind {
    /// Log in to the platform with a certificate.
    Login,
    /// Sign a document (detached CMS over its digest).
    Sign,
    /// Open a sealed bid: decrypt its key and re-encrypt it to the platform.
    Decrypt,
    /// Stamp a PDF with a seal (签章): the phone picks the seal, the platform prepares the
    /// PDF with its picture and sends the byte-range digest, the phone signs it.
    Stamp,
}

impl SessionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionKind::Login => "login",
            SessionKind::Sign => "sign",
            SessionKind::Decrypt => "decrypt",
            SessionKind::Stamp => "stamp",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "login" => Some(SessionKind::Login),
            "sign" => Some(SessionKind::Sign),
            "decrypt" => Some(SessionKind::Decrypt),
            "stamp" => Some(SessionKind::Stamp),
            _ => None,
        }
    }

    /// The operation as the phone shows it and the statement names it. It comes from the
    /// kind, never from the platform, so a platform cannot label a signature as a login.
    pub fn operation(self) -> &'static str {
        match self {
            SessionKind::Login => "扫码登录",
            SessionKind::Sign => "文件签名",
            SessionKind::Decrypt => "开标解密",
            SessionKind::Stamp => "文件签章",
        }
    }
}

/// The texts a platform asks the phone to show (each optional, one line, ≤ 100 characters).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisplayText {
    /// Project (项目).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    /// Lot or package (标段/包).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lot: Option<String>,
    /// Name of the document being signed or opened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_name: Option<String>,
}

/// The digest of the document to sign, by hash (SM3 for SM2 certificates, SHA-256 for
/// P-256); a platform gives one or both, as 64 hex digits.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentDigests {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sm3: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

/// `stamp`: where the stamp goes and which seals may make it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StampRequest {
    /// Pages of the document (the phone shows it), 1 to 10 000.
    pub page_count: u32,
    /// The 1-based page the stamp goes on.
    pub page: u32,
    /// `[x0, y0, x1, y1]` in PDF points from the page's bottom-left corner.
    pub rect: [u32; 4],
    /// Seal kinds the platform accepts (`official`, `contract`, `finance`, `invoice`,
    /// `legal_representative`, and `personal` for the holder's personal signature); empty:
    /// any of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seal_kinds: Vec<String>,
    /// The project number (项目编号, 1 to 40 letters, digits, `-`, `_`, `.`, `/`): shown on the
    /// phone, signed, and matched against the limits of a seal given to a member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_code: Option<String>,
    /// 骑缝章 as well: the seal cut into one slice per page on the pages' right edges (2 to 50
    /// pages), in the same signed update as the (first) stamp.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub cross_page: bool,
    /// Further stamps of the same session (at most 9), each made after the one before with
    /// its own seal pick, digest and signature: for example the 公章 on the cover and the
    /// signer's personal signature on the signature page.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub more_places: Vec<StampPlace>,
}

/// Where one further stamp of a session goes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StampPlace {
    /// The 1-based page.
    pub page: u32,
    /// `[x0, y0, x1, y1]` in PDF points from the page's bottom-left corner.
    pub rect: [u32; 4],
    /// Seal kinds accepted here; empty: the request's own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seal_kinds: Vec<String>,
}

impl StampRequest {
    /// How many stamps the session makes.
    pub fn place_count(&self) -> usize {
        1 + self.more_places.len()
    }

    /// The place of stamp `index` (0 is the request's own page and rectangle), with the seal
    /// kinds accepted there (a place without kinds of its own takes the request's).
    pub fn place(&self, index: usize) -> Option<StampPlace> {
        let own = || StampPlace {
            page: self.page,
            rect: self.rect,
            seal_kinds: self.seal_kinds.clone(),
        };
        match index {
            0 => Some(own()),
            i => self.more_places.get(i - 1).map(|p| StampPlace {
                seal_kinds: if p.seal_kinds.is_empty() {
                    self.seal_kinds.clone()
                } else {
                    p.seal_kinds.clone()
                },
                ..p.clone()
            }),
        }
    }
}

/// A seal the phone may stamp with (one of the account's claimed seals, bound to a
/// certificate it holds).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StampSeal {
    pub id: String,
    pub kind: String,
    /// 企业公章, 合同专用章, …
    pub kind_label: String,
    pub name: String,
    /// The certificate that signs with it here (the seal's own, or the member's for a seal
    /// given to them).
    pub certificate_serial: String,
    /// A seal given to this member: its limits as a line (projects, dates, approval).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<String>,
    /// Each use waits for an admin's approval.
    #[serde(default)]
    pub approval_required: bool,
}

/// What the phone learns of a stamp session after a scan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StampView {
    pub request: StampRequest,
    /// The seals this account may use here (kind allowed, certificate eligible).
    pub seals: Vec<StampSeal>,
}

/// `POST /v1/scan/{id}/stamp/seal`: the phone picks the seal.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChooseSeal {
    pub scan_ticket: String,
    pub seal_id: String,
}

impl std::fmt::Debug for ChooseSeal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChooseSeal")
            .field("scan_ticket", &"[redacted]")
            .field("seal_id", &self.seal_id)
            .finish()
    }
}

/// Where a stamp session stands, as the phone polls it
/// (`POST /v1/scan/{id}/stamp/progress` with a [`Decline`]-shaped ticket).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StampProgress {
    /// The seal picked, once picked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seal_id: Option<String>,
    /// The GB/T 38540 seal (base64 DER) of an SM2 seal, which the phone signs with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seal: Option<String>,
    /// The digest of the prepared PDF's byte ranges, once the platform sent it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_digests: Option<DocumentDigests>,
    /// A seal whose every use an admin approves: `pending`, `approved` or `refused`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<String>,
    /// The stamp being made (0-based; see `StampRequest::place`).
    #[serde(default)]
    pub place: u32,
}

/// The seal the phone picked, as the platform sees it: everything it needs to draw the
/// stamp and prepare the PDF. Binary fields are base64.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StampChoice {
    pub seal_id: String,
    pub seal_kind: String,
    pub seal_name: String,
    pub width_mm: i64,
    pub height_mm: i64,
    /// The seal's picture: red on a transparent background (PNG).
    pub picture_png: String,
    /// The GB/T 38540 seal (DER) when the certificate is SM2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seal: Option<String>,
    /// The seal's binding to the certificate when it is P-256 (an attached CMS by the service's
    /// P-256 seal maker, see `crypto::seal_binding`): the platform writes it in the signature
    /// dictionary as `/MCertSealBinding`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub binding: Option<String>,
    /// The certificate that will sign (DER), its chain below the root, and its algorithm
    /// (`sm2`: sign with SM3 and `GBT38540.SESSignature`; `p256`: SHA-256 and CMS).
    pub certificate: String,
    pub chain: Vec<String>,
    pub algorithm: String,
    /// Whether the platform has sent the digest of the prepared PDF.
    pub digest_received: bool,
    /// The stamp this pick is for (0-based; see `StampRequest::place`).
    #[serde(default)]
    pub place: u32,
}

/// `POST /v1/sessions/{id}/stamp/digest`: the digest of the prepared PDF's byte ranges (SM3
/// for an SM2 certificate, SHA-256 for P-256), 64 hex digits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StampDigest {
    /// The seal whose picture the prepared PDF shows (the phone may change its pick until
    /// the digest arrives).
    pub seal_id: String,
    pub digest: String,
    /// The stamp it is for (0-based): the session's current one.
    #[serde(default)]
    pub place: u32,
}

/// Whose certificates may answer a session (none given: any certificate of this CA).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowedSubjects {
    /// A person, by identity number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_number: Option<String>,
    /// An organisation, by unified social credit code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_code: Option<String>,
}

impl std::fmt::Debug for AllowedSubjects {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AllowedSubjects")
            .field(
                "id_number",
                &self
                    .id_number
                    .as_deref()
                    .map(crate::validate::mask_id_number),
            )
            .field("organization_code", &self.organization_code)
            .finish()
    }
}

/// What a platform sends to start a session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewSession {
    pub kind: SessionKind,
    #[serde(default)]
    pub display: DisplayText,
    /// `sign`: the document digest(s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_digests: Option<DocumentDigests>,
    /// `decrypt`: the bid key encrypted to the bidder's certificate (base64; SM2 ciphertext or
    /// P-256 ECIES).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encrypted_key: Option<String>,
    /// `decrypt`: serial (hex) of the certificate the bid key was encrypted to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient_serial: Option<String>,
    /// `decrypt`: the platform's ephemeral public key (base64 DER SubjectPublicKeyInfo).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ephemeral_public_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed: Option<AllowedSubjects>,
    /// Seconds until the session expires (default 120, at most 600).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<u64>,
    /// Where to POST the signed result (must be one of the platform's registered URLs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
    /// `stamp`: where the stamp goes and which seals may make it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stamp: Option<StampRequest>,
    /// When the project's bids are opened (开标时间, RFC 3339), if the platform says: the phone
    /// warns when a certificate that may answer expires before it, so the bidder renews in time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opening_at: Option<String>,
}

impl NewSession {
    /// A session of `kind` with nothing else set (fill in what the kind needs).
    pub fn new(kind: SessionKind) -> Self {
        NewSession {
            kind,
            display: DisplayText::default(),
            document_digests: None,
            encrypted_key: None,
            recipient_serial: None,
            ephemeral_public_key: None,
            allowed: None,
            expires_in: None,
            callback_url: None,
            stamp: None,
            opening_at: None,
        }
    }
}

/// A session just created. The QR secret stays in the platform's backend.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedSession {
    pub session_id: String,
    pub qr_start_token: String,
    pub qr_start_secret: String,
    /// Shown on the platform's page and on the phone, for the user to compare.
    pub verification_code: String,
    pub created_at: String,
    pub expires_at: String,
}

impl std::fmt::Debug for CreatedSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedSession")
            .field("session_id", &self.session_id)
            .field("qr_start_token", &self.qr_start_token)
            .field("qr_start_secret", &"[redacted]")
            .field("verification_code", &self.verification_code)
            .finish_non_exhaustive()
    }
}

/// Why a session did not complete.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionFailure {
    pub code: String,
    pub message: String,
}

/// What a completed session gives the platform. Binary fields are base64.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionResult {
    /// The signer's certificate (DER) and its chain up to, not including, the root.
    pub certificate: String,
    pub chain: Vec<String>,
    pub serial: String,
    pub subject: String,
    pub algorithm: String,
    /// The canonical statement the phone signed (UTF-8 text, base64 here).
    pub statement: String,
    /// Signature over the statement (SM2 with the default ID, or ECDSA P-256 SHA-256; DER).
    pub signature: String,
    /// `sign`: detached CMS SignedData over the document digest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cms: Option<String>,
    /// `decrypt`: the bid key re-encrypted to the platform's ephemeral key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reencrypted_key: Option<String>,
    /// `stamp`: the seal used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seal_id: Option<String>,
    /// `stamp` with an SM2 certificate: the GB/T 38540 `SES_Signature` over the digest, for
    /// the PDF's `/Contents` (P-256 uses `cms`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ses_signature: Option<String>,
    /// good, revoked or unknown, as the CA answered at completion.
    pub ocsp_status: String,
    /// The signed OCSP response (DER).
    pub ocsp_response: String,
    pub completed_at: String,
    /// The signer's encryption certificate (base64 DER; the other half of the dual pair, its key
    /// escrowed): what a platform seals bids to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_certificate: Option<String>,
}

/// A session as its platform polls it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionStatus {
    pub session_id: String,
    pub kind: SessionKind,
    /// created, scanned, completed, declined, expired or failed.
    pub status: String,
    pub created_at: String,
    pub expires_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<SessionFailure>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<SessionResult>,
    /// `stamp`: the seal the phone picked for the current stamp, once picked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stamp: Option<StampChoice>,
    /// `stamp` with several places: the stamps made so far, in order (the last one's result
    /// is also `result` once the session completes).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stamped: Vec<StampedPlace>,
}

/// One stamp of a session, made: what the platform embeds before preparing the next.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StampedPlace {
    pub place: u32,
    pub result: SessionResult,
}

/// The phone's scan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScanRequest {
    /// The QR payload as decoded.
    pub qr: String,
    /// A random identifier of this installation (kept in its key store).
    pub device_id: String,
}

/// The platform as the phone shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformInfo {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_url: Option<String>,
}

/// What the phone shows after a scan, and what it needs to answer.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScannedSession {
    pub session_id: String,
    /// Proves later that this device scanned (single device per session).
    pub scan_ticket: String,
    pub platform: PlatformInfo,
    pub kind: SessionKind,
    pub operation: String,
    pub display: DisplayText,
    pub verification_code: String,
    pub created_at: String,
    pub expires_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_digests: Option<DocumentDigests>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encrypted_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient_serial: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ephemeral_public_key: Option<String>,
    /// Serials of this account's certificates that may answer.
    pub eligible_serials: Vec<String>,
    /// `stamp`: the request and the seals this account may use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stamp: Option<StampView>,
    /// `stamp`: the seal picked (part of what is signed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stamp_seal_id: Option<String>,
    /// `stamp`: the stamp being made (0-based; its page and place are part of what is signed).
    #[serde(default)]
    pub stamp_place: u32,
    /// The project's bid-opening time (RFC 3339), when the platform gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opening_at: Option<String>,
}

impl std::fmt::Debug for ScannedSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScannedSession")
            .field("session_id", &self.session_id)
            .field("scan_ticket", &"[redacted]")
            .field("platform", &self.platform)
            .field("kind", &self.kind)
            .field("display", &self.display)
            .field("verification_code", &self.verification_code)
            .field("eligible_serials", &self.eligible_serials)
            .finish_non_exhaustive()
    }
}

/// The phone's answer. Binary fields are base64.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Completion {
    pub scan_ticket: String,
    pub certificate: String,
    pub statement: String,
    pub signature: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cms: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reencrypted_key: Option<String>,
    /// `stamp` with an SM2 certificate: the GB/T 38540 `SES_Signature`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ses_signature: Option<String>,
}

impl std::fmt::Debug for Completion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Completion")
            .field("scan_ticket", &"[redacted]")
            .finish_non_exhaustive()
    }
}

/// The phone declines (the user tapped 取消, or the texts did not match).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decline {
    pub scan_ticket: String,
}

impl std::fmt::Debug for Decline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Decline([redacted])")
    }
}

/// One use of a certificate (seed 000 §9: 使用记录).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageRecord {
    pub id: String,
    pub session_id: String,
    pub kind: SessionKind,
    /// 扫码登录, 文件签名 or 开标解密.
    pub operation: String,
    /// The certificate holder's name (from the verified identity).
    pub holder_name: Option<String>,
    pub certificate_serial: Option<String>,
    pub platform_id: String,
    pub platform_name: String,
    /// completed, declined or failed.
    pub outcome: String,
    /// 成功, 已拒绝 or 失败.
    pub outcome_label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_code: Option<String>,
    pub at: String,
    /// `stamp`: the seal used, and the digest of what was stamped (`sm3:…`, `sha256:…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seal_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_digest: Option<String>,
}

/// A page of usage records, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsagePage {
    pub items: Vec<UsageRecord>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// `POST /v1/rp/sealed-bids`: a platform tells the service of a bid it sealed, so that the
/// certificate it names is not replaced by a new key before the opening (the expiry guard).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SealedBidNotice {
    /// Serial (hex) of the certificate the bid is sealed to.
    pub recipient_serial: String,
    /// The project's bid-opening time (RFC 3339), in the future and within five years.
    pub opening_at: String,
}

/// What the service noted of a sealed bid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotedSealedBid {
    pub recipient_serial: String,
    pub opening_at: String,
    /// The recipient is an encryption certificate whose key the service escrows: the bid
    /// opens whatever happens to the holder's phone. When false (a bid sealed to a signing
    /// certificate), the certificate is not replaced by a new key before the opening.
    pub escrowed: bool,
}
