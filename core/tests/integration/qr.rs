//! QR decoding on synthetic camera frames, padded strides, PNG and JPEG files.

use mcert_core::device::qr::{
    Engine, LumaFrame, QrError, decode_frame, decode_image, encode_png, synth,
};

/// A small slice of the benchmark's set (which reports the full figures): the default engine
/// must read nearly all codes and never invent one.
#[test]
fn decodes_the_synthetic_camera_set() {
    let set = synth::test_set(101, 40, 10);
    let mut hits = 0;
    for sample in &set {
        let frame = LumaFrame {
            width: sample.width,
            height: sample.height,
            row_stride: sample.width,
            data: &sample.pixels,
        };
        let found = decode_frame(&frame, Engine::Auto).expect("decode");
        match &sample.payload {
            Some(p) => {
                if found.contains(p) {
                    hits += 1;
                }
                assert!(found.len() <= 1, "extra codes in {}", sample.description);
            }
            None => assert!(found.is_empty(), "false positive: {found:?}"),
        }
    }
    assert!(hits >= 36, "only {hits}/40 decoded");
}

/// Camera planes often have row padding: the decoder must honour the stride.
#[test]
fn honours_row_stride() {
    let set = synth::test_set(5, 3, 0);
    for sample in &set {
        let stride = sample.width + 64;
        let mut padded = vec![0x55u8; stride * sample.height];
        for y in 0..sample.height {
            padded[y * stride..y * stride + sample.width]
                .copy_from_slice(&sample.pixels[y * sample.width..(y + 1) * sample.width]);
        }
        let tight = decode_frame(
            &LumaFrame {
                width: sample.width,
                height: sample.height,
                row_stride: sample.width,
                data: &sample.pixels,
            },
            Engine::Auto,
        )
        .expect("decode");
        let strided = decode_frame(
            &LumaFrame {
                width: sample.width,
                height: sample.height,
                row_stride: stride,
                data: &padded,
            },
            Engine::Auto,
        )
        .expect("decode");
        assert_eq!(tight, strided);
    }
    // A buffer one byte short of height × stride is refused.
    let data = vec![0u8; 64 * 9 + 31];
    let err = decode_frame(
        &LumaFrame {
            width: 32,
            height: 10,
            row_stride: 64,
            data: &data,
        },
        Engine::Auto,
    );
    assert!(matches!(err, Err(QrError::InvalidFrame(_))));
}

#[test]
fn reads_png_and_jpeg_files() {
    let text = "mcert.01JD3T9W6R8Q2XK4M5N7P9S1V3.17.3f5a9c0e1b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e";
    let png = encode_png(text, 6).expect("png");
    assert_eq!(decode_image(&png, Engine::Auto).expect("png"), vec![text]);
    let img = image::load_from_memory(&png).expect("load").to_luma8();
    let mut jpeg = Vec::new();
    img.write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
        &mut jpeg, 60,
    ))
    .expect("jpeg");
    assert_eq!(decode_image(&jpeg, Engine::Auto).expect("jpeg"), vec![text]);
    // Two codes in one picture: both are returned.
    let second = "mcert.second.0.00";
    let a = image::load_from_memory(&png).expect("a").to_luma8();
    let b = image::load_from_memory(&encode_png(second, 6).expect("b"))
        .expect("b")
        .to_luma8();
    let mut both = image::GrayImage::from_pixel(
        a.width() + b.width() + 40,
        a.height().max(b.height()),
        image::Luma([255]),
    );
    image::imageops::overlay(&mut both, &a, 0, 0);
    image::imageops::overlay(&mut both, &b, i64::from(a.width()) + 40, 0);
    let mut buf = std::io::Cursor::new(Vec::new());
    both.write_to(&mut buf, image::ImageFormat::Png)
        .expect("png");
    let found = decode_image(buf.get_ref(), Engine::Auto).expect("decode");
    assert!(found.contains(&text.to_string()), "{found:?}");
}
