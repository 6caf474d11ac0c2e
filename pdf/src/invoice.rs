//! The fully digital e-invoice (数电票), 电子发票（普通发票）: blue or red-letter (红字), on one
//! A4 page.
//!
//! Money is integer fen throughout ([`yuan`], [`amount_in_capitals`]); floats only place text.

use crate::layout::{A4_HEIGHT, A4_WIDTH, Page, Stroke, TextBlock, mm, wrap};
use crate::{Document, Font, PdfError};

/// A party of an invoice (购买方 / 销售方).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InvoiceParty {
    /// 名称: the organisation's registered name or the person's name.
    pub name: String,
    /// 统一社会信用代码/纳税人识别号 (a personal buyer has none).
    pub taxpayer_id: Option<String>,
    /// 地址、电话.
    pub address_phone: Option<String>,
    /// 开户行及账号.
    pub bank_account: Option<String>,
}

/// One line of the item table.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InvoiceLine {
    /// 项目名称 with its tax classification, e.g. `*信息技术服务*数字证书服务费`.
    pub item: String,
    /// 规格型号, e.g. `1年`.
    pub spec: Option<String>,
    /// 单位, e.g. `套`.
    pub unit: Option<String>,
    /// 数量 (negative on a red-letter invoice; 0 leaves 数量 and 单价 blank).
    pub quantity: i64,
    /// 金额 excluding tax, in fen; negative on a red-letter invoice.
    pub amount_fen: i64,
    /// 税率 in ‰: 60 means 6 %, 0 means tax-exempt (免税).
    pub tax_rate_permille: i64,
    /// 税额 in fen; negative on a red-letter invoice.
    pub tax_fen: i64,
}

/// What an invoice is rendered from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InvoiceDoc {
    /// 发票号码 (20 digits).
    pub number: String,
    /// 开票日期, already formatted, e.g. `2026年12月02日`.
    pub issued_on: String,
    /// 购买方.
    pub buyer: InvoiceParty,
    /// 销售方.
    pub seller: InvoiceParty,
    /// The item table.
    pub lines: Vec<InvoiceLine>,
    /// 价税合计 (amount + tax) in fen; negative for a red-letter invoice.
    pub total_fen: i64,
    /// For a red-letter (红字) invoice: the number of the blue invoice it reverses.
    pub reverses: Option<String>,
    /// 备注 (e.g. the order number).
    pub remarks: Option<String>,
    /// 开票人.
    pub issuer: String,
    /// Development mode: the page is marked as a sample (样票) and not a real tax invoice.
    pub sample: bool,
}

const TITLE: &str = "电子发票（普通发票）";
const SAMPLE_NOTE: &str = "样票 仅供开发测试 不作报销凭证";
const MARGIN: f32 = mm(15.0);
/// Text size inside the table.
const SMALL: f32 = 9.0;
/// Text size of the parties' fields (a credit code fits after its label).
const PARTY: f32 = 8.5;
/// Line pitch of wrapped text inside the table.
const LEADING: f32 = 12.5;
/// Padding inside cells.
const PAD: f32 = 4.0;
/// Width of the vertical labels (购买方信息, 销售方信息, 备注).
const LABEL_COL: f32 = 20.0;
const FRAME: Stroke = Stroke::solid(0.9);
const RULE: Stroke = Stroke::solid(0.5);
/// Where the table starts (below the title and the number and date).
const TABLE_TOP: f32 = mm(37.0);
/// The item area is at least this high, as on the printed form.
const MIN_ITEMS: f32 = 90.0;

