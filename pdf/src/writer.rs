//! Turns laid-out pages into a PDF with the font embedded as a CID-keyed subset.
//!
//! The font is a Type0 font with `Identity-H` encoding: each character of the text is written
//! as the two-byte glyph id of the subset, which is also its CID (the subsetter renumbers
//! glyphs from 0 and, for CFF fonts, writes a CID-keyed program with CID = glyph id). CFF
//! outlines are embedded as a bare CFF program (`FontFile3`/`CIDFontType0C`), TrueType
//! outlines as `FontFile2` with an identity `CIDToGIDMap`. A `ToUnicode` CMap maps glyphs
//! back to characters so that text can be searched and extracted.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use subsetter::GlyphRemapper;
use ttf_parser::{GlyphId, Tag};

use crate::layout::{Item, Page, Stroke, stretchable};
use crate::{Font, PdfError};

const FONT_NAME: Name<'static> = Name(b"F1");

const IDENTITY: SystemInfo<'static> = SystemInfo {
    registry: Str(b"Adobe"),
    ordering: Str(b"Identity"),
    supplement: 0,
};

/// A PDF document: a title and pages, rendered with one font.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Document {
    title: String,
    pages: Vec<Page>,
}

impl Document {
    /// An empty document; `title` goes into the document information and the viewer's title bar.
    pub fn new(title: &str) -> Document {
        Document {
            title: title.to_owned(),
            pages: Vec::new(),
        }
    }

    /// Appends a page.
    pub fn push(&mut self, page: Page) -> &mut Self {
        self.pages.push(page);
        self
    }

    /// Renders the pages, embedding the subset of `font` that their text uses.
    pub fn render(&self, font: &Font) -> Result<Vec<u8>, PdfError> {
        let glyphs = Glyphs::collect(font, &self.pages)?;
        let mut ids = Ids(0);
        let catalog = ids.next();
        let tree = ids.next();
        let info = ids.next();
        let type0 = ids.next();
        let mut pdf = Pdf::new();
        pdf.set_version(1, 7);

        let mut cat = pdf.catalog(catalog);
        cat.pages(tree).lang(TextStr("zh-CN"));
        cat.viewer_preferences().display_doc_title(true);
        cat.finish();
        pdf.document_info(info)
            .title(TextStr(&self.title))
            .producer(TextStr("mcert"));

        let mut kids = Vec::with_capacity(self.pages.len());
        for page in &self.pages {
            let (page_id, content_id) = (ids.next(), ids.next());
            kids.push(page_id);
            let content = deflate(&content(page, &glyphs));
            pdf.stream(content_id, &content).filter(Filter::FlateDecode);
            let mut p = pdf.page(page_id);
            p.parent(tree)
                .media_box(Rect::new(0.0, 0.0, page.width(), page.height()))
                .contents(content_id);
            if !glyphs.map.is_empty() {
                p.resources().fonts().pair(FONT_NAME, type0);
            }
        }
        let count = i32::try_from(kids.len()).unwrap_or(i32::MAX);
        pdf.pages(tree).kids(kids).count(count);

        if !glyphs.map.is_empty() {
            write_font(&mut pdf, &mut ids, type0, font, &glyphs)?;
        }
        Ok(pdf.finish())
    }
}

struct Ids(i32);

impl Ids {
    fn next(&mut self) -> Ref {
        self.0 += 1;
        Ref::new(self.0)
    }
}

/// The characters the pages use, their glyphs in the font and in the subset.
struct Glyphs {
    /// Character → glyph id in the subset (= CID).
    map: BTreeMap<char, u16>,
    remapper: GlyphRemapper,
}

impl Glyphs {
    fn collect(font: &Font, pages: &[Page]) -> Result<Glyphs, PdfError> {
        let m = font.measurer()?;
        let mut original = BTreeMap::new();
        for page in pages {
            for item in &page.items {
                if let Item::Text { text, .. } = item {
                    for ch in text.chars() {
                        if let Entry::Vacant(slot) = original.entry(ch) {
                            slot.insert(m.glyph(ch)?.0);
                        }
                    }
                }
            }
        }
        let mut gids: Vec<u16> = original.values().copied().collect();
        gids.sort_unstable();
        let remapper = GlyphRemapper::new_from_glyphs_sorted(&gids);
        let map = original
            .into_iter()
            .filter_map(|(ch, gid)| remapper.get(gid).map(|new| (ch, new)))
            .collect();
        Ok(Glyphs { map, remapper })
    }

    fn encode(&self, text: &str) -> Vec<u8> {
        text.chars()
            .flat_map(|ch| self.map.get(&ch).copied().unwrap_or(0).to_be_bytes())
            .collect()
    }

    /// A subset tag (`ABCDEF+`) derived from the glyph set, so equal subsets share a name.
    fn tag(&self) -> String {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for gid in self.remapper.remapped_gids() {
            for b in gid.to_be_bytes() {
                h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
            }
        }
        (0..6)
            .map(|_| {
                let c = char::from(b'A' + (h % 26) as u8);
                h /= 26;
                c
            })
            .collect()
    }
}

