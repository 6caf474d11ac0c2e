//! The PDF object syntax (PDF 32000-1 §7.2, §7.3): tokens, direct objects and the head of an
//! indirect object (`num gen obj`, up to the start of a stream's data).
//!
//! Nothing here panics on input: every failure is a [`Syntax`] error with the byte offset.

use super::object::{Dict, ObjRef, Object};

/// How deeply arrays and dictionaries may nest before the input is refused.
const MAX_DEPTH: usize = 64;

/// A syntax error at a byte offset.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Syntax {
    pub offset: usize,
    pub what: String,
}

pub(crate) type SyntaxResult<T> = Result<T, Syntax>;

pub(crate) fn is_white(b: u8) -> bool {
    matches!(b, 0 | b'\t' | b'\n' | 0x0c | b'\r' | b' ')
}

fn is_delim(b: u8) -> bool {
    b"()<>[]{}/%".contains(&b)
}

/// A cursor over the file's bytes.
#[derive(Debug, Clone)]
pub(crate) struct Lexer<'a> {
    buf: &'a [u8],
    pub pos: usize,
}

/// What follows `num gen obj`: a direct object, or a stream whose data starts at `data_start`.
#[derive(Debug)]
pub(crate) enum Body {
    Object(Object),
    Stream { dict: Dict, data_start: usize },
}

