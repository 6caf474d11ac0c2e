//! Shared by the stamping tests: the skip-or-fail rule for missing tools, scratch folders, a
//! P-256 test CA made by mcert-core, a red seal PNG drawn here, and hand-written PDFs (a classic
//! one, and one with an object stream and an xref stream).

#![allow(dead_code)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, SystemTime};

use mcert_core::crypto::name::SubjectName;
use mcert_core::crypto::x509::{self, CertificateTemplate, Issuer, Profile};
use mcert_core::crypto::{Algorithm, PrivateKey, cms};

pub fn required() -> bool {
    std::env::var("MCERT_REQUIRE_UI").is_ok_and(|v| v == "1")
}

/// Skips (prints why and returns `None`) or, under `MCERT_REQUIRE_UI=1`, fails.
pub fn unavailable<T>(what: &str) -> Option<T> {
    assert!(!required(), "MCERT_REQUIRE_UI=1 but {what}");
    let _ = writeln!(std::io::stderr(), "NOTICE: mcert-pdf test skipped: {what}");
    None
}

/// A fresh folder for this test's files.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mcert-pdf-{}-{name}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Removes a test's folder, or keeps it when `MCERT_PDF_KEEP` is set.
pub fn done(dir: &Path) {
    if std::env::var_os("MCERT_PDF_KEEP").is_some() {
        eprintln!("kept {}", dir.display());
    } else {
        std::fs::remove_dir_all(dir).ok();
    }
}

pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write");
    path
}

/// The stranger verifiers: pyHanko's command line and poppler's `pdfsig`, `pdftoppm`,
/// `pdftotext`.
#[derive(Debug)]
pub struct Tools {
    pub pyhanko: PathBuf,
}

/// pyHanko is found through `MCERT_PYHANKO` (its virtualenv's `bin` folder or the program),
/// else on `PATH`.
fn pyhanko() -> Option<PathBuf> {
    if let Ok(v) = std::env::var("MCERT_PYHANKO") {
        let p = PathBuf::from(v);
        let program = if p.is_dir() { p.join("pyhanko") } else { p };
        if program.exists() {
            return Some(program);
        }
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("pyhanko"))
            .find(|p| p.exists())
    })
}

pub fn tools() -> Option<Tools> {
    for tool in ["pdfsig", "pdftoppm", "pdftotext"] {
        if Command::new(tool).arg("-v").output().is_err() {
            return unavailable(&format!("poppler tool {tool} is not installed"));
        }
    }
    match pyhanko() {
        Some(pyhanko) => Some(Tools { pyhanko }),
        None => {
            unavailable("pyHanko is not installed (set MCERT_PYHANKO to its venv's bin folder)")
        }
    }
}

pub fn run(program: &Path, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{} cannot run: {e}", program.display()))
}

pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A P-256 root CA and a personal signing certificate under it, made by mcert-core.
#[derive(Debug)]
pub struct TestCa {
    pub root: x509_cert::Certificate,
    pub signer_key: PrivateKey,
    pub signer: x509_cert::Certificate,
}

fn name(cn: &str, org: Option<&str>) -> x509_cert::name::Name {
    SubjectName {
        country: Some("CN".into()),
        organization: org.map(str::to_owned),
        common_name: Some(cn.into()),
        ..Default::default()
    }
    .to_name()
    .expect("name")
}

impl TestCa {
    pub fn new() -> TestCa {
        let now = SystemTime::now() - Duration::from_secs(3600);
        let root_key = PrivateKey::generate(Algorithm::P256).expect("key");
        let template = |profile, subject, key: &PrivateKey| CertificateTemplate {
            profile,
            subject,
            subject_key: key.public_key().clone(),
            serial: None,
            not_before: now,
            not_after: now + Duration::from_secs(30 * 86400),
            crl_url: None,
            ocsp_url: None,
            ca_issuers_url: None,
        };
        let root = x509::issue(
            &template(Profile::RootCa, name("mcert 测试根 CA", None), &root_key),
            Issuer::SelfSigned(&root_key),
        )
        .expect("root");
        let signer_key = PrivateKey::generate(Algorithm::P256).expect("key");
        let signer = x509::issue(
            &template(
                Profile::PersonalLeaf,
                name("陈晓燕", Some("福州星河招投标科技有限公司")),
                &signer_key,
            ),
            Issuer::Ca {
                certificate: &root,
                signer: &root_key,
            },
        )
        .expect("leaf");
        TestCa {
            root,
            signer_key,
            signer,
        }
    }

