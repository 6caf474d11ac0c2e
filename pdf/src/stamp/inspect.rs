//! Reading the signatures of a PDF back (PDF 32000-1 §12.8.1): for each signed signature field,
//! its byte range and CMS, where its widget is, whether the range covers a whole revision, and
//! what later incremental updates changed. Checking the CMS is the caller's job (with the
//! digest of [`SignatureInfo::signed_parts`]).

use std::collections::{BTreeSet, HashMap, HashSet};

use sha2::Digest as _;

use super::form::{FormLoc, fields};
use crate::PdfError;
use crate::parse::object::decode_text;
use crate::parse::xref::{Entry, ends_with_eof};
use crate::parse::{Dict, Document, ObjRef, Object, PageRef};

/// One signed signature field.
#[derive(Clone, Debug, PartialEq)]
pub struct SignatureInfo {
    /// The field's full name.
    pub field_name: String,
    /// `/SubFilter` as written (`adbe.pkcs7.detached`, `ETSI.CAdES.detached`, …).
    pub sub_filter: String,
    /// `/ByteRange` `[0, a, b, c]`.
    pub byte_range: [usize; 4],
    /// `/Contents`: the CMS DER, without the placeholder's zero padding.
    pub contents: Vec<u8>,
    /// The 1-based page of the field's widget, when it is on a page.
    pub page: Option<u32>,
    /// The widget's `/Rect` `[x0, y0, x1, y1]` in points.
    pub rect: Option<[f64; 4]>,
    /// `/Name`, `/Reason` and `/M` of the signature dictionary.
    pub signer_name: Option<String>,
    pub reason: Option<String>,
    /// `/MCertSealBinding`: the binding of a P-256 seal, when the stamp carries one.
    pub seal_binding: Option<Vec<u8>>,
    pub signing_time: Option<String>,
    /// Where the signed revision ends: `b + c`.
    pub revision_end: usize,
    /// The range starts at 0, skips exactly the `/Contents` string, and ends at a revision's
    /// `%%EOF`: nothing of that revision is left unsigned.
    pub covers_revision: bool,
    /// The signed revision is the whole file: nothing was appended after signing.
    pub covers_whole_file: bool,
    /// What the updates after the signed revision changed (`None` when nothing was appended,
    /// or when the signed revision cannot be read on its own).
    pub changes_after: Option<ChangesAfter>,
}

/// What the incremental updates after a signature changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChangesAfter {
    /// Bytes appended after the signed revision.
    pub bytes: usize,
    /// How many revisions (cross-reference sections) were appended.
    pub revisions: usize,
    /// Object numbers that are new, redefined, or freed after the signature.
    pub added: Vec<u32>,
    pub modified: Vec<u32>,
    pub freed: Vec<u32>,
    /// Pages (1-based) whose content, resources or boxes changed, or that were added.
    pub pages_changed: Vec<u32>,
    /// Pages (1-based) where only `/Annots` changed (for example a later stamp's widget).
    pub pages_annotated: Vec<u32>,
    /// Pages in the signed revision and now.
    pub page_count_before: u32,
    pub page_count_after: u32,
    /// Signature fields signed in later revisions.
    pub later_signatures: Vec<String>,
}

impl SignatureInfo {
    /// The two signed ranges of `pdf`.
    pub fn signed_parts<'a>(&self, pdf: &'a [u8]) -> Result<(&'a [u8], &'a [u8]), PdfError> {
        let [_, a, b, c] = self.byte_range;
        let bad = || self.error("the byte range lies outside the file");
        let end = b.checked_add(c).ok_or_else(bad)?;
        match (pdf.get(..a), pdf.get(b..end)) {
            (Some(first), Some(second)) => Ok((first, second)),
            _ => Err(bad()),
        }
    }

    /// SHA-256 of the signed ranges (to compare with the CMS messageDigest).
    pub fn sha256(&self, pdf: &[u8]) -> Result<[u8; 32], PdfError> {
        let (first, second) = self.signed_parts(pdf)?;
        let mut h = sha2::Sha256::new();
        h.update(first);
        h.update(second);
        Ok(h.finalize().into())
    }

    /// The digest of the signed ranges by another hash (SM3), which gets both ranges in order.
    pub fn digest_with(
        &self,
        pdf: &[u8],
        hasher: impl Fn(&[u8], &[u8]) -> Vec<u8>,
    ) -> Result<Vec<u8>, PdfError> {
        let (first, second) = self.signed_parts(pdf)?;
        Ok(hasher(first, second))
    }

    fn error(&self, what: &str) -> PdfError {
        PdfError::Signature {
            field: self.field_name.clone(),
            what: what.into(),
        }
    }
}

/// The revision a signature signed: the file up to the end of its byte range (a complete PDF
/// as it was when signed).
pub fn signed_revision<'a>(pdf: &'a [u8], sig: &SignatureInfo) -> Result<&'a [u8], PdfError> {
    pdf.get(..sig.revision_end)
        .ok_or_else(|| sig.error("the signed revision ends past the end of the file"))
}

