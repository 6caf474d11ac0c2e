//! Stamping and inspecting without outside tools: the API's contract (digests, stored
//! `Prepared` values, PNG forms), and bad inputs, each refused with its own error and never a
//! panic.

mod support;

use std::time::SystemTime;

use mcert_core::crypto::{cms, hash};
use mcert_pdf::{
    MAX_CONTENTS_LEN, PdfError, Prepared, StampPlacement, SubFilter, embed, prepare, signatures,
};
use support::*;

const TIME: &str = "D:20261202134400+08'00'";

fn placement(page: u32, name: &str) -> StampPlacement {
    StampPlacement {
        page,
        rect_pt: [380.0, 80.0, 520.0, 220.0],
        image_png: seal_png(64),
        name: name.into(),
        reason: None,
        signer_name: None,
        seal_binding: None,
        cross_page: false,
    }
}

fn prepared(pdf: &[u8]) -> Prepared {
    prepare(
        pdf,
        &placement(1, "Seal1"),
        SubFilter::AdbePkcs7Detached,
        8192,
        TIME,
    )
    .expect("prepare")
}

fn signed(pdf: &[u8], ca: &TestCa) -> Vec<u8> {
    let p = prepared(pdf);
    let digest = p.sha256().expect("digest");
    embed(p, &ca.sign(&digest)).expect("embed")
}

#[test]
fn the_digest_covers_both_ranges_and_any_hash_can_be_used() {
    let p = prepared(&classic_pdf());
    let [zero, a, b, c] = p.byte_range;
    assert_eq!((zero, b + c), (0, p.bytes.len()));
    assert_eq!((p.bytes[a], p.bytes[b - 1]), (b'<', b'>'));
    assert_eq!(p.contents_capacity(), 8192);
    let mut whole = p.bytes[..a].to_vec();
    whole.extend_from_slice(&p.bytes[b..]);
    assert_eq!(p.sha256().expect("sha256"), hash::sha256(&whole));
    let sm3 = p
        .digest_with(|first, second| hash::sm3(&[first, second].concat()).to_vec())
        .expect("sm3");
    assert_eq!(sm3, hash::sm3(&whole));
    // The placeholder is not signed: the digest is the same after embedding.
    let ca = TestCa::new();
    let out = embed(p.clone(), &ca.sign(&p.sha256().expect("digest"))).expect("embed");
    let sig = &signatures(&out).expect("signatures")[0];
    assert_eq!(
        sig.sha256(&out).expect("digest"),
        p.sha256().expect("digest")
    );
    assert_eq!(sig.byte_range, p.byte_range);
}

