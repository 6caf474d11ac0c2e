//! Parsers for incoming bank statements: which bank transfers reached our receiving accounts.
//!
//! Two formats, both UTF-8 only (a GBK export is refused with the line or byte where it stops
//! being UTF-8):
//!
//! * **camt.053** (ISO 20022 `BankToCustomerStatement`, any version `camt.053.001.NN`, with or
//!   without a namespace prefix; elements are matched on their local names). Kept: entries that
//!   are credits (`CdtDbtInd` `CRDT`) and booked (`<Sts>BOOK</Sts>` or `<Sts><Cd>BOOK</Cd></Sts>`),
//!   one transfer per `TxDtls` (a batch entry gives several), or one for an entry without
//!   details. Skipped: debits, entries not booked (`PDNG`, `INFO`, …), reversals
//!   (`RvslInd` true) and a `TxDtls` that is itself marked `DBIT`. DTDs are refused (roxmltree's
//!   default; no entity is ever expanded) and the tree is capped at 4 Mi nodes. The remittance
//!   is `RmtInf/Ustrd` only (`AddtlNtryInf`, `AddtlTxInf` and `Strd` are ignored).
//! * **CSV**, the documented import format for banks that export spreadsheets: RFC 4180 quoting,
//!   LF or CRLF, an optional BOM, a header line (English or Chinese column names, any order,
//!   unknown columns ignored; see `COLUMNS`). Skipped: empty lines (also lines of empty fields
//!   such as `,,,`) and rows whose direction says debit. Every row has as many fields as the
//!   header. Dates: YYYY-MM-DD, YYYY/MM/DD (also 2024/5/1, as Excel writes it) or YYYYMMDD,
//!   optionally followed by a space and a time, which is dropped. Currency defaults to CNY.
//!
//! Anything doubtful is an error for the whole statement, never a silently dropped transfer:
//! a credit without a reference (or one over 128 bytes, or with control characters), amount,
//! currency or booking date; an unknown `CdtDbtInd` or direction; a credited account that is not
//! all digits (an IBAN statement account included); a payer account with other than digits and
//! letters; and a bank reference that appears twice in one statement (it would be taken as a
//! replay and lost). A transfer seen in two statements carries the same `bank_ref`:
//! deduplicating across statements is the caller's job. Errors name the camt entry (every `Ntry`
//! counted from 1, credits or not) or the CSV line (where the record starts, from 1).
//!
//! Amounts are exact decimal strings turned into fen ([`amount_to_fen`]); zero is refused. Batch
//! amounts are not checked against the entry's total.

use std::collections::HashMap;

use roxmltree::{Document, Node, ParsingOptions};

/// One credit to one of our receiving accounts, as the bank reported it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncomingTransfer {
    /// The bank's unique reference of this credit; a transfer seen twice carries the same one.
    pub bank_ref: String,
    /// The credited account: the order's virtual sub-account (digits only, spaces removed).
    pub account_no: String,
    /// The amount in fen (1/100 of the currency unit), always > 0.
    pub amount_fen: i64,
    /// ISO 4217 code, upper case, e.g. "CNY".
    pub currency: String,
    pub payer_name: Option<String>,
    /// Digits and upper-case ASCII letters, spaces and '-' removed.
    pub payer_account: Option<String>,
    /// The booking date, YYYY-MM-DD.
    pub booked_on: String,
    /// The payer's message (附言, camt `RmtInf/Ustrd`, several joined with a space).
    pub remittance: Option<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum StatementError {
    #[error("the statement is not well-formed XML: {0}")]
    Xml(String),
    #[error("not a camt.053 bank-to-customer statement")]
    NotCamt053,
    /// `entry` counts every `Ntry` of the document from 1, credits or not.
    #[error("entry {entry}: {reason}")]
    Entry { entry: usize, reason: String },
    /// `line` is the 1-based line where the CSV record starts.
    #[error("line {line}: {reason}")]
    Line { line: usize, reason: String },
    #[error("the statement is larger than {0} bytes")]
    TooLarge(usize),
    #[error("the statement has more than {0} entries")]
    TooManyEntries(usize),
    #[error("unrecognised statement format (expected camt.053 XML or CSV)")]
    UnknownFormat,
}

