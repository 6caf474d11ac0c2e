//! The automatically generated name seal (姓名章): a person's name in a square red seal,
//! rendered from the glyph outlines of an embedded CJK font onto a transparent background,
//! as a PNG ready to stamp with.
//!
//! The layout follows the square private seal: a name of two characters reads `某某之印`, of
//! three `某某某印`, of four as it is, each in a 2×2 grid read right column first, top to
//! bottom, each character stretched to fill its cell as seal carvers do. Other lengths (one
//! character, or five and more, e.g. a transliterated name with `·`) run left to right in one
//! or two centred lines at the font's own proportions.

use ttf_parser::{Face, OutlineBuilder, Rect};

use crate::{Font, PdfError};

/// The seal's ink: the red of seal paste on a transparent background.
pub const SEAL_RED: [u8; 3] = [214, 24, 31];

/// Vertical samples per pixel row (horizontal coverage is computed exactly).
const SUBSAMPLES: usize = 5;

/// Longest name accepted (characters).
pub const MAX_NAME_CHARS: usize = 12;

/// Renders the name seal of `name` as a `size` × `size` pixel PNG (RGBA, transparent outside
/// the ink). `size` must be 32 to 2048 pixels.
pub fn name_seal_png(font: &Font, name: &str, size: u32) -> Result<Vec<u8>, PdfError> {
    let alpha = name_seal_alpha(font, name, size)?;
    let mut rgba = Vec::with_capacity(alpha.len() * 4);
    for a in &alpha {
        rgba.extend_from_slice(&SEAL_RED);
        rgba.push(*a);
    }
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, size, size);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::High);
        let mut writer = encoder
            .write_header()
            .map_err(|e| PdfError::Layout(format!("name seal PNG: {e}")))?;
        writer
            .write_image_data(&rgba)
            .map_err(|e| PdfError::Layout(format!("name seal PNG: {e}")))?;
    }
    Ok(out)
}

/// The seal's coverage (0 = transparent, 255 = ink), row by row.
pub fn name_seal_alpha(font: &Font, name: &str, size: u32) -> Result<Vec<u8>, PdfError> {
    if !(32..=2048).contains(&size) {
        return Err(PdfError::Layout(format!(
            "a name seal is 32 to 2048 pixels, not {size}"
        )));
    }
    let name: String = name.split_whitespace().collect();
    let count = name.chars().count();
    if count == 0 || count > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(PdfError::Layout(format!(
            "a name seal takes a name of 1 to {MAX_NAME_CHARS} characters"
        )));
    }
    let face = font.face()?;
    let measurer = font.measurer()?;
    let glyphs = seal_text(&name)
        .chars()
        .map(|c| measurer.glyph(c))
        .collect::<Result<Vec<_>, _>>()?;
    let s = size as f32;
    let mut canvas = Canvas::new(size as usize);
    // The frame: a square border a sixteenth of the seal thick, set in from the edge a little.
    let inset = (s * 0.02).max(1.0);
    let stroke = (s / 16.0).max(2.0);
    canvas.fill_rect(inset, inset, s - inset, s - inset);
    canvas.clear_rect(
        inset + stroke,
        inset + stroke,
        s - inset - stroke,
        s - inset - stroke,
    );
    let inner0 = inset + stroke * 1.6;
    let inner1 = s - inset - stroke * 1.6;
    let cells = cells(glyphs.len(), inner0, inner1);
    let grid = glyphs.len() == 4;
    let em = f32::from(face.units_per_em().max(1));
    let bold = (s / 140.0).max(0.0);
    for (gid, cell) in glyphs.iter().zip(cells) {
        let Some(bbox) = face.glyph_bounding_box(*gid) else {
            continue; // A blank glyph (a space) leaves its cell empty.
        };
        let t = if grid {
            place(bbox, cell, bold)
        } else {
            place_natural(bbox, cell, em, bold)
        };
        let mut path = Flattened::new(t);
        face_outline(&face, *gid, &mut path);
        canvas.fill_path(&path.segments, bold);
    }
    Ok(canvas.alpha())
}

