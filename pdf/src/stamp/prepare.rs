//! Preparing a PDF for a visible stamp and its signature, and embedding the signature.
//!
//! [`prepare`] appends one incremental update to the platform's bytes: the seal picture (an
//! image XObject with a soft mask), the widget's appearance, a signature field merged with its
//! widget on the page, the signature dictionary with an empty `/Contents` placeholder and its
//! `/ByteRange` (PDF 32000-1 §12.8.1), the form and the page joined to the field, and a new
//! cross-reference section; for a 骑缝章 (cross-page seal) also one slice of the picture on
//! the right edge of every page. [`Prepared::sha256`] (or [`Prepared::digest_with`] for SM3) is the
//! digest to sign; [`embed`] writes the CMS into the placeholder.

use sha2::Digest as _;

use super::form::{FormLoc, Joins, append, fields, join};
use super::image::{decode_png, fit, xobjects};
use super::update::{Trailer, Update};
use crate::PdfError;
use crate::parse::document::PageRef;
use crate::parse::lexer::Lexer;
use crate::parse::object::{write_name, write_object, write_string};
use crate::parse::{Dict, Document, ObjRef, Object, Stream};

/// The largest signature space `prepare` reserves (1 MiB of DER, 2 MiB of hex).
pub const MAX_CONTENTS_LEN: usize = 1024 * 1024;

/// Most pages a cross-page seal (骑缝章) spans: beyond this its slices are thinner than a
/// millimetre.
pub const MAX_CROSS_PAGES: usize = 50;

/// Width of the `/ByteRange` array as written, so that it can be filled in place.
const BYTE_RANGE_WIDTH: usize = 64;

/// The signature's `/SubFilter` (§12.8.3.3; ETSI EN 319 142-1 for PAdES).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubFilter {
    /// `adbe.pkcs7.detached`: a detached CMS over the byte ranges.
    AdbePkcs7Detached,
    /// `ETSI.CAdES.detached`: the PAdES form (CAdES signed attributes expected).
    EtsiCadesDetached,
    /// `GBT38540.SESSignature`: `/Contents` holds a GB/T 38540-2020 `SES_Signature` (DER) whose
    /// data hash is SM3 over the byte ranges. Used for SM2 seals, which PAdES verifiers do not
    /// know; the name is mcert's own (the standard does not name a PDF sub filter).
    GbtSesSignature,
}

impl SubFilter {
    /// The PDF name, without the slash.
    pub fn pdf_name(self) -> &'static str {
        match self {
            SubFilter::AdbePkcs7Detached => "adbe.pkcs7.detached",
            SubFilter::EtsiCadesDetached => "ETSI.CAdES.detached",
            SubFilter::GbtSesSignature => "GBT38540.SESSignature",
        }
    }

    /// The sub filter a PDF name stands for, if it is one of these.
    pub fn from_pdf_name(name: &str) -> Option<SubFilter> {
        match name {
            "adbe.pkcs7.detached" => Some(SubFilter::AdbePkcs7Detached),
            "ETSI.CAdES.detached" => Some(SubFilter::EtsiCadesDetached),
            "GBT38540.SESSignature" => Some(SubFilter::GbtSesSignature),
            _ => None,
        }
    }
}

/// Where and how a stamp goes.
#[derive(Clone, Debug, PartialEq)]
pub struct StampPlacement {
    /// 1-based page number.
    pub page: u32,
    /// `[x0, y0, x1, y1]` in PDF points from the bottom-left corner of the page's unrotated
    /// user space. `/Rotate` is not applied: on a rotated page the stamp turns with the page.
    pub rect_pt: [f32; 4],
    /// The seal picture as a PNG (RGBA with a transparent background is best); drawn inside
    /// `rect_pt` keeping its aspect ratio, centred.
    pub image_png: Vec<u8>,
    /// The signature field's name (unique in the document, without `.`).
    pub name: String,
    /// `/Reason` of the signature.
    pub reason: Option<String>,
    /// `/Name` of the signature (the signer, for display).
    pub signer_name: Option<String>,
    /// `/MCertSealBinding`: the P-256 seal's binding to the signer's certificate (an attached
    /// CMS, see mcert-core's `seal_binding`), written in the signature dictionary so that the
    /// signature's byte range covers it.
    pub seal_binding: Option<Vec<u8>>,
    /// 骑缝章 as well: the picture cut into as many vertical slices as the document has pages
    /// (at least two), slice *i* on page *i* at the right edge, vertically centred, each a
    /// printed `/Stamp` annotation written in the same update, so the signature covers them.
    /// Fanned out, the pages' edges show the whole seal.
    pub cross_page: bool,
}