pub const MAX_STATEMENT_BYTES: usize = 32 * 1024 * 1024;
/// Entries (camt `Ntry`, CSV data rows) per statement, credits or not.
pub const MAX_ENTRIES: usize = 200_000;
/// At most one XML node per 8 input bytes at the size limit; a real statement needs far fewer.
const MAX_XML_NODES: u32 = (MAX_STATEMENT_BYTES / 8) as u32;

const BOM: &str = "\u{feff}";

/// Parses a statement, camt.053 XML (starts with '<' after an optional BOM/whitespace) or CSV
/// (a first line with a comma).
pub fn parse(bytes: &[u8]) -> Result<Vec<IncomingTransfer>, StatementError> {
    check_size(bytes)?;
    let body = bytes
        .strip_prefix(BOM.as_bytes())
        .unwrap_or(bytes)
        .trim_ascii_start();
    if body.starts_with(b"<") {
        parse_camt053(bytes)
    } else if body
        .split(|&b| b == b'\n')
        .next()
        .is_some_and(|l| l.contains(&b','))
    {
        parse_csv(bytes)
    } else {
        Err(StatementError::UnknownFormat)
    }
}

fn check_size(bytes: &[u8]) -> Result<(), StatementError> {
    if bytes.len() > MAX_STATEMENT_BYTES {
        return Err(StatementError::TooLarge(MAX_STATEMENT_BYTES));
    }
    Ok(())
}

/// Parses a camt.053 statement (see the module documentation for what is kept).
pub fn parse_camt053(bytes: &[u8]) -> Result<Vec<IncomingTransfer>, StatementError> {
    check_size(bytes)?;
    let text = std::str::from_utf8(bytes)
        .map_err(|e| StatementError::Xml(format!("not UTF-8 at byte {}", e.valid_up_to())))?;
    let text = text.strip_prefix(BOM).unwrap_or(text).trim_ascii_start();
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_XML_NODES,
        ..Default::default()
    };
    let doc = Document::parse_with_options(text, options)
        .map_err(|e| StatementError::Xml(e.to_string()))?;
    let root = doc.root_element();
    let ns_ok = root
        .tag_name()
        .namespace()
        .is_none_or(|ns| ns.starts_with("urn:iso:std:iso:20022:tech:xsd:camt.053."));
    let statement = match child(root, "BkToCstmrStmt") {
        Some(s) if ns_ok && root.tag_name().name() == "Document" => s,
        _ => return Err(StatementError::NotCamt053),
    };
    let stmts = || children(statement, "Stmt");
    if stmts().map(|s| children(s, "Ntry").count()).sum::<usize>() > MAX_ENTRIES {
        return Err(StatementError::TooManyEntries(MAX_ENTRIES));
    }
    let (mut out, mut seen, mut index) = (Vec::new(), HashMap::new(), 0);
    for stmt in stmts() {
        let stmt_account = account_id(child(stmt, "Acct"));
        for ntry in children(stmt, "Ntry") {
            index += 1;
            let entry = |reason| StatementError::Entry {
                entry: index,
                reason,
            };
            let start = out.len();
            camt_entry(ntry, stmt_account, &mut out).map_err(entry)?;
            for t in out.get(start..).unwrap_or_default() {
                if let Some(first) = seen.insert(t.bank_ref.clone(), index) {
                    let reason = format!(
                        "bank reference {} also in entry {first}",
                        shown(&t.bank_ref)
                    );
                    return Err(entry(reason));
                }
            }
        }
    }
    Ok(out)
}

