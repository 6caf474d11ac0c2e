//! The e-invoice (数电票): amounts in capitals, yuan formatting, refusals, and rendered PDFs
//! checked with the real poppler tools (`pdftotext -layout`, `pdffonts`).
//!
//! Unlike the letter's tests these do not skip: without the system CJK font or poppler-utils
//! they fail, saying what is missing.

// Amounts are grouped by 万 (four digits) and then the two fen digits, as they are read.
#![allow(clippy::inconsistent_digit_grouping)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use mcert_pdf::{
    Font, InvoiceDoc, InvoiceLine, InvoiceParty, PdfError, amount_in_capitals, invoice, yuan,
};

fn cjk_font() -> &'static Font {
    static FONT: OnceLock<Result<Font, String>> = OnceLock::new();
    match FONT.get_or_init(|| Font::system_cjk().map_err(|e| e.to_string())) {
        Ok(font) => font,
        Err(e) => panic!("the invoice tests need a system CJK font (fonts-noto-cjk): {e}"),
    }
}

/// Runs a poppler tool, asserts it succeeded without complaint, returns its stdout.
fn run(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!("cannot run {tool} ({e}): the invoice tests need poppler-utils installed")
    });
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{tool} failed: {stderr}");
    assert!(stderr.trim().is_empty(), "{tool} complained: {stderr}");
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// A fresh folder for this test's files.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mcert-pdf-invoice-{}-{name}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Removes a test's folder, or keeps it when `MCERT_PDF_KEEP` is set (to look at the files).
fn done(dir: &Path) {
    if std::env::var_os("MCERT_PDF_KEEP").is_some() {
        eprintln!("kept {}", dir.display());
    } else {
        std::fs::remove_dir_all(dir).ok();
    }
}

/// Writes the PDF and returns its `pdftotext -layout` text and `pdffonts` listing.
fn extract(name: &str, pdf: &[u8]) -> (String, String) {
    let dir = scratch(name);
    let path = dir.join(format!("{name}.pdf"));
    std::fs::write(&path, pdf).expect("write");
    let file = path.to_str().expect("utf-8 path");
    let text = run("pdftotext", &["-layout", "-enc", "UTF-8", file, "-"]);
    let fonts = run("pdffonts", &[file]);
    done(&dir);
    (text, fonts)
}

/// 300 CNY including 6 % VAT for a one-year organisation certificate.
fn blue() -> InvoiceDoc {
    InvoiceDoc {
        number: "26352000000012345678".into(),
        issued_on: "2026年12月02日".into(),
        buyer: InvoiceParty {
            name: "福州市鼓楼区星河智能招投标科技有限公司".into(),
            taxpayer_id: Some("91350102MA2XYZ1234".into()),
            address_phone: None,
            bank_account: None,
        },
        seller: InvoiceParty {
            name: "数字证书服务有限公司".into(),
            taxpayer_id: Some("91110108MA01ABCD1X".into()),
            address_phone: Some("北京市海淀区中关村大街1号 010-12345678".into()),
            bank_account: Some("中国工商银行北京分行营业部 0200000919000000000".into()),
        },
        lines: vec![InvoiceLine {
            item: "*信息技术服务*数字证书服务费".into(),
            spec: Some("1年".into()),
            unit: Some("套".into()),
            quantity: 1,
            amount_fen: 28302,
            tax_rate_permille: 60,
            tax_fen: 1698,
        }],
        total_fen: 30000,
        reverses: None,
        remarks: Some("订单号：ORD-20261202-0042".into()),
        issuer: "系统".into(),
        sample: false,
    }
}

/// The red-letter invoice reversing [`blue`].
fn red() -> InvoiceDoc {
    let mut doc = blue();
    doc.number = "26352000000012349999".into();
    doc.issued_on = "2026年12月09日".into();
    doc.reverses = Some("26352000000012345678".into());
    let line = &mut doc.lines[0];
    line.quantity = -1;
    line.amount_fen = -28302;
    line.tax_fen = -1698;
    doc.total_fen = -30000;
    doc
}

fn assert_contains(text: &str, needles: &[&str]) {
    for needle in needles {
        assert!(
            text.contains(needle),
            "{needle:?} not in extracted text:\n{text}"
        );
    }
}

