//! Cleaning the photograph of a seal stamped on white paper (seed 000 §3: 印章扫描件): the red
//! ink is isolated from the paper, its shadows and uneven lighting, cropped to the impression,
//! put on a transparent background and normalised to the seal's real size at 300 dpi, so that
//! a stamped document shows the seal as large as the rubber one would print it.
//!
//! How: the paper's brightness is estimated per channel from the brightest pixels of coarse
//! blocks (paper is the brightest thing in the photo; lighting varies slowly), each pixel is
//! divided by it (which flattens shadows and gradients), and "red ink" is how much the red
//! channel stands above the green and blue ones. Grey and black (pen, print, shadows) have no
//! such excess and vanish. Isolated specks are dropped, the impression is cropped with a small
//! margin and drawn in one seal red with the ink's strength as its opacity.
//!
//! A handwritten signature (seed 003 §7) goes the same way with "dark ink" instead of red (one
//! minus the brightness relative to the paper, so black, blue-black and blue ballpoint all
//! count), drawn in one ink colour and sized as a signature is written. A signature drawn on
//! the phone's pad arrives as strokes; they are drawn with a round pen on white and cleaned
//! the same way, so both sources give the same kind of picture.

use std::io::Cursor;

use image::{ImageFormat, Rgba, RgbaImage};

/// Photos larger than this are refused before they are decoded.
const MAX_PIXELS: u64 = 40_000_000;
/// Work on at most this many pixels on the longer side.
const WORK_SIDE: u32 = 1600;
/// Output resolution.
pub const DPI: f32 = 300.0;
/// The red a cleaned seal is drawn in.
const SEAL_RED: [u8; 3] = [0xE6, 0x00, 0x12];
/// The ink a cleaned handwritten signature is drawn in.
const SIGNATURE_INK: [u8; 3] = [0x1A, 0x1A, 0x1A];
/// A drawing pad's sides, in its own units (dp or points).
const MIN_PAD: f32 = 50.0;
const MAX_PAD: f32 = 4000.0;
/// Strokes and points a drawn signature may have.
pub const MAX_STROKES: usize = 200;
pub const MAX_POINTS: usize = 20_000;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PictureError {
    #[error("the picture cannot be read (JPEG or PNG expected)")]
    Unreadable,
    #[error("the picture is too large")]
    TooLarge,
    #[error("no red seal impression was found in the picture")]
    NoInk,
    #[error("the seal's size is not plausible")]
    BadSize,
    #[error("the drawn strokes are empty, too many or outside the pad")]
    BadStrokes,
}

/// A cleaned seal picture: a PNG with a transparent background at [`DPI`].
#[derive(Clone, PartialEq, Eq)]
pub struct CleanedPicture {
    pub png: Vec<u8>,
    pub width_px: u32,
    pub height_px: u32,
    pub width_mm: u32,
    pub height_mm: u32,
}

impl std::fmt::Debug for CleanedPicture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CleanedPicture")
            .field("png_bytes", &self.png.len())
            .field("width_px", &self.width_px)
            .field("height_px", &self.height_px)
            .finish()
    }
}