/// A PDF with an empty signature placeholder: sign [`Prepared::sha256`], then [`embed`].
///
/// Both fields can be stored and handed back later; [`embed`] checks that they still agree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prepared {
    /// The whole file: original bytes, then the update.
    pub bytes: Vec<u8>,
    /// `[0, a, b, c]`: the signed ranges `0..a` and `b..b+c`; `a..b` is the `/Contents` hex
    /// string with its angle brackets.
    pub byte_range: [usize; 4],
}

impl Prepared {
    /// The two signed ranges of the file.
    pub fn signed_parts(&self) -> Result<(&[u8], &[u8]), PdfError> {
        let [zero, a, b, c] = self.byte_range;
        let bad = PdfError::NotPrepared("the byte range does not fit the bytes");
        if zero != 0 || a >= b || b.checked_add(c) != Some(self.bytes.len()) {
            return Err(bad);
        }
        match (self.bytes.get(..a), self.bytes.get(b..)) {
            (Some(first), Some(second)) => Ok((first, second)),
            _ => Err(bad),
        }
    }

    /// SHA-256 of the signed ranges: the digest a P-256 signer signs.
    pub fn sha256(&self) -> Result<[u8; 32], PdfError> {
        let (first, second) = self.signed_parts()?;
        let mut h = sha2::Sha256::new();
        h.update(first);
        h.update(second);
        Ok(h.finalize().into())
    }

    /// The digest of the signed ranges by another hash (SM3 for SM2 signers), which gets both
    /// ranges in order.
    pub fn digest_with(
        &self,
        hasher: impl Fn(&[u8], &[u8]) -> Vec<u8>,
    ) -> Result<Vec<u8>, PdfError> {
        let (first, second) = self.signed_parts()?;
        Ok(hasher(first, second))
    }

    /// How many bytes of CMS the placeholder holds.
    pub fn contents_capacity(&self) -> usize {
        (self.byte_range[2]
            .saturating_sub(self.byte_range[1])
            .saturating_sub(2))
            / 2
    }
}

fn stamp_err(what: impl Into<String>) -> PdfError {
    PdfError::Stamp(what.into())
}

