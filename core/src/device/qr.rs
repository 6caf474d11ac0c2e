//! QR decoding from camera frames and image files, and QR encoding to PNG.
//!
//! Camera frames arrive as the luma (Y) plane with a row stride, as Android's CameraX
//! `ImageAnalysis` and iOS's AVFoundation deliver them. Two decoders are available: `rxing`
//! (a ZXing port) and `rqrr`. [`Engine::Auto`], the default, runs rxing on the frame, then on an
//! enhanced copy (denoised and sharpened), then rqrr on that copy: what the benchmark measured
//! to decode rotated, tilted, blurred, noisy and JPEG-damaged frames best within the time
//! budget.

pub mod synth;

use std::collections::HashSet;

/// Largest frame accepted (a 4K camera frame is 8.3 Mpx).
pub const MAX_PIXELS: usize = 16_000_000;

/// A camera frame's luma plane.
#[derive(Clone, Copy, Debug)]
pub struct LumaFrame<'a> {
    pub width: usize,
    pub height: usize,
    /// Bytes from the start of one row to the next (≥ width).
    pub row_stride: usize,
    pub data: &'a [u8],
}

/// Why decoding could not even start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QrError {
    #[error("invalid frame: {0}")]
    InvalidFrame(&'static str),
    #[error("unreadable image: {0}")]
    Image(String),
    #[error("cannot encode QR code: {0}")]
    Encode(String),
}

/// Which decoder to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Engine {
    Rqrr,
    Rxing,
    /// rxing, then rqrr when rxing finds nothing.
    #[default]
    Auto,
}

impl LumaFrame<'_> {
    fn validate(&self) -> Result<(), QrError> {
        if self.width == 0 || self.height == 0 {
            return Err(QrError::InvalidFrame("zero width or height"));
        }
        if self.row_stride < self.width {
            return Err(QrError::InvalidFrame("row stride smaller than width"));
        }
        let pixels = self
            .width
            .checked_mul(self.height)
            .ok_or(QrError::InvalidFrame("frame too large"))?;
        if pixels > MAX_PIXELS {
            return Err(QrError::InvalidFrame("frame too large"));
        }
        let needed = self
            .row_stride
            .checked_mul(self.height - 1)
            .and_then(|n| n.checked_add(self.width))
            .ok_or(QrError::InvalidFrame("frame too large"))?;
        if self.data.len() < needed {
            return Err(QrError::InvalidFrame("buffer shorter than height × stride"));
        }
        Ok(())
    }

    /// The pixels without row padding.
    fn packed(&self) -> std::borrow::Cow<'_, [u8]> {
        if self.row_stride == self.width {
            std::borrow::Cow::Borrowed(&self.data[..self.width * self.height])
        } else {
            let mut out = Vec::with_capacity(self.width * self.height);
            for row in self.data.chunks(self.row_stride).take(self.height) {
                out.extend_from_slice(&row[..self.width]);
            }
            std::borrow::Cow::Owned(out)
        }
    }
}

fn decode_rqrr(width: usize, height: usize, pixels: &[u8]) -> Vec<String> {
    let mut img =
        rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| pixels[y * width + x]);
    img.detect_grids()
        .into_iter()
        .filter_map(|g| g.decode().ok().map(|(_, text)| text))
        .collect()
}

fn decode_rxing(width: usize, height: usize, pixels: &[u8]) -> Vec<String> {
    use rxing::multi::MultipleBarcodeReader;
    use rxing::{BarcodeFormat, BinaryBitmap, DecodeHints, common::HybridBinarizer};
    let (Ok(w), Ok(h)) = (u32::try_from(width), u32::try_from(height)) else {
        return Vec::new();
    };
    let hints = DecodeHints {
        PossibleFormats: Some(HashSet::from([BarcodeFormat::QR_CODE])),
        TryHarder: Some(true),
        ..Default::default()
    };
    // The multi reader returns every code in the frame; when it finds none, the single-code
    // search (MultiFormatReader restricted to QR, trying harder) gets its more forgiving turn.
    if let Ok(source) = rxing::Luma8Source::new_with_slice(pixels, w, h) {
        let mut bitmap = BinaryBitmap::new(HybridBinarizer::new(source));
        if let Ok(results) = rxing::multi::qrcode::QRCodeMultiReader::new()
            .decode_multiple_with_hints(&mut bitmap, &hints)
            && !results.is_empty()
        {
            return results.iter().map(|r| r.getText().to_string()).collect();
        }
    }
    let mut single_hints = hints.clone();
    match rxing::helpers::detect_in_luma_slice_with_hints(
        pixels,
        w,
        h,
        Some(BarcodeFormat::QR_CODE),
        &mut single_hints,
    ) {
        Ok(first) => vec![first.getText().to_string()],
        Err(_) => Vec::new(),
    }
}

/// Sums over 3×3 neighbourhoods, edges clamped.
fn box3(width: usize, height: usize, pixels: &[u8]) -> Vec<u16> {
    let mut rows = vec![0u16; width * height];
    for y in 0..height {
        let r = &pixels[y * width..(y + 1) * width];
        let o = &mut rows[y * width..(y + 1) * width];
        for x in 0..width {
            let l = r[x.saturating_sub(1)];
            let c = r[x];
            let rr = r[(x + 1).min(width - 1)];
            o[x] = u16::from(l) + u16::from(c) + u16::from(rr);
        }
    }
    let mut out = vec![0u16; width * height];
    for y in 0..height {
        let up = y.saturating_sub(1);
        let down = (y + 1).min(height - 1);
        for x in 0..width {
            out[y * width + x] =
                rows[up * width + x] + rows[y * width + x] + rows[down * width + x];
        }
    }
    out
}