/// The characters the seal shows: `之印` or `印` completes a short name to four.
fn seal_text(name: &str) -> String {
    match name.chars().count() {
        2 => format!("{name}之印"),
        3 => format!("{name}印"),
        _ => name.to_string(),
    }
}

/// A cell: left, top, right, bottom in pixels.
type Cell = [f32; 4];

/// The cells of `n` characters inside the square `lo..hi`: a 2×2 grid read right column
/// first for four, else one centred line (up to three) or two.
fn cells(n: usize, lo: f32, hi: f32) -> Vec<Cell> {
    let mid = (lo + hi) / 2.0;
    let gap = (hi - lo) * 0.04;
    if n == 4 {
        let right = [mid + gap / 2.0, hi];
        let left = [lo, mid - gap / 2.0];
        let top = [lo, mid - gap / 2.0];
        let bottom = [mid + gap / 2.0, hi];
        return [(right, top), (right, bottom), (left, top), (left, bottom)]
            .into_iter()
            .map(|(x, y)| [x[0], y[0], x[1], y[1]])
            .collect();
    }
    let rows = if n > 3 { 2 } else { 1 };
    let per_row = n.div_ceil(rows);
    let width = (hi - lo) / per_row as f32;
    let height = (width * 1.1).min((hi - lo) / rows as f32);
    let top = mid - height * rows as f32 / 2.0;
    (0..n)
        .map(|i| {
            let (row, col) = (i / per_row, i % per_row);
            let in_row = if row + 1 == rows {
                n - row * per_row
            } else {
                per_row
            };
            // A shorter last line is centred.
            let x0 = lo + (hi - lo - width * in_row as f32) / 2.0 + width * col as f32;
            let y0 = top + height * row as f32;
            [x0 + gap / 4.0, y0, x0 + width - gap / 4.0, y0 + height]
        })
        .collect()
}

/// The map into `cell` at the font's own proportions: one scale for every glyph (the em fills
/// the cell), the glyph's box centred in the cell.
fn place_natural(bbox: Rect, cell: Cell, em: f32, bold: f32) -> Transform {
    let cw = (cell[2] - cell[0] - 2.0 * bold).max(1.0);
    let ch = (cell[3] - cell[1] - 2.0 * bold).max(1.0);
    let scale = cw.min(ch) / em;
    let w = (f32::from(bbox.x_max) - f32::from(bbox.x_min)) * scale;
    let h = (f32::from(bbox.y_max) - f32::from(bbox.y_min)) * scale;
    Transform {
        sx: scale,
        sy: scale,
        x0: f32::from(bbox.x_min),
        y1: f32::from(bbox.y_max),
        left: cell[0] + bold + (cw - w) / 2.0,
        top: cell[1] + bold + (ch - h) / 2.0,
    }
}

/// The map from font units (y up) into `cell` (y down): the glyph's box stretched to fill the
/// cell, less `bold` on each side for the stroke thickening.
fn place(bbox: Rect, cell: Cell, bold: f32) -> Transform {
    let gw = f32::from(bbox.x_max) - f32::from(bbox.x_min);
    let gh = f32::from(bbox.y_max) - f32::from(bbox.y_min);
    let cw = (cell[2] - cell[0] - 2.0 * bold).max(1.0);
    let ch = (cell[3] - cell[1] - 2.0 * bold).max(1.0);
    // Fill the cell, but never distort a glyph by more than 1.6 (a thin 一 stays thin).
    let sx = cw / gw.max(1.0);
    let sy = ch / gh.max(1.0);
    let (sx, sy) = (sx.min(sy * 1.6), sy.min(sx * 1.6));
    let (w, h) = (gw * sx, gh * sy);
    Transform {
        sx,
        sy,
        x0: f32::from(bbox.x_min),
        y1: f32::from(bbox.y_max),
        left: cell[0] + bold + (cw - w) / 2.0,
        top: cell[1] + bold + (ch - h) / 2.0,
    }
}