#[test]
fn a_stored_prepared_pdf_is_checked_before_embedding() {
    let ca = TestCa::new();
    let p = prepared(&classic_pdf());
    let cms = ca.sign(&p.sha256().expect("digest"));
    let done = embed(p.clone(), &cms).expect("embed");

    // Embedding twice, or into a range that does not match the file, is refused.
    let again = Prepared {
        bytes: done,
        byte_range: p.byte_range,
    };
    assert!(matches!(embed(again, &cms), Err(PdfError::NotPrepared(_))));
    let mut shifted = p.clone();
    shifted.byte_range[1] -= 1;
    assert!(matches!(
        embed(shifted, &cms),
        Err(PdfError::NotPrepared(_))
    ));
    let mut short = p.clone();
    short.bytes.pop();
    assert!(matches!(
        embed(short.clone(), &cms),
        Err(PdfError::NotPrepared(_))
    ));
    assert!(matches!(short.sha256(), Err(PdfError::NotPrepared(_))));
    // A CMS larger than the placeholder.
    let huge = vec![0x30; 8193];
    match embed(p.clone(), &huge) {
        Err(
            e @ PdfError::ContentsTooLarge {
                len: 8193,
                capacity: 8192,
            },
        ) => {
            assert_eq!(e.code(), "pdf_signature_too_large");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(embed(p, &[]), Err(PdfError::NotPrepared(_))));
}

fn stamp_error(pdf: &[u8], stamp: &StampPlacement) -> PdfError {
    prepare(pdf, stamp, SubFilter::AdbePkcs7Detached, 8192, TIME).expect_err("refused")
}

#[test]
fn bad_documents_are_named() {
    let stamp = placement(1, "Seal1");
    for (bytes, code) in [
        (&b""[..], "pdf_not_pdf"),
        (b"GIF89a not a PDF", "pdf_not_pdf"),
        (b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "pdf_xref"),
    ] {
        assert_eq!(stamp_error(bytes, &stamp).code(), code);
        assert_eq!(signatures(bytes).expect_err("refused").code(), code);
    }
    // A table cut in the middle, a startxref past the end, a /Prev loop.
    let pdf = classic_pdf();
    let xref = find(&pdf, b"\nxref\n0 ").expect("xref") + 1;
    let mut cut = pdf[..xref + 40].to_vec();
    cut.extend_from_slice(format!("\nstartxref\n{xref}\n%%EOF\n").as_bytes());
    let e = stamp_error(&cut, &stamp);
    assert!(matches!(e, PdfError::Xref(_)), "{e}");
    assert!(e.to_string().contains("truncated"), "{e}");
    let past = replace(
        &pdf,
        format!("startxref\n{xref}").as_bytes(),
        b"startxref\n999999",
    );
    let e = stamp_error(&past, &stamp);
    assert!(e.to_string().contains("outside the file"), "{e}");
    let looped = replace(
        &pdf,
        b"/Size 9 ",
        format!("/Size 9 /Prev {xref} ").as_bytes(),
    );
    let e = stamp_error(&looped, &stamp);
    assert!(e.to_string().contains("loops"), "{e}");
    // Encrypted files are not stamped.
    let enc = replace(&pdf, b"/Size 9 ", b"/Size 9 /Encrypt 8 0 R ");
    assert_eq!(stamp_error(&enc, &stamp).code(), "pdf_unsupported");
    // No catalog.
    let no_root = replace(&pdf, b"/Root 1 0 R", b"/Root 99 0 R");
    assert_eq!(stamp_error(&no_root, &stamp).code(), "pdf_structure");
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// `hay` with the first `from` replaced by `to` (bytes after it shift, as an editor would).
fn replace(hay: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let at = find(hay, from).expect("present");
    [&hay[..at], to, &hay[at + from.len()..]].concat()
}

#[test]
fn bad_stamps_are_named() {
    let pdf = xref_stream_pdf();
    for page in [0, 3] {
        match stamp_error(&pdf, &placement(page, "Seal1")) {
            PdfError::PageOutOfRange { page: p, pages: 2 } => assert_eq!(p, page),
            other => panic!("{other:?}"),
        }
    }
    let mut s = placement(1, "Seal1");
    s.rect_pt = [100.0, 100.0, 50.0, 200.0];
    assert_eq!(stamp_error(&pdf, &s).code(), "pdf_stamp_invalid");
    s.rect_pt = [f32::NAN, 0.0, 10.0, 10.0];
    assert_eq!(stamp_error(&pdf, &s).code(), "pdf_stamp_invalid");
    s.rect_pt = [700.0, 900.0, 800.0, 1000.0];
    assert!(stamp_error(&pdf, &s).to_string().contains("outside"));
    let mut s = placement(1, "Seal1");
    s.image_png = b"\x89PNG\r\n\x1a\ntruncated".to_vec();
    assert_eq!(stamp_error(&pdf, &s).code(), "pdf_stamp_invalid");
    s.image_png = b"JFIF".to_vec();
    assert!(stamp_error(&pdf, &s).to_string().contains("not a PNG"));
    for name in ["", "a.b"] {
        assert_eq!(
            stamp_error(&pdf, &placement(1, name)).code(),
            "pdf_stamp_invalid"
        );
    }
    for time in [
        "yesterday",
        "2026-12-02",
        "D:2026x",
        "2026-12-02T13:44:00+0800",
        "D:２０２６",
    ] {
        let e = prepare(
            &pdf,
            &placement(1, "S"),
            SubFilter::AdbePkcs7Detached,
            8192,
            time,
        )
        .expect_err(time);
        assert_eq!(e.code(), "pdf_stamp_invalid", "{time}");
    }
    for len in [0, MAX_CONTENTS_LEN + 1] {
        let e = prepare(
            &pdf,
            &placement(1, "S"),
            SubFilter::AdbePkcs7Detached,
            len,
            TIME,
        )
        .expect_err("size");
        assert_eq!(e.code(), "pdf_stamp_invalid");
    }
    // A second field of the same name.
    let ca = TestCa::new();
    let once = signed(&pdf, &ca);
    match stamp_error(&once, &placement(2, "Seal1")) {
        PdfError::FieldExists(name) => assert_eq!(name, "Seal1"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn rfc3339_times_become_pdf_dates() {
    let pdf = classic_pdf();
    for (time, m) in [
        ("2026-12-02T13:44:00+08:00", "D:20261202134400+08'00'"),
        ("2026-12-02T05:44:00.123Z", "D:20261202054400Z"),
        ("D:20261202", "D:20261202"),
    ] {
        let p = prepare(
            &pdf,
            &placement(1, "S"),
            SubFilter::AdbePkcs7Detached,
            4096,
            time,
        )
        .expect(time);
        let ca = TestCa::new();
        let digest = p.sha256().expect("digest");
        let out = embed(p, &ca.sign(&digest)).expect("embed");
        let sig = &signatures(&out).expect("signatures")[0];
        assert_eq!(sig.signing_time.as_deref(), Some(m));
    }
}

#[test]
fn grey_palette_and_opaque_pngs_are_accepted() {
    let pdf = classic_pdf();
    let encode =
        |color: png::ColorType, depth: png::BitDepth, data: &[u8], palette: Option<&[u8]>| {
            let mut out = Vec::new();
            {
                let mut enc = png::Encoder::new(&mut out, 4, 2);
                enc.set_color(color);
                enc.set_depth(depth);
                if let Some(p) = palette {
                    enc.set_palette(p.to_vec());
                    enc.set_trns(vec![0u8, 255]);
                }
                let mut w = enc.write_header().expect("header");
                w.write_image_data(data).expect("data");
            }
            out
        };
    let pngs = [
        encode(
            png::ColorType::Grayscale,
            png::BitDepth::Eight,
            &[9; 8],
            None,
        ),
        encode(
            png::ColorType::Rgb,
            png::BitDepth::Sixteen,
            &[200; 48],
            None,
        ),
        encode(
            png::ColorType::Indexed,
            png::BitDepth::One,
            &[0b1010_0000, 0b0101_0000],
            Some(&[255, 255, 255, 214, 24, 30]),
        ),
    ];
    for image_png in pngs {
        let mut s = placement(1, "S");
        s.image_png = image_png;
        prepare(&pdf, &s, SubFilter::AdbePkcs7Detached, 4096, TIME).expect("prepare");
    }
}

/// Cut or damaged stamped files give errors (or partial answers), never panics.
#[test]
fn damaged_files_never_panic() {
    let ca = TestCa::new();
    for original in [classic_pdf(), xref_stream_pdf()] {
        let pdf = signed(&original, &ca);
        let stamp = placement(2, "Seal2");
        let step = (pdf.len() / 150).max(1);
        for cut in (0..pdf.len()).step_by(step) {
            let _ = signatures(&pdf[..cut]);
            let _ = prepare(
                &pdf[..cut],
                &stamp,
                SubFilter::AdbePkcs7Detached,
                4096,
                TIME,
            );
        }
        let mut seed = 0x2545_f491_u32;
        for _ in 0..300 {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            let mut bad = pdf.clone();
            let at = seed as usize % bad.len();
            bad[at] = (seed >> 8) as u8;
            let _ = signatures(&bad);
            let _ = prepare(&bad, &stamp, SubFilter::AdbePkcs7Detached, 4096, TIME);
        }
    }
}

#[test]
fn a_signature_verifies_with_the_core_cms() {
    let ca = TestCa::new();
    let pdf = signed(&xref_stream_pdf(), &ca);
    let sigs = signatures(&pdf).expect("signatures");
    let v = cms::verify_detached(&sigs[0].contents, &sigs[0].sha256(&pdf).expect("digest"))
        .expect("verifies");
    assert_eq!(v.signer, ca.signer);
    assert!(v.signing_time.is_some_and(|t| t <= SystemTime::now()));
}