/// The fully digital e-invoice (电子发票（普通发票）) as a one-page A4 PDF. A red-letter
/// invoice (`reverses` set) carries a 红字 mark, 销项负数 and the reversed number in 备注;
/// a `sample` carries 样票 markings.
///
/// Refused with [`PdfError::Invalid`]: an empty number or party name, no lines, a negative tax
/// rate, line amounts and taxes that do not add up to `total_fen`, a negative total without
/// `reverses` or a red-letter invoice without a negative total.
pub fn invoice(font: &Font, doc: &InvoiceDoc) -> Result<Vec<u8>, PdfError> {
    check(doc)?;
    let left = MARGIN;
    let right = A4_WIDTH - MARGIN;
    let mut page = Page::a4();
    header(&mut page, font, doc, left, right)?;

    let mut y = TABLE_TOP;
    if doc.sample {
        page.rect(
            left,
            y,
            right - left,
            30.0,
            Stroke::dashed(0.8, 0.5, 4.0, 3.0),
        );
        page.set_text_gray(0.5);
        page.text_centered(font, A4_WIDTH / 2.0, y + 21.5, 18.0, SAMPLE_NOTE)?;
        page.set_text_gray(0.0);
        y += 36.0;
    }
    let top = y;
    y = parties(&mut page, font, doc, y, left, right)?;
    y = items(&mut page, font, doc, y, left, right)?;
    y = total_row(&mut page, font, doc, y, left, right)?;
    y = remarks(&mut page, font, doc, y, left, right)?;
    page.rect(left, top, right - left, y - top, FRAME);

    let issuer_y = y + 20.0;
    page.text(
        left + PAD,
        issuer_y,
        10.0,
        &format!("开票人：{}", doc.issuer),
    );
    if issuer_y > A4_HEIGHT - MARGIN {
        return Err(PdfError::Layout(
            "the invoice's lines and fields are too long for one page".into(),
        ));
    }
    let title = match doc.sample {
        true => format!("{TITLE}（样票） {}", doc.number),
        false => format!("{TITLE} {}", doc.number),
    };
    let mut pdf = Document::new(&title);
    pdf.push(page);
    pdf.render(font)
}

/// 价税合计（大写）: an amount in fen in Chinese financial capitals, e.g. 30000 → "叁佰圆整",
/// 30050 → "叁佰圆伍角", 100007 → "壹仟圆零柒分", 1_000_000_00 → "壹佰万圆整";
/// negative amounts are prefixed "负" (red-letter: "负叁佰圆整"); 0 → "零圆整".
pub fn amount_in_capitals(fen: i64) -> String {
    if fen == 0 {
        return "零圆整".into();
    }
    let mut out = String::new();
    if fen < 0 {
        out.push('负');
    }
    let abs = fen.unsigned_abs();
    let (whole, jiao, fen_digit) = (abs / 100, abs / 10 % 10, abs % 10);
    if whole > 0 {
        integer(whole, &mut out);
        out.push('圆');
    }
    if jiao == 0 && fen_digit == 0 {
        out.push('整');
        return out;
    }
    if jiao > 0 {
        out.push(digit(jiao));
        out.push('角');
    } else if whole > 0 {
        out.push('零');
    }
    if fen_digit > 0 {
        out.push(digit(fen_digit));
        out.push('分');
    }
    out
}

/// Formats fen as yuan with two decimals and thousands not separated: 30000 → "300.00", -5 → "-0.05".
pub fn yuan(fen: i64) -> String {
    wide_yuan(fen < 0, u128::from(fen.unsigned_abs()))
}

fn wide_yuan(negative: bool, fen: u128) -> String {
    let sign = if negative && fen != 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", fen / 100, fen % 100)
}

fn digit(d: u64) -> char {
    const DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
    DIGITS.get(d as usize).copied().unwrap_or('零')
}

/// A whole number of yuan (≥ 1) in capitals, by sections of four digits (万, 亿, 万亿, 亿亿).
fn integer(n: u64, out: &mut String) {
    const WAN: u64 = 1_0000;
    const YI: u64 = 1_0000_0000;
    if n >= YI {
        integer(n / YI, out);
        out.push('亿');
        let low = n % YI;
        if low > 0 {
            if low < YI / 10 {
                out.push('零');
            }
            integer(low, out);
        }
    } else if n >= WAN {
        section(n / WAN, out);
        out.push('万');
        let low = n % WAN;
        if low > 0 {
            if low < WAN / 10 {
                out.push('零');
            }
            section(low, out);
        }
    } else {
        section(n, out);
    }
}

/// 1 to 9999 in capitals: inner zeros read as one 零, trailing zeros not at all.
fn section(n: u64, out: &mut String) {
    const UNITS: [&str; 4] = ["仟", "佰", "拾", ""];
    let digits = [n / 1000 % 10, n / 100 % 10, n / 10 % 10, n % 10];
    let (mut started, mut zero) = (false, false);
    for (d, unit) in digits.into_iter().zip(UNITS) {
        if d == 0 {
            zero |= started;
            continue;
        }
        if zero {
            out.push('零');
            zero = false;
        }
        out.push(digit(d));
        out.push_str(unit);
        started = true;
    }
}