#[derive(Clone, Copy)]
struct Transform {
    sx: f32,
    sy: f32,
    x0: f32,
    y1: f32,
    left: f32,
    top: f32,
}

impl Transform {
    fn apply(&self, x: f32, y: f32) -> (f32, f32) {
        (
            self.left + (x - self.x0) * self.sx,
            self.top + (self.y1 - y) * self.sy,
        )
    }
}

fn face_outline(face: &Face<'_>, gid: ttf_parser::GlyphId, path: &mut Flattened) {
    face.outline_glyph(gid, path);
    path.close();
}

/// A glyph outline flattened into line segments in pixel space.
struct Flattened {
    t: Transform,
    segments: Vec<[f32; 4]>,
    start: (f32, f32),
    at: (f32, f32),
}

impl Flattened {
    fn new(t: Transform) -> Self {
        Flattened {
            t,
            segments: Vec::new(),
            start: (0.0, 0.0),
            at: (0.0, 0.0),
        }
    }

    fn line(&mut self, to: (f32, f32)) {
        if to != self.at {
            self.segments.push([self.at.0, self.at.1, to.0, to.1]);
        }
        self.at = to;
    }

    /// Steps for a curve of this control-polygon length (about one per 2 px).
    fn steps(points: &[(f32, f32)]) -> usize {
        let len: f32 = points
            .windows(2)
            .map(|w| ((w[1].0 - w[0].0).powi(2) + (w[1].1 - w[0].1).powi(2)).sqrt())
            .sum();
        ((len / 2.0).ceil() as usize).clamp(2, 64)
    }
}

impl OutlineBuilder for Flattened {
    fn move_to(&mut self, x: f32, y: f32) {
        self.close();
        let p = self.t.apply(x, y);
        self.start = p;
        self.at = p;
    }

    fn line_to(&mut self, x: f32, y: f32) {
        let p = self.t.apply(x, y);
        self.line(p);
    }

    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let p0 = self.at;
        let p1 = self.t.apply(x1, y1);
        let p2 = self.t.apply(x, y);
        let n = Self::steps(&[p0, p1, p2]);
        for i in 1..=n {
            let t = i as f32 / n as f32;
            let u = 1.0 - t;
            self.line((
                u * u * p0.0 + 2.0 * u * t * p1.0 + t * t * p2.0,
                u * u * p0.1 + 2.0 * u * t * p1.1 + t * t * p2.1,
            ));
        }
    }

    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let p0 = self.at;
        let p1 = self.t.apply(x1, y1);
        let p2 = self.t.apply(x2, y2);
        let p3 = self.t.apply(x, y);
        let n = Self::steps(&[p0, p1, p2, p3]);
        for i in 1..=n {
            let t = i as f32 / n as f32;
            let u = 1.0 - t;
            let (a, b, c, d) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
            self.line((
                a * p0.0 + b * p1.0 + c * p2.0 + d * p3.0,
                a * p0.1 + b * p1.1 + c * p2.1 + d * p3.1,
            ));
        }
    }

    fn close(&mut self) {
        let start = self.start;
        self.line(start);
    }
}

/// Coverage in 0..=1 per pixel.
struct Canvas {
    size: usize,
    cover: Vec<f32>,
}

impl Canvas {
    fn new(size: usize) -> Self {
        Canvas {
            size,
            cover: vec![0.0; size * size],
        }
    }

    fn rect(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, value: f32) {
        let clamp = |v: f32| (v.round().max(0.0) as usize).min(self.size);
        for y in clamp(y0)..clamp(y1) {
            for x in clamp(x0)..clamp(x1) {
                self.cover[y * self.size + x] = value;
            }
        }
    }

    fn fill_rect(&mut self, x0: f32, y0: f32, x1: f32, y1: f32) {
        self.rect(x0, y0, x1, y1, 1.0);
    }