fn content(page: &Page, glyphs: &Glyphs) -> Vec<u8> {
    let h = page.height();
    let mut c = Content::new();
    for item in &page.items {
        match item {
            Item::Text {
                x,
                y,
                size,
                gray,
                spacing,
                text,
            } => {
                c.set_fill_gray(*gray);
                c.begin_text();
                c.set_font(FONT_NAME, *size);
                c.set_text_matrix([1.0, 0.0, 0.0, 1.0, *x, h - y]);
                if *spacing == 0.0 || *size <= 0.0 {
                    c.show(Str(&glyphs.encode(text)));
                } else {
                    show_stretched(&mut c, glyphs, text, -spacing * 1000.0 / size);
                }
                c.end_text();
            }
            Item::Line {
                x1,
                y1,
                x2,
                y2,
                stroke,
            } => {
                c.save_state();
                set_stroke(&mut c, stroke);
                c.move_to(*x1, h - y1);
                c.line_to(*x2, h - y2);
                c.stroke();
                c.restore_state();
            }
            Item::Rect {
                x,
                y,
                w,
                h: rh,
                stroke,
            } => {
                c.save_state();
                set_stroke(&mut c, stroke);
                c.rect(*x, h - y - rh, *w, *rh);
                c.stroke();
                c.restore_state();
            }
        }
    }
    c.finish().into_vec()
}

/// Shows `text` with `adjust` (thousandths of an em, negative = wider) at each stretchable gap.
fn show_stretched(c: &mut Content, glyphs: &Glyphs, text: &str, adjust: f32) {
    let mut show = c.show_positioned();
    let mut items = show.items();
    let mut run = String::new();
    let mut prev = None;
    for ch in text.chars() {
        if prev.is_some_and(|p| stretchable(p, ch)) {
            items.show(Str(&glyphs.encode(&run)));
            items.adjust(adjust);
            run.clear();
        }
        run.push(ch);
        prev = Some(ch);
    }
    items.show(Str(&glyphs.encode(&run)));
}

fn set_stroke(c: &mut Content, stroke: &Stroke) {
    c.set_line_width(stroke.width);
    c.set_stroke_gray(stroke.gray);
    if let Some((dash, gap)) = stroke.dash {
        c.set_dash_pattern([dash, gap], 0.0);
    }
}

fn write_font(
    pdf: &mut Pdf,
    ids: &mut Ids,
    type0: Ref,
    font: &Font,
    glyphs: &Glyphs,
) -> Result<(), PdfError> {
    let (cid, descriptor, cmap, file) = (ids.next(), ids.next(), ids.next(), ids.next());
    let metrics = &font.metrics;
    let subset_error = |reason: String| PdfError::Subset {
        font: font.family().to_owned(),
        reason,
    };
    let subset = subsetter::subset(font.bytes(), font.index(), &glyphs.remapper)
        .map_err(|e| subset_error(e.to_string()))?;
    let program = if metrics.cff {
        ttf_parser::RawFace::parse(&subset, 0)
            .ok()
            .and_then(|raw| raw.table(Tag::from_bytes(b"CFF ")))
            .ok_or_else(|| subset_error("the subset has no CFF table".into()))?
            .to_vec()
    } else {
        subset
    };

    let base = format!("{}+{}", glyphs.tag(), font.postscript_name());
    let base = Name(base.as_bytes());
    pdf.type0_font(type0)
        .base_font(base)
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid)
        .to_unicode(cmap);

    let scale = 1000.0 / metrics.units_per_em;
    let m = font.measurer()?;
    let widths: Vec<f32> = glyphs
        .remapper
        .remapped_gids()
        .map(|gid| (m.glyph_advance(GlyphId(gid)) * scale).round())
        .collect();
    let mut cid_font = pdf.cid_font(cid);
    cid_font
        .subtype(if metrics.cff {
            CidFontType::Type0
        } else {
            CidFontType::Type2
        })
        .base_font(base)
        .system_info(IDENTITY)
        .font_descriptor(descriptor)
        .default_width(1000.0);
    cid_font.widths().consecutive(0, widths);
    if !metrics.cff {
        cid_font.cid_to_gid_map_predefined(Name(b"Identity"));
    }
    cid_font.finish();

    let mut flags = FontFlags::SYMBOLIC;
    if font.family().contains("Serif") {
        flags |= FontFlags::SERIF;
    }
    if metrics.monospaced {
        flags |= FontFlags::FIXED_PITCH;
    }
    let [x0, y0, x1, y1] = metrics.bbox.map(|v| v * scale);
    let stem_v = 10.0 + 0.244 * (f32::from(metrics.weight) - 50.0);
    let mut fd = pdf.font_descriptor(descriptor);
    fd.name(base)
        .flags(flags)
        .bbox(Rect::new(x0, y0, x1, y1))
        .italic_angle(metrics.italic_angle)
        .ascent(metrics.ascender * scale)
        .descent(metrics.descender * scale)
        .cap_height(metrics.cap_height * scale)
        .stem_v(stem_v.max(10.0));
    if metrics.cff {
        fd.font_file3(file);
    } else {
        fd.font_file2(file);
    }
    fd.finish();

    let mut unicode = UnicodeCmap::new(Name(b"Custom"), IDENTITY);
    for (ch, gid) in &glyphs.map {
        unicode.pair(*gid, *ch);
    }
    let unicode = deflate(&unicode.finish().into_vec());
    pdf.cmap(cmap, &unicode).filter(Filter::FlateDecode);

    let program = deflate(&program);
    let mut stream = pdf.stream(file, &program);
    stream.filter(Filter::FlateDecode);
    if metrics.cff {
        stream.pair(Name(b"Subtype"), Name(b"CIDFontType0C"));
    }
    stream.finish();
    Ok(())
}

fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}
