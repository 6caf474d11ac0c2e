//! Tests of `statements.rs`: camt.053 (versions 02 and 08), the CSV import format, amounts,
//! dates, format detection and the limits.

use super::*;

fn transfer(
    bank_ref: &str,
    account_no: &str,
    amount_fen: i64,
    booked_on: &str,
) -> IncomingTransfer {
    IncomingTransfer {
        bank_ref: bank_ref.into(),
        account_no: account_no.into(),
        amount_fen,
        currency: "CNY".into(),
        payer_name: None,
        payer_account: None,
        booked_on: booked_on.into(),
        remittance: None,
    }
}

fn payer(mut t: IncomingTransfer, name: &str, account: &str) -> IncomingTransfer {
    t.payer_name = Some(name.into());
    t.payer_account = Some(account.into());
    t
}

fn remit(mut t: IncomingTransfer, text: &str) -> IncomingTransfer {
    t.remittance = Some(text.into());
    t
}

fn entry_err(entry: usize, reason: &str) -> StatementError {
    StatementError::Entry {
        entry,
        reason: reason.into(),
    }
}

fn line_err(line: usize, reason: &str) -> StatementError {
    StatementError::Line {
        line,
        reason: reason.into(),
    }
}

/// A statement of our master account 1100 2233 4455 as a bank sends it in camt.053.001.02:
/// a single credit, a batch of two, a debit, a pending credit, a reversal and a credit without
/// transaction details.
const CAMT_V02: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>STMT20240531-0001</MsgId><CreDtTm>2024-06-01T02:00:00+08:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>1100223344552024053101</Id>
      <CreDtTm>2024-06-01T02:00:00+08:00</CreDtTm>
      <Acct><Id><Othr><Id>1100 2233 4455</Id></Othr></Id><Ccy>CNY</Ccy></Acct>
      <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="CNY">10000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-05-31</Dt></Dt></Bal>
      <Ntry>
        <NtryRef>1</NtryRef>
        <Amt Ccy="CNY">300.00</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>2024-05-31</Dt></BookgDt>
        <ValDt><Dt>2024-05-31</Dt></ValDt>
        <AcctSvcrRef>ICBC20240531000123</AcctSvcrRef>
        <BkTxCd><Prtry><Cd>TRF</Cd></Prtry></BkTxCd>
        <NtryDtls>
          <TxDtls>
            <Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
            <RltdPties>
              <Dbtr><Nm>张三</Nm></Dbtr>
              <DbtrAcct><Id><Othr><Id>6222 0200 1234 5678</Id></Othr></Id></DbtrAcct>
              <CdtrAcct><Id><Othr><Id>9550 8800 0000 1234 01</Id></Othr></Id></CdtrAcct>
            </RltdPties>
            <RmtInf><Ustrd>订单 ORD-1001</Ustrd><Ustrd>谢谢</Ustrd></RmtInf>
          </TxDtls>
        </NtryDtls>
      </Ntry>
      <Ntry>
        <NtryRef>2</NtryRef>
        <Amt Ccy="CNY">1500.00</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>2024-05-31</Dt></BookgDt>
        <AcctSvcrRef>ICBC20240531000124</AcctSvcrRef>
        <NtryDtls>
          <Btch><NbOfTxs>2</NbOfTxs></Btch>
          <TxDtls>
            <Refs><AcctSvcrRef>ICBC20240531000124-A</AcctSvcrRef></Refs>
            <AmtDtls><TxAmt><Amt Ccy="CNY">1000.00</Amt></TxAmt></AmtDtls>
            <RltdPties>
              <Dbtr><Nm>北京某某科技有限公司</Nm></Dbtr>
              <DbtrAcct><Id><Othr><Id>1100-9988-7766</Id></Othr></Id></DbtrAcct>
              <CdtrAcct><Id><Othr><Id>955088000000123402</Id></Othr></Id></CdtrAcct>
            </RltdPties>
            <RmtInf><Ustrd>ORD-1002</Ustrd></RmtInf>
          </TxDtls>
          <TxDtls>
            <AmtDtls><TxAmt><Amt Ccy="CNY">500</Amt></TxAmt></AmtDtls>
            <RltdPties><Dbtr><Nm>李四</Nm></Dbtr></RltdPties>
          </TxDtls>
        </NtryDtls>
      </Ntry>
      <Ntry>
        <Amt Ccy="CNY">88.00</Amt>
        <CdtDbtInd>DBIT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>2024-05-31</Dt></BookgDt>
        <AcctSvcrRef>ICBC20240531000125</AcctSvcrRef>
      </Ntry>
      <Ntry>
        <Amt Ccy="CNY">66.00</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts>PDNG</Sts>
        <AcctSvcrRef>ICBC20240531000126</AcctSvcrRef>
      </Ntry>
      <Ntry>
        <Amt Ccy="CNY">300.00</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <RvslInd>true</RvslInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>2024-05-31</Dt></BookgDt>
        <AcctSvcrRef>ICBC20240531000127</AcctSvcrRef>
      </Ntry>
      <Ntry>
        <NtryRef>RF-6</NtryRef>
        <Amt Ccy="CNY">0.01</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><DtTm>2024-05-31T23:59:59+08:00</DtTm></BookgDt>
        <AddtlNtryInf>结息</AddtlNtryInf>
      </Ntry>
    </Stmt>
  </BkToCstmrStmt>