    fn clear_rect(&mut self, x0: f32, y0: f32, x1: f32, y1: f32) {
        self.rect(x0, y0, x1, y1, 0.0);
    }

    /// Fills the non-zero winding interior of closed `segments`, each span widened by `bold`
    /// pixels on both sides (a heavier stroke, as a carved seal has), and adds it to the ink.
    fn fill_path(&mut self, segments: &[[f32; 4]], bold: f32) {
        let n = self.size;
        let mut glyph = vec![0.0f32; n * n];
        let mut crossings: Vec<(f32, i32)> = Vec::new();
        for y in 0..n {
            for sub in 0..SUBSAMPLES {
                let sy = y as f32 + (sub as f32 + 0.5) / SUBSAMPLES as f32;
                crossings.clear();
                for s in segments {
                    let (x0, y0, x1, y1) = (s[0], s[1], s[2], s[3]);
                    if (y0 <= sy && sy < y1) || (y1 <= sy && sy < y0) {
                        let x = x0 + (sy - y0) / (y1 - y0) * (x1 - x0);
                        crossings.push((x, if y1 > y0 { 1 } else { -1 }));
                    }
                }
                crossings.sort_by(|a, b| a.0.total_cmp(&b.0));
                let mut winding = 0;
                let mut from = 0.0;
                for &(x, dir) in &crossings {
                    let was = winding;
                    winding += dir;
                    if was == 0 && winding != 0 {
                        from = x;
                    } else if was != 0 && winding == 0 {
                        add_span(
                            &mut glyph[y * n..(y + 1) * n],
                            from - bold,
                            x + bold,
                            1.0 / SUBSAMPLES as f32,
                        );
                    }
                }
            }
        }
        for (c, g) in self.cover.iter_mut().zip(glyph) {
            *c = c.max(g.min(1.0));
        }
    }

    fn alpha(&self) -> Vec<u8> {
        self.cover
            .iter()
            .map(|c| (c.clamp(0.0, 1.0) * 255.0).round() as u8)
            .collect()
    }
}