/// 税率: 60 → `6%`, 15 → `1.5%`, 0 → `免税`.
fn rate(permille: i64) -> String {
    match (permille / 10, permille % 10) {
        (0, 0) => "免税".into(),
        (whole, 0) => format!("{whole}%"),
        (whole, tenth) => format!("{whole}.{}%", tenth.abs()),
    }
}

/// 单价 = amount / quantity in yuan, rounded half away from zero to the fen.
fn unit_price(amount_fen: i64, quantity: i64) -> Option<String> {
    if quantity == 0 {
        return None;
    }
    let (a, q) = (
        u128::from(amount_fen.unsigned_abs()),
        u128::from(quantity.unsigned_abs()),
    );
    let negative = (amount_fen < 0) != (quantity < 0);
    Some(wide_yuan(negative, (2 * a + q) / (2 * q)))
}

fn check(doc: &InvoiceDoc) -> Result<(), PdfError> {
    let sum = doc.lines.iter().try_fold(0i64, |sum, l| {
        sum.checked_add(l.amount_fen)?.checked_add(l.tax_fen)
    });
    let red = doc.reverses.as_deref();
    let refusals = [
        (doc.number.trim().is_empty(), "the invoice number is empty"),
        (
            doc.buyer.name.trim().is_empty(),
            "the buyer's name is empty",
        ),
        (
            doc.seller.name.trim().is_empty(),
            "the seller's name is empty",
        ),
        (doc.lines.is_empty(), "the invoice has no lines"),
        (
            doc.lines.iter().any(|l| l.tax_rate_permille < 0),
            "a tax rate is negative",
        ),
        (sum.is_none(), "the line amounts overflow"),
        (
            sum.is_some_and(|s| s != doc.total_fen),
            "the line amounts and taxes do not add up to the total",
        ),
        (
            red.is_some_and(|n| n.trim().is_empty()),
            "the reversed invoice's number is empty",
        ),
        (
            red.is_some() && doc.total_fen >= 0,
            "a red-letter invoice needs a negative total",
        ),
        (
            red.is_none() && doc.total_fen < 0,
            "a negative total needs the invoice it reverses",
        ),
    ];
    match refusals.into_iter().find(|(refused, _)| *refused) {
        Some((_, reason)) => Err(PdfError::Invalid(reason)),
        None => Ok(()),
    }
}

/// Title, red-letter mark, number and date.
fn header(
    page: &mut Page,
    font: &Font,
    doc: &InvoiceDoc,
    left: f32,
    right: f32,
) -> Result<(), PdfError> {
    let cx = A4_WIDTH / 2.0;
    let title_y = mm(20.0);
    page.text_centered(font, cx, title_y, 18.0, TITLE)?;
    let half = font.text_width(TITLE, 18.0)? / 2.0 + 8.0;
    page.hrule(cx - half, cx + half, title_y + 5.0, RULE);
    page.hrule(cx - half, cx + half, title_y + 7.5, RULE);

    if doc.reverses.is_some() {
        let w = font.text_width("红字", 16.0)? + 14.0;
        page.rect(left, title_y - 19.0, w, 26.0, Stroke::solid(1.5));
        page.text(left + 7.0, title_y, 16.0, "红字");
        page.text_centered(font, cx, mm(29.0), 10.0, "销项负数")?;
    }

    let size = 9.5;
    let info = [("发票号码：", &doc.number), ("开票日期：", &doc.issued_on)];
    let mut widest: f32 = 0.0;
    for (label, value) in info {
        widest = widest.max(font.text_width(label, size)? + font.text_width(value, size)?);
    }
    let x = right - widest;
    for ((label, value), y) in info.into_iter().zip([mm(27.0), mm(32.0)]) {
        page.text(x, y, size, label);
        page.text(x + font.text_width(label, size)?, y, size, value);
    }
    Ok(())
}

/// A label written top to bottom, centred in the column at `x` between `top` and `bottom`.
fn vertical_label(
    page: &mut Page,
    font: &Font,
    x: f32,
    top: f32,
    bottom: f32,
    label: &str,
) -> Result<(), PdfError> {
    let (size, pitch) = (9.5, 11.5);
    let n = label.chars().count() as f32;
    let first = (top + bottom) / 2.0 - n * pitch / 2.0 + size * 0.88;
    for (i, ch) in label.chars().enumerate() {
        let y = first + i as f32 * pitch;
        page.text_centered(
            font,
            x + LABEL_COL / 2.0,
            y,
            size,
            ch.encode_utf8(&mut [0; 4]),
        )?;
    }
    Ok(())
}