</Document>
"#;

#[test]
fn camt053_v02_keeps_booked_credits_one_per_transaction() {
    let got = parse_camt053(CAMT_V02.as_bytes()).expect("parse");
    let want = vec![
        remit(
            payer(
                transfer(
                    "ICBC20240531000123",
                    "955088000000123401",
                    30000,
                    "2024-05-31",
                ),
                "张三",
                "6222020012345678",
            ),
            "订单 ORD-1001 谢谢",
        ),
        remit(
            payer(
                transfer(
                    "ICBC20240531000124-A",
                    "955088000000123402",
                    100000,
                    "2024-05-31",
                ),
                "北京某某科技有限公司",
                "110099887766",
            ),
            "ORD-1002",
        ),
        IncomingTransfer {
            payer_name: Some("李四".into()),
            ..transfer("ICBC20240531000124/2", "110022334455", 50000, "2024-05-31")
        },
        transfer("RF-6", "110022334455", 1, "2024-05-31"),
    ];
    assert_eq!(got, want);
    assert_eq!(parse(CAMT_V02.as_bytes()), Ok(want), "parse() detects XML");
}

/// camt.053.001.08: `Sts/Cd`, `Dbtr/Pty/Nm`, `TxDtls/Amt`, IBANs, a batch without references
/// of its own, a pending entry in the new status shape, a debit transaction inside a credit.
const CAMT_V08: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
<BkToCstmrStmt>
<GrpHdr><MsgId>M8</MsgId><CreDtTm>2024-06-02T01:00:00Z</CreDtTm></GrpHdr>
<Stmt><Id>S8</Id><Acct><Id><IBAN>CN00 1111 2222</IBAN></Id></Acct>
<Ntry><NtryRef>E1</NtryRef><Amt Ccy="CNY">120.50</Amt><CdtDbtInd>CRDT</CdtDbtInd>
<Sts><Cd>BOOK</Cd></Sts><BookgDt><DtTm>2024-06-01T10:11:12</DtTm></BookgDt>
<NtryDtls><TxDtls>
<Refs><AcctSvcrRef>BOC-9001</AcctSvcrRef><EndToEndId>E2E-1</EndToEndId></Refs>
<Amt Ccy="CNY">120.50</Amt><CdtDbtInd>CRDT</CdtDbtInd>
<RltdPties><Dbtr><Pty><Nm>王五</Nm></Pty></Dbtr>
<DbtrAcct><Id><IBAN>DE89 3704 0044 0532 0130 00</IBAN></Id></DbtrAcct>
<CdtrAcct><Id><Othr><Id>95508800000012340３</Id></Othr></Id></CdtrAcct></RltdPties>
</TxDtls></NtryDtls></Ntry>
<Ntry><NtryRef>E2</NtryRef><Amt Ccy="USD">30.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>
<Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2024-06-01</Dt></BookgDt>
<NtryDtls>
<TxDtls><Amt Ccy="USD">10.00</Amt><RltdPties><CdtrAcct><Id><Othr><Id>9550880000001234 04</Id></Othr></Id></CdtrAcct></RltdPties></TxDtls>
<TxDtls><AmtDtls><InstdAmt><Amt Ccy="EUR">99.00</Amt></InstdAmt><TxAmt><Amt Ccy="USD">20.00</Amt></TxAmt></AmtDtls>
<RltdPties><Dbtr><Nm>  </Nm></Dbtr><CdtrAcct><Id><Othr><Id>955088000000123405</Id></Othr></Id></CdtrAcct></RltdPties>
<RmtInf><Ustrd> ORD-2002 </Ustrd></RmtInf></TxDtls>
<TxDtls><Amt Ccy="USD">5.00</Amt><CdtDbtInd>DBIT</CdtDbtInd></TxDtls>
</NtryDtls></Ntry>
<Ntry><NtryRef>E3</NtryRef><Amt Ccy="CNY">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>PDNG</Cd></Sts></Ntry>
</Stmt></BkToCstmrStmt></Document>"#;

