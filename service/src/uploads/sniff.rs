//! What an uploaded file really is (from its bytes, never the client's word), and stripping
//! the metadata a phone camera writes (EXIF: location, device, time) before it is stored.

/// The types accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Jpeg,
    Png,
    Pdf,
}

impl Kind {
    pub fn content_type(self) -> &'static str {
        match self {
            Kind::Jpeg => "image/jpeg",
            Kind::Png => "image/png",
            Kind::Pdf => "application/pdf",
        }
    }
}

/// Why a file is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SniffError {
    #[error("only JPEG, PNG and PDF files are accepted")]
    UnsupportedType,
    #[error("the {0} file is damaged")]
    Damaged(&'static str),
}

const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";

pub fn sniff(bytes: &[u8]) -> Result<Kind, SniffError> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Ok(Kind::Jpeg)
    } else if bytes.starts_with(PNG_MAGIC) {
        Ok(Kind::Png)
    } else if bytes.starts_with(b"%PDF-") {
        if !bytes.windows(5).rev().take(2048).any(|w| w == b"%%EOF") {
            return Err(SniffError::Damaged("PDF"));
        }
        Ok(Kind::Pdf)
    } else {
        Err(SniffError::UnsupportedType)
    }
}

/// The file as stored: images without metadata; PDFs as they are.
pub fn clean(kind: Kind, bytes: &[u8]) -> Result<Vec<u8>, SniffError> {
    match kind {
        Kind::Jpeg => strip_jpeg(bytes),
        Kind::Png => strip_png(bytes),
        Kind::Pdf => Ok(bytes.to_vec()),
    }
}

/// Drops APP1 (EXIF, XMP), APP2–APP13, APP15 and comment segments wherever they appear
/// (between progressive scans too); keeps APP0 (JFIF) and APP14 (Adobe colour transform), the
/// tables, frames and scans; stops at EOI, so nothing appended after the image (gain maps,
/// motion-photo videos, secondary images with their own EXIF) is kept.
fn strip_jpeg(b: &[u8]) -> Result<Vec<u8>, SniffError> {
    const BAD: SniffError = SniffError::Damaged("JPEG");
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(&[0xFF, 0xD8]);
    let mut i = 2;
    loop {
        // Fill bytes (0xFF repeated) may precede a marker.
        while b.get(i) == Some(&0xFF) && b.get(i + 1) == Some(&0xFF) {
            i += 1;
        }
        let (Some(&0xFF), Some(&marker)) = (b.get(i), b.get(i + 1)) else {
            return Err(BAD);
        };
        match marker {
            0xD9 => {
                out.extend_from_slice(&[0xFF, 0xD9]);
                return Ok(out);
            }
            // Standalone markers without a length.
            0x01 | 0xD0..=0xD7 => {
                out.extend_from_slice(&[0xFF, marker]);
                i += 2;
                continue;
            }
            _ => {}
        }
        let (Some(&hi), Some(&lo)) = (b.get(i + 2), b.get(i + 3)) else {
            return Err(BAD);
        };
        let len = usize::from(u16::from_be_bytes([hi, lo]));
        if len < 2 {
            return Err(BAD);
        }
        let end = i
            .checked_add(2 + len)
            .filter(|&e| e <= b.len())
            .ok_or(BAD)?;
        let drop = matches!(marker, 0xE1..=0xED | 0xEF | 0xFE);
        if !drop {
            out.extend_from_slice(&b[i..end]);
        }
        i = end;
        if marker == 0xDA {
            // Entropy-coded data up to the next marker: 0xFF 0x00 is a stuffed byte and
            // 0xFF 0xD0–D7 a restart marker, both part of the scan.
            let start = i;
            loop {
                match (b.get(i), b.get(i + 1)) {
                    (Some(&0xFF), Some(&next)) if next == 0x00 || (0xD0..=0xD7).contains(&next) => {
                        i += 2
                    }
                    (Some(&0xFF), Some(_)) => break,
                    (Some(_), _) => i += 1,
                    (None, _) => return Err(BAD),
                }
            }
            out.extend_from_slice(&b[start..i]);
        }
    }
}