/// Every signed signature field of `pdf`, in form order.
pub fn signatures(pdf: &[u8]) -> Result<Vec<SignatureInfo>, PdfError> {
    let doc = Document::open(pdf)?;
    let (_, catalog) = doc.catalog()?;
    let form = FormLoc::load(&doc, &catalog)?;
    let pages = doc.pages()?;
    let page_numbers: HashMap<ObjRef, u32> = pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id, i as u32 + 1))
        .collect();
    let mut out = Vec::new();
    for field in fields(&doc, &form)? {
        if field.kind.as_deref() != Some(b"Sig") {
            continue;
        }
        let Some(value) = field.dict.get(b"V") else {
            continue;
        };
        let err = |what: String| PdfError::Signature {
            field: field.name.clone(),
            what,
        };
        let v = match doc.resolve(value)? {
            Object::Dict(d) => d,
            Object::Null => continue,
            other => return Err(err(format!("/V is a {}", other.type_name()))),
        };
        let byte_range = byte_range(&doc, &v).map_err(err)?;
        let contents = match v.get(b"Contents").map(|c| doc.resolve(c)).transpose()? {
            Some(Object::Str(s)) => s,
            _ => return Err(err("/Contents is missing or not a string".into())),
        };
        let text = |key: &[u8]| match v.get(key) {
            Some(Object::Str(s)) => Some(decode_text(s)),
            _ => None,
        };
        let (page, rect) = match field.widgets.first() {
            Some((wid, w)) => (
                widget_page(&doc, *wid, w, &pages, &page_numbers)?,
                w.get(b"Rect").map(|r| doc.rect(r, *wid)).transpose()?,
            ),
            None => (None, None),
        };
        let revision_end = byte_range[2] + byte_range[3];
        let covers_revision = byte_range[0] == 0
            && revision_end <= pdf.len()
            && gap_is_contents(pdf, &byte_range, &contents)
            && ends_with_eof(&pdf[..revision_end]);
        out.push(SignatureInfo {
            field_name: field.name.clone(),
            sub_filter: v.name(b"SubFilter").map(decode_text).unwrap_or_default(),
            byte_range,
            contents: trim_der(contents),
            page,
            rect,
            signer_name: text(b"Name"),
            reason: text(b"Reason"),
            seal_binding: match v
                .get(b"MCertSealBinding")
                .map(|b| doc.resolve(b))
                .transpose()?
            {
                Some(Object::Str(b)) => Some(b),
                _ => None,
            },
            signing_time: text(b"M"),
            revision_end,
            covers_revision,
            covers_whole_file: covers_revision && revision_end == pdf.len(),
            changes_after: None,
        });
    }
    let ends: Vec<(usize, String)> = out
        .iter()
        .map(|s| (s.revision_end, s.field_name.clone()))
        .collect();
    for sig in &mut out {
        if sig.covers_revision && !sig.covers_whole_file {
            let mut changes = changes_after(&doc, &pages, sig.revision_end);
            if let Some(c) = &mut changes {
                c.later_signatures = ends
                    .iter()
                    .filter(|(end, _)| *end > sig.revision_end)
                    .map(|(_, name)| name.clone())
                    .collect();
            }
            sig.changes_after = changes;
        }
    }
    Ok(out)
}

fn byte_range(doc: &Document<'_>, v: &Dict) -> Result<[usize; 4], String> {
    let Some(Object::Array(items)) = v
        .get(b"ByteRange")
        .map(|b| doc.resolve(b))
        .transpose()
        .ok()
        .flatten()
    else {
        return Err("/ByteRange is missing or not an array".into());
    };
    let values: Vec<usize> = items
        .iter()
        .filter_map(|i| match i {
            Object::Int(n) => usize::try_from(*n).ok(),
            _ => None,
        })
        .collect();
    match values[..] {
        [a, b, c, d] if b <= c && c.checked_add(d).is_some() => Ok([a, b, c, d]),
        _ => Err("/ByteRange is not four ascending non-negative integers".into()),
    }
}

/// True when the range's gap holds exactly the hex string `<…>` whose value is `contents`.
fn gap_is_contents(pdf: &[u8], range: &[usize; 4], contents: &[u8]) -> bool {
    let (start, end) = (range[1], range[2]);
    if end < start + 2 || end > pdf.len() || pdf[start] != b'<' || pdf[end - 1] != b'>' {
        return false;
    }
    let hex: Vec<u8> = pdf[start + 1..end - 1]
        .iter()
        .copied()
        .filter(|b| !crate::parse::lexer::is_white(*b))
        .collect();
    if !hex.len().is_multiple_of(2) || !hex.iter().all(u8::is_ascii_hexdigit) {
        return false;
    }
    let value: Option<Vec<u8>> = hex
        .chunks(2)
        .map(|p| {
            std::str::from_utf8(p)
                .ok()
                .and_then(|t| u8::from_str_radix(t, 16).ok())
        })
        .collect();
    value.as_deref() == Some(contents)
}