fn camt_entry<'a>(
    ntry: Node<'a, '_>,
    stmt_account: Option<&'a str>,
    out: &mut Vec<IncomingTransfer>,
) -> Result<(), String> {
    match text(child(ntry, "CdtDbtInd")) {
        Some("CRDT") => {}
        Some("DBIT") => return Ok(()),
        Some(other) => return Err(format!("unknown CdtDbtInd {}", shown(other))),
        None => return Err("no CdtDbtInd".into()),
    }
    if matches!(text(child(ntry, "RvslInd")), Some("true" | "1")) {
        return Ok(());
    }
    let status = child(ntry, "Sts").ok_or("no status (Sts)")?;
    let code = text(Some(status)).or_else(|| text(child(status, "Cd")));
    if code != Some("BOOK") {
        return Ok(());
    }
    let booked = child(ntry, "BookgDt");
    let booked_on = match (
        text(booked.and_then(|b| child(b, "Dt"))),
        text(booked.and_then(|b| child(b, "DtTm"))),
    ) {
        (Some(d), _) => normalise_date(d),
        (None, Some(dt)) => dt
            .get(..10)
            .filter(|_| dt.get(10..11).is_none_or(|t| t == "T"))
            .and_then(normalise_date),
        (None, None) => return Err("no booking date (BookgDt)".into()),
    };
    let booked_on = booked_on.ok_or("the booking date is not a valid YYYY-MM-DD date")?;
    let entry_ref = text(child(ntry, "AcctSvcrRef")).or_else(|| text(child(ntry, "NtryRef")));
    let txs: Vec<_> = children(ntry, "NtryDtls")
        .flat_map(|d| children(d, "TxDtls"))
        .collect();
    let batch = txs.len() > 1;
    let credited = |acct: Option<Node<'a, '_>>| {
        let id = account_id(acct)
            .or(stmt_account)
            .ok_or("no credited account (CdtrAcct or Stmt/Acct)")?;
        account_no(id)
    };
    if txs.is_empty() {
        let (amount_fen, currency) = camt_amount(child(ntry, "Amt"))?;
        out.push(IncomingTransfer {
            bank_ref: reference(entry_ref.ok_or("no reference (AcctSvcrRef or NtryRef)")?)?,
            account_no: credited(None)?,
            amount_fen,
            currency,
            payer_name: None,
            payer_account: None,
            booked_on,
            remittance: None,
        });
        return Ok(());
    }
    for (i, tx) in txs.into_iter().enumerate() {
        if text(child(tx, "CdtDbtInd")) == Some("DBIT") {
            continue;
        }
        let in_tx = |e: String| {
            if batch {
                format!("transaction {}: {e}", i + 1)
            } else {
                e
            }
        };
        let amount = child(tx, "Amt")
            .or_else(|| path(tx, &["AmtDtls", "TxAmt", "Amt"]))
            .or_else(|| if batch { None } else { child(ntry, "Amt") });
        let (amount_fen, currency) = camt_amount(amount).map_err(in_tx)?;
        let bank_ref = match (text(path(tx, &["Refs", "AcctSvcrRef"])), entry_ref) {
            (Some(r), _) => reference(r).map_err(in_tx)?,
            (None, Some(r)) if batch => reference(&format!("{r}/{}", i + 1)).map_err(in_tx)?,
            (None, Some(r)) => reference(r)?,
            (None, None) => return Err(in_tx("no reference (AcctSvcrRef or NtryRef)".into())),
        };
        let parties = child(tx, "RltdPties");
        let party = |name| parties.and_then(|p| child(p, name));
        let debtor = party("Dbtr");
        let payer_name = text(debtor.and_then(|d| child(d, "Nm")))
            .or_else(|| text(debtor.and_then(|d| path(d, &["Pty", "Nm"]))));
        let ustrd: Vec<&str> = child(tx, "RmtInf")
            .map(|r| children(r, "Ustrd").filter_map(|u| text(Some(u))).collect())
            .unwrap_or_default();
        out.push(IncomingTransfer {
            bank_ref,
            account_no: credited(party("CdtrAcct")).map_err(in_tx)?,
            amount_fen,
            currency,
            payer_name: payer_name.map(str::to_owned),
            payer_account: account_id(party("DbtrAcct"))
                .map(payer_account)
                .transpose()
                .map_err(in_tx)?
                .flatten(),
            booked_on: booked_on.clone(),
            remittance: (!ustrd.is_empty()).then(|| ustrd.join(" ")),
        });
    }
    Ok(())
}

fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

fn children<'a, 'i>(node: Node<'a, 'i>, name: &'static str) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children()
        .filter(move |c| c.is_element() && c.tag_name().name() == name)
}

fn path<'a, 'i>(node: Node<'a, 'i>, names: &[&str]) -> Option<Node<'a, 'i>> {
    names.iter().try_fold(node, |n, name| child(n, name))
}

/// The element's own text, trimmed; `None` when absent or blank.
fn text<'a>(node: Option<Node<'a, '_>>) -> Option<&'a str> {
    node?.text().map(str::trim).filter(|t| !t.is_empty())
}

