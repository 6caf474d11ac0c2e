//! Renders PDFs with the system's CJK font and checks them with the real poppler tools
//! (`pdftotext`, `pdffonts`, `pdfinfo`, `pdftoppm`).
//!
//! Without the tools or the font these tests print a notice and pass, unless
//! `MCERT_REQUIRE_UI=1`, where they fail instead.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use mcert_pdf::{Font, LetterFields, authorisation_letter};

fn required() -> bool {
    std::env::var("MCERT_REQUIRE_UI").is_ok_and(|v| v == "1")
}

/// Skips (prints why and returns `None`) or, under `MCERT_REQUIRE_UI=1`, fails.
fn unavailable<T>(what: &str) -> Option<T> {
    assert!(!required(), "MCERT_REQUIRE_UI=1 but {what}");
    eprintln!("NOTICE: skipping: {what}");
    None
}

fn cjk_font() -> Option<&'static Font> {
    static FONT: OnceLock<Result<Font, String>> = OnceLock::new();
    match FONT.get_or_init(|| Font::system_cjk().map_err(|e| e.to_string())) {
        Ok(font) => Some(font),
        Err(e) => unavailable(&format!("no system CJK font ({e})")),
    }
}

fn tools() -> Option<()> {
    for tool in ["pdftotext", "pdffonts", "pdfinfo", "pdftoppm"] {
        if Command::new(tool).arg("-v").output().is_err() {
            return unavailable(&format!("poppler tool {tool} is not installed"));
        }
    }
    Some(())
}

/// A fresh folder for this test's files.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mcert-pdf-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Runs a poppler tool, asserts it succeeded without complaint, returns its stdout.
fn run(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool).args(args).output().expect(tool);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{tool} failed: {stderr}");
    assert!(stderr.trim().is_empty(), "{tool} complained: {stderr}");
    String::from_utf8(out.stdout).expect("utf-8 output")
}

fn fields() -> LetterFields {
    LetterFields {
        organisation: "福州市鼓楼区星河智能招投标科技有限公司".into(),
        credit_code: "91350102MA2XYZ1234".into(),
        legal_rep: "林建国".into(),
        applicant: "陈晓燕".into(),
        applicant_id_masked: "350***********1234".into(),
        applicant_phone_masked: "138****5678".into(),
        date: "2026年12月02日".into(),
    }
}

/// The font line of `pdffonts` output for the (single) embedded font.
fn font_line(listing: &str) -> Vec<String> {
    let lines: Vec<&str> = listing.lines().skip(2).collect();
    assert_eq!(lines.len(), 1, "one font expected:\n{listing}");
    lines[0].split_whitespace().map(str::to_owned).collect()
}

fn assert_subset_name(name: &str) {
    let (tag, rest) = name.split_once('+').expect("subset prefix");
    assert!(
        tag.len() == 6 && tag.chars().all(|c| c.is_ascii_uppercase()),
        "{name}"
    );
    assert!(!rest.is_empty(), "{name}");
}

#[test]
fn letter_extracts_and_embeds_a_small_subset() {
    let (Some(font), Some(())) = (cjk_font(), tools()) else {
        return;
    };
    let f = fields();
    let pdf = authorisation_letter(font, &f).expect("letter");
    assert!(pdf.len() < 200 * 1024, "{} bytes: not a subset?", pdf.len());
    let dir = scratch("letter");
    let path = dir.join("letter.pdf");
    std::fs::write(&path, &pdf).expect("write");

    let file = path.to_str().expect("utf-8 path");
    let text = run("pdftotext", &["-enc", "UTF-8", file, "-"]);
    let flat: String = text.split_whitespace().collect();
    for needle in [
        "数字证书申请授权书",
        "致：mcert",
        f.organisation.as_str(),
        "统一社会信用代码",
        f.credit_code.as_str(),
        f.applicant.as_str(),
        f.applicant_id_masked.as_str(),
        f.applicant_phone_masked.as_str(),
        "代表我单位办理数字证书的申请、领取、变更、续期、注销及电子印章制作等相关事宜。",
        "妥善保管私钥与PIN码",
        "授权期限：自签署之日起一年。",
        "单位公章",
        "法定代表人（签字）：",
        f.legal_rep.as_str(),
        "日期：2026年12月02日",
        "请打印本授权书，加盖单位公章并由法定代表人签字后，拍照或扫描上传。",
    ] {
        assert!(
            flat.contains(needle),
            "{needle:?} not in extracted text:\n{text}"
        );
    }

    let fonts = run("pdffonts", &[file]);
    let cols = font_line(&fonts);
    // name type(3 words) encoding emb sub uni object gen
    assert_subset_name(&cols[0]);
    assert!(cols[0].ends_with("NotoSansCJKsc-Regular") || !font.family().contains("Noto"));
    assert_eq!(
        &cols[cols.len() - 5..cols.len() - 2],
        ["yes", "yes", "yes"],
        "{fonts}"
    );
    assert!(fonts.contains("Identity-H"), "{fonts}");

    let info = run("pdfinfo", &["-enc", "UTF-8", file]);
    assert!(info.contains("Pages:           1"), "{info}");
    assert!(info.contains("595.28 x 841.89 pts (A4)"), "{info}");
    assert!(info.contains("数字证书申请授权书"), "{info}");

    // Rasterising must draw the glyphs without a font error.
    let root = dir.join("page");
    run(
        "pdftoppm",
        &[
            "-r",
            "60",
            "-png",
            "-singlefile",
            file,
            root.to_str().expect("path"),
        ],
    );
    let png = std::fs::metadata(root.with_extension("png")).expect("png written");
    assert!(png.len() > 10_000, "{} bytes of PNG", png.len());
    if let Some(keep) = std::env::var_os("MCERT_PDF_KEEP") {
        std::fs::copy(&path, Path::new(&keep).join("letter.pdf")).expect("keep pdf");
        std::fs::copy(
            root.with_extension("png"),
            Path::new(&keep).join("letter.png"),
        )
        .expect("keep png");
    }
    std::fs::remove_dir_all(&dir).ok();
}