#[test]
fn camt053_v08_shapes() {
    // The full-width digit in the first CdtrAcct is not an ASCII digit: refused, not mangled.
    assert_eq!(
        parse_camt053(CAMT_V08.as_bytes()),
        Err(entry_err(
            1,
            "account number \"95508800000012340３\" is not all digits"
        ))
    );
    let fixed = CAMT_V08.replace('３', "3");
    let got = parse_camt053(fixed.as_bytes()).expect("parse");
    let usd = |t: IncomingTransfer| IncomingTransfer {
        currency: "USD".into(),
        ..t
    };
    assert_eq!(
        got,
        vec![
            payer(
                transfer("BOC-9001", "955088000000123403", 12050, "2024-06-01"),
                "王五",
                "DE89370400440532013000"
            ),
            usd(transfer("E2/1", "955088000000123404", 1000, "2024-06-01")),
            usd(remit(
                transfer("E2/2", "955088000000123405", 2000, "2024-06-01"),
                "ORD-2002"
            )),
        ]
    );
    // The statement account is an IBAN: a credit falling back to it is refused, not guessed.
    let no_cdtr = fixed.replace(
        "<CdtrAcct><Id><Othr><Id>955088000000123403</Id></Othr></Id></CdtrAcct>",
        "",
    );
    assert_eq!(
        parse_camt053(no_cdtr.as_bytes()),
        Err(entry_err(
            1,
            "account number \"CN00 1111 2222\" is not all digits"
        ))
    );
}

const NTRY: &str = r#"<Ntry><Amt Ccy="CNY">9.99</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2024-02-29</Dt></BookgDt><AcctSvcrRef>R1</AcctSvcrRef></Ntry>"#;

/// A camt.053.001.04 statement of account 6000 with these entries.
fn statement(entries: &[&str]) -> String {
    format!(
        r#"<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.04"><BkToCstmrStmt><Stmt>
<Acct><Id><Othr><Id>6000</Id></Othr></Id></Acct>{}</Stmt></BkToCstmrStmt></Document>"#,
        entries.concat()
    )
}

