//! The CA authorisation letter (数字证书申请授权书).
//!
//! The applicant downloads it, prints it, has it stamped with the organisation's seal (公章)
//! and signed by the legal representative (法定代表人签字), then photographs or scans it and
//! uploads the picture for review.

use crate::layout::{A4_HEIGHT, A4_WIDTH, Page, Stroke, TextBlock, mm};
use crate::{Document, Font, PdfError};

/// What the letter is filled in with. Identity and phone numbers arrive masked
/// (`110***********1234`, `138****5678`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LetterFields {
    /// The organisation's registered name.
    pub organisation: String,
    /// The 18-character unified social credit code (统一社会信用代码).
    pub credit_code: String,
    /// The legal representative's name, printed next to the signature line.
    pub legal_rep: String,
    /// The applicant's (经办人) name.
    pub applicant: String,
    /// The applicant's masked identity document number.
    pub applicant_id_masked: String,
    /// The applicant's masked mobile number.
    pub applicant_phone_masked: String,
    /// The date printed on the letter, e.g. `2026年12月02日`.
    pub date: String,
}

const TITLE: &str = "数字证书申请授权书";
const MARGIN: f32 = mm(25.0);
const BODY: f32 = 14.0;
/// Room for a 42 mm round seal.
const SEAL_BOX: f32 = mm(50.0);

/// The CA authorisation letter (数字证书申请授权书) template the applicant downloads, prints,
/// has stamped (公章) and signed by the legal representative (法定代表人签字), photographs and
/// uploads. One A4 page.
pub fn authorisation_letter(font: &Font, f: &LetterFields) -> Result<Vec<u8>, PdfError> {
    let mut page = Page::a4();
    let right = A4_WIDTH - MARGIN;
    let width = right - MARGIN;

    page.text_centered(font, A4_WIDTH / 2.0, mm(36.0), 22.0, TITLE)?;
    page.text(MARGIN, mm(52.0), BODY, "致：mcert 数字证书服务");

    let block = TextBlock {
        x: MARGIN,
        width,
        size: BODY,
        leading: 28.0,
        indent: 2.0 * BODY,
        justify: true,
    };
    let gap = 10.0;
    let mut y = mm(52.0) + 40.0;
    let grant = format!(
        "兹授权 {}（证件号码 {}，手机号 {}）作为我单位 {}（统一社会信用代码 {}）的经办人，\
         代表我单位办理数字证书的申请、领取、变更、续期、注销及电子印章制作等相关事宜。",
        f.applicant, f.applicant_id_masked, f.applicant_phone_masked, f.organisation, f.credit_code,
    );
    y = page.paragraph(font, &block, y, &grant)? + gap;
    y = page.paragraph(
        font,
        &block,
        y,
        "我单位承诺：所提交的资料真实、有效、完整；对经办人在授权范围内的行为承担法律责任；\
         数字证书及电子印章仅用于本单位业务，妥善保管私钥与 PIN 码，如有遗失及时挂失。",
    )? + gap;
    y = page.paragraph(font, &block, y, "授权期限：自签署之日起一年。")?;

    // The seal box on the left, the signature block on the right.
    let top = y + 40.0;
    page.rect(
        MARGIN,
        top,
        SEAL_BOX,
        SEAL_BOX,
        Stroke::dashed(0.8, 0.45, 4.0, 3.0),
    );
    let centre = MARGIN + SEAL_BOX / 2.0;
    page.set_text_gray(0.45);
    page.text_centered(font, centre, top + SEAL_BOX / 2.0 + 6.0, 16.0, "单位公章")?;
    page.text_centered(
        font,
        centre,
        top + SEAL_BOX - 10.0,
        9.0,
        "（请在此处加盖单位公章）",
    )?;
    page.set_text_gray(0.0);

    let col = MARGIN + SEAL_BOX + mm(12.0);
    let col_block = TextBlock {
        x: col,
        width: right - col,
        size: BODY,
        leading: 22.0,
        indent: 0.0,
        justify: false,
    };
    let org = format!("授权单位：{}", f.organisation);
    let mut cy = page.paragraph(font, &col_block, top + 18.0, &org)? + 26.0;
    let label = "法定代表人（签字）：";
    page.text(col, cy, BODY, label);
    let line_start = col + font.text_width(label, BODY)?;
    page.hrule(line_start, right, cy + 4.0, Stroke::solid(0.6));
    cy += 20.0;
    page.set_text_gray(0.3);
    page.text(line_start, cy, 10.0, &format!("（姓名：{}）", f.legal_rep));
    page.set_text_gray(0.0);
    let date_y = (cy + 34.0).max(top + SEAL_BOX - 8.0);
    page.text(col, date_y, BODY, &format!("日期：{}", f.date));

    let footer = A4_HEIGHT - mm(18.0);
    if date_y.max(top + SEAL_BOX) > footer - 40.0 {
        return Err(PdfError::Layout(
            "the letter's fields are too long for one page".into(),
        ));
    }
    page.hrule(MARGIN, right, footer - 16.0, Stroke::solid(0.4));
    page.set_text_gray(0.35);
    page.text_centered(
        font,
        A4_WIDTH / 2.0,
        footer,
        9.0,
        "请打印本授权书，加盖单位公章并由法定代表人签字后，拍照或扫描上传。",
    )?;

    let mut doc = Document::new(TITLE);
    doc.push(page);
    doc.render(font)
}
