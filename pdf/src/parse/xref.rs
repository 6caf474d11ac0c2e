//! Cross-reference data (PDF 32000-1 §7.5.4–§7.5.8): `startxref`, classic tables, xref streams,
//! hybrid files (`/XRefStm`) and the `/Prev` chain of incremental updates.
//!
//! Sections are kept newest first, with the byte offset each starts at, so that callers can
//! tell which objects a later revision (re)defined.

use std::collections::{HashMap, HashSet};

use super::filter;
use super::lexer::{Body, Lexer, Syntax, is_white};
use super::object::{Dict, Object};
use crate::PdfError;

/// Where an object lives, as one cross-reference entry says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Entry {
    Free,
    InFile { offset: usize, gen_nr: u16 },
    InStream { stream: u32, index: u32 },
}

/// Which kind of cross-reference section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum XrefKind {
    Table,
    Stream,
}

/// One cross-reference section with its trailer (for a stream: the stream's dictionary).
#[derive(Clone, Debug)]
pub(crate) struct Section {
    pub offset: usize,
    pub kind: XrefKind,
    pub trailer: Dict,
    pub entries: Vec<(u32, Entry)>,
}

/// The whole chain, newest section first, and the merged view of it.
#[derive(Debug)]
pub(crate) struct Xref {
    pub sections: Vec<Section>,
    pub startxref: usize,
    map: HashMap<u32, Entry>,
}

/// How many sections a `/Prev` chain may have.
const MAX_SECTIONS: usize = 10_000;

pub(crate) fn syntax(e: Syntax) -> PdfError {
    PdfError::Syntax {
        offset: e.offset,
        what: e.what,
    }
}

fn xref_err(what: impl Into<String>) -> PdfError {
    PdfError::Xref(what.into())
}

impl Xref {
    /// Reads the chain that the last `startxref` of `buf` starts.
    pub fn read(buf: &[u8]) -> Result<Xref, PdfError> {
        let startxref = find_startxref(buf)?;
        let mut sections = Vec::new();
        let mut seen = HashSet::new();
        let mut next = Some(startxref);
        while let Some(offset) = next {
            if !seen.insert(offset) {
                return Err(xref_err(format!("/Prev chain loops back to byte {offset}")));
            }
            if sections.len() >= MAX_SECTIONS {
                return Err(xref_err("more than 10000 cross-reference sections"));
            }
            let section = read_section(buf, offset)?;
            next = match section.trailer.get(b"Prev") {
                None => None,
                Some(Object::Int(p)) => Some(offset_value(*p, buf.len(), "/Prev")?),
                Some(other) => return Err(xref_err(format!("/Prev is a {}", other.type_name()))),
            };
            sections.push(section);
        }
        let mut map = HashMap::new();
        for section in sections.iter().rev() {
            for &(num, entry) in &section.entries {
                map.insert(num, entry);
            }
        }
        Ok(Xref {
            sections,
            startxref,
            map,
        })
    }

    /// The entry the newest section gives for `num`.
    pub fn entry(&self, num: u32) -> Option<Entry> {
        self.map.get(&num).copied()
    }

    /// The newest trailer.
    pub fn trailer(&self) -> &Dict {
        // `read` always yields at least one section.
        static EMPTY: Dict = Dict(Vec::new());
        self.sections.first().map_or(&EMPTY, |s| &s.trailer)
    }

    /// The highest object number any section mentions.
    pub fn max_object_number(&self) -> u32 {
        self.map.keys().copied().max().unwrap_or(0)
    }
}

fn offset_value(v: i64, len: usize, what: &str) -> Result<usize, PdfError> {
    match usize::try_from(v) {
        Ok(o) if o < len => Ok(o),
        _ => Err(xref_err(format!(
            "{what} offset {v} is outside the file ({len} bytes): truncated or damaged"
        ))),
    }
}

/// The offset after the last `startxref` keyword.
fn find_startxref(buf: &[u8]) -> Result<usize, PdfError> {
    let tail_start = buf.len().saturating_sub(2048);
    let tail = &buf[tail_start..];
    let at = tail
        .windows(9)
        .rposition(|w| w == b"startxref")
        .ok_or_else(|| xref_err("no `startxref` near the end of the file: truncated?"))?;
    let mut lx = Lexer::new(buf, tail_start + at + 9);
    let offset = lx
        .unsigned()
        .map_err(|_| xref_err("`startxref` is not followed by an offset"))?;
    offset_value(
        i64::try_from(offset).unwrap_or(i64::MAX),
        buf.len(),
        "startxref",
    )
}