fn box3_u8(width: usize, height: usize, pixels: &[u8]) -> Vec<u8> {
    box3(width, height, pixels)
        .into_iter()
        .map(|s| ((s + 4) / 9) as u8)
        .collect()
}

/// Unsharp masking: `(1 + amount)·p − amount·low(p)`, where `low` is `passes` rounds of a 3×3
/// box blur (four rounds ≈ Gaussian σ 1.6), optionally after a 3×3 denoise. Restores module
/// edges that defocus blur softened; the denoise keeps sensor and JPEG noise from being
/// sharpened with them.
fn sharpen(
    width: usize,
    height: usize,
    pixels: &[u8],
    denoise: bool,
    passes: usize,
    amount: i32,
) -> Vec<u8> {
    let base = if denoise {
        box3_u8(width, height, pixels)
    } else {
        pixels.to_vec()
    };
    let mut low = base.clone();
    for _ in 0..passes {
        low = box3_u8(width, height, &low);
    }
    base.iter()
        .zip(&low)
        .map(|(&p, &l)| ((1 + amount) * i32::from(p) - amount * i32::from(l)).clamp(0, 255) as u8)
        .collect()
}

/// The second looks of [`Engine::Auto`], in order, as the benchmark chose them: each rescues
/// frames the ones before miss (blurred, noisy, low-contrast, JPEG-damaged).
const SHARPEN_STAGES: [(bool, usize, i32); 3] = [(true, 4, 2), (false, 6, 2), (false, 2, 5)];

/// Decodes every QR code found in a frame. No code is not an error: the result is empty.
pub fn decode_frame(frame: &LumaFrame<'_>, engine: Engine) -> Result<Vec<String>, QrError> {
    frame.validate()?;
    let pixels = frame.packed();
    let (w, h) = (frame.width, frame.height);
    let mut found = match engine {
        Engine::Rqrr => decode_rqrr(w, h, &pixels),
        Engine::Rxing => decode_rxing(w, h, &pixels),
        Engine::Auto => {
            let mut found = decode_rxing(w, h, &pixels);
            let mut first_enhanced = None;
            for (denoise, passes, amount) in SHARPEN_STAGES {
                if !found.is_empty() {
                    break;
                }
                let enhanced = sharpen(w, h, &pixels, denoise, passes, amount);
                found = decode_rxing(w, h, &enhanced);
                first_enhanced.get_or_insert(enhanced);
            }
            if let (true, Some(enhanced)) = (found.is_empty(), first_enhanced) {
                found = decode_rqrr(w, h, &enhanced);
            }
            found
        }
    };
    let mut seen = HashSet::new();
    found.retain(|t| seen.insert(t.clone()));
    Ok(found)
}

/// Decodes every QR code in a PNG or JPEG file's bytes.
pub fn decode_image(bytes: &[u8], engine: Engine) -> Result<Vec<String>, QrError> {
    let img = image::load_from_memory(bytes).map_err(|e| QrError::Image(e.to_string()))?;
    let luma = img.to_luma8();
    let (w, h) = (luma.width() as usize, luma.height() as usize);
    decode_frame(
        &LumaFrame {
            width: w,
            height: h,
            row_stride: w,
            data: luma.as_raw(),
        },
        engine,
    )
}

/// Renders `text` as a QR code (EC level M, 4-module quiet zone, `scale` px per module) to PNG.
pub fn encode_png(text: &str, scale: u32) -> Result<Vec<u8>, QrError> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| QrError::Encode(e.to_string()))?;
    let scale = scale.clamp(1, 32) as usize;
    let n = code.width();
    let colors = code.to_colors();
    let quiet = 4;
    let side = (n + 2 * quiet) * scale;
    let mut pixels = vec![255u8; side * side];
    for (i, c) in colors.iter().enumerate() {
        if *c == qrcode::Color::Dark {
            let (mx, my) = (i % n + quiet, i / n + quiet);
            for y in my * scale..(my + 1) * scale {
                pixels[y * side + mx * scale..y * side + (mx + 1) * scale].fill(0);
            }
        }
    }
    let side32 = u32::try_from(side).map_err(|_| QrError::Encode("too large".into()))?;
    let img = image::GrayImage::from_raw(side32, side32, pixels)
        .ok_or_else(|| QrError::Encode("buffer size".into()))?;
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .map_err(|e| QrError::Encode(e.to_string()))?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_round_trip_and_bad_frames() {
        let text = "mcert.01JD3T9W6R8Q2XK4M5N7P9S1V3.0.dc69358e712458a66a7525beef148ae8";
        let png = encode_png(text, 4).expect("encode");
        for engine in [Engine::Rqrr, Engine::Rxing, Engine::Auto] {
            assert_eq!(
                decode_image(&png, engine).expect("decode"),
                vec![text.to_string()]
            );
        }
        assert!(matches!(
            decode_image(b"not an image", Engine::Auto),
            Err(QrError::Image(_))
        ));
        let data = vec![0u8; 100];
        for (w, h, stride) in [
            (0, 10, 10),
            (10, 10, 5),
            (20, 10, 20),
            (usize::MAX, 2, usize::MAX),
        ] {
            let frame = LumaFrame {
                width: w,
                height: h,
                row_stride: stride,
                data: &data,
            };
            assert!(matches!(
                decode_frame(&frame, Engine::Auto),
                Err(QrError::InvalidFrame(_))
            ));
        }
        // A blank frame decodes to nothing.
        let frame = LumaFrame {
            width: 10,
            height: 10,
            row_stride: 10,
            data: &data,
        };
        assert!(
            decode_frame(&frame, Engine::Auto)
                .expect("decode")
                .is_empty()
        );
    }
}