/// `Acct/Id/IBAN` or `Acct/Id/Othr/Id` (also for `CdtrAcct` and `DbtrAcct`).
fn account_id<'a>(acct: Option<Node<'a, '_>>) -> Option<&'a str> {
    let id = child(acct?, "Id")?;
    text(child(id, "IBAN")).or_else(|| text(path(id, &["Othr", "Id"])))
}

fn camt_amount(amt: Option<Node<'_, '_>>) -> Result<(i64, String), String> {
    let amt = amt.ok_or("no amount (Amt)")?;
    let ccy = amt
        .attribute("Ccy")
        .ok_or("the amount has no Ccy attribute")?;
    let fen = amount_to_fen(amt.text().unwrap_or_default()).map_err(|e| format!("amount: {e}"))?;
    Ok((positive(fen)?, currency(ccy)?))
}

fn positive(fen: i64) -> Result<i64, String> {
    if fen == 0 {
        Err("the amount is zero".into())
    } else {
        Ok(fen)
    }
}

fn currency(code: &str) -> Result<String, String> {
    let code = code.trim();
    if code.len() == 3 && code.bytes().all(|b| b.is_ascii_alphabetic()) {
        Ok(code.to_ascii_uppercase())
    } else {
        Err(format!("currency {} is not an ISO 4217 code", shown(code)))
    }
}

/// A bank reference: 1 to 128 bytes, no control characters.
fn reference(r: &str) -> Result<String, String> {
    if r.is_empty() || r.len() > 128 || r.chars().any(char::is_control) {
        return Err(format!(
            "bank reference {} is empty, longer than 128 bytes or has control characters",
            shown(r)
        ));
    }
    Ok(r.to_owned())
}

/// An account number as digits only, once spaces and '-' are removed.
fn account_no(raw: &str) -> Result<String, String> {
    let s: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("account number {} is not all digits", shown(raw)));
    }
    Ok(s)
}

/// A payer's account: digits and upper-case ASCII letters once spaces and '-' are removed;
/// blank is `None`.
fn payer_account(raw: &str) -> Result<Option<String>, String> {
    let s: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if !s.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(format!(
            "payer account {} has characters other than digits and letters",
            shown(raw)
        ));
    }
    Ok(Some(s.to_ascii_uppercase()).filter(|s| !s.is_empty()))
}

/// At most 32 characters of a value, quoted, for an error message.
fn shown(s: &str) -> String {
    let cut: String = s.chars().take(32).collect();
    if cut.len() < s.len() {
        format!("{cut:?}…")
    } else {
        format!("{cut:?}")
    }
}

/// "300", "300.5", "300.00", "1,234.56" → fen. Surrounding whitespace is ignored; "0" is 0.
/// Refused: empty, a sign ("-1", "+1"), more than 2 decimals ("0.001", "1.000"), a bare point
/// ("1.", ".5"), misplaced group commas ("1,23"), anything else, and more than `i64::MAX` fen.
pub fn amount_to_fen(s: &str) -> Result<i64, String> {
    let s = s.trim();
    if s.is_empty() {
        return Err("empty amount".into());
    }
    if s.starts_with('-') {
        return Err("negative amounts are refused".into());
    }
    let (int, frac) = s.split_once('.').unwrap_or((s, "00"));
    let groups: Vec<&str> = int.split(',').collect();
    let grouped_ok = groups.len() == 1
        || (groups.iter().enumerate()).all(|(i, g)| g.len() == 3 || (i == 0 && g.len() < 3));
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    if !grouped_ok || !groups.iter().all(|g| digits(g)) || !digits(frac) {
        return Err(format!("{} is not a decimal amount like 1234.56", shown(s)));
    }
    if frac.len() > 2 {
        return Err(format!("{} has more than 2 decimal places", shown(s)));
    }
    let pad = if frac.len() == 1 { "0" } else { "" };
    groups
        .into_iter()
        .chain([frac, pad])
        .flat_map(str::bytes)
        .try_fold(0i64, |acc, b| {
            acc.checked_mul(10)?.checked_add(i64::from(b - b'0'))
        })
        .ok_or_else(|| format!("{} is too large", shown(s)))
}