fn read_section(buf: &[u8], offset: usize) -> Result<Section, PdfError> {
    let mut lx = Lexer::new(buf, offset);
    lx.skip_ws();
    if lx.keyword(b"xref") {
        let mut section = read_table(buf, &mut lx, offset)?;
        // Hybrid file (§7.5.8.4): the stream's entries come after the table's, before /Prev.
        if let Some(Object::Int(stm)) = section.trailer.get(b"XRefStm") {
            let stm_offset = offset_value(*stm, buf.len(), "/XRefStm")?;
            let hidden = read_stream_section(buf, stm_offset)?;
            let defined: HashSet<u32> = section
                .entries
                .iter()
                .filter(|(_, e)| *e != Entry::Free)
                .map(|(n, _)| *n)
                .collect();
            let mut merged: Vec<(u32, Entry)> = hidden
                .entries
                .into_iter()
                .filter(|(n, _)| !defined.contains(n))
                .collect();
            let table = std::mem::take(&mut section.entries);
            let kept: HashSet<u32> = merged.iter().map(|(n, _)| *n).collect();
            merged.extend(table.into_iter().filter(|(n, _)| !kept.contains(n)));
            section.entries = merged;
        }
        Ok(section)
    } else {
        read_stream_section(buf, offset)
    }
}

fn read_table(buf: &[u8], lx: &mut Lexer<'_>, offset: usize) -> Result<Section, PdfError> {
    let mut entries = Vec::new();
    loop {
        if lx.keyword(b"trailer") {
            break;
        }
        let (Ok(first), Ok(count)) = (lx.unsigned(), lx.unsigned()) else {
            return Err(xref_err(format!(
                "xref table at byte {offset} is truncated or damaged near byte {}",
                lx.pos
            )));
        };
        // Each entry takes at least 18 bytes ("o g n" with single-space separators).
        let room = buf.len().saturating_sub(lx.pos) / 18;
        if count > room as u64 {
            return Err(xref_err(format!(
                "xref subsection at byte {} claims {count} entries, more than the rest of the file holds: truncated",
                lx.pos
            )));
        }
        for i in 0..count {
            let num = first
                .checked_add(i)
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| xref_err("object number out of range in xref table"))?;
            let (Ok(off), Ok(gen_nr)) = (lx.unsigned(), lx.unsigned()) else {
                return Err(xref_err(format!(
                    "xref entry of object {num} is damaged near byte {}",
                    lx.pos
                )));
            };
            lx.skip_ws();
            let entry = if lx.keyword(b"n") {
                match (usize::try_from(off), u16::try_from(gen_nr)) {
                    (Ok(0), _) => Entry::Free,
                    (Ok(o), Ok(g)) if o < buf.len() => Entry::InFile {
                        offset: o,
                        gen_nr: g,
                    },
                    _ => {
                        return Err(xref_err(format!(
                            "object {num} is said to be at byte {off}, outside the file: truncated?"
                        )));
                    }
                }
            } else if lx.keyword(b"f") {
                Entry::Free
            } else {
                return Err(xref_err(format!(
                    "xref entry of object {num} has no `n` or `f` (near byte {})",
                    lx.pos
                )));
            };
            if num != 0 {
                entries.push((num, entry));
            }
        }
    }
    let trailer = match lx.object().map_err(syntax)? {
        Object::Dict(d) => d,
        other => return Err(xref_err(format!("trailer is a {}", other.type_name()))),
    };
    Ok(Section {
        offset,
        kind: XrefKind::Table,
        trailer,
        entries,
    })
}

/// A stream's data where its `/Length` is direct (as for xref streams, §7.5.8.2), or up to
/// `endstream` when the length is wrong.
pub(crate) fn stream_data(
    buf: &[u8],
    data_start: usize,
    length: Option<usize>,
) -> Result<&[u8], PdfError> {
    if let Some(len) = length
        && let Some(end) = data_start.checked_add(len)
        && end <= buf.len()
    {
        let mut lx = Lexer::new(buf, end);
        if lx.keyword(b"endstream") {
            return Ok(&buf[data_start..end]);
        }
    }
    // Fall back to the keyword (less the end-of-line before it).
    let rest = &buf[data_start..];
    let at = rest
        .windows(9)
        .position(|w| w == b"endstream")
        .ok_or(PdfError::Syntax {
            offset: data_start,
            what: "stream without `endstream`".into(),
        })?;
    let mut end = data_start + at;
    if end > data_start && buf[end - 1] == b'\n' {
        end -= 1;
    }
    if end > data_start && buf[end - 1] == b'\r' {
        end -= 1;
    }
    Ok(&buf[data_start..end])
}

fn read_stream_section(buf: &[u8], offset: usize) -> Result<Section, PdfError> {
    let mut lx = Lexer::new(buf, offset);
    let (_, body) = lx.indirect().map_err(|e| {
        xref_err(format!(
            "byte {offset} holds neither `xref` nor an xref stream ({} at byte {}): wrong startxref or truncated",
            e.what, e.offset
        ))
    })?;
    let Body::Stream { dict, data_start } = body else {
        return Err(xref_err(format!(
            "object at byte {offset} is not an xref stream"
        )));
    };
    if dict.name(b"Type") != Some(b"XRef") {
        return Err(xref_err(format!(
            "stream at byte {offset} is not of /Type /XRef"
        )));
    }
    let length = dict.int(b"Length").and_then(|l| usize::try_from(l).ok());
    let raw = stream_data(buf, data_start, length)?;
    let data = filter::decode(&dict, raw)
        .map_err(|e| xref_err(format!("xref stream at byte {offset}: {e}")))?;
    let entries = parse_stream_entries(&dict, &data)
        .map_err(|e| xref_err(format!("xref stream at byte {offset}: {e}")))?;
    Ok(Section {
        offset,
        kind: XrefKind::Stream,
        trailer: dict,
        entries,
    })
}

