//! Loading fonts (files, collections, the system's CJK font) and measuring text.

use std::path::{Path, PathBuf};

use ttf_parser::{Face, GlyphId, name_id};

use crate::PdfError;

/// Characters a CJK font for the letters must cover; used to pick a face when no family name
/// says which one is Simplified Chinese.
const PROBE: &str = "数字证书申请授权书单位公章法定代表人签字统一社会信用代码";

/// Collections and files tried, in order, before any other font under the font folders.
const CANDIDATES: &[&str] = &[
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/source-han-sans/SourceHanSansSC-Regular.otf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
];

/// Folders walked (after [`CANDIDATES`]) for any font that covers [`PROBE`].
const FONT_DIRS: &[&str] = &["/usr/share/fonts"];

/// Font files larger than this are not considered by the folder walk.
const MAX_FONT_FILE: u64 = 64 * 1024 * 1024;

/// A parsed TrueType/OpenType font face, with the bytes of its file or collection.
///
/// Loading a CJK collection reads tens of megabytes: load once and share (`Arc<Font>`).
pub struct Font {
    bytes: Vec<u8>,
    index: u32,
    family: String,
    postscript_name: String,
    pub(crate) metrics: Metrics,
}

/// The numbers the PDF font descriptor needs, in font units unless said otherwise.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Metrics {
    pub units_per_em: f32,
    pub ascender: f32,
    pub descender: f32,
    pub cap_height: f32,
    pub bbox: [f32; 4],
    pub italic_angle: f32,
    pub weight: u16,
    pub monospaced: bool,
    /// CFF outlines (embedded as a bare CFF program); otherwise TrueType `glyf` outlines.
    pub cff: bool,
}

impl std::fmt::Debug for Font {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Font")
            .field("family", &self.family)
            .field("postscript_name", &self.postscript_name)
            .field("index", &self.index)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

impl Font {
    /// Loads a TrueType/OpenType font or one face of a collection (.ttc).
    pub fn load(bytes: Vec<u8>, index: u32) -> Result<Font, PdfError> {
        let unreadable = |e: ttf_parser::FaceParsingError| PdfError::FontUnreadable(e.to_string());
        match face_count(&bytes)? {
            Some(faces) if index >= faces => return Err(PdfError::FaceNotFound { index, faces }),
            Some(_) => {}
            None if index != 0 => {
                Face::parse(&bytes, 0).map_err(unreadable)?;
                return Err(PdfError::FaceNotFound { index, faces: 1 });
            }
            None => {}
        }
        let face = Face::parse(&bytes, index).map_err(unreadable)?;
        let tables = face.tables();
        let cff = tables.cff.is_some();
        if !cff && tables.glyf.is_none() {
            return Err(PdfError::FontUnreadable(
                "no TrueType or CFF outlines (CFF2 and bitmap-only fonts are not supported)".into(),
            ));
        }
        if tables.cmap.is_none() {
            return Err(PdfError::FontUnreadable("no character map (cmap)".into()));
        }
        let family = display_family(&face).unwrap_or_else(|| "unnamed font".into());
        let postscript_name = name(&face, name_id::POST_SCRIPT_NAME)
            .map(|n| {
                n.chars()
                    .filter(|c| c.is_ascii_graphic() && !"[]()<>{}/%#".contains(*c))
                    .collect()
            })
            .filter(|n: &String| !n.is_empty())
            .unwrap_or_else(|| family.chars().filter(char::is_ascii_alphanumeric).collect());
        let bb = face.global_bounding_box();
        let ascender = f32::from(face.ascender());
        let metrics = Metrics {
            units_per_em: f32::from(face.units_per_em().max(1)),
            ascender,
            descender: f32::from(face.descender()),
            cap_height: face.capital_height().map_or(ascender, f32::from),
            bbox: [bb.x_min, bb.y_min, bb.x_max, bb.y_max].map(f32::from),
            italic_angle: face.italic_angle(),
            weight: face.weight().to_number(),
            monospaced: face.is_monospaced(),
            cff,
        };
        Ok(Font {
            bytes,
            index,
            family,
            postscript_name,
            metrics,
        })
    }

    /// Finds a system CJK font: env `MCERT_CJK_FONT` (path, optional `#index`), else the
    /// Simplified Chinese face of `/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc`,
    /// else other well-known CJK fonts, else any font under `/usr/share/fonts` that covers
    /// the characters of the letters.
    pub fn system_cjk() -> Result<Font, PdfError> {
        if let Some(value) = std::env::var_os("MCERT_CJK_FONT") {
            return Font::from_env(&value.to_string_lossy());
        }
        let mut tried = Vec::new();
        for path in CANDIDATES {
            if let Some(font) = try_file(Path::new(path), &mut tried) {
                return Ok(font);
            }
        }
        let mut files = Vec::new();
        for dir in FONT_DIRS {
            walk(Path::new(dir), 0, &mut files);
        }
        files.sort();
        for path in files
            .iter()
            .filter(|p| !CANDIDATES.iter().any(|c| Path::new(c) == *p))
        {
            if let Some(font) = try_file(path, &mut tried) {
                return Ok(font);
            }
        }
        Err(PdfError::NoSystemFont { tried })
    }