fn smoothstep(lo: f32, hi: f32, x: f32) -> f32 {
    let t = ((x - lo) / (hi - lo)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

pub(crate) fn mm_to_px(mm: u32) -> u32 {
    ((mm as f32) / 25.4 * DPI).round() as u32
}

/// The paper's brightness per channel at every pixel: the brightest value of coarse blocks,
/// spread to the neighbouring blocks (a thick stroke filling a block does not darken it) and
/// interpolated between block centres.
fn paper(img: &image::RgbImage) -> Vec<[f32; 3]> {
    let (w, h) = img.dimensions();
    let block = (w.max(h) / 12).max(8);
    let bw = w.div_ceil(block) as usize;
    let bh = h.div_ceil(block) as usize;
    let mut maxes = vec![[0f32; 3]; bw * bh];
    for (x, y, p) in img.enumerate_pixels() {
        let i = (y / block) as usize * bw + (x / block) as usize;
        for c in 0..3 {
            maxes[i][c] = maxes[i][c].max(f32::from(p[c]));
        }
    }
    // Spread: each block takes the brightest of itself and its neighbours.
    let mut spread = maxes.clone();
    for by in 0..bh {
        for bx in 0..bw {
            let mut m = [0f32; 3];
            for ny in by.saturating_sub(1)..(by + 2).min(bh) {
                for nx in bx.saturating_sub(1)..(bx + 2).min(bw) {
                    for c in 0..3 {
                        m[c] = m[c].max(maxes[ny * bw + nx][c]);
                    }
                }
            }
            spread[by * bw + bx] = m;
        }
    }
    let at = |bx: usize, by: usize| spread[by.min(bh - 1) * bw + bx.min(bw - 1)];
    let mut out = Vec::with_capacity((w * h) as usize);
    let half = block as f32 / 2.0;
    for y in 0..h {
        let fy = ((y as f32 - half) / block as f32).max(0.0);
        let (y0, ty) = (fy.floor() as usize, fy.fract());
        for x in 0..w {
            let fx = ((x as f32 - half) / block as f32).max(0.0);
            let (x0, tx) = (fx.floor() as usize, fx.fract());
            let (a, b, c, d) = (
                at(x0, y0),
                at(x0 + 1, y0),
                at(x0, y0 + 1),
                at(x0 + 1, y0 + 1),
            );
            let mut v = [0f32; 3];
            for k in 0..3 {
                let top = a[k] * (1.0 - tx) + b[k] * tx;
                let bottom = c[k] * (1.0 - tx) + d[k] * tx;
                v[k] = (top * (1.0 - ty) + bottom * ty).max(1.0);
            }
            out.push(v);
        }
    }
    out
}

/// What a picture is cleaned for: the ink that is kept and the colour it is drawn in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ink {
    /// A seal's red ink: how much red stands above green and blue (pen and print vanish).
    SealRed,
    /// A handwritten signature: any dark ink (black, blue-black, blue ballpoint) on paper.
    Handwriting,
}

impl Ink {
    /// Ink strength 0..1 of a pixel whose channels are divided by the paper's.
    fn strength(self, r: f32, g: f32, b: f32) -> f32 {
        match self {
            Ink::SealRed => smoothstep(0.12, 0.30, r - g.max(b)),
            Ink::Handwriting => smoothstep(0.22, 0.45, 1.0 - (r + g + b) / 3.0),
        }
    }

    fn colour(self) -> [u8; 3] {
        match self {
            Ink::SealRed => SEAL_RED,
            Ink::Handwriting => SIGNATURE_INK,
        }
    }
}

/// Cleans the photo of a seal whose real size is `width_mm` × `height_mm`.
pub fn clean(bytes: &[u8], width_mm: u32, height_mm: u32) -> Result<CleanedPicture, PictureError> {
    if !(5..=100).contains(&width_mm) || !(5..=100).contains(&height_mm) {
        return Err(PictureError::BadSize);
    }
    let work = decode(bytes)?;
    isolate(&work, Ink::SealRed, |_, _| (width_mm, height_mm))
}

/// Cleans the photo of a handwritten signature on paper: dark ink kept, drawn in one ink
/// colour on transparency, sized as a signature is written (see [`signature_size_mm`]).
pub fn clean_handwriting(bytes: &[u8]) -> Result<CleanedPicture, PictureError> {
    let work = decode(bytes)?;
    isolate(&work, Ink::Handwriting, signature_size_mm)
}

/// A signature drawn on the phone's pad: `strokes` of points in the pad's units (x to the
/// right, y down, within `width` × `height`), drawn with a round pen and cleaned like a
/// photographed one.
pub fn draw_handwriting(
    width: f32,
    height: f32,
    strokes: &[Vec<[f32; 2]>],
) -> Result<CleanedPicture, PictureError> {
    let sane = |v: f32| v.is_finite() && (MIN_PAD..=MAX_PAD).contains(&v);
    if !sane(width) || !sane(height) || width.max(height) / width.min(height) > 8.0 {
        return Err(PictureError::BadStrokes);
    }
    let points: usize = strokes.iter().map(Vec::len).sum();
    if strokes.is_empty()
        || strokes.len() > MAX_STROKES
        || points > MAX_POINTS
        || strokes.iter().any(Vec::is_empty)
    {
        return Err(PictureError::BadStrokes);
    }
    let inside = |p: &[f32; 2]| {
        p[0].is_finite()
            && p[1].is_finite()
            && (0.0..=width).contains(&p[0])
            && (0.0..=height).contains(&p[1])
    };
    if !strokes.iter().flatten().all(inside) {
        return Err(PictureError::BadStrokes);
    }
    let scale = WORK_SIDE as f32 / width.max(height);
    let (w, h) = (
        ((width * scale).ceil() as u32).max(1),
        ((height * scale).ceil() as u32).max(1),
    );
    let mut img = image::RgbImage::from_pixel(w, h, image::Rgb([255, 255, 255]));
    let radius = (WORK_SIDE as f32 / 320.0).max(2.0);
    for stroke in strokes {
        let pts: Vec<[f32; 2]> = stroke
            .iter()
            .map(|p| [p[0] * scale, p[1] * scale])
            .collect();
        if pts.len() == 1 {
            pen_segment(&mut img, pts[0], pts[0], radius);
        }
        for pair in pts.windows(2) {
            pen_segment(&mut img, pair[0], pair[1], radius);
        }
    }
    isolate(&img, Ink::Handwriting, signature_size_mm)
}

/// Darkens the pixels a round pen of `radius` covers moving from `a` to `b` (coverage from
/// the distance of each pixel's centre to the segment, so edges are smooth).
fn pen_segment(img: &mut image::RgbImage, a: [f32; 2], b: [f32; 2], radius: f32) {
    let (w, h) = img.dimensions();
    let reach = radius + 1.0;
    let x0 = (a[0].min(b[0]) - reach).floor().max(0.0) as u32;
    let y0 = (a[1].min(b[1]) - reach).floor().max(0.0) as u32;
    let x1 = ((a[0].max(b[0]) + reach).ceil() as u32).min(w.saturating_sub(1));
    let y1 = ((a[1].max(b[1]) + reach).ceil() as u32).min(h.saturating_sub(1));
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    for y in y0..=y1 {
        for x in x0..=x1 {
            let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
            let t = if len2 > 0.0 {
                (((px - a[0]) * dx + (py - a[1]) * dy) / len2).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let (cx, cy) = (a[0] + t * dx - px, a[1] + t * dy - py);
            let cover = (radius + 0.5 - (cx * cx + cy * cy).sqrt()).clamp(0.0, 1.0);
            if cover > 0.0 {
                let p = img.get_pixel_mut(x, y);
                let v = (255.0 * (1.0 - cover)) as u8;
                for c in 0..3 {
                    p[c] = p[c].min(v);
                }
            }
        }
    }
}

/// A signature's size on paper from its proportions: as wide as written (at most 60 mm) on a
/// line at most 20 mm high, never smaller than 6 mm either way.
fn signature_size_mm(w: u32, h: u32) -> (u32, u32) {
    let aspect = w as f32 / h.max(1) as f32;
    if aspect >= 3.0 {
        (60, ((60.0 / aspect).round() as u32).clamp(6, 20))
    } else {
        (((20.0 * aspect).round() as u32).clamp(6, 60), 20)
    }
}

/// Decodes a JPEG or PNG (its size checked from the header first) and scales it to at most
/// [`WORK_SIDE`] on its longer side.
fn decode(bytes: &[u8]) -> Result<image::RgbImage, PictureError> {
    let reader = image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| PictureError::Unreadable)?;
    if !matches!(reader.format(), Some(ImageFormat::Png | ImageFormat::Jpeg)) {
        return Err(PictureError::Unreadable);
    }
    let (w0, h0) = reader
        .into_dimensions()
        .map_err(|_| PictureError::Unreadable)?;
    if u64::from(w0) * u64::from(h0) > MAX_PIXELS {
        return Err(PictureError::TooLarge);
    }
    if w0 < 32 || h0 < 32 {
        return Err(PictureError::NoInk);
    }
    // Decoded with explicit limits (the pixel count was checked from the header above).
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(w0);
    limits.max_image_height = Some(h0);
    limits.max_alloc = Some(256 * 1024 * 1024);
    let mut reader = image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| PictureError::Unreadable)?;
    reader.limits(limits);
    let decoded = reader.decode().map_err(|_| PictureError::TooLarge)?;
    let scale = (WORK_SIDE as f32 / w0.max(h0) as f32).min(1.0);
    Ok(if scale < 1.0 {
        decoded.resize(
            ((w0 as f32 * scale) as u32).max(1),
            ((h0 as f32 * scale) as u32).max(1),
            image::imageops::FilterType::Triangle,
        )
    } else {
        decoded
    }
    .to_rgb8())
}