impl<'a> Lexer<'a> {
    pub fn new(buf: &'a [u8], pos: usize) -> Lexer<'a> {
        Lexer { buf, pos }
    }

    pub fn err<T>(&self, what: impl Into<String>) -> SyntaxResult<T> {
        Err(Syntax {
            offset: self.pos,
            what: what.into(),
        })
    }

    fn peek(&self) -> Option<u8> {
        self.buf.get(self.pos).copied()
    }

    /// Skips white space and comments.
    pub fn skip_ws(&mut self) {
        while let Some(b) = self.peek() {
            if is_white(b) {
                self.pos += 1;
            } else if b == b'%' {
                while let Some(c) = self.peek() {
                    if c == b'\n' || c == b'\r' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    /// The next run of regular characters (a keyword or a number), without consuming it.
    fn word(&self) -> &'a [u8] {
        let rest = self.buf.get(self.pos..).unwrap_or(&[]);
        let len = rest
            .iter()
            .position(|&b| is_white(b) || is_delim(b))
            .unwrap_or(rest.len());
        &rest[..len]
    }

    /// Consumes `kw` if it is the next word.
    pub fn keyword(&mut self, kw: &[u8]) -> bool {
        self.skip_ws();
        if self.word() == kw {
            self.pos += kw.len();
            true
        } else {
            false
        }
    }

    pub fn expect_keyword(&mut self, kw: &str) -> SyntaxResult<()> {
        if self.keyword(kw.as_bytes()) {
            Ok(())
        } else {
            let found = String::from_utf8_lossy(self.word()).into_owned();
            self.err(format!("expected `{kw}`, found `{found}`"))
        }
    }

    /// An unsigned integer token (for xref tables and object headers).
    pub fn unsigned(&mut self) -> SyntaxResult<u64> {
        self.skip_ws();
        let w = self.word();
        if w.is_empty() || w.len() > 19 || !w.iter().all(u8::is_ascii_digit) {
            return self.err(format!(
                "expected an unsigned integer, found `{}`",
                String::from_utf8_lossy(w)
            ));
        }
        let mut n: u64 = 0;
        for &d in w {
            n = n * 10 + u64::from(d - b'0');
        }
        self.pos += w.len();
        Ok(n)
    }

    /// `num gen obj`, returning the object's identity.
    pub fn object_header(&mut self) -> SyntaxResult<ObjRef> {
        let num = self.unsigned()?;
        let gen_nr = self.unsigned()?;
        self.expect_keyword("obj")?;
        match (u32::try_from(num), u16::try_from(gen_nr)) {
            (Ok(num), Ok(gen_nr)) => Ok(ObjRef::new(num, gen_nr)),
            _ => self.err("object number or generation out of range"),
        }
    }

    /// An indirect object's header and body: a direct object, or a stream's dictionary and the
    /// offset of its data (after `stream` and its end-of-line).
    pub fn indirect(&mut self) -> SyntaxResult<(ObjRef, Body)> {
        let id = self.object_header()?;
        let obj = self.object()?;
        if let Object::Dict(dict) = obj {
            let save = self.pos;
            if self.keyword(b"stream") {
                // §7.3.8.1: CRLF or LF; a lone CR is tolerated.
                match (self.peek(), self.buf.get(self.pos + 1)) {
                    (Some(b'\r'), Some(b'\n')) => self.pos += 2,
                    (Some(b'\n' | b'\r'), _) => self.pos += 1,
                    _ => return self.err("`stream` not followed by an end-of-line"),
                }
                return Ok((
                    id,
                    Body::Stream {
                        dict,
                        data_start: self.pos,
                    },
                ));
            }
            self.pos = save;
            return Ok((id, Body::Object(Object::Dict(dict))));
        }
        Ok((id, Body::Object(obj)))
    }

    /// A direct object (a reference `n g R` counts as one).
    pub fn object(&mut self) -> SyntaxResult<Object> {
        self.object_at_depth(0)
    }

    fn object_at_depth(&mut self, depth: usize) -> SyntaxResult<Object> {
        if depth > MAX_DEPTH {
            return self.err("objects nested too deeply");
        }
        self.skip_ws();
        let Some(b) = self.peek() else {
            return self.err("unexpected end of file");
        };
        match b {
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_ws();
                    match self.peek() {
                        Some(b']') => {
                            self.pos += 1;
                            return Ok(Object::Array(items));
                        }
                        None => return self.err("unterminated array"),
                        _ => items.push(self.object_at_depth(depth + 1)?),
                    }
                }
            }
            b'<' if self.buf.get(self.pos + 1) == Some(&b'<') => {
                self.pos += 2;
                let mut dict = Dict::new();
                loop {
                    self.skip_ws();
                    match self.peek() {
                        Some(b'>') if self.buf.get(self.pos + 1) == Some(&b'>') => {
                            self.pos += 2;
                            return Ok(Object::Dict(dict));
                        }
                        Some(b'/') => {
                            let key = self.name()?;
                            let value = self.object_at_depth(depth + 1)?;
                            // §7.3.7: a null value is the same as an absent key.
                            if value != Object::Null {
                                dict.set(&key, value);
                            }
                        }
                        None => return self.err("unterminated dictionary"),
                        Some(_) => return self.err("dictionary key is not a name"),
                    }
                }
            }
            b'<' => self.hex_string().map(Object::Str),
            b'(' => self.literal_string().map(Object::Str),
            b'/' => self.name().map(Object::Name),
            b'+' | b'-' | b'.' | b'0'..=b'9' => self.number_or_ref(),
            _ => {
                let w = self.word();
                let obj = match w {
                    b"true" => Object::Bool(true),
                    b"false" => Object::Bool(false),
                    b"null" => Object::Null,
                    _ => {
                        let shown = if w.is_empty() {
                            &self.buf[self.pos..=self.pos]
                        } else {
                            w
                        };
                        return self
                            .err(format!("unexpected `{}`", String::from_utf8_lossy(shown)));
                    }
                };
                self.pos += w.len();
                Ok(obj)
            }
        }
    }

    fn number_or_ref(&mut self) -> SyntaxResult<Object> {
        let start = self.pos;
        let w = self.word();
        self.pos += w.len();
        let text = std::str::from_utf8(w).unwrap_or("");
        if !w.contains(&b'.') {
            let Ok(n) = text.parse::<i64>() else {
                self.pos = start;
                return self.err(format!("bad number `{}`", String::from_utf8_lossy(w)));
            };
            // `n g R`?
            if n >= 0 && !text.starts_with('+') && !text.starts_with('-') {
                let after = self.pos;
                let mut look = self.clone();
                if let Ok(g) = look.unsigned()
                    && look.keyword(b"R")
                    && let (Ok(num), Ok(gen_nr)) = (u32::try_from(n), u16::try_from(g))
                {
                    self.pos = look.pos;
                    return Ok(Object::Ref(ObjRef::new(num, gen_nr)));
                }
                self.pos = after;
            }
            return Ok(Object::Int(n));
        }
        // Reals: [+-]digits.digits, no exponent (§7.3.3); "-.5" and "5." are allowed.
        let body = text.trim_start_matches(['+', '-']);
        let valid = !body.is_empty()
            && body != "."
            && body.bytes().filter(|&b| b == b'.').count() == 1
            && body.bytes().all(|b| b == b'.' || b.is_ascii_digit());
        match text.parse::<f64>() {
            Ok(r) if valid && r.is_finite() => Ok(Object::Real(r)),
            _ => {
                self.pos = start;
                self.err(format!("bad number `{}`", String::from_utf8_lossy(w)))
            }
        }
    }

    fn name(&mut self) -> SyntaxResult<Vec<u8>> {
        // At '/'.
        self.pos += 1;
        let raw = self.word();
        self.pos += raw.len();
        let mut out = Vec::with_capacity(raw.len());
        let mut i = 0;
        while i < raw.len() {
            if raw[i] == b'#'
                && let Some(hex) = raw.get(i + 1..i + 3)
                && let Ok(text) = std::str::from_utf8(hex)
                && let Ok(v) = u8::from_str_radix(text, 16)
            {
                out.push(v);
                i += 3;
                continue;
            }
            out.push(raw[i]);
            i += 1;
        }
        Ok(out)
    }

    fn hex_string(&mut self) -> SyntaxResult<Vec<u8>> {
        self.pos += 1;
        let mut out = Vec::new();
        let mut high: Option<u8> = None;
        loop {
            let Some(b) = self.peek() else {
                return self.err("unterminated hexadecimal string");
            };
            self.pos += 1;
            let v = match b {
                b'>' => break,
                b'0'..=b'9' => b - b'0',
                b'a'..=b'f' => b - b'a' + 10,
                b'A'..=b'F' => b - b'A' + 10,
                _ if is_white(b) => continue,
                _ => {
                    self.pos -= 1;
                    return self.err("invalid character in a hexadecimal string");
                }
            };
            match high.take() {
                Some(h) => out.push(h << 4 | v),
                None => high = Some(v),
            }
        }
        if let Some(h) = high {
            out.push(h << 4);
        }
        Ok(out)
    }

    fn literal_string(&mut self) -> SyntaxResult<Vec<u8>> {
        let start = self.pos;
        self.pos += 1;
        let mut out = Vec::new();
        let mut nesting = 1usize;
        loop {
            let Some(b) = self.peek() else {
                self.pos = start;
                return self.err("unterminated literal string");
            };
            self.pos += 1;
            match b {
                b'(' => {
                    nesting += 1;
                    out.push(b);
                }
                b')' => {
                    nesting -= 1;
                    if nesting == 0 {
                        return Ok(out);
                    }
                    out.push(b);
                }
                b'\\' => self.escape(&mut out),
                b'\r' => {
                    // An end-of-line in a string reads as LF (§7.3.4.2).
                    if self.peek() == Some(b'\n') {
                        self.pos += 1;
                    }
                    out.push(b'\n');
                }
                _ => out.push(b),
            }
        }
    }

    fn escape(&mut self, out: &mut Vec<u8>) {
        let Some(e) = self.peek() else { return };
        self.pos += 1;
        match e {
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'b' => out.push(0x08),
            b'f' => out.push(0x0c),
            b'\r' => {
                if self.peek() == Some(b'\n') {
                    self.pos += 1;
                }
            }
            b'\n' => {}
            b'0'..=b'7' => {
                let mut v = u32::from(e - b'0');
                for _ in 0..2 {
                    match self.peek() {
                        Some(d @ b'0'..=b'7') => {
                            v = v * 8 + u32::from(d - b'0');
                            self.pos += 1;
                        }
                        _ => break,
                    }
                }
                out.push((v & 0xff) as u8);
            }
            other => out.push(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> SyntaxResult<Object> {
        Lexer::new(s.as_bytes(), 0).object()
    }

    #[test]
    fn reads_the_object_syntax() {
        assert_eq!(parse("12 0 R"), Ok(Object::Ref(ObjRef::new(12, 0))));
        assert_eq!(parse("12 0"), Ok(Object::Int(12)));
        assert_eq!(parse("-.5"), Ok(Object::Real(-0.5)));
        assert_eq!(
            parse("(a\\(b\\)\\101\\\n)"),
            Ok(Object::Str(b"a(b)A".to_vec()))
        );
        assert_eq!(parse("<4 1 4>"), Ok(Object::Str(b"A@".to_vec())));
        assert_eq!(parse("/A#20B"), Ok(Object::Name(b"A B".to_vec())));
        let Ok(Object::Dict(d)) = parse("<< /K [1 2 0 R true] % comment\n /N null >>") else {
            panic!("dict expected");
        };
        assert_eq!(d.0.len(), 1);
        assert!(parse("[1 2").is_err());
        assert!(parse("<< /A 1").is_err());
        assert!(parse("(abc").is_err());
        assert!(parse("1.2.3").is_err());
        assert!(parse(&"[".repeat(100)).is_err());
        assert!(parse(")").is_err());
    }

    #[test]
    fn reads_indirect_objects_and_stream_heads() {
        let src = b"7 0 obj\n<< /Length 3 >>\nstream\r\nabc\nendstream\nendobj";
        let (id, body) = Lexer::new(src, 0).indirect().expect("object");
        assert_eq!(id, ObjRef::new(7, 0));
        let Body::Stream { data_start, .. } = body else {
            panic!("stream expected");
        };
        assert_eq!(&src[data_start..data_start + 3], b"abc");
    }
}
