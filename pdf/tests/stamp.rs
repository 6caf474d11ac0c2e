//! Stamped PDFs checked by strangers: pyHanko (`pyhanko sign validate`, trusting the test root
//! made by mcert-core) and poppler (`pdfsig`, `pdftoppm`, `pdftotext`).
//!
//! pdfsig is run without an NSS database holding the test root, so it says "Certificate issuer
//! isn't Trusted."; these tests assert only its verdict on the signature itself, and leave trust
//! to pyHanko. Without the tools (or, for the letter, the CJK font) the tests print a notice
//! and pass, unless `MCERT_REQUIRE_UI=1`, where they fail instead.

mod support;

use std::path::Path;

use mcert_core::crypto::cms;
use mcert_pdf::{
    Document, Font, Page, SignatureInfo, StampPlacement, SubFilter, embed, prepare, signatures,
    signed_revision,
};
use support::*;

const SEAL_RECT: [f32; 4] = [380.0, 80.0, 520.0, 220.0];

fn placement(page: u32, name: &str) -> StampPlacement {
    StampPlacement {
        page,
        rect_pt: SEAL_RECT,
        image_png: seal_png(240),
        name: name.into(),
        reason: Some("投标文件盖章".into()),
        signer_name: Some("陈晓燕".into()),
        seal_binding: None,
        cross_page: false,
    }
}

/// One prepare → sign → embed round.
fn stamp(pdf: &[u8], ca: &TestCa, page: u32, name: &str, sub_filter: SubFilter) -> Vec<u8> {
    let prepared = prepare(
        pdf,
        &placement(page, name),
        sub_filter,
        16 * 1024,
        "2026-12-02T13:44:00+08:00",
    )
    .expect("prepare");
    assert_eq!(&prepared.bytes[..pdf.len()], pdf, "original bytes changed");
    let digest = prepared.sha256().expect("digest");
    embed(prepared, &ca.sign(&digest)).expect("embed")
}

/// What `pyhanko sign validate --pretty-print` says of one signature field.
#[derive(Debug, Default)]
struct Verdict {
    field: String,
    trusted: bool,
    sound: bool,
    whole_file: bool,
    modifications: String,
    valid: bool,
}

/// Runs pyHanko and parses its pretty-printed report: one verdict per field, and the output.
fn pyhanko(tools: &Tools, root: &Path, pdf: &Path) -> (Vec<Verdict>, String) {
    let out = run(
        &tools.pyhanko,
        &[
            "sign",
            "validate",
            "--pretty-print",
            "--trust-replace",
            "--trust",
            root.to_str().expect("path"),
            pdf.to_str().expect("path"),
        ],
    );
    let report = text(&out);
    let mut verdicts: Vec<Verdict> = Vec::new();
    let mut in_modifications = false;
    for line in report.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("Field ")
            && let Some((_, name)) = rest.split_once(": ")
        {
            verdicts.push(Verdict {
                field: name.to_owned(),
                ..Verdict::default()
            });
            continue;
        }
        let Some(v) = verdicts.last_mut() else {
            continue;
        };
        match line {
            "The signer's certificate is trusted." => v.trusted = true,
            "The signature is cryptographically sound." => v.sound = true,
            "The signature covers the entire file." => v.whole_file = true,
            "The signature is judged VALID." => v.valid = true,
            "Modifications" => in_modifications = true,
            "Bottom line" => in_modifications = false,
            _ if in_modifications && !line.starts_with("---") => {
                v.modifications.push_str(line);
            }
            _ => {}
        }
    }
    assert_eq!(
        out.status.success(),
        verdicts.iter().all(|v| v.valid),
        "pyHanko's exit status and report disagree:\n{report}"
    );
    (verdicts, report)
}

/// `pdfsig`'s "Signature Validation:" line for each signature, and the output.
fn pdfsig(pdf: &Path) -> (Vec<String>, String) {
    let out = run(Path::new("pdfsig"), &[pdf.to_str().expect("path")]);
    let report = text(&out);
    let lines = report
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- Signature Validation: "))
        .map(str::to_owned)
        .collect();
    (lines, report)
}

/// Every signature's CMS verifies over its byte ranges (the caller's check, with mcert-core).
fn verify_with_core(pdf: &[u8]) -> Vec<SignatureInfo> {
    let sigs = signatures(pdf).expect("signatures");
    for sig in &sigs {
        let digest = sig.sha256(pdf).expect("digest");
        cms::verify_detached(&sig.contents, &digest).expect("CMS verifies");
        let revision = signed_revision(pdf, sig).expect("revision");
        assert_eq!(revision.len(), sig.revision_end);
        assert!(revision.ends_with(b"%%EOF\n"));
    }
    sigs
}