/// Keeps the `ink` of `work`, crops to it and draws it on transparency in a box whose size in
/// millimetres `size_mm` gives from the cropped impression's size in pixels.
fn isolate(
    work: &image::RgbImage,
    ink_kind: Ink,
    size_mm: impl Fn(u32, u32) -> (u32, u32),
) -> Result<CleanedPicture, PictureError> {
    let (w, h) = work.dimensions();
    let bg = paper(work);
    // Ink strength per pixel.
    let mut ink = vec![0f32; (w * h) as usize];
    for (x, y, p) in work.enumerate_pixels() {
        let i = (y * w + x) as usize;
        let n = |c: usize| (f32::from(p[c]) / bg[i][c]).min(1.0);
        ink[i] = ink_kind.strength(n(0), n(1), n(2));
    }
    // Isolated specks go: a pixel keeps its ink only among inked neighbours.
    let mut kept = vec![0f32; ink.len()];
    let mut inked = 0u64;
    let (mut x0, mut y0, mut x1, mut y1) = (w, h, 0u32, 0u32);
    for y in 0..h {
        for x in 0..w {
            let i = (y * w + x) as usize;
            if ink[i] < 0.05 {
                continue;
            }
            let mut around = 0;
            for ny in y.saturating_sub(1)..(y + 2).min(h) {
                for nx in x.saturating_sub(1)..(x + 2).min(w) {
                    if ink[(ny * w + nx) as usize] >= 0.5 {
                        around += 1;
                    }
                }
            }
            if around >= 4 {
                kept[i] = ink[i];
                if ink[i] >= 0.5 {
                    inked += 1;
                    x0 = x0.min(x);
                    y0 = y0.min(y);
                    x1 = x1.max(x);
                    y1 = y1.max(y);
                }
            }
        }
    }
    if inked < u64::from(w) * u64::from(h) / 400 || x1 <= x0 || y1 <= y0 {
        return Err(PictureError::NoInk);
    }
    // Crop with a margin of 2 % of the impression.
    let margin = ((x1 - x0).max(y1 - y0) / 50).max(1);
    let (cx0, cy0) = (x0.saturating_sub(margin), y0.saturating_sub(margin));
    let (cx1, cy1) = ((x1 + margin).min(w - 1), (y1 + margin).min(h - 1));
    let (cw, ch) = (cx1 - cx0 + 1, cy1 - cy0 + 1);
    let colour = ink_kind.colour();
    let mut crop = RgbaImage::new(cw, ch);
    for y in 0..ch {
        for x in 0..cw {
            let a = kept[((cy0 + y) * w + cx0 + x) as usize];
            let alpha = (a * 255.0).round() as u8;
            crop.put_pixel(x, y, Rgba([colour[0], colour[1], colour[2], alpha]));
        }
    }
    // The real size: the impression fills the box, its proportions kept, centred.
    let (width_mm, height_mm) = size_mm(cw, ch);
    let (tw, th) = (mm_to_px(width_mm), mm_to_px(height_mm));
    let fit = (tw as f32 / cw as f32).min(th as f32 / ch as f32);
    let (rw, rh) = (
        ((cw as f32 * fit).round() as u32).clamp(1, tw),
        ((ch as f32 * fit).round() as u32).clamp(1, th),
    );
    let resized = image::imageops::resize(&crop, rw, rh, image::imageops::FilterType::Triangle);
    let mut canvas = RgbaImage::from_pixel(tw, th, Rgba([colour[0], colour[1], colour[2], 0]));
    image::imageops::replace(
        &mut canvas,
        &resized,
        i64::from((tw - rw) / 2),
        i64::from((th - rh) / 2),
    );
    let mut png = Vec::new();
    canvas
        .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
        .map_err(|_| PictureError::Unreadable)?;
    Ok(CleanedPicture {
        png,
        width_px: tw,
        height_px: th,
        width_mm,
        height_mm,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    /// A phone photo of a round seal on paper: lighting falls off to the left, a shadow
    /// crosses the lower part, a black pen line crosses the paper, and there is sensor noise.
    fn photo() -> Vec<u8> {
        let (w, h) = (1200u32, 900u32);
        let (cx, cy, r) = (640.0f32, 430.0f32, 300.0f32);
        let mut seed = 7u32;
        let img = RgbImage::from_fn(w, h, |x, y| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let noise = ((seed >> 16) % 9) as f32 - 4.0;
            let light = 0.55 + 0.45 * (x as f32 / w as f32);
            let shadow = if y > 700 { 0.75 } else { 1.0 };
            let d = ((x as f32 - cx).powi(2) + (y as f32 - cy).powi(2)).sqrt();
            let ring = (d - r).abs() < 14.0;
            let star = (x as f32 - cx).abs() < 40.0 && (y as f32 - cy).abs() < 40.0;
            let pen = (y as f32 - 120.0 - x as f32 * 0.05).abs() < 3.0;
            let base = if ring || star {
                [205.0, 35.0, 45.0]
            } else if pen {
                [50.0, 50.0, 55.0]
            } else {
                [246.0, 243.0, 236.0]
            };
            let k = light * shadow;
            Rgb(base.map(|c: f32| (c * k + noise).clamp(0.0, 255.0) as u8))
        });
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), ImageFormat::Jpeg)
            .expect("jpeg");
        out
    }

    #[test]
    fn a_photographed_seal_becomes_red_ink_on_transparency_at_its_real_size() {
        let cleaned = clean(&photo(), 42, 42).expect("cleaned");
        // 42 mm at 300 dpi.
        assert_eq!((cleaned.width_px, cleaned.height_px), (496, 496));
        let img = image::load_from_memory(&cleaned.png)
            .expect("png")
            .to_rgba8();
        assert_eq!(img.dimensions(), (496, 496));
        let alpha = |x: u32, y: u32| img.get_pixel(x, y)[3];
        // The ring touches the box's edges (cropped to the impression); its centre mark is
        // ink; the paper between them, the corners, the pen and the shadow are transparent.
        let c = 248;
        assert!(alpha(c, c) > 200, "the centre mark");
        assert!(alpha(c, 20) > 200, "the ring at the top");
        assert!(alpha(c, 476) > 200, "the ring at the bottom");
        assert!(
            alpha(20, c) > 200 && alpha(476, c) > 200,
            "the ring at the sides"
        );
        assert_eq!(alpha(c, 120), 0, "paper inside the ring");
        for (x, y) in [(2, 2), (493, 2), (2, 493), (493, 493)] {
            assert_eq!(alpha(x, y), 0, "corner {x},{y}");
        }
        let opaque = img.pixels().filter(|p| p[3] > 128).count() as f32;
        let share = opaque / (496.0 * 496.0);
        // The ring (≈ 28/600 of the diameter thick) plus the mark: about 8 % of the box.
        assert!((0.05..0.14).contains(&share), "ink share {share}");
        assert!(img.pixels().all(|p| p[3] == 0 || p[0] == SEAL_RED[0]));
    }

    #[test]
    fn pictures_without_a_seal_are_refused() {
        let blank = RgbImage::from_pixel(400, 300, Rgb([240, 240, 235]));
        let mut png = Vec::new();
        blank
            .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
            .expect("png");
        assert_eq!(clean(&png, 42, 42), Err(PictureError::NoInk));
        assert_eq!(clean(b"GIF89a....", 42, 42), Err(PictureError::Unreadable));
        assert_eq!(clean(&png, 0, 42), Err(PictureError::BadSize));
        assert_eq!(clean(&png[..40], 42, 42), Err(PictureError::Unreadable));
    }

    /// A photo of a signature in blue ballpoint on paper under uneven light, with a red
    /// stamp-like mark that handwriting keeps too (it is dark) and a light grid that goes.
    fn signature_photo() -> Vec<u8> {
        let (w, h) = (1400u32, 700u32);
        let img = RgbImage::from_fn(w, h, |x, y| {
            let light = 0.6 + 0.4 * (y as f32 / h as f32);
            let (fx, fy) = (x as f32, y as f32);
            // A wave from x = 200 to 1200 around y = 350, 8 px thick.
            let wave = 350.0 + 120.0 * ((fx - 200.0) / 160.0).sin();
            let ink = (200.0..1200.0).contains(&fx) && (fy - wave).abs() < 4.0;
            let grid = x % 100 == 0;
            let base = if ink {
                [40.0, 50.0, 150.0]
            } else if grid {
                [225.0, 228.0, 232.0]
            } else {
                [245.0, 244.0, 240.0]
            };
            Rgb(base.map(|c: f32| (c * light).clamp(0.0, 255.0) as u8))
        });
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), ImageFormat::Jpeg)
            .expect("jpeg");
        out
    }

    #[test]
    fn a_photographed_signature_becomes_dark_ink_on_transparency() {
        let cleaned = clean_handwriting(&signature_photo()).expect("cleaned");
        // About 1000 × 250 px of ink: wider than three times its height, so 60 mm wide.
        assert_eq!(cleaned.width_mm, 60);
        assert!((13..=17).contains(&cleaned.height_mm), "{cleaned:?}");
        let img = image::load_from_memory(&cleaned.png)
            .expect("png")
            .to_rgba8();
        assert_eq!(
            img.dimensions(),
            (mm_to_px(60), mm_to_px(cleaned.height_mm))
        );
        let opaque = img.pixels().filter(|p| p[3] > 128).count();
        assert!(opaque > 2000, "ink kept: {opaque}");
        // Ink only in the signature colour; the corners (paper, grid) are transparent.
        assert!(img.pixels().all(|p| p[3] == 0 || p[0] == SIGNATURE_INK[0]));
        let (iw, ih) = img.dimensions();
        for (x, y) in [(0, 0), (iw - 1, 0), (0, ih - 1), (iw - 1, ih - 1)] {
            assert_eq!(img.get_pixel(x, y)[3], 0, "corner {x},{y}");
        }
        // A blank sheet has no signature.
        let blank = RgbImage::from_pixel(400, 300, Rgb([240, 240, 235]));
        let mut png = Vec::new();
        blank
            .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
            .expect("png");
        assert_eq!(clean_handwriting(&png), Err(PictureError::NoInk));
    }

    #[test]
    fn drawn_strokes_become_a_signature_and_bad_strokes_are_refused() {
        // 张三 written as two strokes on a 360 × 120 pad.
        let strokes = vec![
            (0..40)
                .map(|i| [40.0 + i as f32 * 3.0, 60.0 + 25.0 * (i as f32 / 4.0).sin()])
                .collect::<Vec<_>>(),
            vec![[200.0, 30.0], [260.0, 90.0], [320.0, 40.0]],
        ];
        let cleaned = draw_handwriting(360.0, 120.0, &strokes).expect("drawn");
        assert!(cleaned.width_mm > cleaned.height_mm);
        assert!(cleaned.height_mm <= 20 && cleaned.width_mm <= 60);
        let img = image::load_from_memory(&cleaned.png)
            .expect("png")
            .to_rgba8();
        assert!(img.pixels().filter(|p| p[3] > 128).count() > 1000);
        // A dot alone is a signature too small to be one, but it is not malformed.
        assert_eq!(
            draw_handwriting(360.0, 120.0, &[vec![[10.0, 10.0]]]),
            Err(PictureError::NoInk)
        );
        let bad = [
            (360.0, 120.0, vec![]),
            (360.0, 120.0, vec![vec![]]),
            (360.0, 120.0, vec![vec![[400.0, 10.0]]]),
            (360.0, 120.0, vec![vec![[f32::NAN, 10.0]]]),
            (f32::INFINITY, 120.0, vec![vec![[1.0, 1.0]]]),
            (10.0, 120.0, vec![vec![[1.0, 1.0]]]),
            (4000.0, 60.0, vec![vec![[1.0, 1.0]]]),
            (360.0, 120.0, vec![vec![[1.0, 1.0]]; MAX_STROKES + 1]),
            (360.0, 120.0, vec![vec![[1.0, 1.0]; MAX_POINTS + 1]]),
        ];
        for (w, h, strokes) in bad {
            assert_eq!(
                draw_handwriting(w, h, &strokes),
                Err(PictureError::BadStrokes),
                "{w}x{h} {} strokes",
                strokes.len()
            );
        }
    }
}