/// Adds `weight` × the overlap of `[x0, x1)` with each pixel of `row`.
fn add_span(row: &mut [f32], x0: f32, x1: f32, weight: f32) {
    let x0 = x0.max(0.0);
    let x1 = x1.min(row.len() as f32);
    if x1 <= x0 {
        return;
    }
    let first = x0.floor() as usize;
    let last = (x1.ceil() as usize).min(row.len());
    for (i, px) in row.iter_mut().enumerate().take(last).skip(first) {
        let left = (i as f32).max(x0);
        let right = ((i + 1) as f32).min(x1);
        if right > left {
            *px += (right - left) * weight;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn font() -> Option<Font> {
        match Font::system_cjk() {
            Ok(f) => Some(f),
            Err(e) => {
                // CI installs the fonts and sets MCERT_REQUIRE_UI=1: there, a missing font fails.
                assert!(
                    !std::env::var("MCERT_REQUIRE_UI").is_ok_and(|v| v == "1"),
                    "MCERT_REQUIRE_UI=1 but no CJK font: {e}"
                );
                eprintln!("no CJK font here ({e}): the name seal tests are skipped");
                None
            }
        }
    }

    fn ink(alpha: &[u8], size: usize, cell: [usize; 4]) -> usize {
        (cell[1]..cell[3])
            .flat_map(|y| (cell[0]..cell[2]).map(move |x| y * size + x))
            .filter(|&i| alpha[i] > 128)
            .count()
    }

    #[test]
    fn seal_text_completes_short_names() {
        assert_eq!(seal_text("张三"), "张三之印");
        assert_eq!(seal_text("李小龙"), "李小龙印");
        assert_eq!(seal_text("欧阳娜娜"), "欧阳娜娜");
        assert_eq!(seal_text("阿依古丽·买买提"), "阿依古丽·买买提");
    }

    #[test]
    fn four_cells_read_right_column_first() {
        let c = cells(4, 0.0, 100.0);
        assert!(c[0][0] > 50.0 && c[0][1] < 50.0, "first: right, top");
        assert!(c[1][0] > 50.0 && c[1][1] > 50.0, "second: right, bottom");
        assert!(c[2][2] < 50.0 && c[2][1] < 50.0, "third: left, top");
        assert!(c[3][2] < 50.0 && c[3][1] > 50.0, "fourth: left, bottom");
        // Five and more: two lines, left to right, the second under the first.
        let two = cells(7, 0.0, 100.0);
        assert_eq!(two.len(), 7);
        assert!(two[..4].windows(2).all(|w| w[0][2] <= w[1][0]));
        assert!(two[4..].windows(2).all(|w| w[0][2] <= w[1][0]));
        assert!(two[4][1] >= two[0][3], "the second line is below the first");
        let one = cells(1, 0.0, 100.0);
        assert!(one[0][0] > 0.0 && one[0][2] < 100.0);
    }

    #[test]
    fn renders_frame_and_ink_in_every_cell() -> Result<(), PdfError> {
        let Some(font) = font() else { return Ok(()) };
        let size = 236usize; // 20 mm at 300 dpi.
        let alpha = name_seal_alpha(&font, "张三", size as u32)?;
        assert_eq!(alpha.len(), size * size);
        // The frame is solid ink, the corners outside it and the gap inside it are clear.
        assert_eq!(alpha[0], 0);
        assert_eq!(alpha[10 * size + size / 2], 255, "top border");
        assert_eq!(alpha[(size / 2) * size + 10], 255, "left border");
        assert_eq!(alpha[(size - 11) * size + size / 2], 255, "bottom border");
        let inner = 5 + 15 + 3;
        assert_eq!(alpha[inner * size + inner], 0, "just inside the frame");
        // Each quarter holds a character: 之 top left, 印 bottom left, 张 and 三 on the right.
        let (a, m, b) = (30, size / 2, size - 30);
        for cell in [[m, a, b, m], [m, m, b, b], [a, a, m, m], [a, m, m, b]] {
            let n = ink(&alpha, size, cell);
            assert!(n > 400, "a character in {cell:?}: {n} inked pixels");
        }
        // Edges are anti-aliased.
        assert!(alpha.iter().any(|&v| v > 0 && v < 255));
        Ok(())
    }

    #[test]
    fn different_names_differ_and_same_name_is_stable() -> Result<(), PdfError> {
        let Some(font) = font() else { return Ok(()) };
        let a = name_seal_png(&font, "张三", 120)?;
        let b = name_seal_png(&font, "李四", 120)?;
        assert_ne!(a, b);
        assert_eq!(a, name_seal_png(&font, "张三", 120)?);
        assert_eq!(&a[1..4], b"PNG");
        // Whitespace in the name does not matter.
        assert_eq!(a, name_seal_png(&font, " 张 三 ", 120)?);
        // Long names run in one line and still render.
        name_seal_png(&font, "阿依古丽·买买提", 200)?;
        Ok(())
    }

    #[test]
    fn bad_input_is_refused() {
        let Some(font) = font() else { return };
        assert!(matches!(
            name_seal_alpha(&font, "", 100),
            Err(PdfError::Layout(_))
        ));
        assert!(matches!(
            name_seal_alpha(&font, &"名".repeat(13), 100),
            Err(PdfError::Layout(_))
        ));
        assert!(matches!(
            name_seal_alpha(&font, "张三", 8),
            Err(PdfError::Layout(_))
        ));
        assert!(matches!(
            name_seal_alpha(&font, "张\u{7}三", 100),
            Err(PdfError::Layout(_))
        ));
        // A character the font lacks (a private-use one) is named, not drawn as a box.
        assert!(matches!(
            name_seal_alpha(&font, "张\u{E000}", 100),
            Err(PdfError::MissingGlyph { .. })
        ));
    }
}
