//! PDF objects as read from a file (PDF 32000-1 §7.3) and their serialisation.
//!
//! The model is what an incremental update needs: objects can be read, a few changed, and written
//! back. Strings keep their bytes; names keep their bytes with `#xx` escapes resolved; reals are
//! kept as `f64` (written back without an exponent, as §7.3.3 wants).

use std::fmt::Write as _;

/// An indirect reference `num gen R` (or the identity of an indirect object).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct ObjRef {
    pub num: u32,
    pub gen_nr: u16,
}

impl ObjRef {
    pub fn new(num: u32, gen_nr: u16) -> ObjRef {
        ObjRef { num, gen_nr }
    }
}

impl std::fmt::Display for ObjRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} R", self.num, self.gen_nr)
    }
}

/// A dictionary; the order of the keys is kept so that rewritten objects stay recognisable.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Dict(pub Vec<(Vec<u8>, Object)>);

impl Dict {
    pub fn new() -> Dict {
        Dict(Vec::new())
    }

    pub fn get(&self, key: &[u8]) -> Option<&Object> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Sets `key`, replacing its value in place when present.
    pub fn set(&mut self, key: &[u8], value: Object) {
        match self.0.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = value,
            None => self.0.push((key.to_vec(), value)),
        }
    }

    pub fn with(mut self, key: &[u8], value: Object) -> Dict {
        self.set(key, value);
        self
    }

    pub fn remove(&mut self, key: &[u8]) {
        self.0.retain(|(k, _)| k != key);
    }

    /// The value of `/Type` (or another name-valued key), if it is a name.
    pub fn name(&self, key: &[u8]) -> Option<&[u8]> {
        match self.get(key) {
            Some(Object::Name(n)) => Some(n),
            _ => None,
        }
    }

    /// A direct integer value.
    pub fn int(&self, key: &[u8]) -> Option<i64> {
        match self.get(key) {
            Some(Object::Int(i)) => Some(*i),
            _ => None,
        }
    }
}

/// A stream: its dictionary and its still-encoded data.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Stream {
    pub dict: Dict,
    pub data: Vec<u8>,
}

/// A PDF object.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Object {
    Null,
    Bool(bool),
    Int(i64),
    Real(f64),
    Str(Vec<u8>),
    Name(Vec<u8>),
    Array(Vec<Object>),
    Dict(Dict),
    Ref(ObjRef),
    Stream(Stream),
}

impl Object {
    pub fn name(n: &str) -> Object {
        Object::Name(n.as_bytes().to_vec())
    }

    /// A text string (§7.9.2.2): bytes as they are for printable ASCII, else UTF-16BE with a BOM.
    pub fn text(s: &str) -> Object {
        if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
            Object::Str(s.as_bytes().to_vec())
        } else {
            let mut bytes = vec![0xfe, 0xff];
            for unit in s.encode_utf16() {
                bytes.extend_from_slice(&unit.to_be_bytes());
            }
            Object::Str(bytes)
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Object::Int(i) => Some(*i as f64),
            Object::Real(r) => Some(*r),
            _ => None,
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            Object::Null => "null",
            Object::Bool(_) => "boolean",
            Object::Int(_) => "integer",
            Object::Real(_) => "real",
            Object::Str(_) => "string",
            Object::Name(_) => "name",
            Object::Array(_) => "array",
            Object::Dict(_) => "dictionary",
            Object::Ref(_) => "reference",
            Object::Stream(_) => "stream",
        }
    }
}

/// Decodes a text string (§7.9.2.2): UTF-16BE or UTF-8 with their BOM, else PDFDocEncoding, of
/// which the printable ASCII and Latin-1 parts are mapped (enough for names and reasons).
pub(crate) fn decode_text(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xfe, 0xff]) {
        let units: Vec<u16> = rest
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
            .collect();
        String::from_utf16_lossy(&units)
    } else if let Some(rest) = bytes.strip_prefix(&[0xef, 0xbb, 0xbf]) {
        String::from_utf8_lossy(rest).into_owned()
    } else {
        bytes.iter().map(|&b| char::from(b)).collect()
    }
}