    fn from_env(value: &str) -> Result<Font, PdfError> {
        let bad = || PdfError::BadFontEnv {
            value: value.to_owned(),
        };
        let (path, index) = match value.rsplit_once('#') {
            Some((path, index)) => (path, Some(index.parse::<u32>().map_err(|_| bad())?)),
            None => (value, None),
        };
        if path.is_empty() {
            return Err(bad());
        }
        let bytes = read(Path::new(path))?;
        let index = match index {
            Some(index) => index,
            None => pick_face(&bytes).unwrap_or(0),
        };
        Font::load(bytes, index)
    }

    /// The family name (English where the font has one), e.g. `Noto Sans CJK SC`.
    pub fn family(&self) -> &str {
        &self.family
    }

    /// The PostScript name, e.g. `NotoSansCJKsc-Regular`.
    pub fn postscript_name(&self) -> &str {
        &self.postscript_name
    }

    /// The face index inside a collection (0 for a single font).
    pub fn index(&self) -> u32 {
        self.index
    }

    /// The first character of `text` the font has no glyph for, if any.
    pub fn missing_char(&self, text: &str) -> Option<char> {
        let face = self.face().ok()?;
        text.chars().find(|c| glyph(&face, *c).is_none())
    }

    /// The advance width of `text` at `size` points (no kerning, no shaping).
    pub fn text_width(&self, text: &str, size: f32) -> Result<f32, PdfError> {
        let m = self.measurer()?;
        text.chars()
            .try_fold(0.0, |w, c| Ok(w + m.advance(c)? * size))
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub(crate) fn face(&self) -> Result<Face<'_>, PdfError> {
        Face::parse(&self.bytes, self.index).map_err(|e| PdfError::FontUnreadable(e.to_string()))
    }

    pub(crate) fn measurer(&self) -> Result<Measurer<'_>, PdfError> {
        Ok(Measurer {
            face: self.face()?,
            font: self,
        })
    }

    pub(crate) fn missing(&self, ch: char) -> PdfError {
        PdfError::MissingGlyph {
            ch,
            font: self.family.clone(),
        }
    }
}

/// A parsed face kept for a run of glyph look-ups.
pub(crate) struct Measurer<'a> {
    face: Face<'a>,
    font: &'a Font,
}

impl Measurer<'_> {
    /// The glyph of `ch`, or the error naming it.
    pub fn glyph(&self, ch: char) -> Result<GlyphId, PdfError> {
        glyph(&self.face, ch).ok_or_else(|| self.font.missing(ch))
    }

    /// The advance of `ch` in ems.
    pub fn advance(&self, ch: char) -> Result<f32, PdfError> {
        Ok(self.glyph_advance(self.glyph(ch)?) / self.font.metrics.units_per_em)
    }

    /// The advance of a glyph in font units.
    pub fn glyph_advance(&self, gid: GlyphId) -> f32 {
        self.face.glyph_hor_advance(gid).map_or(0.0, f32::from)
    }
}

/// The number of faces of a collection (`None` for a single font), after checking that the
/// collection header is whole (the parser asserts on an impossible face count in debug builds).
fn face_count(bytes: &[u8]) -> Result<Option<u32>, PdfError> {
    if !bytes.starts_with(b"ttcf") {
        return Ok(None);
    }
    let count = bytes
        .get(8..12)
        .and_then(|b| b.try_into().ok())
        .map(u32::from_be_bytes)
        .filter(|n| 12 + 4 * u64::from(*n) <= bytes.len() as u64)
        .ok_or_else(|| PdfError::FontUnreadable("truncated font collection header".into()))?;
    Ok(ttf_parser::fonts_in_collection(bytes).map(|n| n.min(count)))
}

fn glyph(face: &Face<'_>, ch: char) -> Option<GlyphId> {
    face.glyph_index(ch).filter(|g| g.0 != 0)
}

fn name(face: &Face<'_>, id: u16) -> Option<String> {
    let names: Vec<_> = face
        .names()
        .into_iter()
        .filter(|n| n.name_id == id)
        .collect();
    let english = names
        .iter()
        .filter(|n| n.language_id == 0x0409)
        .find_map(|n| n.to_string());
    english.or_else(|| names.iter().find_map(|n| n.to_string()))
}

fn display_family(face: &Face<'_>) -> Option<String> {
    name(face, name_id::TYPOGRAPHIC_FAMILY).or_else(|| name(face, name_id::FAMILY))
}

fn family_names(face: &Face<'_>) -> Vec<String> {
    face.names()
        .into_iter()
        .filter(|n| n.name_id == name_id::FAMILY || n.name_id == name_id::TYPOGRAPHIC_FAMILY)
        .filter_map(|n| n.to_string())
        .collect()
}

