//! A read-only view of a PDF file: objects by reference (in the file or in object streams,
//! §7.5.7), the catalog and the page tree (§7.7.3) with the inherited `/MediaBox`.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use super::filter;
use super::lexer::{Body, Lexer};
use super::object::{Dict, ObjRef, Object, Stream};
use super::xref::{Entry, Xref, stream_data, syntax};
use crate::PdfError;

/// How deeply object lookups may recurse (a stream's `/Length`, an object stream) before the
/// file is refused as circular.
const MAX_LOOKUP_DEPTH: usize = 8;
/// How deeply the page tree may nest.
const MAX_TREE_DEPTH: usize = 64;

/// A decoded object stream: its data and where each object starts.
#[derive(Debug)]
struct ObjStm {
    data: Vec<u8>,
    offsets: Vec<(u32, usize)>,
}

/// One page of the page tree.
#[derive(Clone, Debug)]
pub(crate) struct PageRef {
    pub id: ObjRef,
    pub dict: Dict,
    /// `/MediaBox`, inherited if need be, as `[x0 y0 x1 y1]`. (`/Rotate` is not read: stamps
    /// are placed in the unrotated user space.)
    pub media_box: [f64; 4],
}

/// A parsed file.
#[derive(Debug)]
pub(crate) struct Document<'a> {
    pub buf: &'a [u8],
    pub xref: Xref,
    objstms: RefCell<HashMap<u32, Rc<ObjStm>>>,
    depth: Cell<usize>,
}

fn structure(what: impl Into<String>) -> PdfError {
    PdfError::Structure(what.into())
}