    pub fn root_pem(&self, dir: &Path) -> PathBuf {
        let pem = x509::to_pem(&self.root).expect("pem");
        write(dir, "root.pem", pem.as_bytes())
    }

    /// The signer's PKCS#8 key and certificate, and the root, as DER files (for pyHanko's own
    /// signer).
    pub fn der_files(&self, dir: &Path) -> [PathBuf; 3] {
        let key = self.signer_key.to_pkcs8_der().expect("pkcs8");
        [
            write(dir, "signer-key.der", &key),
            write(dir, "signer.der", &x509::to_der(&self.signer).expect("der")),
            write(dir, "root.der", &x509::to_der(&self.root).expect("der")),
        ]
    }

    /// A detached CMS over `digest` (SHA-256), carrying the signer's and the root's certificate.
    pub fn sign(&self, digest: &[u8]) -> Vec<u8> {
        cms::sign_detached(
            digest,
            &self.signer_key,
            &self.signer,
            std::slice::from_ref(&self.root),
            SystemTime::now(),
        )
        .expect("cms")
    }
}

/// Seal red.
pub const RED: [u8; 3] = [214, 24, 30];

/// A round red seal, `side` pixels square, on a transparent background: a ring and a
/// five-pointed star (no text, so no font is needed).
pub fn seal_png(side: u32) -> Vec<u8> {
    let c = f64::from(side) / 2.0;
    let (outer, inner, star) = (c * 0.96, c * 0.82, c * 0.42);
    // The star's ten corners, alternating outer and inner radius.
    let corners: Vec<(f64, f64)> = (0..10)
        .map(|i| {
            let r = if i % 2 == 0 { star } else { star * 0.4 };
            let a = std::f64::consts::PI * (f64::from(i) / 5.0 - 0.5);
            (c + r * a.cos(), c + r * a.sin())
        })
        .collect();
    let inside_star = |x: f64, y: f64| {
        let mut inside = false;
        for i in 0..corners.len() {
            let (xi, yi) = corners[i];
            let (xj, yj) = corners[(i + corners.len() - 1) % corners.len()];
            if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi {
                inside = !inside;
            }
        }
        inside
    };
    let mut rgba = Vec::with_capacity((side * side * 4) as usize);
    for y in 0..side {
        for x in 0..side {
            let (fx, fy) = (f64::from(x) + 0.5, f64::from(y) + 0.5);
            let d = ((fx - c).powi(2) + (fy - c).powi(2)).sqrt();
            let ink = (d <= outer && d >= inner) || inside_star(fx, fy);
            rgba.extend_from_slice(&RED);
            rgba.push(if ink { 255 } else { 0 });
        }
    }
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, side, side);
        enc.set_color(png::ColorType::Rgba);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header().expect("png header");
        w.write_image_data(&rgba).expect("png data");
    }
    out
}

/// Decodes a PNG (as pdftoppm writes them) to 8-bit RGB rows.
pub fn decode_rgb(png_bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut d = png::Decoder::new(std::io::Cursor::new(png_bytes));
    d.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut r = d.read_info().expect("png");
    let mut buf = vec![0; r.output_buffer_size().expect("size")];
    let info = r.next_frame(&mut buf).expect("frame");
    let channels = buf.len() / (info.width * info.height) as usize;
    let rgb = buf
        .chunks(channels)
        .flat_map(|p| match p {
            [r, g, b, ..] => [*r, *g, *b],
            [g, ..] => [*g, *g, *g],
            [] => [0, 0, 0],
        })
        .collect();
    (info.width, info.height, rgb)
}

fn flate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}

fn page_content(page: u32) -> Vec<u8> {
    format!(
        "0.85 g 60 600 475 150 re f 0 g BT /F1 24 Tf 72 700 Td (Tender document page {page}) Tj ET"
    )
    .into_bytes()
}