/// The best face of a font file for Simplified Chinese: a family named `… CJK SC` (not the
/// monospaced one), else any `CJK SC` family, else the first face covering [`PROBE`].
fn pick_face(bytes: &[u8]) -> Option<u32> {
    let faces = face_count(bytes).ok()?.unwrap_or(1);
    let mut best: Option<(u8, u32)> = None;
    for index in 0..faces {
        let Ok(face) = Face::parse(bytes, index) else {
            continue;
        };
        let families = family_names(&face);
        let sc = families.iter().any(|f| f.contains("CJK SC"));
        let mono = families.iter().any(|f| f.contains("Mono"));
        let covers = PROBE.chars().all(|c| glyph(&face, c).is_some());
        let score = match (sc, mono, covers) {
            (true, false, true) => 4,
            (true, true, true) => 3,
            (false, _, true) => 2,
            (true, _, false) => 1,
            (false, _, false) => 0,
        };
        if score > 0 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, index));
        }
    }
    best.filter(|(score, _)| *score >= 2)
        .map(|(_, index)| index)
}

fn read(path: &Path) -> Result<Vec<u8>, PdfError> {
    std::fs::read(path).map_err(|source| PdfError::FontFile {
        path: path.to_owned(),
        source,
    })
}

fn try_file(path: &Path, tried: &mut Vec<String>) -> Option<Font> {
    if !path.is_file() {
        return None;
    }
    let outcome = read(path).and_then(|bytes| match pick_face(&bytes) {
        Some(index) => Font::load(bytes, index),
        None => Err(PdfError::FontUnreadable(
            "does not cover Simplified Chinese".into(),
        )),
    });
    match outcome {
        Ok(font) => Some(font),
        Err(e) => {
            tried.push(format!("{}: {e}", path.display()));
            None
        }
    }
}

fn walk(dir: &Path, depth: u8, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(meta) = entry.metadata() else { continue };
        if meta.is_dir() && depth < 6 {
            walk(&path, depth + 1, out);
        } else if meta.is_file() && meta.len() <= MAX_FONT_FILE {
            let ext = path
                .extension()
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase);
            if matches!(ext.as_deref(), Some("ttf" | "otf" | "ttc" | "otc")) {
                out.push(path);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unreadable(bytes: Vec<u8>, index: u32) -> bool {
        matches!(Font::load(bytes, index), Err(PdfError::FontUnreadable(_)))
    }

    #[test]
    fn garbage_is_unreadable() {
        assert!(unreadable(Vec::new(), 0));
        assert!(unreadable(b"not a font at all".to_vec(), 0));
        assert!(unreadable(vec![0; 4096], 0));
        // Not a collection: a face index does not make garbage a missing face.
        assert!(unreadable(b"%PDF-1.7 garbage".to_vec(), 3));
    }

    #[test]
    fn a_face_past_the_collection_is_not_found() {
        // A collection header that announces one face.
        let mut ttc = b"ttcf\x00\x01\x00\x00\x00\x00\x00\x01\x00\x00\x00\x10".to_vec();
        ttc.extend_from_slice(&[0; 64]);
        match Font::load(ttc, 2) {
            Err(PdfError::FaceNotFound { index: 2, faces: 1 }) => {}
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn random_bytes_never_panic() {
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for round in 0..400 {
            let len = (next() % 2048) as usize;
            let mut bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
            let magic: &[u8] = match round % 4 {
                0 => b"\x00\x01\x00\x00",
                1 => b"OTTO",
                2 => b"ttcf",
                _ => b"",
            };
            bytes.splice(0..magic.len().min(bytes.len()), magic.iter().copied());
            if let Ok(font) = Font::load(bytes, (round % 3) as u32) {
                let _ = font.text_width("数字 ABC", 12.0);
            }
        }
    }

    #[test]
    fn the_env_variable_is_checked() {
        for value in [
            "",
            "#0",
            "/fonts/x.ttc#",
            "/fonts/x.ttc#two",
            "/fonts/x.ttc#-1",
        ] {
            assert!(
                matches!(Font::from_env(value), Err(PdfError::BadFontEnv { .. })),
                "{value:?}"
            );
        }
        for value in [
            "/nonexistent/mcert/font.ttc",
            "/nonexistent/mcert/font.ttc#2",
        ] {
            match Font::from_env(value) {
                Err(e @ PdfError::FontFile { .. }) => {
                    assert!(e.to_string().contains("/nonexistent/mcert/font.ttc"), "{e}")
                }
                other => panic!("{value:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_missing_glyph_error_names_the_character() {
        let e = PdfError::MissingGlyph {
            ch: '囍',
            font: "Some Sans".into(),
        };
        assert_eq!(
            e.to_string(),
            "font \"Some Sans\" has no glyph for '囍' (U+56CD)"
        );
        assert_eq!(e.code(), "pdf_missing_glyph");
    }
}