#[test]
fn camt053_namespaces_and_roots() {
    let small = statement(&[NTRY]);
    let want = Ok(vec![transfer("R1", "6000", 999, "2024-02-29")]);
    assert_eq!(parse_camt053(small.as_bytes()), want, "default namespace");
    let bare = small.replace(
        r#" xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.04""#,
        "",
    );
    assert_eq!(parse_camt053(bare.as_bytes()), want, "no namespace");
    let prefixed = small
        .replace(r#"<Document xmlns="#, r#"<c:Document xmlns:c="#)
        .replace("</", "</c:")
        .replace("<", "<c:")
        .replace("<c:/c:", "</c:")
        .replace("<c:c:", "<c:");
    assert!(prefixed.starts_with("<c:Document xmlns:c="), "{prefixed}");
    assert_eq!(parse_camt053(prefixed.as_bytes()), want, "prefixed");
    let with_bom = format!("\u{feff}\n  <?xml version=\"1.0\"?>{small}");
    assert_eq!(
        parse(with_bom.as_bytes()),
        want,
        "BOM and whitespace before the declaration"
    );

    let report = small
        .replace("BkToCstmrStmt", "BkToCstmrAcctRpt")
        .replace("camt.053", "camt.052");
    assert_eq!(
        parse_camt053(report.as_bytes()),
        Err(StatementError::NotCamt053),
        "camt.052"
    );
    let other_ns = small.replace("camt.053.001.04", "camt.054.001.04");
    assert_eq!(
        parse_camt053(other_ns.as_bytes()),
        Err(StatementError::NotCamt053),
        "camt.054 namespace"
    );
    for doc in [
        "<html><body>hi</body></html>",
        "<Stmt><BkToCstmrStmt/></Stmt>",
        "<Document/>",
    ] {
        assert_eq!(
            parse(doc.as_bytes()),
            Err(StatementError::NotCamt053),
            "{doc}"
        );
    }
}

#[test]
fn camt053_entry_errors_name_the_entry() {
    let two = statement(&[NTRY, &NTRY.replace("R1", "R2")]);
    assert_eq!(parse_camt053(two.as_bytes()).map(|v| v.len()), Ok(2));
    let cases = [
        (
            "<AcctSvcrRef>R2</AcctSvcrRef>",
            "",
            "no reference (AcctSvcrRef or NtryRef)",
        ),
        (
            "R2",
            "R&#9;2",
            "bank reference \"R\\t2\" is empty, longer than 128 bytes or has control characters",
        ),
        (r#"<Amt Ccy="CNY">9.99</Amt>"#, "", "no amount (Amt)"),
        (
            ">9.99<",
            ">9.999<",
            "amount: \"9.999\" has more than 2 decimal places",
        ),
        (">9.99<", ">-9.99<", "amount: negative amounts are refused"),
        (">9.99<", ">0.00<", "the amount is zero"),
        (r#" Ccy="CNY""#, "", "the amount has no Ccy attribute"),
        (
            r#""CNY""#,
            r#""C1""#,
            "currency \"C1\" is not an ISO 4217 code",
        ),
        (
            "<BookgDt><Dt>2024-02-29</Dt></BookgDt>",
            "",
            "no booking date (BookgDt)",
        ),
        (
            "2024-02-29",
            "2023-02-29",
            "the booking date is not a valid YYYY-MM-DD date",
        ),
        (
            "<Dt>2024-02-29</Dt>",
            "<DtTm>2024-02-29 10:00</DtTm>",
            "the booking date is not a valid YYYY-MM-DD date",
        ),
        ("<Sts>BOOK</Sts>", "", "no status (Sts)"),
        (
            "<CdtDbtInd>CRDT",
            "<CdtDbtInd>CRDIT",
            "unknown CdtDbtInd \"CRDIT\"",
        ),
        ("<CdtDbtInd>CRDT</CdtDbtInd>", "", "no CdtDbtInd"),
        ("R2", "R1", "bank reference \"R1\" also in entry 1"),
    ];
    for (from, to, reason) in cases {
        let second = NTRY.replace("R1", "R2");
        assert!(second.contains(from), "{from}");
        let bad = statement(&[NTRY, &second.replacen(from, to, 1)]);
        assert_eq!(
            parse_camt053(bad.as_bytes()),
            Err(entry_err(2, reason)),
            "{from} → {to}"
        );
    }
    // A batch transaction without an amount of its own cannot take the entry's.
    let batch = CAMT_V08
        .replace('３', "3")
        .replace(r#"<Amt Ccy="USD">10.00</Amt>"#, "");
    assert_eq!(
        parse_camt053(batch.as_bytes()),
        Err(entry_err(2, "transaction 1: no amount (Amt)"))
    );
    // A batch without any reference.
    let batch = CAMT_V08
        .replace('３', "3")
        .replace("<NtryRef>E2</NtryRef>", "");
    assert_eq!(
        parse_camt053(batch.as_bytes()),
        Err(entry_err(
            2,
            "transaction 1: no reference (AcctSvcrRef or NtryRef)"
        ))
    );
    assert_eq!(
        StatementError::Entry {
            entry: 2,
            reason: "no amount (Amt)".into()
        }
        .to_string(),
        "entry 2: no amount (Amt)"
    );
}

#[test]
fn camt053_refuses_dtds_and_bad_xml() {
    // No entity is expanded: a DTD is refused outright (roxmltree's default, kept).
    let entity = format!(
        r#"<?xml version="1.0"?><!DOCTYPE Document [<!ENTITY who "攻击者">]>{}"#,
        statement(&[NTRY]).replace("R1", "&who;")
    );
    assert_eq!(
        parse_camt053(entity.as_bytes()),
        Err(StatementError::Xml("XML with DTD detected".into()))
    );
    let laughs = r#"<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><d>&b;</d>"#;
    assert!(matches!(
        parse(laughs.as_bytes()),
        Err(StatementError::Xml(_))
    ));
    let external = r#"<!DOCTYPE d SYSTEM "file:///etc/passwd"><d/>"#;
    assert!(matches!(
        parse_camt053(external.as_bytes()),
        Err(StatementError::Xml(_))
    ));
    assert!(matches!(
        parse_camt053(b"<Document><BkToCstmrStmt>"),
        Err(StatementError::Xml(_))
    ));
    assert_eq!(
        parse_camt053(b"<Document>\xff</Document>"),
        Err(StatementError::Xml("not UTF-8 at byte 10".into()))
    );
    let err = parse_camt053(b"<a></b>").expect_err("mismatched tags");
    assert!(
        err.to_string()
            .starts_with("the statement is not well-formed XML: "),
        "{err}"
    );
}

#[test]
fn csv_with_english_headers() {
    let csv = "amount,bank_ref,Account_No , booked_on,payer_name,payer_account,balance,remittance\n\
               300.00,TX1,9550 8800 0000 1234 01,2024-05-31,\"Zhang, San \"\"ZS\"\"\",6222 0200 1234 5678,9999.00,ORD-1001\n\
               \n\
               12,TX2,955088000000123402,2024/06/01,,,1.00,\n";
    let want = vec![
        remit(
            payer(
                transfer("TX1", "955088000000123401", 30000, "2024-05-31"),
                "Zhang, San \"ZS\"",
                "6222020012345678",
            ),
            "ORD-1001",
        ),
        transfer("TX2", "955088000000123402", 1200, "2024-06-01"),
    ];
    assert_eq!(parse_csv(csv.as_bytes()), Ok(want.clone()));
    assert_eq!(parse(csv.as_bytes()), Ok(want), "parse() detects CSV");
}

#[test]
fn csv_with_chinese_headers_bom_crlf_and_debits() {
    let csv = "\u{feff}交易流水号,交易日期,收款账号,对方户名,对方账号,交易金额,币种,借贷标志,附言\r\n\
               ,,,,,,,,\r\n\
               2024053100001,20240531,955088000000123401,北京某某科技有限公司,1100-9988-7766,\"1,234.56\",cny,贷,\"订单ORD-1001\r\n第二行\"\r\n\
               2024053100002,20240531,955088000000123401,某某,1100,\"-88.00\",CNY,借,手续费\r\n\
               2024053100003,2024-5-1 10:22:33,955088000000123402,\"\",,1000000,,,\r\n";
    let want = vec![
        remit(
            payer(
                transfer("2024053100001", "955088000000123401", 123456, "2024-05-31"),
                "北京某某科技有限公司",
                "110099887766",
            ),
            "订单ORD-1001\r\n第二行",
        ),
        transfer(
            "2024053100003",
            "955088000000123402",
            100000000,
            "2024-05-01",
        ),
    ];
    assert_eq!(parse(csv.as_bytes()), Ok(want));
    // Line numbers count the physical lines, the quoted line break included.
    let bad = csv.replace("1000000", "1000000.001");
    assert_eq!(
        parse_csv(bad.as_bytes()),
        Err(line_err(
            6,
            "amount: \"1000000.001\" has more than 2 decimal places"
        ))
    );
    let bad = csv.replace(",借,", ",D/C,");
    assert_eq!(
        parse_csv(bad.as_bytes()),
        Err(line_err(5, "direction \"D/C\" is neither credit nor debit"))
    );
}

#[test]
fn csv_directions() {
    let head = "流水号,入账账号,金额,记账日期,付款户名,付款账号,收支\n";
    for (value, kept) in [
        ("D", false),
        ("dbit", false),
        ("借", false),
        ("支出", false),
        ("支", false),
        ("C", true),
        ("CRDT", true),
        ("贷", true),
        ("收入", true),
        ("收", true),
        ("", true),
    ] {
        let csv = format!("{head}R,1,1,20240101,,,{value}\n");
        assert_eq!(
            parse_csv(csv.as_bytes()).map(|v| v.len()),
            Ok(usize::from(kept)),
            "{value}"
        );
    }
}

#[test]
fn csv_dates() {
    for (raw, want) in [
        ("2024-05-31", Some("2024-05-31")),
        ("2024/05/31", Some("2024-05-31")),
        ("20240531", Some("2024-05-31")),
        ("2024/5/1", Some("2024-05-01")),
        ("2024-02-29", Some("2024-02-29")),
        ("2000-02-29", Some("2000-02-29")),
        ("1900-02-29", None),
        ("2023-02-29", None),
        ("2024-04-31", None),
        ("2024-13-01", None),
        ("2024-00-10", None),
        ("2024-01-00", None),
        ("20241301", None),
        ("2024/05-31", None),
        ("24-05-31", None),
        ("2024-05-31-01", None),
        ("2024.05.31", None),
        ("", None),
        ("２０２４0531", None),
    ] {
        assert_eq!(normalise_date(raw).as_deref(), want, "{raw}");
    }
    let csv = |date: &str| {
        format!("bank_ref,account_no,amount,booked_on,payer_name,payer_account\nR,1,1,{date},,\n")
    };
    assert_eq!(
        parse_csv(csv("2024-05-31 23:59:59").as_bytes()).map(|v| v[0].booked_on.clone()),
        Ok("2024-05-31".into())
    );
    assert_eq!(
        parse_csv(csv("31/05/2024").as_bytes()),
        Err(line_err(
            2,
            "booked_on \"31/05/2024\" is not a date like 2024-05-31, 2024/05/31 or 20240531"
        ))
    );
    assert!(parse_csv(csv("2024-05-31 noon").as_bytes()).is_err());
}

#[test]
fn csv_errors_name_the_line() {
    let head = "bank_ref,account_no,amount,booked_on,payer_name,payer_account\n";
    let one = |row: &str| parse_csv(format!("{head}\n{row}\n").as_bytes());
    assert_eq!(
        one("R,1,abc,20240101,,"),
        Err(line_err(
            3,
            "amount: \"abc\" is not a decimal amount like 1234.56"
        ))
    );
    assert_eq!(
        one("R,1,0,20240101,,"),
        Err(line_err(3, "amount: the amount is zero"))
    );
    assert_eq!(
        one("R,1,,20240101,,"),
        Err(line_err(3, "amount: empty amount"))
    );
    let bad_ref = "is empty, longer than 128 bytes or has control characters";
    assert_eq!(
        one(",1,1,20240101,,"),
        Err(line_err(3, &format!("bank reference \"\" {bad_ref}")))
    );
    let long = "R".repeat(129);
    assert_eq!(
        one(&format!("{long},1,1,20240101,,")),
        Err(line_err(
            3,
            &format!("bank reference \"{}\"… {bad_ref}", &long[..32])
        ))
    );
    assert_eq!(
        one(&format!("{},1,1,20240101,,", &long[..128])).map(|v| v.len()),
        Ok(1)
    );
    assert_eq!(
        one("R,1,1,20240101,,de89 3704-0044").map(|v| v[0].payer_account.clone()),
        Ok(Some("DE8937040044".into()))
    );
    assert_eq!(
        one("R,95508800A,1,20240101,,"),
        Err(line_err(
            3,
            "account number \"95508800A\" is not all digits"
        ))
    );
    assert_eq!(
        one("R,,1,20240101,,"),
        Err(line_err(3, "account number \"\" is not all digits"))
    );
    assert_eq!(
        one("R,1,1,20240101,,6222/1"),
        Err(line_err(
            3,
            "payer account \"6222/1\" has characters other than digits and letters"
        ))
    );
    assert_eq!(
        one("R,1,1,20240101,"),
        Err(line_err(3, "5 fields where the header has 6"))
    );
    assert_eq!(
        one("R,1,1,20240101,,,"),
        Err(line_err(3, "7 fields where the header has 6"))
    );
    assert_eq!(
        one("R,1,\"1,20240101,,"),
        Err(line_err(3, "a quoted field is not closed"))
    );
    assert_eq!(
        one("R,1,1\"0,20240101,,"),
        Err(line_err(3, "a quote inside an unquoted field"))
    );
    assert_eq!(
        one("R,1,\"1\"0,20240101,,"),
        Err(line_err(3, "text after a closing quote"))
    );
    assert_eq!(
        one("R,1,1,20240101,,\nR,2,1,20240101,,"),
        Err(line_err(4, "bank reference \"R\" also on line 3"))
    );
    assert_eq!(
        one("R,1,1,20240101,,\n").map(|v| v[0].currency.clone()),
        Ok("CNY".into()),
        "no final newline needed"
    );
    // GBK bytes are refused at the line where they start.
    let gbk = [head.as_bytes(), b"R,1,1,20240101,\xd5\xc5\xc8\xfd,\n"].concat();
    assert_eq!(
        parse_csv(&gbk),
        Err(line_err(2, "not UTF-8 (save the file as UTF-8 CSV)"))
    );
    assert_eq!(
        parse(&gbk),
        Err(line_err(2, "not UTF-8 (save the file as UTF-8 CSV)"))
    );
    assert_eq!(
        line_err(3, "no header line").to_string(),
        "line 3: no header line"
    );
}

#[test]
fn csv_header_errors() {
    assert_eq!(
        parse_csv(
            "bank_ref,account_no,booked_on,payer_name,payer_account\nR,1,20240101,,\n".as_bytes()
        ),
        Err(line_err(1, "no amount column (also named 金额, 交易金额)"))
    );
    assert_eq!(
        parse_csv(
            "流水号,交易流水号,account_no,amount,booked_on,payer_name,payer_account\n".as_bytes()
        ),
        Err(line_err(1, "columns 1 and 2 both mean bank_ref"))
    );
    assert_eq!(
        parse_csv(b"\xef\xbb\xbf\r\n\r\n"),
        Err(line_err(1, "no header line"))
    );
    let header_only = "bank_ref,account_no,amount,booked_on,payer_name,payer_account,currency,remittance,direction\r\n";
    assert_eq!(parse_csv(header_only.as_bytes()), Ok(vec![]));
}

#[test]
fn amounts_to_fen() {
    for (raw, fen) in [
        ("300", 30000),
        ("300.5", 30050),
        ("300.00", 30000),
        ("1,234.56", 123456),
        ("1,234,567", 123456700),
        (" 0.01 ", 1),
        ("0", 0),
        ("007.10", 710),
        ("92233720368547758.07", i64::MAX),
    ] {
        assert_eq!(amount_to_fen(raw), Ok(fen), "{raw}");
    }
    for raw in [
        "",
        " ",
        "-1",
        "-0.01",
        "+1",
        "0.001",
        "1.000",
        "1.",
        ".5",
        "1.2.3",
        "1,23",
        "1234,567",
        ",123",
        "1,,234",
        "1e3",
        "abc",
        "１２",
        "¥12",
        "1 234",
        "12 .5",
        "92233720368547758.08",
        "99999999999999999999",
    ] {
        assert!(amount_to_fen(raw).is_err(), "{raw:?} should be refused");
    }
    assert_eq!(
        amount_to_fen("92233720368547758.08"),
        Err("\"92233720368547758.08\" is too large".into())
    );
}

#[test]
fn parse_detects_the_format() {
    for junk in [
        &b""[..],
        b"   \n",
        b"hello",
        b"PK\x03\x04\x14\x00",
        b":20:MT940\n:25:123",
    ] {
        assert_eq!(parse(junk), Err(StatementError::UnknownFormat), "{junk:?}");
    }
    assert_eq!(
        StatementError::UnknownFormat.to_string(),
        "unrecognised statement format (expected camt.053 XML or CSV)"
    );
}

#[test]
fn limits() {
    let huge = vec![b' '; MAX_STATEMENT_BYTES + 1];
    for f in [parse, parse_csv, parse_camt053] {
        assert_eq!(f(&huge), Err(StatementError::TooLarge(MAX_STATEMENT_BYTES)));
    }
    let mut csv =
        String::from("bank_ref,account_no,amount,booked_on,payer_name,payer_account,direction\n");
    for i in 0..=MAX_ENTRIES {
        csv.push_str(&format!("R{i},1,1,20240101,,,D\n"));
    }
    assert_eq!(
        parse_csv(csv.as_bytes()),
        Err(StatementError::TooManyEntries(MAX_ENTRIES))
    );
    let ntry = "<Ntry><CdtDbtInd>DBIT</CdtDbtInd></Ntry>";
    let xml = format!(
        "<Document><BkToCstmrStmt><Stmt>{}</Stmt></BkToCstmrStmt></Document>",
        ntry.repeat(MAX_ENTRIES + 1)
    );
    assert_eq!(
        parse_camt053(xml.as_bytes()),
        Err(StatementError::TooManyEntries(MAX_ENTRIES))
    );
    let at_limit = format!(
        "<Document><BkToCstmrStmt><Stmt>{}</Stmt></BkToCstmrStmt></Document>",
        ntry.repeat(MAX_ENTRIES)
    );
    assert_eq!(parse_camt053(at_limit.as_bytes()), Ok(vec![]));
}