/// A two-page PDF with a classic cross-reference table, the pages' `/MediaBox` inherited from
/// the page tree (written here by hand, so no font is needed).
pub fn classic_pdf() -> Vec<u8> {
    let mut out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    let mut obj = |out: &mut Vec<u8>, body: Vec<u8>| {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", offsets.len()).as_bytes());
        out.extend_from_slice(&body);
        out.extend_from_slice(b"\nendobj\n");
    };
    obj(&mut out, b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    obj(
        &mut out,
        b"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 /MediaBox [0 0 595 842] >>".to_vec(),
    );
    for (content, _) in [(5, 1), (6, 2)] {
        obj(
            &mut out,
            format!("<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 7 0 R >> >> /Contents {content} 0 R >>").into_bytes(),
        );
    }
    for page in 1..=2 {
        let data = page_content(page);
        let mut body = format!("<< /Length {} >>\nstream\n", data.len()).into_bytes();
        body.extend_from_slice(&data);
        body.extend_from_slice(b"\nendstream");
        obj(&mut out, body);
    }
    obj(
        &mut out,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
    );
    obj(&mut out, b"<< /Producer (mcert test) >>".to_vec());
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f\r\n", offsets.len() + 1).as_bytes(),
    );
    for o in &offsets {
        out.extend_from_slice(format!("{o:010} 00000 n\r\n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /Info 8 0 R /ID [<00112233445566778899AABBCCDDEEFF> <00112233445566778899AABBCCDDEEFF>] >>\nstartxref\n{xref}\n%%EOF\n",
            offsets.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// The same two pages with the catalog, page tree, pages and font in a compressed object stream
/// and an xref stream with the PNG "Up" predictor, as qpdf `--object-streams=generate` writes.
pub fn xref_stream_pdf() -> Vec<u8> {
    let mut out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let in_stream: [(u32, String); 5] = [
        (1, "<< /Type /Catalog /Pages 2 0 R >>".into()),
        (
            2,
            "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 /MediaBox [0 0 595 842] >>".into(),
        ),
        (
            3,
            "<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 8 0 R >> >> /Contents 5 0 R >>".into(),
        ),
        (
            4,
            "<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 8 0 R >> >> /Contents 6 0 R >>".into(),
        ),
        (8, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".into()),
    ];
    let mut offsets = std::collections::BTreeMap::new();
    // Content streams 5 and 6 (streams cannot live in object streams).
    for (num, page) in [(5u32, 1u32), (6, 2)] {
        offsets.insert(num, out.len());
        let data = flate(&page_content(page));
        out.extend_from_slice(
            format!(
                "{num} 0 obj\n<< /Length {} /Filter /FlateDecode >>\nstream\n",
                data.len()
            )
            .as_bytes(),
        );
        out.extend_from_slice(&data);
        out.extend_from_slice(b"\nendstream\nendobj\n");
    }
    // Object stream 7.
    let mut header = String::new();
    let mut body = String::new();
    for (num, text) in &in_stream {
        header.push_str(&format!("{num} {} ", body.len()));
        body.push_str(text);
        body.push('\n');
    }
    let data = flate(format!("{header}{body}").as_bytes());
    offsets.insert(7, out.len());
    out.extend_from_slice(
        format!(
            "7 0 obj\n<< /Type /ObjStm /N {} /First {} /Length {} /Filter /FlateDecode >>\nstream\n",
            in_stream.len(),
            header.len(),
            data.len()
        )
        .as_bytes(),
    );
    out.extend_from_slice(&data);
    out.extend_from_slice(b"\nendstream\nendobj\n");
    // Xref stream 9: rows of [type, field2 (2 bytes), field3 (2 bytes)], "Up"-predicted.
    let xref_at = out.len();
    offsets.insert(9, xref_at);
    let mut rows: Vec<[u8; 5]> = vec![[0, 0, 0, 0xff, 0xff]];
    for num in 1..=9u32 {
        let row = if let Some(i) = in_stream.iter().position(|(n, _)| *n == num) {
            [2, 0, 7, 0, i as u8]
        } else {
            let o = offsets[&num] as u16;
            [1, (o >> 8) as u8, o as u8, 0, 0]
        };
        rows.push(row);
    }
    let mut predicted = Vec::new();
    let mut prev = [0u8; 5];
    for row in &rows {
        predicted.push(2);
        predicted.extend(row.iter().zip(prev).map(|(a, b)| a.wrapping_sub(b)));
        prev = *row;
    }
    let data = flate(&predicted);
    out.extend_from_slice(
        format!(
            "9 0 obj\n<< /Type /XRef /Size 10 /W [1 2 2] /Root 1 0 R /ID [<A1A2A3A4A5A6A7A8A9AAABACADAEAFB0> <A1A2A3A4A5A6A7A8A9AAABACADAEAFB0>] /Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 5 >> /Length {} >>\nstream\n",
            data.len()
        )
        .as_bytes(),
    );
    out.extend_from_slice(&data);
    out.extend_from_slice(format!("\nendstream\nendobj\nstartxref\n{xref_at}\n%%EOF\n").as_bytes());
    out
}