/// A label written top to bottom: its characters stand alone, one a line, in one column of
/// the `-layout` text.
fn assert_vertical(text: &str, label: &str) {
    let mut columns: BTreeMap<usize, String> = BTreeMap::new();
    for line in text.lines() {
        let chars: Vec<char> = line.chars().collect();
        for (col, ch) in chars.iter().enumerate() {
            let alone = |i: Option<usize>| {
                i.and_then(|i| chars.get(i))
                    .is_none_or(|c| c.is_whitespace())
            };
            if !ch.is_whitespace() && alone(col.checked_sub(1)) && alone(Some(col + 1)) {
                columns.entry(col).or_default().push(*ch);
            }
        }
    }
    assert!(
        columns.values().any(|c| c.contains(label)),
        "{label:?} is not written top to bottom:\n{text}"
    );
}

fn refusal(doc: &InvoiceDoc) -> &'static str {
    match invoice(cjk_font(), doc) {
        Err(e @ PdfError::Invalid(reason)) => {
            assert_eq!(e.code(), "pdf_invalid");
            reason
        }
        other => panic!("refusal expected: {other:?}"),
    }
}

#[test]
fn capitals_of_whole_amounts_end_in_zheng() {
    for (fen, capitals) in [
        (0, "零圆整"),
        (100, "壹圆整"),
        (1000, "壹拾圆整"),
        (30000, "叁佰圆整"),
        (1_000_000_00, "壹佰万圆整"),
        (10_0000_0000, "壹仟万圆整"),
        (1_0000_0000_00, "壹亿圆整"),
        (1_2345_6789_00, "壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖圆整"),
    ] {
        assert_eq!(amount_in_capitals(fen), capitals, "{fen}");
    }
}

#[test]
fn capitals_of_jiao_and_fen() {
    for (fen, capitals) in [
        (30050, "叁佰圆伍角"),
        (30055, "叁佰圆伍角伍分"),
        (100007, "壹仟圆零柒分"),
        (100101, "壹仟零壹圆零壹分"),
        (50, "伍角"),
        (5, "伍分"),
        (1698, "壹拾陆圆玖角捌分"),
        (28302, "贰佰捌拾叁圆零贰分"),
    ] {
        assert_eq!(amount_in_capitals(fen), capitals, "{fen}");
    }
}

#[test]
fn capitals_read_inner_zeros_once() {
    for (fen, capitals) in [
        (1_0000_0100, "壹佰万零壹圆整"),
        (1_0010_0000, "壹佰万壹仟圆整"),
        (1_0001_0000_00, "壹亿零壹万圆整"),
        (1_0000_0001_00, "壹亿零壹圆整"),
        (1_1000_0000_00, "壹亿壹仟万圆整"),
        (10_0000_0000_00, "壹拾亿圆整"),
        (2005_0030_00, "贰仟零伍万零叁拾圆整"),
        (1_0000_0000_0000_00, "壹万亿圆整"),
        (10_0101_00, "壹拾万零壹佰零壹圆整"),
    ] {
        assert_eq!(amount_in_capitals(fen), capitals, "{fen}");
    }
}

#[test]
fn capitals_of_negative_amounts_start_with_fu() {
    assert_eq!(amount_in_capitals(-30000), "负叁佰圆整");
    assert_eq!(amount_in_capitals(-1698), "负壹拾陆圆玖角捌分");
    assert_eq!(amount_in_capitals(-5), "负伍分");
    // The extremes do not overflow.
    assert!(amount_in_capitals(i64::MIN).starts_with("负玖亿贰仟贰佰叁拾叁万柒仟贰佰零叁亿陆仟"));
    assert!(amount_in_capitals(i64::MAX).ends_with("柒分"));
}

#[test]
fn yuan_has_two_decimals_and_no_separators() {
    for (fen, text) in [
        (30000, "300.00"),
        (28302, "283.02"),
        (1698, "16.98"),
        (0, "0.00"),
        (5, "0.05"),
        (-5, "-0.05"),
        (-30000, "-300.00"),
        (123_456_789, "1234567.89"),
        (i64::MIN, "-92233720368547758.08"),
    ] {
        assert_eq!(yuan(fen), text, "{fen}");
    }
}