impl<'a> Document<'a> {
    /// Reads the header and the cross-reference chain; refuses encrypted files.
    pub fn open(buf: &'a [u8]) -> Result<Document<'a>, PdfError> {
        if buf.is_empty() {
            return Err(PdfError::NotPdf("no data"));
        }
        if !buf.starts_with(b"%PDF-") {
            return Err(PdfError::NotPdf("the data does not start with `%PDF-`"));
        }
        let xref = Xref::read(buf)?;
        let doc = Document {
            buf,
            xref,
            objstms: RefCell::new(HashMap::new()),
            depth: Cell::new(0),
        };
        if doc.trailer().get(b"Encrypt").is_some() {
            return Err(PdfError::Unsupported(
                "the PDF is encrypted; stamping needs an unencrypted file".into(),
            ));
        }
        Ok(doc)
    }

    pub fn trailer(&self) -> &Dict {
        self.xref.trailer()
    }

    /// The object `id` refers to; `null` for a free or absent object (§7.3.10).
    pub fn get(&self, id: ObjRef) -> Result<Object, PdfError> {
        let depth = self.depth.get();
        if depth >= MAX_LOOKUP_DEPTH {
            return Err(structure(format!("object {id} refers back to itself")));
        }
        self.depth.set(depth + 1);
        let result = self.get_inner(id);
        self.depth.set(depth);
        result
    }

    fn get_inner(&self, id: ObjRef) -> Result<Object, PdfError> {
        match self.xref.entry(id.num) {
            None | Some(Entry::Free) => Ok(Object::Null),
            Some(Entry::InFile { offset, gen_nr }) => {
                if gen_nr != id.gen_nr {
                    return Ok(Object::Null);
                }
                self.object_at(offset, id)
            }
            Some(Entry::InStream { stream, index }) => {
                if id.gen_nr != 0 {
                    return Ok(Object::Null);
                }
                self.object_in_stream(stream, index, id)
            }
        }
    }

    fn object_at(&self, offset: usize, id: ObjRef) -> Result<Object, PdfError> {
        let mut lx = Lexer::new(self.buf, offset);
        let (found, body) = lx.indirect().map_err(syntax)?;
        if found != id {
            return Err(PdfError::Xref(format!(
                "object {id} is said to be at byte {offset}, but object {found} is there"
            )));
        }
        match body {
            Body::Object(obj) => Ok(obj),
            Body::Stream { dict, data_start } => {
                let length = match dict.get(b"Length") {
                    Some(Object::Int(l)) => usize::try_from(*l).ok(),
                    Some(Object::Ref(r)) => match self.get(*r)? {
                        Object::Int(l) => usize::try_from(l).ok(),
                        _ => None,
                    },
                    _ => None,
                };
                let data = stream_data(self.buf, data_start, length)?.to_vec();
                Ok(Object::Stream(Stream { dict, data }))
            }
        }
    }

    fn object_in_stream(&self, stream: u32, index: u32, id: ObjRef) -> Result<Object, PdfError> {
        let objstm = self.objstm(stream)?;
        let (num, start) = objstm.offsets.get(index as usize).copied().ok_or_else(|| {
            structure(format!(
                "object stream {stream} has no object at index {index}"
            ))
        })?;
        if num != id.num {
            return Err(structure(format!(
                "object stream {stream} holds object {num} at index {index}, not {}",
                id.num
            )));
        }
        let mut lx = Lexer::new(&objstm.data, start);
        lx.object().map_err(|e| PdfError::Syntax {
            offset: e.offset,
            what: format!("in object stream {stream}: {}", e.what),
        })
    }

    fn objstm(&self, num: u32) -> Result<Rc<ObjStm>, PdfError> {
        if let Some(s) = self.objstms.borrow().get(&num) {
            return Ok(Rc::clone(s));
        }
        let Some(Entry::InFile { offset, gen_nr }) = self.xref.entry(num) else {
            return Err(structure(format!(
                "object stream {num} is not an object in the file"
            )));
        };
        let Object::Stream(stream) = self.object_at(offset, ObjRef::new(num, gen_nr))? else {
            return Err(structure(format!("object {num} is not an object stream")));
        };
        let data = filter::decode(&stream.dict, &stream.data)
            .map_err(|e| structure(format!("object stream {num}: {e}")))?;
        let n = stream
            .dict
            .int(b"N")
            .filter(|n| (0..=1_000_000).contains(n));
        let first = stream
            .dict
            .int(b"First")
            .and_then(|f| usize::try_from(f).ok());
        let (Some(n), Some(first)) = (n, first) else {
            return Err(structure(format!(
                "object stream {num} lacks a valid /N or /First"
            )));
        };
        let mut lx = Lexer::new(&data, 0);
        let mut offsets = Vec::new();
        for _ in 0..n {
            let (Ok(obj), Ok(off)) = (lx.unsigned(), lx.unsigned()) else {
                return Err(structure(format!(
                    "object stream {num} has a damaged header"
                )));
            };
            let start = first.checked_add(off as usize).filter(|s| *s <= data.len());
            match (u32::try_from(obj), start) {
                (Ok(obj), Some(start)) => offsets.push((obj, start)),
                _ => {
                    return Err(structure(format!(
                        "object stream {num} has an entry out of range"
                    )));
                }
            }
        }
        let objstm = Rc::new(ObjStm { data, offsets });
        self.objstms.borrow_mut().insert(num, Rc::clone(&objstm));
        Ok(objstm)
    }

    /// Follows references until a direct object.
    pub fn resolve(&self, obj: &Object) -> Result<Object, PdfError> {
        let mut current = obj.clone();
        for _ in 0..MAX_LOOKUP_DEPTH {
            match current {
                Object::Ref(r) => current = self.get(r)?,
                other => return Ok(other),
            }
        }
        Err(structure("a chain of references does not end"))
    }

    /// A dictionary (direct, or by reference); `what` names it in the error.
    pub fn dict(&self, obj: &Object, what: &str) -> Result<Dict, PdfError> {
        match self.resolve(obj)? {
            Object::Dict(d) => Ok(d),
            Object::Stream(s) => Ok(s.dict),
            other => Err(structure(format!(
                "{what} is a {}, not a dictionary",
                other.type_name()
            ))),
        }
    }

    /// The document catalog and its reference.
    pub fn catalog(&self) -> Result<(ObjRef, Dict), PdfError> {
        let Some(Object::Ref(root)) = self.trailer().get(b"Root") else {
            return Err(structure("the trailer has no /Root reference"));
        };
        let cat = self.dict(&Object::Ref(*root), "the catalog (/Root)")?;
        Ok((*root, cat))
    }

    /// Every page in order, with its inherited `/MediaBox`.
    pub fn pages(&self) -> Result<Vec<PageRef>, PdfError> {
        let (_, catalog) = self.catalog()?;
        let Some(Object::Ref(root)) = catalog.get(b"Pages") else {
            return Err(structure("the catalog has no /Pages reference"));
        };
        let mut pages = Vec::new();
        let mut seen = HashSet::new();
        self.walk(*root, Inherited::default(), 0, &mut seen, &mut pages)?;
        Ok(pages)
    }

    fn walk(
        &self,
        id: ObjRef,
        mut inherited: Inherited,
        depth: usize,
        seen: &mut HashSet<ObjRef>,
        pages: &mut Vec<PageRef>,
    ) -> Result<(), PdfError> {
        if depth > MAX_TREE_DEPTH || !seen.insert(id) {
            return Err(structure(format!(
                "the page tree loops or nests too deeply at {id}"
            )));
        }
        let node = self.dict(&Object::Ref(id), &format!("page tree node {id}"))?;
        if let Some(mb) = node.get(b"MediaBox") {
            inherited.media_box = Some(self.rect(mb, id)?);
        }
        let is_tree = node.name(b"Type") == Some(b"Pages")
            || (node.name(b"Type") != Some(b"Page") && node.get(b"Kids").is_some());
        if !is_tree {
            let media_box = inherited
                .media_box
                .ok_or_else(|| structure(format!("page {id} has no /MediaBox")))?;
            pages.push(PageRef {
                id,
                dict: node,
                media_box,
            });
            return Ok(());
        }
        let kids = match node.get(b"Kids").map(|k| self.resolve(k)).transpose()? {
            Some(Object::Array(k)) => k,
            _ => return Err(structure(format!("page tree node {id} has no /Kids array"))),
        };
        for kid in kids {
            let Object::Ref(kid) = kid else {
                return Err(structure(format!(
                    "a kid of page tree node {id} is not a reference"
                )));
            };
            self.walk(kid, inherited, depth + 1, seen, pages)?;
        }
        Ok(())
    }

    /// A rectangle `[a b c d]`, normalised so that x0 ≤ x1 and y0 ≤ y1.
    pub fn rect(&self, obj: &Object, owner: ObjRef) -> Result<[f64; 4], PdfError> {
        let bad = || structure(format!("a rectangle of {owner} is not four numbers"));
        let Object::Array(items) = self.resolve(obj)? else {
            return Err(bad());
        };
        let mut v = [0f64; 4];
        if items.len() != 4 {
            return Err(bad());
        }
        for (slot, item) in v.iter_mut().zip(&items) {
            *slot = self.resolve(item)?.as_f64().ok_or_else(bad)?;
        }
        Ok([
            v[0].min(v[2]),
            v[1].min(v[3]),
            v[0].max(v[2]),
            v[1].max(v[3]),
        ])
    }
}

#[derive(Clone, Copy, Debug, Default)]
struct Inherited {
    media_box: Option<[f64; 4]>,
}