fn is_regular(b: u8) -> bool {
    (0x21..0x7f).contains(&b) && !b"()<>[]{}/%#".contains(&b)
}

/// Writes a real without an exponent, with at most 6 decimals (enough for points and matrices).
pub(crate) fn write_real(out: &mut Vec<u8>, r: f64) {
    let r = if r.is_finite() { r } else { 0.0 };
    let mut s = format!("{r:.6}");
    while s.ends_with('0') {
        s.pop();
    }
    if s.ends_with('.') {
        s.pop();
    }
    if s == "-0" {
        s = "0".into();
    }
    out.extend_from_slice(s.as_bytes());
}

pub(crate) fn write_name(out: &mut Vec<u8>, name: &[u8]) {
    out.push(b'/');
    for &b in name {
        if is_regular(b) {
            out.push(b);
        } else {
            let _ = write!(Hex(out), "#{b:02X}");
        }
    }
}

/// Writes a string: literal for printable ASCII, hexadecimal otherwise.
pub(crate) fn write_string(out: &mut Vec<u8>, s: &[u8]) {
    if s.iter().all(|&b| (0x20..0x7f).contains(&b)) {
        out.push(b'(');
        for &b in s {
            if matches!(b, b'(' | b')' | b'\\') {
                out.push(b'\\');
            }
            out.push(b);
        }
        out.push(b')');
    } else {
        out.push(b'<');
        for &b in s {
            let _ = write!(Hex(out), "{b:02X}");
        }
        out.push(b'>');
    }
}

/// `fmt::Write` over a byte buffer, for the hex digits above.
struct Hex<'a>(&'a mut Vec<u8>);

impl std::fmt::Write for Hex<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

/// Serialises an object. A stream is written with a `/Length` that fits its data.
pub(crate) fn write_object(out: &mut Vec<u8>, obj: &Object) {
    match obj {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Object::Int(i) => out.extend_from_slice(i.to_string().as_bytes()),
        Object::Real(r) => write_real(out, *r),
        Object::Str(s) => write_string(out, s),
        Object::Name(n) => write_name(out, n),
        Object::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                write_object(out, item);
            }
            out.push(b']');
        }
        Object::Dict(d) => write_dict(out, d),
        Object::Ref(r) => out.extend_from_slice(r.to_string().as_bytes()),
        Object::Stream(s) => {
            let mut dict = s.dict.clone();
            dict.set(b"Length", Object::Int(s.data.len() as i64));
            write_dict(out, &dict);
            out.extend_from_slice(b"\nstream\n");
            out.extend_from_slice(&s.data);
            out.extend_from_slice(b"\nendstream");
        }
    }
}

pub(crate) fn write_dict(out: &mut Vec<u8>, d: &Dict) {
    out.extend_from_slice(b"<<");
    for (k, v) in &d.0 {
        write_name(out, k);
        out.push(b' ');
        write_object(out, v);
        out.push(b'\n');
    }
    out.extend_from_slice(b">>");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(obj: &Object) -> String {
        let mut out = Vec::new();
        write_object(&mut out, obj);
        String::from_utf8_lossy(&out).into_owned()
    }

    #[test]
    fn writes_what_a_reader_expects() {
        assert_eq!(text(&Object::Real(1.5)), "1.5");
        assert_eq!(text(&Object::Real(-0.0000001)), "0");
        assert_eq!(text(&Object::Real(1e20)), "100000000000000000000");
        assert_eq!(text(&Object::Name(b"A B#".to_vec())), "/A#20B#23");
        assert_eq!(text(&Object::text("a(b)\\")), "(a\\(b\\)\\\\)");
        assert_eq!(text(&Object::text("印")), "<FEFF5370>");
        assert_eq!(decode_text(&[0xfe, 0xff, 0x53, 0x70]), "印");
        let d = Dict::new().with(
            b"K",
            Object::Array(vec![Object::Int(1), Object::Ref(ObjRef::new(3, 0))]),
        );
        assert_eq!(text(&Object::Dict(d)), "<</K [1 3 0 R]\n>>");
    }
}
