//! The seal picture: a PNG decoded into an RGB image XObject with its alpha channel as a soft
//! mask (PDF 32000-1 §8.9.5, §11.6.5.3), so that the red ink shows over the page and the
//! transparent background does not hide it.

use crate::PdfError;
use crate::parse::filter::deflate;
use crate::parse::{Dict, ObjRef, Object, Stream};

/// The largest picture side accepted, in pixels (a seal at 600 dpi is about 1000 pixels).
pub(crate) const MAX_SIDE: u32 = 4096;

/// A decoded picture: 8-bit RGB samples and 8-bit alpha, row by row.
#[derive(Debug)]
pub(crate) struct Picture {
    pub width: u32,
    pub height: u32,
    pub rgb: Vec<u8>,
    pub alpha: Vec<u8>,
}

fn bad(what: impl Into<String>) -> PdfError {
    PdfError::Stamp(what.into())
}

/// Decodes any PNG (grey, RGB, palette, with or without alpha or `tRNS`, any bit depth,
/// interlaced or not) into 8-bit RGB plus alpha.
pub(crate) fn decode_png(bytes: &[u8]) -> Result<Picture, PdfError> {
    if !bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Err(bad("the stamp picture is not a PNG"));
    }
    let limits = png::Limits {
        bytes: 4 * (MAX_SIDE as usize) * (MAX_SIDE as usize),
    };
    let mut decoder = png::Decoder::new_with_limits(std::io::Cursor::new(bytes), limits);
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder
        .read_info()
        .map_err(|e| bad(format!("the stamp PNG cannot be read: {e}")))?;
    let (w, h) = {
        let info = reader.info();
        (info.width, info.height)
    };
    if w == 0 || h == 0 || w > MAX_SIDE || h > MAX_SIDE {
        return Err(bad(format!(
            "the stamp picture is {w}×{h} pixels; each side must be 1 to {MAX_SIDE}"
        )));
    }
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| bad("the stamp PNG is too large"))?;
    let mut buf = vec![0u8; size];
    let out = reader
        .next_frame(&mut buf)
        .map_err(|e| bad(format!("the stamp PNG cannot be decoded: {e}")))?;
    if out.bit_depth != png::BitDepth::Eight {
        return Err(bad("the stamp PNG did not expand to 8 bits per sample"));
    }
    let channels = match out.color_type {
        png::ColorType::Grayscale => 1,
        png::ColorType::GrayscaleAlpha => 2,
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        png::ColorType::Indexed => return Err(bad("the stamp PNG palette did not expand")),
    };
    let (width, height) = (out.width, out.height);
    let pixels = width as usize * height as usize;
    let mut rgb = Vec::with_capacity(pixels * 3);
    let mut alpha = Vec::with_capacity(pixels);
    for row in buf.chunks(out.line_size).take(height as usize) {
        for px in row.chunks_exact(channels).take(width as usize) {
            match *px {
                [g] => {
                    rgb.extend_from_slice(&[g, g, g]);
                    alpha.push(255);
                }
                [g, a] => {
                    rgb.extend_from_slice(&[g, g, g]);
                    alpha.push(a);
                }
                [r, g, b] => {
                    rgb.extend_from_slice(&[r, g, b]);
                    alpha.push(255);
                }
                [r, g, b, a] => {
                    rgb.extend_from_slice(&[r, g, b]);
                    alpha.push(a);
                }
                _ => {}
            }
        }
    }
    if alpha.len() != pixels {
        return Err(bad("the stamp PNG holds fewer pixels than its size says"));
    }
    Ok(Picture {
        width,
        height,
        rgb,
        alpha,
    })
}

fn image_dict(p: &Picture, color_space: &str) -> Dict {
    Dict::new()
        .with(b"Type", Object::name("XObject"))
        .with(b"Subtype", Object::name("Image"))
        .with(b"Width", Object::Int(i64::from(p.width)))
        .with(b"Height", Object::Int(i64::from(p.height)))
        .with(b"ColorSpace", Object::name(color_space))
        .with(b"BitsPerComponent", Object::Int(8))
        .with(b"Filter", Object::name("FlateDecode"))
}

/// The image XObject (RGB) pointing at `smask`, and the soft mask (grey = alpha).
pub(crate) fn xobjects(p: &Picture, smask: ObjRef) -> (Object, Object) {
    let image = Stream {
        dict: image_dict(p, "DeviceRGB").with(b"SMask", Object::Ref(smask)),
        data: deflate(&p.rgb),
    };
    let mask = Stream {
        dict: image_dict(p, "DeviceGray"),
        data: deflate(&p.alpha),
    };
    (Object::Stream(image), Object::Stream(mask))
}

/// Where the picture goes inside a `w`×`h` box: its size and offset, keeping its aspect ratio
/// and centred (a round seal stays round whatever box the platform asked for).
pub(crate) fn fit(p: &Picture, w: f64, h: f64) -> [f64; 4] {
    let aspect = f64::from(p.width) / f64::from(p.height);
    let (dw, dh) = if w / h > aspect {
        (h * aspect, h)
    } else {
        (w, w / aspect)
    };
    [dw, dh, (w - dw) / 2.0, (h - dh) / 2.0]
}