/// Appends the stamp's incremental update with an empty signature of `contents_len` bytes.
///
/// `signing_time` is the signature's `/M`: a PDF date (`D:20261202134400+08'00'`) or RFC 3339
/// (`2026-12-02T13:44:00+08:00`, `…Z`).
pub fn prepare(
    original: &[u8],
    stamp: &StampPlacement,
    sub_filter: SubFilter,
    contents_len: usize,
    signing_time: &str,
) -> Result<Prepared, PdfError> {
    if contents_len == 0 || contents_len > MAX_CONTENTS_LEN {
        return Err(stamp_err(format!(
            "the signature space must be 1 to {MAX_CONTENTS_LEN} bytes, not {contents_len}"
        )));
    }
    let date = pdf_date(signing_time)?;
    check_name(&stamp.name)?;
    let [x0, y0, x1, y1] = stamp.rect_pt.map(f64::from);
    if !(x0.is_finite() && y0.is_finite() && x1.is_finite() && y1.is_finite())
        || x1 <= x0
        || y1 <= y0
    {
        return Err(stamp_err(format!(
            "the rectangle {:?} is not [x0, y0, x1, y1] with x0 < x1 and y0 < y1",
            stamp.rect_pt
        )));
    }

    let doc = Document::open(original)?;
    let pages = doc.pages()?;
    let page_count = u32::try_from(pages.len()).unwrap_or(u32::MAX);
    let page = stamp
        .page
        .checked_sub(1)
        .and_then(|i| pages.get(i as usize))
        .ok_or(PdfError::PageOutOfRange {
            page: stamp.page,
            pages: page_count,
        })?;
    let mb = page.media_box;
    if x1 <= mb[0] || x0 >= mb[2] || y1 <= mb[1] || y0 >= mb[3] {
        return Err(stamp_err(format!(
            "the rectangle {:?} lies outside page {}'s media box {mb:?}",
            stamp.rect_pt, stamp.page
        )));
    }
    let picture = decode_png(&stamp.image_png)?;
    let (cat_id, catalog) = doc.catalog()?;
    let form = FormLoc::load(&doc, &catalog)?;
    if fields(&doc, &form)?.iter().any(|f| f.name == stamp.name) {
        return Err(PdfError::FieldExists(stamp.name.clone()));
    }

    // New object numbers from the old /Size on.
    let size = doc
        .trailer()
        .int(b"Size")
        .and_then(|s| u32::try_from(s).ok())
        .unwrap_or(0);
    let first = size.max(doc.xref.max_object_number().saturating_add(1));
    if first > 8_000_000 {
        return Err(PdfError::Unsupported(format!(
            "object numbers up to {first}"
        )));
    }
    let id = |i: u32| ObjRef::new(first + i, 0);
    let (smask_id, image_id, ap_id, widget_id, sig_id) = (id(0), id(1), id(2), id(3), id(4));
    // Used only when the form must become an object of its own.
    let form_id = id(5);

    let (w, h) = (x1 - x0, y1 - y0);
    let (image, smask) = xobjects(&picture, smask_id);
    let [dw, dh, dx, dy] = fit(&picture, w, h);
    let appearance = picture_form(image_id, [w, h], [dw, dh, dx, dy]);
    let widget = Object::Dict(
        Dict::new()
            .with(b"Type", Object::name("Annot"))
            .with(b"Subtype", Object::name("Widget"))
            .with(b"FT", Object::name("Sig"))
            .with(b"T", Object::text(&stamp.name))
            .with(b"V", Object::Ref(sig_id))
            .with(b"F", Object::Int(4))
            .with(b"Rect", reals(&[x0, y0, x1, y1]))
            .with(b"P", Object::Ref(page.id))
            .with(
                b"AP",
                Object::Dict(Dict::new().with(b"N", Object::Ref(ap_id))),
            ),
    );
    let mut joins = join(&doc, (cat_id, &catalog), &form, page, widget_id, form_id)?;
    // 骑缝章: after the five (or six) objects above, two per page (appearance, annotation).
    let slices_from = first + 6;
    let slices = if stamp.cross_page {
        cross_page_slices(
            &doc,
            &pages,
            (image_id, &picture),
            (w, h),
            slices_from,
            &mut joins,
        )?
    } else {
        Vec::new()
    };

    let mut update = Update::new(original);
    update.object(smask_id, &smask);
    update.object(image_id, &image);
    update.object(ap_id, &appearance);
    update.object(widget_id, &widget);
    let mut placeholders = (0, 0, 0);
    update.raw_object(sig_id, |out| {
        placeholders = signature_dict(out, stamp, sub_filter, &date, contents_len);
    });
    if let Some(new_form) = &joins.new_form {
        update.object(form_id, new_form);
    }
    for (id, obj) in &joins.changed {
        update.object(*id, obj);
    }
    for (id, obj) in &slices {
        update.object(*id, obj);
    }
    let trailer = doc.trailer();
    let kind = doc
        .xref
        .sections
        .first()
        .map_or(crate::parse::xref::XrefKind::Table, |s| s.kind);
    let mut bytes = update.finish(
        kind,
        Trailer {
            size: if slices.is_empty() {
                first + if joins.new_form.is_some() { 6 } else { 5 }
            } else {
                slices_from + u32::try_from(slices.len()).unwrap_or(u32::MAX)
            },
            prev: doc.xref.startxref,
            root: cat_id,
            info: trailer.get(b"Info").cloned(),
            id: trailer.get(b"ID").cloned(),
        },
    );

    let (range_at, contents_start, contents_end) = placeholders;
    let byte_range = [0, contents_start, contents_end, bytes.len() - contents_end];
    let text = format!("[0 {} {} {}", byte_range[1], byte_range[2], byte_range[3]);
    let slot = bytes
        .get_mut(range_at..range_at + BYTE_RANGE_WIDTH)
        .ok_or(PdfError::NotPrepared("byte range placeholder lost"))?;
    slot[..text.len()].copy_from_slice(text.as_bytes());
    Ok(Prepared { bytes, byte_range })
}