/// Keeps only the chunks an image needs to look the same (an allow-list: header, palette,
/// data, end, transparency, gamma, chromaticities, sRGB, pixel size); text, EXIF, time, ICC
/// profiles, C2PA manifests and unknown chunks are dropped.
fn strip_png(b: &[u8]) -> Result<Vec<u8>, SniffError> {
    const BAD: SniffError = SniffError::Damaged("PNG");
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(PNG_MAGIC);
    let mut i = PNG_MAGIC.len();
    loop {
        let header = b.get(i..i + 8).ok_or(BAD)?;
        let len = usize::try_from(u32::from_be_bytes([
            header[0], header[1], header[2], header[3],
        ]))
        .map_err(|_| BAD)?;
        let kind = &header[4..8];
        let end = i
            .checked_add(12)
            .and_then(|x| x.checked_add(len))
            .filter(|&e| e <= b.len())
            .ok_or(BAD)?;
        let keep = matches!(
            kind,
            b"IHDR" | b"PLTE" | b"IDAT" | b"IEND" | b"tRNS" | b"gAMA" | b"cHRM" | b"sRGB" | b"pHYs"
        );
        let drop = !keep;
        if !drop {
            out.extend_from_slice(&b[i..end]);
        }
        i = end;
        if kind == b"IEND" {
            return Ok(out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
        let mut v = vec![0xFF, marker];
        v.extend_from_slice(&u16::try_from(payload.len() + 2).expect("len").to_be_bytes());
        v.extend_from_slice(payload);
        v
    }

    #[test]
    fn jpeg_loses_exif_and_keeps_the_image() {
        let mut jpeg = vec![0xFF, 0xD8];
        jpeg.extend(segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"));
        jpeg.extend(segment(0xE1, b"Exif\0\0GPS 39.9N 116.4E"));
        jpeg.extend(segment(0xFE, b"comment"));
        jpeg.extend(segment(0xDB, &[0u8; 65]));
        jpeg.extend(segment(0xDA, &[1, 2, 3]));
        jpeg.extend_from_slice(&[0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56]);
        // A second (progressive) scan with metadata in front of it.
        jpeg.extend(segment(0xE1, b"http://ns.adobe.com/xap/1.0/ GPS"));
        jpeg.extend(segment(0xDA, &[4, 5, 6]));
        jpeg.extend_from_slice(&[0x78, 0xFF, 0xD9]);
        // What phones append after the image: a gain map or a motion-photo video.
        jpeg.extend_from_slice(b"ftypmp42 moov GPS 39.9N");
        assert_eq!(sniff(&jpeg), Ok(Kind::Jpeg));
        let clean = clean(Kind::Jpeg, &jpeg).expect("clean");
        assert!(!clean.windows(4).any(|w| w == b"Exif"));
        assert!(!clean.windows(7).any(|w| w == b"comment"));
        assert!(clean.windows(4).any(|w| w == b"JFIF"));
        assert!(
            !clean.windows(3).any(|w| w == b"GPS"),
            "no location anywhere"
        );
        assert!(clean.ends_with(&[0x78, 0xFF, 0xD9]), "ends at EOI");
        assert!(
            clean
                .windows(7)
                .any(|w| w == [0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56])
        );
    }

    #[test]
    fn real_images_still_decode_after_cleaning() {
        let img =
            image::RgbImage::from_fn(8, 8, |x, y| image::Rgb([x as u8 * 30, y as u8 * 30, 90]));
        for (format, kind) in [
            (image::ImageFormat::Png, Kind::Png),
            (image::ImageFormat::Jpeg, Kind::Jpeg),
        ] {
            let mut bytes = std::io::Cursor::new(Vec::new());
            img.write_to(&mut bytes, format).expect("encode");
            let bytes = bytes.into_inner();
            assert_eq!(sniff(&bytes), Ok(kind));
            let cleaned = clean(kind, &bytes).expect("clean");
            let back = image::load_from_memory(&cleaned).expect("decodes");
            assert_eq!((back.width(), back.height()), (8, 8));
        }
    }

    #[test]
    fn png_loses_text_chunks() {
        let mut png = PNG_MAGIC.to_vec();
        for (kind, data) in [
            (&b"IHDR"[..], &[0u8; 13][..]),
            (b"tEXt", b"GPS\0here"),
            (b"iCCP", b"profile\0\0x"),
            (b"caBX", b"c2pa"),
            (b"IEND", b""),
        ] {
            png.extend_from_slice(&u32::try_from(data.len()).expect("len").to_be_bytes());
            png.extend_from_slice(kind);
            png.extend_from_slice(data);
            png.extend_from_slice(&[0, 0, 0, 0]);
        }
        let clean = clean(Kind::Png, &png).expect("clean");
        for dropped in [b"tEXt", b"iCCP", b"caBX"] {
            assert!(!clean.windows(4).any(|w| w == dropped));
        }
        assert!(clean.windows(4).any(|w| w == b"IHDR"));
    }

    #[test]
    fn bad_files_are_refused_without_panics() {
        assert_eq!(sniff(b"GIF89a"), Err(SniffError::UnsupportedType));
        assert_eq!(sniff(b"<html>"), Err(SniffError::UnsupportedType));
        assert_eq!(sniff(b"%PDF-1.7 no end"), Err(SniffError::Damaged("PDF")));
        for cut in [3, 5, 7, 12, 30] {
            let mut jpeg = vec![0xFF, 0xD8];
            jpeg.extend(segment(0xE1, &[7u8; 40]));
            jpeg.truncate(cut);
            assert!(strip_jpeg(&jpeg).is_err() || cut >= jpeg.len());
            let mut png = PNG_MAGIC.to_vec();
            png.extend_from_slice(&[0, 0, 0, 200, b'I', b'H', b'D', b'R']);
            png.truncate(cut + 8);
            assert!(strip_png(&png).is_err());
        }
    }
}