/// The DER SEQUENCE at the start of `bytes`, without trailing padding (indefinite-length BER
/// is kept whole).
fn trim_der(mut bytes: Vec<u8>) -> Vec<u8> {
    let header = match (bytes.first(), bytes.get(1)) {
        (Some(0x30), Some(&l)) if l < 0x80 => Some((2, usize::from(l))),
        (Some(0x30), Some(&l)) if (0x81..=0x84).contains(&l) => {
            let n = usize::from(l - 0x80);
            bytes.get(2..2 + n).map(|len| {
                (
                    2 + n,
                    len.iter().fold(0usize, |acc, &b| acc << 8 | usize::from(b)),
                )
            })
        }
        _ => None,
    };
    if let Some((head, len)) = header
        && let Some(total) = head.checked_add(len)
        && total <= bytes.len()
    {
        bytes.truncate(total);
    }
    bytes
}

fn widget_page(
    doc: &Document<'_>,
    wid: ObjRef,
    widget: &Dict,
    pages: &[PageRef],
    numbers: &HashMap<ObjRef, u32>,
) -> Result<Option<u32>, PdfError> {
    if let Some(Object::Ref(p)) = widget.get(b"P")
        && let Some(n) = numbers.get(p)
    {
        return Ok(Some(*n));
    }
    for (i, page) in pages.iter().enumerate() {
        if let Some(annots) = page.dict.get(b"Annots")
            && let Object::Array(list) = doc.resolve(annots)?
            && list.contains(&Object::Ref(wid))
        {
            return Ok(Some(i as u32 + 1));
        }
    }
    Ok(None)
}

/// Compares the revision ending at `end` with the whole file.
fn changes_after(doc: &Document<'_>, pages: &[PageRef], end: usize) -> Option<ChangesAfter> {
    let old = Document::open(doc.buf.get(..end)?).ok()?;
    let old_pages = old.pages().ok()?;
    let later: Vec<_> = doc
        .xref
        .sections
        .iter()
        .filter(|s| s.offset >= end)
        .collect();
    let mut touched: BTreeSet<u32> = BTreeSet::new();
    let mut freed = BTreeSet::new();
    for section in &later {
        for (num, entry) in &section.entries {
            if *entry == Entry::Free {
                freed.insert(*num);
            } else {
                touched.insert(*num);
            }
        }
    }
    let existed = |n: u32| matches!(old.xref.entry(n), Some(e) if e != Entry::Free);
    let (modified, added): (Vec<u32>, Vec<u32>) = touched.iter().partition(|&&n| existed(n));
    let changed: HashSet<u32> = touched.iter().copied().collect();
    let mut pages_changed = Vec::new();
    let mut pages_annotated = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        let n = i as u32 + 1;
        let Some(before) = old_pages.get(i) else {
            pages_changed.push(n);
            continue;
        };
        let strip = |d: &Dict| {
            let mut d = d.clone();
            d.remove(b"Annots");
            d
        };
        let (a, b) = (strip(&before.dict), strip(&page.dict));
        if a != b || before.media_box != page.media_box || refers_to(&b, &changed) {
            pages_changed.push(n);
        } else if before.dict != page.dict || changed.contains(&page.id.num) {
            pages_annotated.push(n);
        }
    }
    Some(ChangesAfter {
        bytes: doc.buf.len() - end,
        revisions: later.len(),
        added,
        modified,
        freed: freed.into_iter().collect(),
        pages_changed,
        pages_annotated,
        page_count_before: old_pages.len() as u32,
        page_count_after: pages.len() as u32,
        later_signatures: Vec::new(),
    })
}

/// True when the page dictionary refers (directly, or inside direct arrays and dictionaries)
/// to a changed object, other than through `/Parent`.
fn refers_to(page: &Dict, changed: &HashSet<u32>) -> bool {
    fn walk(obj: &Object, changed: &HashSet<u32>) -> bool {
        match obj {
            Object::Ref(r) => changed.contains(&r.num),
            Object::Array(items) => items.iter().any(|i| walk(i, changed)),
            Object::Dict(d) => d.0.iter().any(|(_, v)| walk(v, changed)),
            _ => false,
        }
    }
    page.0
        .iter()
        .filter(|(k, _)| k != b"Parent")
        .any(|(_, v)| walk(v, changed))
}

/// How many pages `pdf` has.
pub fn page_count(pdf: &[u8]) -> Result<u32, PdfError> {
    let doc = crate::parse::Document::open(pdf)?;
    Ok(u32::try_from(doc.pages()?.len()).unwrap_or(u32::MAX))
}