/// One party's fields, top-aligned at `top`; returns the baseline after the last line.
fn party_fields(
    page: &mut Page,
    font: &Font,
    party: &InvoiceParty,
    x: f32,
    width: f32,
    top: f32,
) -> Result<f32, PdfError> {
    let block = TextBlock {
        x,
        width,
        size: PARTY,
        leading: LEADING,
        indent: 0.0,
        justify: false,
    };
    let mut fields = vec![
        format!("名称：{}", party.name),
        format!(
            "统一社会信用代码/纳税人识别号：{}",
            party.taxpayer_id.as_deref().unwrap_or("")
        ),
    ];
    if let Some(v) = &party.address_phone {
        fields.push(format!("地址、电话：{v}"));
    }
    if let Some(v) = &party.bank_account {
        fields.push(format!("开户行及账号：{v}"));
    }
    let mut y = top + PAD + PARTY + 2.0;
    for field in &fields {
        y = page.paragraph(font, &block, y, field)?;
    }
    Ok(y)
}

/// The 购买方信息 and 销售方信息 boxes; returns their bottom.
fn parties(
    page: &mut Page,
    font: &Font,
    doc: &InvoiceDoc,
    top: f32,
    left: f32,
    right: f32,
) -> Result<f32, PdfError> {
    let mid = (left + right) / 2.0;
    let width = mid - left - LABEL_COL - 2.0 * PAD;
    let buyer = party_fields(page, font, &doc.buyer, left + LABEL_COL + PAD, width, top)?;
    let seller = party_fields(page, font, &doc.seller, mid + LABEL_COL + PAD, width, top)?;
    let bottom = (buyer.max(seller) - LEADING + PAD + 4.0).max(top + 64.0);
    vertical_label(page, font, left, top, bottom, "购买方信息")?;
    vertical_label(page, font, mid, top, bottom, "销售方信息")?;
    for x in [left + LABEL_COL, mid, mid + LABEL_COL] {
        page.line(x, top, x, bottom, RULE);
    }
    page.hrule(left, right, bottom, RULE);
    Ok(bottom)
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Align {
    Left,
    Centre,
    Right,
}

/// The item table's columns: title, left edge, width, alignment.
fn columns(left: f32, right: f32) -> [(&'static str, f32, f32, Align); 8] {
    use Align::{Centre, Left, Right};
    let rest = [
        ("规格型号", 50.0, Left),
        ("单位", 30.0, Centre),
        ("数量", 38.0, Right),
        ("单价", 60.0, Right),
        ("金额", 64.0, Right),
        ("税率/征收率", 54.0, Centre),
        ("税额", 60.0, Right),
    ];
    let fixed: f32 = rest.iter().map(|c| c.1).sum();
    let mut out = [("项目名称", left, right - left - fixed, Left); 8];
    let mut x = left + out[0].2;
    for (slot, (title, width, align)) in out.iter_mut().skip(1).zip(rest) {
        *slot = (title, x, width, align);
        x += width;
    }
    out
}

/// One line of text in a cell, shrunk to fit when it is wider than the cell.
fn cell(
    page: &mut Page,
    font: &Font,
    (x, width, align): (f32, f32, Align),
    y: f32,
    text: &str,
) -> Result<(), PdfError> {
    let room = width - 2.0 * PAD;
    let natural = font.text_width(text, SMALL)?;
    let size = if natural > room && natural > 0.0 {
        SMALL * room / natural
    } else {
        SMALL
    };
    match align {
        Align::Left => page.text(x + PAD, y, size, text),
        Align::Centre => page.text_centered(font, x + width / 2.0, y, size, text)?,
        Align::Right => page.text_right(font, x + width - PAD, y, size, text)?,
    };
    Ok(())
}

/// The header row, the lines and the 合计 row; returns the bottom.
fn items(
    page: &mut Page,
    font: &Font,
    doc: &InvoiceDoc,
    top: f32,
    left: f32,
    right: f32,
) -> Result<f32, PdfError> {
    let cols = columns(left, right);
    let at = |i: usize| (cols[i].1, cols[i].2, cols[i].3);
    for (i, col) in cols.iter().enumerate() {
        cell(page, font, (col.1, col.2, Align::Centre), top + 13.0, col.0)?;
        if i > 0 {
            page.line(col.1, top, col.1, top + 18.0, RULE);
        }
    }
    page.hrule(left, right, top + 18.0, RULE);

    let mut y = top + 18.0 + LEADING;
    for line in &doc.lines {
        let mut height: usize = 1;
        let wrapped = [
            (0, line.item.as_str()),
            (1, line.spec.as_deref().unwrap_or("")),
            (2, line.unit.as_deref().unwrap_or("")),
        ];
        for (i, text) in wrapped {
            let room = cols[i].2 - 2.0 * PAD;
            let parts = wrap(font, text, SMALL, room, room)?;
            for (k, part) in parts.iter().enumerate() {
                cell(page, font, at(i), y + k as f32 * LEADING, part)?;
            }
            height = height.max(parts.len());
        }
        let (quantity, price) = match unit_price(line.amount_fen, line.quantity) {
            Some(price) => (line.quantity.to_string(), price),
            None => (String::new(), String::new()),
        };
        let numbers = [
            (3, quantity),
            (4, price),
            (5, yuan(line.amount_fen)),
            (6, rate(line.tax_rate_permille)),
            (7, yuan(line.tax_fen)),
        ];
        for (i, text) in numbers {
            cell(page, font, at(i), y, &text)?;
        }
        y += height as f32 * LEADING + 2.0;
        if y > A4_HEIGHT {
            return Err(PdfError::Layout(
                "too many invoice lines for one page".into(),
            ));
        }
    }

    let (amount, tax) = doc.lines.iter().fold((0i64, 0i64), |(a, t), l| {
        (a.saturating_add(l.amount_fen), t.saturating_add(l.tax_fen))
    });
    let sum_y = (y - LEADING + 6.0).max(top + 18.0 + MIN_ITEMS) + 12.0;
    cell(page, font, at(0), sum_y, "合　　计")?;
    cell(page, font, at(5), sum_y, &format!("¥{}", yuan(amount)))?;
    cell(page, font, at(7), sum_y, &format!("¥{}", yuan(tax)))?;
    let bottom = sum_y + 6.0;
    page.hrule(left, right, bottom, RULE);
    Ok(bottom)
}

/// 价税合计（大写） and （小写）; returns the bottom.
fn total_row(
    page: &mut Page,
    font: &Font,
    doc: &InvoiceDoc,
    top: f32,
    left: f32,
    right: f32,
) -> Result<f32, PdfError> {
    let (size, height) = (10.0, 24.0);
    let y = top + 16.0;
    let label = "价税合计（大写）";
    let label_w = font.text_width(label, size)? + 2.0 * PAD;
    page.text(left + PAD, y, size, label);
    page.line(left + label_w, top, left + label_w, top + height, RULE);
    // The circled cross closes the capitals on the form; fonts without it get none.
    let mark = if font.missing_char("⊗").is_none() {
        "⊗"
    } else {
        ""
    };
    let capitals = format!("{mark}{}", amount_in_capitals(doc.total_fen));
    page.text(left + label_w + 2.0 * PAD, y, size, &capitals);
    let small = format!("（小写）¥{}", yuan(doc.total_fen));
    page.text_right(font, right - 3.0 * PAD, y, size, &small)?;
    let bottom = top + height;
    page.hrule(left, right, bottom, RULE);
    Ok(bottom)
}

/// 备注 (with the reversed invoice's number first on a red-letter invoice); returns the bottom.
fn remarks(
    page: &mut Page,
    font: &Font,
    doc: &InvoiceDoc,
    top: f32,
    left: f32,
    right: f32,
) -> Result<f32, PdfError> {
    let mut text = Vec::new();
    if let Some(n) = &doc.reverses {
        text.push(format!("被红冲蓝字数电发票号码：{n}"));
    }
    if let Some(r) = doc.remarks.as_deref().filter(|r| !r.trim().is_empty()) {
        text.push(r.to_owned());
    }
    let block = TextBlock {
        x: left + LABEL_COL + PAD,
        width: right - left - LABEL_COL - 2.0 * PAD,
        size: SMALL,
        leading: LEADING,
        indent: 0.0,
        justify: false,
    };
    let mut y = top + PAD + SMALL + 2.0;
    for part in &text {
        y = page.paragraph(font, &block, y, part)?;
    }
    let bottom = (y - LEADING + PAD + 4.0).max(top + 50.0);
    vertical_label(page, font, left, top, bottom, "备注")?;
    page.line(left + LABEL_COL, top, left + LABEL_COL, bottom, RULE);
    Ok(bottom)
}