fn ints(obj: Option<&Object>, what: &str) -> Result<Vec<u64>, String> {
    match obj {
        Some(Object::Array(items)) => items
            .iter()
            .map(|i| match i {
                Object::Int(v) if *v >= 0 => Ok(*v as u64),
                _ => Err(format!(
                    "{what} holds something other than a non-negative integer"
                )),
            })
            .collect(),
        _ => Err(format!("{what} is missing or not an array")),
    }
}

fn parse_stream_entries(dict: &Dict, data: &[u8]) -> Result<Vec<(u32, Entry)>, String> {
    let w = ints(dict.get(b"W"), "/W")?;
    let [w0, w1, w2] = w[..] else {
        return Err("/W does not have 3 entries".into());
    };
    if w0 > 4 || w1 > 8 || w2 > 8 {
        return Err("/W field widths too large".into());
    }
    let (w0, w1, w2) = (w0 as usize, w1 as usize, w2 as usize);
    let size = dict.int(b"Size").ok_or("/Size missing")?;
    let index = match dict.get(b"Index") {
        None => vec![0, u64::try_from(size).map_err(|_| "negative /Size")?],
        idx => ints(idx, "/Index")?,
    };
    if !index.len().is_multiple_of(2) {
        return Err("/Index has an odd number of entries".into());
    }
    let width = w0 + w1 + w2;
    let rows: u64 = index.chunks(2).map(|p| p[1]).sum();
    if width == 0 || rows.saturating_mul(width as u64) > data.len() as u64 {
        return Err(format!(
            "{rows} entries of {width} bytes do not fit in {} decoded bytes: truncated",
            data.len()
        ));
    }
    let field = |row: &[u8], from: usize, len: usize| -> u64 {
        row[from..from + len]
            .iter()
            .fold(0u64, |acc, &b| acc << 8 | u64::from(b))
    };
    let mut entries = Vec::new();
    let mut rows_iter = data.chunks_exact(width);
    for pair in index.chunks(2) {
        for i in 0..pair[1] {
            let row = rows_iter.next().ok_or("entries run out")?;
            let Some(num) = pair[0].checked_add(i).and_then(|n| u32::try_from(n).ok()) else {
                return Err("object number out of range".into());
            };
            let kind = if w0 == 0 { 1 } else { field(row, 0, w0) };
            let f2 = field(row, w0, w1);
            let f3 = field(row, w0 + w1, w2);
            let entry = match kind {
                0 => Entry::Free,
                1 => match (usize::try_from(f2), u16::try_from(f3)) {
                    (Ok(offset), Ok(gen_nr)) => Entry::InFile { offset, gen_nr },
                    _ => return Err(format!("entry of object {num} out of range")),
                },
                2 => match (u32::try_from(f2), u32::try_from(f3)) {
                    (Ok(stream), Ok(index)) => Entry::InStream { stream, index },
                    _ => return Err(format!("entry of object {num} out of range")),
                },
                // §7.5.8.3: other types are references to the null object.
                _ => Entry::Free,
            };
            if num != 0 {
                entries.push((num, entry));
            }
        }
    }
    Ok(entries)
}

/// True when the bytes end with `%%EOF` and at most white space after it: a revision boundary.
pub(crate) fn ends_with_eof(bytes: &[u8]) -> bool {
    let end = bytes
        .iter()
        .rposition(|&b| !is_white(b))
        .map_or(0, |p| p + 1);
    bytes[..end].ends_with(b"%%EOF")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_table_and_refuses_damage() {
        let pdf = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\nxref\n0 2\n0000000000 65535 f \n0000000009 00000 n \ntrailer\n<< /Size 2 /Root 1 0 R >>\nstartxref\n45\n%%EOF\n";
        let x = Xref::read(pdf).expect("xref");
        assert_eq!(
            x.entry(1),
            Some(Entry::InFile {
                offset: 9,
                gen_nr: 0
            })
        );
        assert_eq!(x.sections[0].kind, XrefKind::Table);
        let truncated = &pdf[..pdf.len() - 20];
        assert!(matches!(Xref::read(truncated), Err(PdfError::Xref(_))));
        let wrong = String::from_utf8_lossy(pdf).replace("startxref\n45", "startxref\n40");
        assert!(matches!(
            Xref::read(wrong.as_bytes()),
            Err(PdfError::Xref(_))
        ));
        assert!(ends_with_eof(pdf));
        assert!(!ends_with_eof(&pdf[..pdf.len() - 3]));
    }
}