/// The 骑缝章's new objects (a slice's appearance and its `/Stamp` annotation, per page, with
/// ids from `from` on), and each page's `/Annots` joined to its slice in `joins`. The seal
/// `(w, h)` points large is cut into `pages.len()` slices; each shows its part of the image
/// `image_id` at the page's right edge, halfway up the page.
fn cross_page_slices(
    doc: &Document<'_>,
    pages: &[PageRef],
    (image_id, picture): (ObjRef, &super::image::Picture),
    (w, h): (f64, f64),
    from: u32,
    joins: &mut Joins,
) -> Result<Vec<(ObjRef, Object)>, PdfError> {
    let n = pages.len();
    if !(2..=MAX_CROSS_PAGES).contains(&n) {
        return Err(stamp_err(format!(
            "a cross-page seal needs 2 to {MAX_CROSS_PAGES} pages, not {n}"
        )));
    }
    let [dw, dh, _, _] = fit(picture, w, h);
    let slice_w = dw / n as f64;
    let mut out = Vec::with_capacity(n * 2);
    for (i, page) in pages.iter().enumerate() {
        let k = u32::try_from(i).unwrap_or(u32::MAX);
        let (ap_id, annot_id) = (
            ObjRef::new(from + 2 * k, 0),
            ObjRef::new(from + 2 * k + 1, 0),
        );
        // The whole picture drawn shifted left so that only slice i falls in the box.
        let appearance = picture_form(
            image_id,
            [slice_w, dh],
            [dw, dh, -(slice_w * i as f64), 0.0],
        );
        let mb = page.media_box;
        let bottom = (mb[1] + mb[3]) / 2.0 - dh / 2.0;
        let annot = Object::Dict(
            Dict::new()
                .with(b"Type", Object::name("Annot"))
                .with(b"Subtype", Object::name("Stamp"))
                .with(b"Name", Object::name("mcert.CrossPageSeal"))
                // Printed and locked: it is part of what was signed.
                .with(b"F", Object::Int(4 | 128))
                .with(
                    b"Rect",
                    reals(&[mb[2] - slice_w, bottom, mb[2], bottom + dh]),
                )
                .with(b"P", Object::Ref(page.id))
                .with(
                    b"AP",
                    Object::Dict(Dict::new().with(b"N", Object::Ref(ap_id))),
                ),
        );
        add_annot(doc, page, annot_id, &mut joins.changed)?;
        out.push((ap_id, appearance));
        out.push((annot_id, annot));
    }
    Ok(out)
}

/// A form XObject `bbox` (width, height) large drawing the image `image_id` `[w, h]` large at
/// `[x, y]` in it (the box clips what falls outside).
fn picture_form(image_id: ObjRef, bbox: [f64; 2], [w, h, x, y]: [f64; 4]) -> Object {
    let mut content = Vec::new();
    content.extend_from_slice(b"q ");
    for v in [w, 0.0, 0.0, h, x, y] {
        crate::parse::object::write_real(&mut content, v);
        content.push(b' ');
    }
    content.extend_from_slice(b"cm /Seal Do Q");
    Object::Stream(Stream {
        dict: Dict::new()
            .with(b"Type", Object::name("XObject"))
            .with(b"Subtype", Object::name("Form"))
            .with(b"BBox", reals(&[0.0, 0.0, bbox[0], bbox[1]]))
            .with(
                b"Resources",
                Object::Dict(Dict::new().with(
                    b"XObject",
                    Object::Dict(Dict::new().with(b"Seal", Object::Ref(image_id))),
                )),
            ),
        data: content,
    })
}

