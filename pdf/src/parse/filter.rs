//! Stream filters needed to read a file's structure (§7.4): `FlateDecode` with the PNG and TIFF
//! predictors (§7.4.4.4), as cross-reference and object streams use them. Decoding is capped so
//! that a compressed bomb cannot exhaust memory.

use super::object::{Dict, Object};

/// The most bytes one structural stream may decode to.
pub(crate) const MAX_DECODED: usize = 64 * 1024 * 1024;

/// Decodes a stream's data by its `/Filter` and `/DecodeParms`. Only what structural streams use
/// is supported; anything else is refused with its name.
pub(crate) fn decode(dict: &Dict, data: &[u8]) -> Result<Vec<u8>, String> {
    let filters: Vec<&Object> = match dict.get(b"Filter") {
        None => Vec::new(),
        Some(f @ Object::Name(_)) => vec![f],
        Some(Object::Array(list)) => list.iter().collect(),
        Some(other) => return Err(format!("/Filter is a {}", other.type_name())),
    };
    let parms: Vec<Option<&Dict>> = match dict.get(b"DecodeParms") {
        None => vec![None; filters.len()],
        Some(Object::Dict(d)) => vec![Some(d)],
        Some(Object::Array(list)) => list
            .iter()
            .map(|p| match p {
                Object::Dict(d) => Some(d),
                _ => None,
            })
            .collect(),
        Some(other) => return Err(format!("/DecodeParms is a {}", other.type_name())),
    };
    let mut bytes = data.to_vec();
    for (i, filter) in filters.iter().enumerate() {
        let Object::Name(name) = filter else {
            return Err(format!("filter is a {}", filter.type_name()));
        };
        bytes = match name.as_slice() {
            b"FlateDecode" | b"Fl" => {
                let raw = inflate(&bytes)?;
                match parms.get(i).copied().flatten() {
                    Some(p) => predict(p, raw)?,
                    None => raw,
                }
            }
            other => {
                return Err(format!(
                    "filter /{} is not supported for structural streams",
                    String::from_utf8_lossy(other)
                ));
            }
        };
    }
    Ok(bytes)
}

fn inflate(data: &[u8]) -> Result<Vec<u8>, String> {
    use miniz_oxide::inflate::TINFLStatus;
    match miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(data, MAX_DECODED) {
        Ok(v) => Ok(v),
        Err(e) if e.status == TINFLStatus::HasMoreOutput => {
            Err(format!("stream decodes to more than {MAX_DECODED} bytes"))
        }
        // A missing Adler-32 or a truncated tail still leaves usable data, as readers accept.
        Err(e) if !e.output.is_empty() => Ok(e.output),
        Err(e) => Err(format!("FlateDecode failed: {:?}", e.status)),
    }
}

fn parm(p: &Dict, key: &[u8], default: i64) -> i64 {
    p.int(key).unwrap_or(default)
}

/// Undoes a predictor (§7.4.4.4, Table 8).
fn predict(p: &Dict, data: Vec<u8>) -> Result<Vec<u8>, String> {
    let predictor = parm(p, b"Predictor", 1);
    if predictor == 1 {
        return Ok(data);
    }
    let colors = parm(p, b"Colors", 1);
    let bpc = parm(p, b"BitsPerComponent", 8);
    let columns = parm(p, b"Columns", 1);
    if !(1..=32).contains(&colors)
        || ![1, 2, 4, 8, 16].contains(&bpc)
        || !(1..=1 << 20).contains(&columns)
    {
        return Err("predictor parameters out of range".into());
    }
    // Bytes per pixel (at least 1) and per row; all three are small by the checks above.
    let bpp = ((colors * bpc + 7) / 8) as usize;
    let row_len = ((colors * bpc * columns + 7) / 8) as usize;
    match predictor {
        2 => tiff(data, bpc, bpp, row_len),
        10..=15 => png(&data, bpp, row_len),
        other => Err(format!("predictor {other} is not supported")),
    }
}

fn tiff(mut data: Vec<u8>, bpc: i64, bpp: usize, row_len: usize) -> Result<Vec<u8>, String> {
    if bpc != 8 {
        return Err("TIFF predictor with other than 8 bits per component".into());
    }
    for row in data.chunks_mut(row_len) {
        for i in bpp..row.len() {
            row[i] = row[i].wrapping_add(row[i - bpp]);
        }
    }
    Ok(data)
}

fn png(data: &[u8], bpp: usize, row_len: usize) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(data.len());
    let mut prev = vec![0u8; row_len];
    for chunk in data.chunks(row_len + 1) {
        // A short last row is tolerated; it is decoded as far as it goes.
        let (&tag, row) = chunk.split_first().ok_or("empty predictor row")?;
        let mut cur = row.to_vec();
        for i in 0..cur.len() {
            let left = if i >= bpp { cur[i - bpp] } else { 0 };
            let up = prev[i];
            let up_left = if i >= bpp { prev[i - bpp] } else { 0 };
            cur[i] = match tag {
                0 => cur[i],
                1 => cur[i].wrapping_add(left),
                2 => cur[i].wrapping_add(up),
                3 => cur[i].wrapping_add(((u16::from(left) + u16::from(up)) / 2) as u8),
                4 => cur[i].wrapping_add(paeth(left, up, up_left)),
                other => return Err(format!("PNG predictor row type {other}")),
            };
        }
        prev[..cur.len()].copy_from_slice(&cur);
        out.extend_from_slice(&cur);
    }
    Ok(out)
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let p = i16::from(a) + i16::from(b) - i16::from(c);
    let (pa, pb, pc) = (
        (p - i16::from(a)).abs(),
        (p - i16::from(b)).abs(),
        (p - i16::from(c)).abs(),
    );
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

/// Compresses with zlib (for the streams this crate writes).
pub(crate) fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_up_predictor_round_trip() {
        // Two rows of 3 columns, "Up" encoded.
        let rows = [[1u8, 2, 3], [5, 7, 9]];
        let mut encoded = Vec::new();
        encoded.push(2);
        encoded.extend_from_slice(&rows[0]);
        encoded.push(2);
        encoded.extend(rows[1].iter().zip(rows[0]).map(|(a, b)| a.wrapping_sub(b)));
        let parms = Dict::new()
            .with(b"Predictor", Object::Int(12))
            .with(b"Columns", Object::Int(3));
        let dict = Dict::new()
            .with(b"Filter", Object::name("FlateDecode"))
            .with(b"DecodeParms", Object::Dict(parms));
        let out = decode(&dict, &deflate(&encoded)).expect("decode");
        assert_eq!(out, [1, 2, 3, 5, 7, 9]);
        let bad = Dict::new().with(b"Filter", Object::name("LZWDecode"));
        assert!(decode(&bad, b"").expect_err("LZW").contains("LZWDecode"));
    }
}