/// YYYY-MM-DD, YYYY/MM/DD (month and day may have one digit) or YYYYMMDD → YYYY-MM-DD.
fn normalise_date(s: &str) -> Option<String> {
    let parts: Vec<&str> = if s.len() == 8 && !s.contains(['-', '/']) {
        vec![s.get(..4)?, s.get(4..6)?, s.get(6..)?]
    } else {
        let sep = if s.contains('/') { '/' } else { '-' };
        s.split(sep).collect()
    };
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    let num = |t: &str, len: std::ops::RangeInclusive<usize>| {
        (len.contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit()))
            .then(|| t.parse::<u32>().ok())
            .flatten()
    };
    let (y, m, d) = (num(y, 4..=4)?, num(m, 1..=2)?, num(d, 1..=2)?);
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (y >= 1000 && (1..=days).contains(&d)).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// CSV columns: the field's name first (used in messages), then its accepted aliases.
const COLUMNS: [&[&str]; 9] = [
    &["bank_ref", "交易流水号", "流水号"],
    &["account_no", "收款账号", "入账账号"],
    &["amount", "金额", "交易金额"],
    &["booked_on", "交易日期", "记账日期"],
    &["payer_name", "付款人名称", "付款户名", "对方户名"],
    &["payer_account", "付款账号", "对方账号"],
    &["currency", "币种"],
    &["remittance", "附言", "摘要", "用途"],
    &["direction", "借贷标志", "收支"],
];
/// The first six columns are required.
const REQUIRED: usize = 6;
const BANK_REF: usize = 0;
const ACCOUNT: usize = 1;
const AMOUNT: usize = 2;
const BOOKED: usize = 3;
const PAYER: usize = 4;
const PAYER_ACCOUNT: usize = 5;
const CURRENCY: usize = 6;
const REMITTANCE: usize = 7;
const DIRECTION: usize = 8;

/// Parses the CSV import format (see the module documentation).
pub fn parse_csv(bytes: &[u8]) -> Result<Vec<IncomingTransfer>, StatementError> {
    check_size(bytes)?;
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = 1 + bytes
            .iter()
            .take(e.valid_up_to())
            .filter(|&&b| b == b'\n')
            .count();
        line_err(line, "not UTF-8 (save the file as UTF-8 CSV)".into())
    })?;
    let mut csv = Csv {
        text: text.strip_prefix(BOM).unwrap_or(text),
        pos: 0,
        line: 1,
    };
    let mut records = std::iter::from_fn(|| csv.next_record()).filter(|r| {
        r.as_ref().map_or(true, |(_, fields)| {
            fields.iter().any(|f| !f.trim().is_empty())
        })
    });
    let Some((header_line, header)) = records.next().transpose()? else {
        return Err(line_err(1, "no header line".into()));
    };
    let mut cols = [None; COLUMNS.len()];
    for (i, name) in header.iter().enumerate() {
        let name = name.trim().to_lowercase();
        if let Some(c) = COLUMNS
            .iter()
            .position(|aliases| aliases.contains(&name.as_str()))
            && let Some(prev) = cols[c].replace(i)
        {
            let reason = format!(
                "columns {} and {} both mean {}",
                prev + 1,
                i + 1,
                COLUMNS[c][0]
            );
            return Err(line_err(header_line, reason));
        }
    }
    if let Some(c) = (0..REQUIRED).find(|&c| cols[c].is_none()) {
        let reason = format!(
            "no {} column (also named {})",
            COLUMNS[c][0],
            COLUMNS[c][1..].join(", ")
        );
        return Err(line_err(header_line, reason));
    }
    let (mut out, mut seen) = (Vec::new(), HashMap::new());
    for (rows, record) in records.enumerate() {
        let (line, fields) = record?;
        if rows >= MAX_ENTRIES {
            return Err(StatementError::TooManyEntries(MAX_ENTRIES));
        }
        if fields.len() != header.len() {
            let reason = format!(
                "{} fields where the header has {}",
                fields.len(),
                header.len()
            );
            return Err(line_err(line, reason));
        }
        if let Some(t) = csv_row(&cols, &fields).map_err(|reason| line_err(line, reason))? {
            if let Some(first) = seen.insert(t.bank_ref.clone(), line) {
                let reason = format!("bank reference {} also on line {first}", shown(&t.bank_ref));
                return Err(line_err(line, reason));
            }
            out.push(t);
        }
    }
    Ok(out)
}

