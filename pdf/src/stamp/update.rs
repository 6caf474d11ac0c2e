//! Writes an incremental update (PDF 32000-1 §7.5.6): the original bytes untouched, then the new
//! and changed objects, a cross-reference section of the same kind as the file's newest one (a
//! classic table, or an xref stream §7.5.8) with `/Prev`, and `startxref`/`%%EOF`.

use crate::parse::object::{write_dict, write_object};
use crate::parse::xref::XrefKind;
use crate::parse::{Dict, ObjRef, Object};

/// What the new trailer repeats from the old one.
#[derive(Debug)]
pub(crate) struct Trailer {
    /// The next free object number (the old `/Size`, raised past every object written).
    pub size: u32,
    pub prev: usize,
    pub root: ObjRef,
    pub info: Option<Object>,
    pub id: Option<Object>,
}

/// An update being written.
#[derive(Debug)]
pub(crate) struct Update {
    pub out: Vec<u8>,
    offsets: Vec<(ObjRef, usize)>,
}

impl Update {
    /// Starts after `original`, on a new line.
    pub fn new(original: &[u8]) -> Update {
        let mut out = Vec::with_capacity(original.len() + 64 * 1024);
        out.extend_from_slice(original);
        if !matches!(original.last(), Some(b'\n' | b'\r')) {
            out.push(b'\n');
        }
        Update {
            out,
            offsets: Vec::new(),
        }
    }

    /// Writes `id` as `obj`.
    pub fn object(&mut self, id: ObjRef, obj: &Object) {
        self.raw_object(id, |out| write_object(out, obj));
    }

    /// Writes `id` with a body that `body` writes into the whole output (so that it can note
    /// where its parts land).
    pub fn raw_object(&mut self, id: ObjRef, body: impl FnOnce(&mut Vec<u8>)) {
        self.offsets.push((id, self.out.len()));
        self.out
            .extend_from_slice(format!("{} {} obj\n", id.num, id.gen_nr).as_bytes());
        body(&mut self.out);
        self.out.extend_from_slice(b"\nendobj\n");
    }

    /// Writes the cross-reference section and the trailer, and returns the file.
    pub fn finish(mut self, kind: XrefKind, trailer: Trailer) -> Vec<u8> {
        let mut size = trailer.size;
        for (id, _) in &self.offsets {
            size = size.max(id.num.saturating_add(1));
        }
        let mut common = Dict::new();
        if let Some(info) = &trailer.info {
            common.set(b"Info", info.clone());
        }
        if let Some(id) = &trailer.id {
            common.set(b"ID", id.clone());
        }
        common.set(b"Root", Object::Ref(trailer.root));
        common.set(b"Prev", Object::Int(trailer.prev as i64));
        let xref_at = self.out.len();
        match kind {
            XrefKind::Table => {
                self.offsets.sort_by_key(|(id, _)| id.num);
                self.out.extend_from_slice(b"xref\n");
                for run in runs(&self.offsets) {
                    let first = run.first().map_or(0, |(id, _)| id.num);
                    self.out
                        .extend_from_slice(format!("{first} {}\n", run.len()).as_bytes());
                    for (id, offset) in run {
                        // Exactly 20 bytes per entry (§7.5.4).
                        self.out.extend_from_slice(
                            format!("{offset:010} {:05} n\r\n", id.gen_nr).as_bytes(),
                        );
                    }
                }
                let dict = common.with(b"Size", Object::Int(i64::from(size)));
                self.out.extend_from_slice(b"trailer\n");
                write_dict(&mut self.out, &dict);
                self.out.push(b'\n');
            }
            XrefKind::Stream => {
                // The xref stream is an object too, and lists itself.
                let own = ObjRef::new(size, 0);
                size += 1;
                self.offsets.push((own, xref_at));
                self.offsets.sort_by_key(|(id, _)| id.num);
                let mut index = Vec::new();
                let mut data = Vec::new();
                for run in runs(&self.offsets) {
                    let first = run.first().map_or(0, |(id, _)| id.num);
                    index.push(Object::Int(i64::from(first)));
                    index.push(Object::Int(run.len() as i64));
                    for (id, offset) in run {
                        data.push(1u8);
                        data.extend_from_slice(&(*offset as u64).to_be_bytes()[3..]);
                        data.extend_from_slice(&id.gen_nr.to_be_bytes());
                    }
                }
                let dict = common
                    .with(b"Type", Object::name("XRef"))
                    .with(b"Size", Object::Int(i64::from(size)))
                    .with(b"Index", Object::Array(index))
                    .with(
                        b"W",
                        Object::Array(vec![Object::Int(1), Object::Int(5), Object::Int(2)]),
                    )
                    .with(b"Length", Object::Int(data.len() as i64));
                self.out
                    .extend_from_slice(format!("{} 0 obj\n", own.num).as_bytes());
                write_dict(&mut self.out, &dict);
                self.out.extend_from_slice(b"\nstream\n");
                self.out.extend_from_slice(&data);
                self.out.extend_from_slice(b"\nendstream\nendobj\n");
            }
        }
        self.out
            .extend_from_slice(format!("startxref\n{xref_at}\n%%EOF\n").as_bytes());
        self.out
    }
}

/// Consecutive runs of object numbers (the subsections of a table, the pairs of `/Index`).
fn runs(sorted: &[(ObjRef, usize)]) -> Vec<&[(ObjRef, usize)]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=sorted.len() {
        if i == sorted.len() || sorted[i].0.num != sorted[i - 1].0.num + 1 {
            if i > start {
                out.push(&sorted[start..i]);
            }
            start = i;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::xref::{Entry, Xref};

    #[test]
    fn both_kinds_of_section_read_back() {
        let original = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\nxref\n0 2\n0000000000 65535 f \n0000000009 00000 n \ntrailer\n<< /Size 2 /Root 1 0 R >>\nstartxref\n45\n%%EOF";
        for kind in [XrefKind::Table, XrefKind::Stream] {
            let mut u = Update::new(original);
            u.object(
                ObjRef::new(1, 0),
                &Object::Dict(Dict::new().with(b"Type", Object::name("Catalog"))),
            );
            u.object(ObjRef::new(3, 0), &Object::Int(7));
            let out = u.finish(
                kind,
                Trailer {
                    size: 2,
                    prev: 45,
                    root: ObjRef::new(1, 0),
                    info: None,
                    id: None,
                },
            );
            assert!(out.starts_with(original));
            let x = Xref::read(&out).expect("xref");
            assert_eq!(x.sections.len(), 2);
            assert_eq!(x.sections[0].kind, kind);
            let Some(Entry::InFile { offset, .. }) = x.entry(3) else {
                panic!("object 3 missing");
            };
            assert!(out[offset..].starts_with(b"3 0 obj"));
        }
    }
}