fn assert_all_valid(tools: &Tools, root: &Path, file: &Path, fields: &[&str]) {
    let (verdicts, report) = pyhanko(tools, root, file);
    let names: Vec<&str> = verdicts.iter().map(|v| v.field.as_str()).collect();
    assert_eq!(names, fields, "{report}");
    for v in &verdicts {
        assert!(v.trusted && v.sound && v.valid, "{v:?}\n{report}");
    }
    let last = verdicts.last().expect("a signature");
    assert!(last.whole_file, "{report}");
    for earlier in &verdicts[..verdicts.len() - 1] {
        assert!(
            earlier
                .modifications
                .contains("All modifications relate to signing and form filling operations"),
            "{earlier:?}\n{report}"
        );
    }
    let (lines, report) = pdfsig(file);
    assert_eq!(lines.len(), fields.len(), "{report}");
    assert!(lines.iter().all(|l| l == "Signature is Valid."), "{report}");
    assert!(report.contains("Total document signed"), "{report}");
}

fn cjk_font() -> Option<Font> {
    match Font::system_cjk() {
        Ok(font) => Some(font),
        Err(e) => unavailable(&format!("no system CJK font ({e})")),
    }
}

/// A two-page bid document in Chinese rendered by this crate, with text under the seal's place.
fn bid_document(font: &Font) -> Vec<u8> {
    let mut doc = Document::new("投标文件");
    for n in 1..=2 {
        let mut page = Page::a4();
        page.text(72.0, 90.0, 20.0, &format!("投标文件 第{n}页"))
            .text(72.0, 130.0, 12.0, "项目编号：FZ-2026-0815")
            .text(360.0, 700.0, 14.0, "投标人（盖章）：");
        doc.push(page);
    }
    doc.render(font).expect("render")
}

fn render_page_one(dir: &Path, file: &Path, name: &str) -> (u32, u32, Vec<u8>) {
    let root = dir.join(name);
    let out = run(
        Path::new("pdftoppm"),
        &[
            "-png",
            "-r",
            "50",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            file.to_str().expect("path"),
            root.to_str().expect("path"),
        ],
    );
    assert!(out.status.success(), "pdftoppm: {}", text(&out));
    decode_rgb(&std::fs::read(root.with_extension("png")).expect("png"))
}

/// Page `n` of `file` rendered at 50 dpi: (width, height, RGB).
fn render_page(dir: &Path, file: &Path, name: &str, n: u32) -> (u32, u32, Vec<u8>) {
    let root = dir.join(name);
    let page = n.to_string();
    let out = run(
        Path::new("pdftoppm"),
        &[
            "-png",
            "-r",
            "50",
            "-f",
            &page,
            "-l",
            &page,
            "-singlefile",
            file.to_str().expect("path"),
            root.to_str().expect("path"),
        ],
    );
    assert!(out.status.success(), "pdftoppm: {}", text(&out));
    decode_rgb(&std::fs::read(root.with_extension("png")).expect("png"))
}