/// One data row; `None` for a debit.
fn csv_row(
    cols: &[Option<usize>; COLUMNS.len()],
    fields: &[String],
) -> Result<Option<IncomingTransfer>, String> {
    let get = |c: usize| cols[c].and_then(|i| fields.get(i)).map_or("", |f| f.trim());
    let optional = |c: usize| Some(get(c)).filter(|v| !v.is_empty()).map(str::to_owned);
    match get(DIRECTION).to_ascii_uppercase().as_str() {
        "D" | "DBIT" | "借" | "支出" | "支" => return Ok(None),
        "C" | "CRDT" | "贷" | "收入" | "收" | "" => {}
        other => {
            return Err(format!(
                "direction {} is neither credit nor debit",
                shown(other)
            ));
        }
    }
    let amount = amount_to_fen(get(AMOUNT))
        .and_then(positive)
        .map_err(|e| format!("amount: {e}"))?;
    let (date, time) = get(BOOKED).split_once(' ').unwrap_or((get(BOOKED), ""));
    let time_ok = time.trim().bytes().all(|b| b.is_ascii_digit() || b == b':');
    let booked_on = Some(date)
        .filter(|_| time_ok)
        .and_then(normalise_date)
        .ok_or_else(|| {
            format!(
                "booked_on {} is not a date like 2024-05-31, 2024/05/31 or 20240531",
                shown(get(BOOKED))
            )
        })?;
    Ok(Some(IncomingTransfer {
        bank_ref: reference(get(BANK_REF))?,
        account_no: account_no(get(ACCOUNT))?,
        amount_fen: amount,
        currency: if get(CURRENCY).is_empty() {
            "CNY".into()
        } else {
            currency(get(CURRENCY))?
        },
        payer_name: optional(PAYER),
        payer_account: payer_account(get(PAYER_ACCOUNT))?,
        booked_on,
        remittance: optional(REMITTANCE),
    }))
}

fn line_err(line: usize, reason: String) -> StatementError {
    StatementError::Line { line, reason }
}

/// An RFC 4180 reader yielding each record with the line it starts on.
struct Csv<'a> {
    text: &'a str,
    pos: usize,
    line: usize,
}

impl Csv<'_> {
    fn next_record(&mut self) -> Option<Result<(usize, Vec<String>), StatementError>> {
        let rest = self.text.get(self.pos..).filter(|r| !r.is_empty())?;
        let start = self.line;
        let err = |reason: &str| Some(Err(line_err(start, reason.into())));
        let (mut fields, mut at) = (Vec::new(), 0);
        loop {
            let mut field = String::new();
            if rest.get(at..).is_some_and(|r| r.starts_with('"')) {
                at += 1;
                loop {
                    let tail = rest.get(at..).unwrap_or_default();
                    let Some(quote) = tail.find('"') else {
                        return err("a quoted field is not closed");
                    };
                    let chunk = tail.get(..quote).unwrap_or_default();
                    self.line += chunk.matches('\n').count();
                    field.push_str(chunk);
                    at += quote + 1;
                    if !rest.get(at..).is_some_and(|r| r.starts_with('"')) {
                        break;
                    }
                    field.push('"');
                    at += 1;
                }
                if rest.get(at..).is_some_and(|r| r.starts_with('\r')) {
                    at += 1;
                }
                if !rest
                    .get(at..)
                    .is_some_and(|r| r.is_empty() || r.starts_with([',', '\n']))
                {
                    return err("text after a closing quote");
                }
            } else {
                let tail = rest.get(at..).unwrap_or_default();
                let len = tail.find([',', '\n']).unwrap_or(tail.len());
                let value = tail.get(..len).unwrap_or_default();
                if value.contains('"') {
                    return err("a quote inside an unquoted field");
                }
                field.push_str(value.strip_suffix('\r').unwrap_or(value));
                at += len;
            }
            fields.push(field);
            match rest.get(at..at + 1) {
                Some(",") => at += 1,
                Some(_) => {
                    at += 1;
                    self.line += 1;
                    break;
                }
                None => break,
            }
        }
        self.pos += at;
        Some(Ok((start, fields)))
    }
}

#[cfg(test)]
#[path = "statements_tests.rs"]
mod tests;