/// Adds `annot` to `page`'s `/Annots` in `changed` (building on a version of the page or of
/// its annotation array already changed there).
fn add_annot(
    doc: &Document<'_>,
    page: &PageRef,
    annot: ObjRef,
    changed: &mut Vec<(ObjRef, Object)>,
) -> Result<(), PdfError> {
    let current =
        |id: ObjRef, changed: &[(ObjRef, Object)]| changed.iter().position(|(c, _)| *c == id);
    let page_dict = match current(page.id, changed) {
        Some(i) => match &changed[i].1 {
            Object::Dict(d) => d.clone(),
            _ => page.dict.clone(),
        },
        None => page.dict.clone(),
    };
    if let Some(Object::Ref(r)) = page_dict.get(b"Annots") {
        let r = *r;
        let list = match current(r, changed) {
            Some(i) => changed.remove(i).1,
            None => doc.resolve(&Object::Ref(r))?,
        };
        let list = append(doc, &list, annot, "a page's /Annots")?;
        changed.push((r, list));
        return Ok(());
    }
    let list = match page_dict.get(b"Annots") {
        Some(a) => append(doc, a, annot, "a page's /Annots")?,
        None => Object::Array(vec![Object::Ref(annot)]),
    };
    let mut dict = page_dict;
    dict.set(b"Annots", list);
    if let Some(i) = current(page.id, changed) {
        changed.remove(i);
    }
    changed.push((page.id, Object::Dict(dict)));
    Ok(())
}

/// Writes the signature dictionary; returns where the `/ByteRange` array starts and where the
/// `/Contents` string (with its brackets) starts and ends.
fn signature_dict(
    out: &mut Vec<u8>,
    stamp: &StampPlacement,
    sub_filter: SubFilter,
    date: &str,
    contents_len: usize,
) -> (usize, usize, usize) {
    out.extend_from_slice(b"<</Type /Sig\n/Filter /Adobe.PPKLite\n/SubFilter ");
    write_name(out, sub_filter.pdf_name().as_bytes());
    out.extend_from_slice(b"\n/ByteRange ");
    let range_at = out.len();
    out.push(b'[');
    out.extend(std::iter::repeat_n(b' ', BYTE_RANGE_WIDTH - 2));
    out.push(b']');
    out.extend_from_slice(b"\n/Contents ");
    let contents_start = out.len();
    out.push(b'<');
    out.extend(std::iter::repeat_n(b'0', contents_len * 2));
    out.push(b'>');
    let contents_end = out.len();
    out.extend_from_slice(b"\n/M ");
    write_object(out, &Object::text(date));
    for (key, value) in [
        (&b"Name"[..], &stamp.signer_name),
        (b"Reason", &stamp.reason),
    ] {
        if let Some(v) = value {
            out.push(b'\n');
            write_name(out, key);
            out.push(b' ');
            write_object(out, &Object::text(v));
        }
    }
    if let Some(binding) = &stamp.seal_binding {
        out.extend_from_slice(b"\n/MCertSealBinding ");
        write_string(out, binding);
    }
    out.extend_from_slice(b"\n>>");
    (range_at, contents_start, contents_end)
}

fn reals(v: &[f64]) -> Object {
    Object::Array(v.iter().map(|&r| Object::Real(r)).collect())
}

fn check_name(name: &str) -> Result<(), PdfError> {
    if name.is_empty() || name.chars().count() > 100 {
        return Err(stamp_err("the field name must have 1 to 100 characters"));
    }
    if name.contains('.') {
        return Err(stamp_err(format!(
            "the field name {name:?} contains `.`, which separates field names in PDF"
        )));
    }
    if name.chars().any(char::is_control) {
        return Err(stamp_err("the field name contains a control character"));
    }
    Ok(())
}