#[test]
fn a_blue_invoice_extracts_with_its_amounts() {
    let doc = blue();
    let pdf = invoice(cjk_font(), &doc).expect("invoice");
    assert!(pdf.len() < 200 * 1024, "{} bytes: not a subset?", pdf.len());
    let (text, fonts) = extract("blue", &pdf);
    assert_contains(
        &text,
        &[
            "电子发票（普通发票）",
            "发票号码：26352000000012345678",
            "开票日期：2026年12月02日",
            "名称：福州市鼓楼区星河智能招投标科技有限公司",
            "91350102MA2XYZ1234",
            "名称：数字证书服务有限公司",
            "91110108MA01ABCD1X",
            "统一社会信用代码/纳税人识别号",
            "*信息技术服务*数字证书服务费",
            "项目名称",
            "税率/征收率",
            "283.02",
            "6%",
            "16.98",
            "¥283.02",
            "¥16.98",
            "价税合计（大写）",
            "叁佰圆整",
            "（小写）¥300.00",
            "订单号：ORD-20261202-0042",
            "开票人：系统",
        ],
    );
    assert_vertical(&text, "购买方信息");
    assert_vertical(&text, "销售方信息");
    assert_vertical(&text, "备注");
    assert!(!text.contains("样票"), "{text}");
    assert!(!text.contains("红字"), "{text}");

    // name type(3 words) encoding emb sub uni object gen
    let cols: Vec<&str> = fonts
        .lines()
        .nth(2)
        .expect("a font line")
        .split_whitespace()
        .collect();
    assert_eq!(fonts.lines().count(), 3, "one font expected:\n{fonts}");
    assert_eq!(
        &cols[cols.len() - 5..cols.len() - 2],
        ["yes", "yes", "yes"],
        "{fonts}"
    );
    assert!(fonts.contains("Identity-H"), "{fonts}");
    assert_eq!(
        pdf,
        invoice(cjk_font(), &doc).expect("again"),
        "same input, same bytes"
    );
}

#[test]
fn a_sample_is_marked_as_such() {
    let mut doc = blue();
    doc.sample = true;
    let (text, _) = extract("sample", &invoice(cjk_font(), &doc).expect("invoice"));
    assert_contains(
        &text,
        &[
            "样票 仅供开发测试 不作报销凭证",
            "名称：福州市鼓楼区星河智能招投标科技有限公司",
            "叁佰圆整",
        ],
    );
}

#[test]
fn a_red_letter_invoice_shows_negative_amounts_and_the_reversed_number() {
    let doc = red();
    let (text, _) = extract("red", &invoice(cjk_font(), &doc).expect("invoice"));
    assert_contains(
        &text,
        &[
            "电子发票（普通发票）",
            "红字",
            "销项负数",
            "发票号码：26352000000012349999",
            "被红冲蓝字数电发票号码：26352000000012345678",
            "-283.02",
            "-16.98",
            "¥-283.02",
            "¥-16.98",
            "负叁佰圆整",
            "（小写）¥-300.00",
        ],
    );
}

#[test]
fn several_lines_and_rates_add_up() {
    let mut doc = blue();
    doc.lines.push(InvoiceLine {
        item: "*信息技术服务*电子印章制作费".into(),
        spec: None,
        unit: Some("枚".into()),
        quantity: 3,
        amount_fen: 10000,
        tax_rate_permille: 15,
        tax_fen: 150,
    });
    doc.lines.push(InvoiceLine {
        item: "*经纪代理服务*手续费".into(),
        quantity: 0,
        amount_fen: 500,
        ..InvoiceLine::default()
    });
    doc.total_fen = 30000 + 10150 + 500;
    let (text, _) = extract("lines", &invoice(cjk_font(), &doc).expect("invoice"));
    assert_contains(
        &text,
        &[
            "电子印章制作费",
            // 100.00 / 3, rounded to the fen.
            "33.33",
            "1.5%",
            "免税",
            "¥388.02",
            "¥18.48",
            "肆佰零陆圆伍角",
            "¥406.50",
        ],
    );
}

#[test]
fn inconsistent_invoices_are_refused() {
    let mut doc = blue();
    doc.total_fen = 29999;
    assert!(refusal(&doc).contains("add up"));

    let mut doc = blue();
    doc.lines.clear();
    doc.total_fen = 0;
    assert!(refusal(&doc).contains("no lines"));

    let mut doc = blue();
    doc.number = "  ".into();
    assert!(refusal(&doc).contains("number"));

    let mut doc = blue();
    doc.buyer.name.clear();
    assert!(refusal(&doc).contains("buyer"));

    let mut doc = blue();
    doc.lines[0].amount_fen = i64::MAX;
    assert!(refusal(&doc).contains("overflow"));

    // Red-letter and negative totals go together.
    let mut doc = red();
    doc.reverses = None;
    assert!(refusal(&doc).contains("reverses"));
    let mut doc = blue();
    doc.reverses = Some("26352000000012345678".into());
    assert!(refusal(&doc).contains("negative"));
}

#[test]
fn too_many_lines_fail_cleanly() {
    let mut doc = blue();
    doc.lines = vec![doc.lines[0].clone(); 60];
    doc.total_fen = 60 * 30000;
    assert!(matches!(
        invoice(cjk_font(), &doc),
        Err(PdfError::Layout(_))
    ));
    doc.lines.truncate(20);
    doc.total_fen = 20 * 30000;
    invoice(cjk_font(), &doc).expect("twenty lines fit");
}
