//! `mcert rp stamp`: a platform stamps a PDF by scan from a shell — the stamp session with its
//! places, the QR code redrawn every second, each place prepared, sent and embedded as the
//! phone stamps it, and the stamped PDF written and verified (as `mcert rp verify-pdf` does).

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use clap::Args;
use mcert_core::i18n::{Locale, message};
use mcert_core::wire::{DisplayText, NewSession, SessionKind, StampPlace, StampRequest};
use mcert_rp::stamp::StampReport;

use crate::CliError;
use crate::rp::{PlatformAccess, rp_error, runtime, start_session};

#[derive(Args, Debug)]
pub struct StampArgs {
    /// The PDF to stamp.
    pdf: PathBuf,
    /// Where to write the stamped PDF.
    #[arg(short, long)]
    out: PathBuf,
    /// The page of the (first) stamp; the last page when absent.
    #[arg(long)]
    page: Option<u32>,
    /// Its place, `x0,y0,x1,y1` in PDF points from the page's bottom-left corner.
    #[arg(long, default_value = "380,60,520,200")]
    rect: String,
    /// Seal kinds accepted (comma-separated: official, contract, finance, invoice,
    /// legal_representative, personal); any when absent.
    #[arg(long)]
    kinds: Option<String>,
    /// A further stamp: `PAGE:x0,y0,x1,y1[:kinds]` (repeatable, at most 9).
    #[arg(long = "place")]
    places: Vec<String>,
    /// The project number (项目编号) signed by the phone and matched against seal grants.
    #[arg(long)]
    project_code: Option<String>,
    /// The project (项目) shown on the phone.
    #[arg(long)]
    project: Option<String>,
    /// 骑缝章 as well across the pages' right edges.
    #[arg(long)]
    cross_page: bool,
    /// Write the current QR code to this PNG file every second.
    #[arg(long)]
    png: Option<PathBuf>,
    /// Draw the QR code in the terminal.
    #[arg(long)]
    terminal: bool,
    /// Seconds before the session expires.
    #[arg(long, default_value_t = 120)]
    expires_in: u64,
}

fn bad(locale: Locale, what: &str) -> CliError {
    CliError::new(message(
        locale,
        "cli-rp-bad-place",
        &[("value", what.to_string().into())],
    ))
}

/// `x0,y0,x1,y1`.
fn rect(locale: Locale, text: &str) -> Result<[u32; 4], CliError> {
    let v: Vec<u32> = text
        .split(',')
        .map(|n| n.trim().parse::<u32>())
        .collect::<Result<_, _>>()
        .map_err(|_| bad(locale, text))?;
    v.try_into().map_err(|_| bad(locale, text))
}

fn kinds(text: Option<&str>) -> Vec<String> {
    text.map(|k| {
        k.split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    })
    .unwrap_or_default()
}

/// `PAGE:x0,y0,x1,y1[:kinds]`.
fn place(locale: Locale, text: &str) -> Result<StampPlace, CliError> {
    let mut parts = text.splitn(3, ':');
    let page = parts
        .next()
        .and_then(|p| p.trim().parse::<u32>().ok())
        .ok_or_else(|| bad(locale, text))?;
    let rect = rect(locale, parts.next().ok_or_else(|| bad(locale, text))?)?;
    Ok(StampPlace {
        page,
        rect,
        seal_kinds: kinds(parts.next()),
    })
}

pub fn run(access: &PlatformAccess, args: StampArgs, locale: Locale) -> Result<(), CliError> {
    let pdf = std::fs::read(&args.pdf).map_err(|e| CliError::io(locale, &args.pdf, &e))?;
    let page_count = mcert_pdf::page_count(&pdf).map_err(|e| {
        CliError::new(message(
            locale,
            "cli-rp-pdf-unreadable",
            &[("detail", e.to_string().into())],
        ))
    })?;
    let request = StampRequest {
        page_count,
        page: args.page.unwrap_or(page_count),
        rect: rect(locale, &args.rect)?,
        seal_kinds: kinds(args.kinds.as_deref()),
        project_code: args.project_code.clone(),
        cross_page: args.cross_page,
        more_places: args
            .places
            .iter()
            .map(|p| place(locale, p))
            .collect::<Result<_, _>>()?,
    };
    let new = NewSession {
        display: DisplayText {
            project: args.project.clone(),
            lot: None,
            document_name: args
                .pdf
                .file_name()
                .map(|n| n.to_string_lossy().into_owned()),
        },
        stamp: Some(request.clone()),
        expires_in: Some(args.expires_in),
        ..NewSession::new(SessionKind::Stamp)
    };
    let client = access.client(locale)?;
    let rt = runtime()?;
    rt.block_on(async {
        let (created, drawer) =
            start_session(&client, &new, locale, args.png.clone(), args.terminal).await?;
        let stamped = client
            .stamp_document(
                &created.session_id,
                &request,
                &pdf,
                Duration::from_secs(args.expires_in + 5),
            )
            .await;
        drawer.abort();
        let stamped = stamped.map_err(|e| rp_error(locale, e))?;
        std::fs::write(&args.out, &stamped).map_err(|e| CliError::io(locale, &args.out, &e))?;
        let roots = client.roots().await.map_err(|e| rp_error(locale, e))?;
        let issuing = client.issuing().await.map_err(|e| rp_error(locale, e))?;
        let reports = client
            .verify_pdf_status(&stamped, &roots, &issuing, SystemTime::now())
            .await
            .map_err(|e| rp_error(locale, e))?;
        if print_reports(locale, &reports) {
            println!(
                "{}",
                message(
                    locale,
                    "cli-rp-stamped",
                    &[
                        ("path", args.out.display().to_string().into()),
                        ("count", reports.len().into()),
                    ]
                )
            );
            Ok(())
        } else {
            Err(CliError::new(message(locale, "cli-rp-pdf-refused", &[])))
        }
    })
}

/// Prints what a platform learns of each signature of a stamped PDF; true when all are valid.
pub(crate) fn print_reports(locale: Locale, reports: &[StampReport]) -> bool {
    let mut all_valid = true;
    for r in reports {
        all_valid &= r.valid();
        let verdict = if r.valid() {
            "cli-rp-pdf-valid"
        } else {
            "cli-rp-pdf-invalid"
        };
        println!(
            "{}",
            message(
                locale,
                verdict,
                &[
                    ("field", r.field_name.clone().into()),
                    ("page", r.page.map(i64::from).unwrap_or(0).into()),
                ]
            )
        );
        println!("  /SubFilter: {}", r.sub_filter);
        if let Some(signer) = &r.signer {
            println!(
                "  {}",
                message(
                    locale,
                    "cli-rp-pdf-signer",
                    &[
                        ("signer", signer.clone().into()),
                        ("serial", r.serial.clone().unwrap_or_default().into()),
                        ("status", r.status.clone().unwrap_or_default().into()),
                    ]
                )
            );
        }
        if let Some((id, name)) = &r.seal {
            println!(
                "  {}",
                message(
                    locale,
                    "cli-rp-pdf-seal",
                    &[("id", id.clone().into()), ("name", name.clone().into())]
                )
            );
        }
        if !r.later_signatures.is_empty() {
            println!(
                "  {}",
                message(
                    locale,
                    "cli-rp-pdf-later",
                    &[("fields", r.later_signatures.join(", ").into())]
                )
            );
        }
        for problem in &r.problems {
            println!("  ✗ {problem}");
        }
    }
    all_valid
}