/// A PDF date (§7.9.4) from a PDF date or an RFC 3339 time.
pub(crate) fn pdf_date(s: &str) -> Result<String, PdfError> {
    let bad = || {
        stamp_err(format!(
            "signing time {s:?} is neither a PDF date (D:YYYYMMDDHHmmSS+HH'mm') nor RFC 3339"
        ))
    };
    if !s.is_ascii() {
        return Err(bad());
    }
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    if let Some(rest) = s.strip_prefix("D:") {
        let (stamp, zone) = rest.split_at(rest.len().min(14));
        let zone_ok = zone.is_empty()
            || zone == "Z"
            || (zone.len() == 7
                && matches!(zone.as_bytes()[0], b'+' | b'-')
                && digits(&zone[1..3])
                && &zone[3..4] == "'"
                && digits(&zone[4..6])
                && &zone[6..] == "'");
        return if stamp.len() >= 4 && digits(stamp) && zone_ok {
            Ok(s.to_owned())
        } else {
            Err(bad())
        };
    }
    // YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)
    let b = s.as_bytes();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return Err(bad());
    }
    let parts = [
        &s[0..4],
        &s[5..7],
        &s[8..10],
        &s[11..13],
        &s[14..16],
        &s[17..19],
    ];
    if !parts.iter().all(|p| digits(p)) {
        return Err(bad());
    }
    let mut zone = &s[19..];
    if let Some(frac) = zone.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        zone = &frac[n..];
    }
    let zone = match zone {
        "Z" | "z" => "Z".to_owned(),
        z if z.len() == 6
            && matches!(z.as_bytes()[0], b'+' | b'-')
            && digits(&z[1..3])
            && &z[3..4] == ":"
            && digits(&z[4..]) =>
        {
            format!("{}{}'{}'", &z[..1], &z[1..3], &z[4..])
        }
        _ => return Err(bad()),
    };
    Ok(format!("D:{}{zone}", parts.concat()))
}

/// Writes `cms_der` into the prepared file's `/Contents` placeholder.
pub fn embed(prepared: Prepared, cms_der: &[u8]) -> Result<Vec<u8>, PdfError> {
    prepared.signed_parts()?;
    let Prepared {
        mut bytes,
        byte_range,
    } = prepared;
    let (start, end) = (byte_range[1], byte_range[2]);
    if bytes.get(start) != Some(&b'<') || bytes.get(end - 1) != Some(&b'>') || end - start < 4 {
        return Err(PdfError::NotPrepared(
            "the byte range does not skip a hex string",
        ));
    }
    if !bytes[start + 1..end - 1].iter().all(|&b| b == b'0') {
        return Err(PdfError::NotPrepared(
            "the signature placeholder is not empty",
        ));
    }
    // The /ByteRange written just before /Contents must be the one given.
    let window = &bytes[start.saturating_sub(BYTE_RANGE_WIDTH + 32)..start];
    let at = window
        .windows(10)
        .rposition(|w| w == b"/ByteRange")
        .ok_or(PdfError::NotPrepared(
            "no /ByteRange before the placeholder",
        ))?;
    let mut lx = Lexer::new(window, at + 10);
    let written: Vec<usize> = match lx.object() {
        Ok(Object::Array(items)) => items
            .iter()
            .filter_map(|i| match i {
                Object::Int(v) => usize::try_from(*v).ok(),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    if written != byte_range {
        return Err(PdfError::NotPrepared("the /ByteRange in the file differs"));
    }
    let capacity = (end - start - 2) / 2;
    if cms_der.is_empty() {
        return Err(PdfError::NotPrepared("the signature is empty"));
    }
    if cms_der.len() > capacity {
        return Err(PdfError::ContentsTooLarge {
            len: cms_der.len(),
            capacity,
        });
    }
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for (i, byte) in cms_der.iter().enumerate() {
        bytes[start + 1 + 2 * i] = HEX[usize::from(byte >> 4)];
        bytes[start + 2 + 2 * i] = HEX[usize::from(byte & 15)];
    }
    Ok(bytes)
}