fn pdftotext(file: &Path) -> String {
    let out = run(
        Path::new("pdftotext"),
        &["-enc", "UTF-8", file.to_str().expect("path"), "-"],
    );
    assert!(out.status.success(), "pdftotext: {}", text(&out));
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn a_stamped_bid_document_validates_and_shows_the_seal() {
    let (Some(tools), Some(font)) = (tools(), cjk_font()) else {
        return;
    };
    let dir = scratch("stamp-letter");
    let ca = TestCa::new();
    let root = ca.root_pem(&dir);
    let original = bid_document(&font);
    let stamped = stamp(&original, &ca, 1, "公章1", SubFilter::AdbePkcs7Detached);
    let before = write(&dir, "original.pdf", &original);
    let file = write(&dir, "stamped.pdf", &stamped);

    assert_all_valid(&tools, &root, &file, &["公章1"]);
    let sigs = verify_with_core(&stamped);
    let [sig] = &sigs[..] else {
        panic!("one signature expected: {sigs:?}")
    };
    assert_eq!(sig.field_name, "公章1");
    assert_eq!(sig.sub_filter, "adbe.pkcs7.detached");
    assert_eq!(sig.page, Some(1));
    assert_eq!(sig.rect, Some(SEAL_RECT.map(f64::from)));
    assert_eq!(sig.signer_name.as_deref(), Some("陈晓燕"));
    assert_eq!(sig.reason.as_deref(), Some("投标文件盖章"));
    assert_eq!(sig.signing_time.as_deref(), Some("D:20261202134400+08'00'"));
    assert!(sig.covers_revision && sig.covers_whole_file && sig.changes_after.is_none());

    // The text is the same; the seal is red where it was put, the page unchanged elsewhere.
    assert_eq!(pdftotext(&before), pdftotext(&file));
    let (w, h, orig) = render_page_one(&dir, &before, "original");
    let (w2, h2, now) = render_page_one(&dir, &file, "stamped");
    assert_eq!((w, h), (w2, h2));
    let scale = f64::from(w) / 595.28;
    let px = |pt: f32| (f64::from(pt) * scale).round() as i64;
    let [x0, y0, x1, y1] = SEAL_RECT;
    let (left, right) = (px(x0) - 2, px(x1) + 2);
    let (top, bottom) = (i64::from(h) - px(y1) - 2, i64::from(h) - px(y0) + 2);
    let (mut red, mut inside, mut kept) = (0usize, 0usize, 0usize);
    for y in 0..i64::from(h) {
        for x in 0..i64::from(w) {
            let i = ((y * i64::from(w) + x) * 3) as usize;
            let (a, b) = (&orig[i..i + 3], &now[i..i + 3]);
            if (left..=right).contains(&x) && (top..=bottom).contains(&y) {
                inside += 1;
                if a == b {
                    kept += 1;
                } else {
                    // Ink over paper or text: always a red, never another colour.
                    assert!(b[0] >= b[1] && b[0] >= b[2], "({x},{y}) is {b:?}");
                }
                if b[0] > 150 && b[1] < 90 && b[2] < 90 {
                    red += 1;
                }
            } else {
                assert_eq!(a, b, "page changed outside the stamp at ({x},{y})");
            }
        }
    }
    assert!(red * 100 > inside * 10, "{red} red pixels of {inside}");
    // The transparent background shows the page (and the text under the seal).
    assert!(
        kept * 100 > inside * 30,
        "{kept} unchanged pixels of {inside}"
    );
    done(&dir);
}

#[test]
fn a_second_stamp_on_page_two_keeps_both_valid() {
    let Some(tools) = tools() else { return };
    let dir = scratch("stamp-two");
    let ca = TestCa::new();
    let root = ca.root_pem(&dir);
    let one = stamp(
        &classic_pdf(),
        &ca,
        1,
        "Seal1",
        SubFilter::AdbePkcs7Detached,
    );
    let two = stamp(&one, &ca, 2, "Seal2", SubFilter::AdbePkcs7Detached);
    assert_eq!(&two[..one.len()], &one[..]);
    let file = write(&dir, "two.pdf", &two);
    assert_all_valid(&tools, &root, &file, &["Seal1", "Seal2"]);

    let sigs = verify_with_core(&two);
    assert_eq!(sigs.len(), 2);
    let (first, second) = (&sigs[0], &sigs[1]);
    assert_eq!((first.page, second.page), (Some(1), Some(2)));
    assert_eq!(first.revision_end, one.len());
    assert!(first.covers_revision && !first.covers_whole_file);
    let changes = first
        .changes_after
        .as_ref()
        .expect("changes after the first");
    assert_eq!(changes.bytes, two.len() - one.len());
    assert_eq!(changes.revisions, 1);
    assert!(changes.pages_changed.is_empty(), "{changes:?}");
    assert_eq!(changes.pages_annotated, [2]);
    assert_eq!(changes.later_signatures, ["Seal2"]);
    assert_eq!(
        (changes.page_count_before, changes.page_count_after),
        (2, 2)
    );
    assert!(second.covers_whole_file && second.changes_after.is_none());
    done(&dir);
}

#[test]
fn an_xref_stream_pdf_is_stamped_with_xref_stream_updates() {
    let Some(tools) = tools() else { return };
    let dir = scratch("stamp-xrefstm");
    let ca = TestCa::new();
    let root = ca.root_pem(&dir);
    let original = xref_stream_pdf();
    // poppler reads the hand-made file as it is.
    let orig_file = write(&dir, "original.pdf", &original);
    assert!(pdftotext(&orig_file).contains("Tender document page 2"));

    let one = stamp(&original, &ca, 1, "Seal1", SubFilter::EtsiCadesDetached);
    let two = stamp(&one, &ca, 2, "Seal2", SubFilter::EtsiCadesDetached);
    for update in [&one[original.len()..], &two[one.len()..]] {
        assert!(
            find(update, b"/Type /XRef").is_some(),
            "no xref stream in the update"
        );
        assert!(
            find(update, b"\nxref\n").is_none(),
            "a classic table in the update"
        );
    }
    let file = write(&dir, "two.pdf", &two);
    assert_all_valid(&tools, &root, &file, &["Seal1", "Seal2"]);
    let sigs = verify_with_core(&two);
    assert!(sigs.iter().all(|s| s.sub_filter == "ETSI.CAdES.detached"));

    // AdES-style validation of the PAdES signatures (the test certificates name no CRL or
    // OCSP responder, hence no revocation check).
    let out = run(
        &tools.pyhanko,
        &[
            "sign",
            "adesverify",
            "--no-revocation-check",
            "--pretty-print",
            "--trust-replace",
            "--trust",
            root.to_str().expect("path"),
            file.to_str().expect("path"),
        ],
    );
    let report = text(&out);
    assert!(out.status.success(), "{report}");
    assert_eq!(
        report.matches("The signature is judged VALID.").count(),
        2,
        "{report}"
    );
    done(&dir);
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[test]
fn a_changed_byte_breaks_the_signature() {
    let Some(tools) = tools() else { return };
    let dir = scratch("stamp-tamper");
    let ca = TestCa::new();
    let root = ca.root_pem(&dir);
    let mut pdf = stamp(
        &classic_pdf(),
        &ca,
        1,
        "Seal1",
        SubFilter::AdbePkcs7Detached,
    );
    // One letter of the document information, inside the first byte range.
    let at = find(&pdf, b"(mcert test)").expect("producer") + 1;
    pdf[at] = b'M';
    let sigs = signatures(&pdf).expect("still readable");
    assert!(at < sigs[0].byte_range[1]);
    let digest = sigs[0].sha256(&pdf).expect("digest");
    assert!(cms::verify_detached(&sigs[0].contents, &digest).is_err());

    let file = write(&dir, "tampered.pdf", &pdf);
    let (verdicts, report) = pyhanko(&tools, &root, &file);
    assert_eq!(verdicts.len(), 1, "{report}");
    assert!(!verdicts[0].sound && !verdicts[0].valid, "{report}");
    assert!(
        report.contains("The signature is cryptographically unsound."),
        "{report}"
    );
    let (lines, report) = pdfsig(&file);
    assert_eq!(lines, ["Digest Mismatch."], "{report}");
    done(&dir);
}

#[test]
fn a_seal_binding_is_read_back_and_covered_by_the_signature() {
    // Binary bytes, brackets and backslashes survive the string's escaping.
    let binding: Vec<u8> = (0u8..=255).chain(*b"(\\)").collect();
    let ca = TestCa::new();
    let mut place = placement(1, "Seal1");
    place.seal_binding = Some(binding.clone());
    let prepared = prepare(
        &classic_pdf(),
        &place,
        SubFilter::AdbePkcs7Detached,
        16 * 1024,
        "2026-12-02T13:44:00+08:00",
    )
    .expect("prepare");
    let digest = prepared.sha256().expect("digest");
    let pdf = embed(prepared, &ca.sign(&digest)).expect("embed");
    let sigs = signatures(&pdf).expect("read");
    assert_eq!(sigs[0].seal_binding.as_deref(), Some(binding.as_slice()));
    let at = find(&pdf, b"/MCertSealBinding").expect("written");
    assert!(
        at > sigs[0].byte_range[2],
        "after /Contents, inside the second signed range"
    );
    // Changing one byte of it breaks the stamp's own signature.
    let mut changed = pdf.clone();
    let digit = at + b"/MCertSealBinding <".len() + 70;
    changed[digit] = if changed[digit] == b'0' { b'1' } else { b'0' };
    let sigs = signatures(&changed).expect("read");
    let digest = sigs[0].sha256(&changed).expect("digest");
    assert!(cms::verify_detached(&sigs[0].contents, &digest).is_err());
}

/// An incremental update after signing that draws over page 1 (a new content stream).
fn change_page_one(pdf: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(pdf).into_owned();
    let page_at = text.rfind("\n3 0 obj\n").expect("page 1 object") + 1;
    let page_end = page_at + text[page_at..].find("endobj").expect("endobj");
    let page = text[page_at..page_end].replace("/Contents 5 0 R", "/Contents [5 0 R 100 0 R]");
    assert!(page.contains("100 0 R"), "{page}");
    let prev = text[text.rfind("startxref").expect("startxref") + 9..]
        .split_whitespace()
        .next()
        .expect("offset")
        .to_owned();
    let mut out = pdf.to_vec();
    let page_offset = out.len();
    out.extend_from_slice(page.as_bytes());
    out.extend_from_slice(b"endobj\n");
    let content_offset = out.len();
    let content = b"0 0 1 rg 100 300 200 200 re f";
    out.extend_from_slice(
        format!("100 0 obj\n<< /Length {} >>\nstream\n", content.len()).as_bytes(),
    );
    out.extend_from_slice(content);
    out.extend_from_slice(b"\nendstream\nendobj\n");
    let xref = out.len();
    out.extend_from_slice(
        format!(
            "xref\n3 1\n{page_offset:010} 00000 n\r\n100 1\n{content_offset:010} 00000 n\r\ntrailer\n<< /Size 101 /Root 1 0 R /Info 8 0 R /Prev {prev} >>\nstartxref\n{xref}\n%%EOF\n"
        )
        .as_bytes(),
    );
    out
}

#[test]
fn a_page_changed_after_signing_is_reported() {
    let Some(tools) = tools() else { return };
    let dir = scratch("stamp-changed");
    let ca = TestCa::new();
    let root = ca.root_pem(&dir);
    let signed = stamp(
        &classic_pdf(),
        &ca,
        1,
        "Seal1",
        SubFilter::AdbePkcs7Detached,
    );
    let changed = change_page_one(&signed);
    let file = write(&dir, "changed.pdf", &changed);

    let (verdicts, report) = pyhanko(&tools, &root, &file);
    assert_eq!(verdicts.len(), 1, "{report}");
    let v = &verdicts[0];
    // The signature itself is intact; the document was changed after it.
    assert!(
        v.sound && v.trusted && !v.whole_file && !v.valid,
        "{report}"
    );
    assert!(
        v.modifications
            .contains("Some modifications may be illegitimate"),
        "{report}"
    );
    // pdfsig checks the signed ranges only, and says that they are not the whole file.
    let (lines, report) = pdfsig(&file);
    assert_eq!(lines, ["Signature is Valid."], "{report}");
    assert!(report.contains("Not total document signed"), "{report}");

    let sigs = verify_with_core(&changed);
    let changes = sigs[0].changes_after.as_ref().expect("changes");
    assert!(sigs[0].covers_revision && !sigs[0].covers_whole_file);
    assert_eq!(
        signed_revision(&changed, &sigs[0]).expect("revision"),
        &signed[..]
    );
    assert_eq!(changes.pages_changed, [1]);
    assert_eq!(changes.added, [100]);
    assert_eq!(changes.modified, [3]);
    assert!(changes.later_signatures.is_empty());
    done(&dir);
}

/// pyHanko signs with its own signer (key and certificates made by mcert-core).
fn pyhanko_sign(tools: &Tools, ca: &TestCa, dir: &Path, field: &str, input: &Path, output: &Path) {
    let [key, cert, root] = ca.der_files(dir);
    let arg = |p: &Path| p.to_str().expect("path").to_owned();
    let out = run(
        &tools.pyhanko,
        &[
            "sign",
            "addsig",
            "--field",
            field,
            "pemder",
            "--key",
            &arg(&key),
            "--cert",
            &arg(&cert),
            "--chain",
            &arg(&root),
            "--no-pass",
            &arg(input),
            &arg(output),
        ],
    );
    assert!(out.status.success(), "pyhanko addsig: {}", text(&out));
}

#[test]
fn stranger_signatures_before_and_after_a_stamp_all_validate() {
    let Some(tools) = tools() else { return };
    let dir = scratch("stamp-stranger");
    let ca = TestCa::new();
    let root = ca.root_pem(&dir);
    // pyHanko signs first (its form, its widget, its incremental update), then mcert stamps,
    // then pyHanko signs again on top of the stamp.
    let original = write(&dir, "original.pdf", &classic_pdf());
    let first = dir.join("first.pdf");
    pyhanko_sign(
        &tools,
        &ca,
        &dir,
        "1/60,300,200,360/Stranger1",
        &original,
        &first,
    );
    let signed = std::fs::read(&first).expect("read");
    let stamped = stamp(&signed, &ca, 1, "Seal1", SubFilter::AdbePkcs7Detached);
    let middle = write(&dir, "stamped.pdf", &stamped);
    assert_all_valid(&tools, &root, &middle, &["Stranger1", "Seal1"]);
    let last = dir.join("last.pdf");
    pyhanko_sign(
        &tools,
        &ca,
        &dir,
        "2/60,300,200,360/Stranger2",
        &middle,
        &last,
    );
    assert_all_valid(&tools, &root, &last, &["Stranger1", "Seal1", "Stranger2"]);

    let pdf = std::fs::read(&last).expect("read");
    let sigs = verify_with_core(&pdf);
    let names: Vec<&str> = sigs.iter().map(|s| s.field_name.as_str()).collect();
    assert_eq!(names, ["Stranger1", "Seal1", "Stranger2"]);
    let pages: Vec<Option<u32>> = sigs.iter().map(|s| s.page).collect();
    assert_eq!(pages, [Some(1), Some(1), Some(2)]);
    let changes = sigs[0].changes_after.as_ref().expect("changes");
    assert_eq!(changes.later_signatures, ["Seal1", "Stranger2"]);
    assert!(changes.pages_changed.is_empty(), "{changes:?}");
    done(&dir);
}

#[test]
fn a_cross_page_seal_puts_one_slice_on_each_page_inside_the_signed_update() {
    let (Some(tools), Some(font)) = (tools(), cjk_font()) else {
        return;
    };
    let dir = scratch("stamp-cross-page");
    let ca = TestCa::new();
    let root = ca.root_pem(&dir);
    let mut doc = Document::new("投标文件");
    for n in 1..=3 {
        let mut page = Page::a4();
        page.text(72.0, 90.0, 20.0, &format!("投标文件 第{n}页"));
        doc.push(page);
    }
    let original = doc.render(&font).expect("render");
    let mut place = placement(3, "公章骑缝");
    place.cross_page = true;
    let prepared = prepare(
        &original,
        &place,
        SubFilter::AdbePkcs7Detached,
        16 * 1024,
        "2026-12-02T13:44:00+08:00",
    )
    .expect("prepare");
    assert_eq!(&prepared.bytes[..original.len()], &original[..]);
    let digest = prepared.sha256().expect("digest");
    let stamped = embed(prepared, &ca.sign(&digest)).expect("embed");
    let file = write(&dir, "cross-page.pdf", &stamped);
    let before = write(&dir, "original.pdf", &original);
    // Strangers accept it; the one signature covers the whole file, slices included.
    assert_all_valid(&tools, &root, &file, &["公章骑缝"]);
    let sigs = verify_with_core(&stamped);
    assert_eq!(sigs.len(), 1);
    assert!(sigs[0].covers_whole_file && sigs[0].changes_after.is_none());
    // Every page shows red at its right edge, halfway up, and is unchanged left of it
    // (page 3 also has the stamp itself).
    for n in 1..=3u32 {
        let (w, h, orig) = render_page(&dir, &before, &format!("orig{n}"), n);
        let (_, _, now) = render_page(&dir, &file, &format!("now{n}"), n);
        let scale = f64::from(w) / 595.28;
        // A 140 pt wide seal in three slices: about 47 pt of it per page (and a pixel of
        // smoothing where a slice cuts the ink).
        let edge = (f64::from(w) - 49.0 * scale) as u32;
        let (mut red, mut outside_changed) = (0, 0);
        for y in 0..h {
            for x in 0..w {
                let i = ((y * w + x) * 3) as usize;
                let b = &now[i..i + 3];
                if x >= edge {
                    if b[0] > 150 && b[1] < 90 && b[2] < 90 {
                        red += 1;
                    }
                } else if n != 3 && orig[i..i + 3] != *b {
                    outside_changed += 1;
                }
            }
        }
        assert!(red > 40, "page {n}: {red} red pixels at the edge");
        assert_eq!(outside_changed, 0, "page {n} changed away from the edge");
    }
    // Too few pages for a cross-page seal.
    let mut one = Document::new("一页");
    one.push(Page::a4());
    let single = one.render(&font).expect("render");
    let mut place = placement(1, "骑缝");
    place.cross_page = true;
    let err = prepare(
        &single,
        &place,
        SubFilter::AdbePkcs7Detached,
        16 * 1024,
        "2026-12-02T13:44:00+08:00",
    );
    assert!(
        matches!(err, Err(mcert_pdf::PdfError::Stamp(ref m)) if m.contains("2 to 50 pages")),
        "{err:?}"
    );
    done(&dir);
}
