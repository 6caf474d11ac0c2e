//! The demo's seal steps: the admin photographs the 公章 stamped on white paper (here drawn:
//! a red ring and star on paper lit from one side), the service cleans it into the seal's
//! picture, a reviewer approves it in the console, and the admin claims it with the
//! organisation certificate's PIN; the GB/T 38540 seal the service made is verified. Then the
//! admin stamps a bid PDF by scanning the demo platform's code; a member signs it beside the
//! 公章 with the name seal of their personal certificate, then writes a handwritten signature
//! on the phone, which a reviewer approves in the console.

use std::time::{Duration, SystemTime};

use mcert_core::device::flows::Device;
use mcert_core::device::qr;
use mcert_core::wire::seals::{NewSeal, NewSealGrant};
use mcert_core::wire::signatures::{DrawnSignature, NewSignature};
use mcert_core::wire::{DisplayText, NewSession, SessionKind, StampRequest};
use mcert_rp::client::{AnimatedQr, RpClient};

use crate::CliError;
use crate::scan_demo::Steps;

fn err(e: impl std::fmt::Display) -> CliError {
    CliError::new(e.to_string())
}

/// A phone photo of a round seal on paper lit from the right.
fn photo() -> Result<Vec<u8>, CliError> {
    let img = image::RgbImage::from_fn(900, 700, |x, y| {
        let light = 0.6 + 0.4 * (x as f32 / 900.0);
        let (dx, dy) = (x as f32 - 450.0, y as f32 - 350.0);
        let d = (dx * dx + dy * dy).sqrt();
        let star = dx.abs() + dy.abs() < 60.0;
        let ink = (d - 250.0).abs() < 12.0 || (d - 228.0).abs() < 3.0 || star;
        let base = if ink {
            [198.0, 32.0, 44.0]
        } else {
            [246.0, 243.0, 236.0]
        };
        image::Rgb(base.map(|c: f32| (c * light) as u8))
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg)
        .map_err(err)?;
    Ok(out.into_inner())
}

/// Applies for the organisation's 公章 bound to `slot` (its certificate `serial` on the admin's
/// phone), has `approve` decide it in the console, and claims it with `pin`.
pub async fn official_seal<F, Fut>(
    admin: &Device,
    org: (&str, &str),
    (slot, serial, pin): (&str, &str, &str),
    approve: F,
    steps: &mut Steps,
) -> Result<String, CliError>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<(), CliError>>,
{
    let (org_id, org_name) = org;
    let client = admin.client();
    let photo = client
        .upload(org_id, "seal_photo", photo()?)
        .await
        .map_err(err)?;
    let seal = client
        .apply_seal(
            org_id,
            &NewSeal {
                kind: "official".into(),
                name: org_name.into(),
                photo_upload_id: photo.id,
                entitlement_id: slot.into(),
            },
        )
        .await
        .map_err(err)?;
    let png = client.seal_picture(org_id, &seal.id).await.map_err(err)?;
    let picture = image::load_from_memory(&png).map_err(err)?.to_rgba8();
    let clear = picture.pixels().filter(|p| p[3] == 0).count() * 100
        / (picture.width() * picture.height()) as usize;
    steps.ok(
        "demo-seal-applied",
        &[
            ("kind", seal.kind_label.clone().into()),
            ("width", picture.width().into()),
            ("height", picture.height().into()),
            ("mm", seal.width_mm.into()),
            ("clear", clear.into()),
        ],
    );
    let seal = client.submit_seal(org_id, &seal.id).await.map_err(err)?;
    approve().await?;
    let seal = client
        .seals(org_id)
        .await
        .map_err(err)?
        .into_iter()
        .find(|s| s.id == seal.id)
        .ok_or_else(|| err("the seal vanished"))?;
    steps.ok(
        "demo-seal-approved",
        &[("status", seal.status_label.clone().into())],
    );
    let seal = admin
        .claim_seal(org_id, &seal.id, serial, pin)
        .await
        .map_err(err)?;
    let der = client.seal_der(org_id, &seal.id).await.map_err(err)?;
    let made = mcert_core::crypto::seal::SESeal::from_der(&der).map_err(err)?;
    steps.ok(
        "demo-seal-claimed",
        &[
            ("status", seal.status_label.into()),
            ("bytes", der.len().into()),
            ("name", made.info().property.name.clone().into()),
        ],
    );
    Ok(seal.id)
}

/// A two-page bid document in Chinese, with room for the seal on page 2.
fn bid_pdf(org_name: &str) -> Result<Vec<u8>, CliError> {
    let font = mcert_pdf::Font::system_cjk().map_err(err)?;
    let mut doc = mcert_pdf::Document::new("投标文件");
    for n in 1..=2 {
        let mut page = mcert_pdf::Page::a4();
        page.text(72.0, 90.0, 20.0, &format!("投标文件 第{n}页"))
            .text(72.0, 130.0, 12.0, "项目编号：FZ-2026-0815")
            .text(360.0, 700.0, 14.0, &format!("投标人（盖章）：{org_name}"));
        doc.push(page);
    }
    doc.render(&font).map_err(err)
}

/// The admin gives the seal to a member for one project (用印授权), from today for 30 days.
pub async fn grant_for_project(
    admin: &Device,
    (org_id, seal_id): (&str, &str),
    member_id: &str,
    project: &str,
    steps: &mut Steps,
) -> Result<(), CliError> {
    let day = |secs: u64| {
        let t = SystemTime::now() + Duration::from_secs(8 * 3600 + secs);
        mcert_core::clock::rfc3339(t)[..10].to_string()
    };
    let grant = admin
        .client()
        .grant_seal(
            org_id,
            seal_id,
            &NewSealGrant {
                member_id: member_id.into(),
                projects: vec![project.into()],
                valid_from: day(0),
                valid_to: day(30 * 86_400),
                approval_required: false,
            },
        )
        .await
        .map_err(err)?;
    steps.ok(
        "demo-seal-granted",
        &[
            ("member", grant.member_name.into()),
            ("limits", grant.limits.into()),
        ],
    );
    Ok(())
}

/// A member stamps the bid PDF by scanning the demo platform's code: the phone picks the
/// 公章 given to it, the platform prepares the PDF with its picture, the phone signs with the
/// PIN, the platform embeds the GB/T 38540 signature and verifies the stamped PDF. Returns
/// the PDF.
pub async fn stamp_bid(
    stamper: &Device,
    platform: &RpClient,
    (org_name, seal_id, pin, project): (&str, &str, &str, &str),
    steps: &mut Steps,
) -> Result<Vec<u8>, CliError> {
    let pdf = bid_pdf(org_name)?;
    let request = official_stamp(project, Vec::new());
    let (stamped, offered, reports) =
        stamp_pdf(stamper, platform, &pdf, request, (seal_id, pin)).await?;
    let report = &reports[0];
    steps.ok(
        "demo-seal-stamped",
        &[
            ("limits", offered.into()),
            ("page", report.page.unwrap_or_default().into()),
            (
                "seal",
                report
                    .seal
                    .as_ref()
                    .map(|(_, name)| name.clone())
                    .unwrap_or_default()
                    .into(),
            ),
            ("status", report.status.clone().unwrap_or_default().into()),
            ("bytes", stamped.len().into()),
        ],
    );
    Ok(stamped)
}

/// The member agrees to the 签章图片告知函, takes the generated name seal of their personal
/// certificate `serial`, and signs the stamped bid with it beside the 公章 by another scan:
/// both stamps verify.
pub async fn sign_with_name_seal(
    signer: &Device,
    platform: &RpClient,
    (serial, pin, project): (&str, &str, &str),
    stamped: &[u8],
    steps: &mut Steps,
) -> Result<Vec<u8>, CliError> {
    let client = signer.client();
    let notice = client.signature_notice(false).await.map_err(err)?;
    let signature = client
        .make_signature(&NewSignature {
            certificate_serial: serial.into(),
            source: "name_seal".into(),
            notice_version: notice.version,
        })
        .await
        .map_err(err)?;
    let png = client.signature_picture(&signature.id).await.map_err(err)?;
    steps.ok(
        "demo-signature-made",
        &[
            ("notice", notice.title.into()),
            ("name", signature.name.clone().into()),
            ("status", signature.status_label.into()),
            ("bytes", png.len().into()),
        ],
    );
    let request = StampRequest {
        page_count: 2,
        page: 2,
        rect: [400, 210, 480, 290],
        seal_kinds: vec!["personal".into()],
        project_code: Some(project.into()),
        cross_page: false,
        more_places: Vec::new(),
    };
    let (signed, _, reports) =
        stamp_pdf(signer, platform, stamped, request, (&signature.id, pin)).await?;
    steps.ok(
        "demo-signature-stamped",
        &[
            ("name", signature.name.into()),
            ("count", reports.len().into()),
            ("bytes", signed.len().into()),
        ],
    );
    Ok(signed)
}

/// The member writes a signature on the phone's pad; the service cleans it into a draft, the
/// member submits it, `approve` decides it in the console, and it becomes the certificate's
/// active signature in place of the name seal. Returns its id.
pub async fn handwritten_signature<F, Fut>(
    signer: &Device,
    serial: &str,
    approve: F,
    steps: &mut Steps,
) -> Result<String, CliError>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<(), CliError>>,
{
    let client = signer.client();
    let notice = client.signature_notice(false).await.map_err(err)?;
    // Two strokes on a 360 × 120 pad: a flowing line and a zigzag.
    let flowing: Vec<[f32; 2]> = (0..48)
        .map(|i| {
            let x = 24.0 + i as f32 * 3.2;
            [x, 62.0 + 28.0 * (i as f32 / 5.0).sin()]
        })
        .collect();
    let zigzag = vec![[196.0, 34.0], [236.0, 96.0], [276.0, 30.0], [326.0, 92.0]];
    let draft = client
        .draw_signature(&DrawnSignature {
            certificate_serial: serial.into(),
            notice_version: notice.version,
            pad_width: 360.0,
            pad_height: 120.0,
            strokes: vec![flowing, zigzag],
        })
        .await
        .map_err(err)?;
    let submitted = client.submit_signature(&draft.id).await.map_err(err)?;
    steps.ok(
        "demo-handwriting-submitted",
        &[
            ("width", draft.width_mm.into()),
            ("height", draft.height_mm.into()),
            ("status", submitted.status_label.into()),
        ],
    );
    approve().await?;
    let now = client
        .signatures()
        .await
        .map_err(err)?
        .into_iter()
        .find(|s| s.id == draft.id)
        .ok_or_else(|| err("the handwritten signature is gone"))?;
    if now.status != "active" {
        return Err(err(format!(
            "the handwritten signature is {}",
            now.status_label
        )));
    }
    steps.ok(
        "demo-handwriting-approved",
        &[("status", now.status_label.into())],
    );
    Ok(draft.id)
}

/// The demo bid's 公章 stamp for `project` on page 2 (also as 骑缝章 across both pages'
/// right edges), and `more_places` after it.
fn official_stamp(project: &str, more_places: Vec<mcert_core::wire::StampPlace>) -> StampRequest {
    StampRequest {
        page_count: 2,
        page: 2,
        rect: [380, 60, 520, 200],
        seal_kinds: vec!["official".into()],
        project_code: Some(project.into()),
        cross_page: true,
        more_places,
    }
}

/// One scan, two stamps: the member stamps a new bid with the 公章 given to them (and its
/// 骑缝章) on the last page and their handwritten signature on the first; both verify.
pub async fn stamp_twice(
    signer: &Device,
    platform: &RpClient,
    (org_name, seal_id, signature_id, pin, project): (&str, &str, &str, &str, &str),
    steps: &mut Steps,
) -> Result<(), CliError> {
    let pdf = bid_pdf(org_name)?;
    let request = official_stamp(
        project,
        vec![mcert_core::wire::StampPlace {
            page: 1,
            rect: [400, 210, 480, 290],
            seal_kinds: vec!["personal".into()],
        }],
    );
    let (stamped, _, reports) = stamp_places(
        signer,
        platform,
        &pdf,
        request,
        (&[seal_id, signature_id], pin),
    )
    .await?;
    steps.ok(
        "demo-two-stamps",
        &[
            ("count", reports.len().into()),
            ("bytes", stamped.len().into()),
        ],
    );
    Ok(())
}

/// One stamp by scan of `pdf` as `request` asks, with the seal `(id, PIN)`: returns the
/// stamped PDF, the seal's limits as the phone showed them, and the reports of every signature
/// in the file (each verified, or an error).
async fn stamp_pdf(
    stamper: &Device,
    platform: &RpClient,
    pdf: &[u8],
    request: StampRequest,
    (seal_id, pin): (&str, &str),
) -> Result<(Vec<u8>, String, Vec<mcert_rp::stamp::StampReport>), CliError> {
    stamp_places(stamper, platform, pdf, request, (&[seal_id], pin)).await
}

/// Stamps `pdf` by one scan at every place `request` asks for, place `i` with the seal
/// `seals[i]`, every certificate unlocked with `pin`: the platform prepares each place over
/// the file with the stamps before it embedded. Returns the stamped PDF, the first seal's
/// limits as the phone showed them, and the reports of every signature in the file.
async fn stamp_places(
    stamper: &Device,
    platform: &RpClient,
    pdf: &[u8],
    request: StampRequest,
    (seals, pin): (&[&str], &str),
) -> Result<(Vec<u8>, String, Vec<mcert_rp::stamp::StampReport>), CliError> {
    let new = NewSession {
        display: DisplayText {
            project: Some("某水库除险加固工程".into()),
            lot: None,
            document_name: Some("投标文件.pdf".into()),
        },
        stamp: Some(request.clone()),
        ..NewSession::new(SessionKind::Stamp)
    };
    let created = platform.create(&new, None).await.map_err(err)?;
    let png = qr::encode_png(&AnimatedQr::new(&created).payload(), 6).map_err(err)?;
    let pending = stamper.scan_image(&png).await.map_err(err)?;
    let offered_seals = pending
        .session
        .stamp
        .as_ref()
        .map(|s| s.seals.clone())
        .unwrap_or_default();
    let offered = offered_seals
        .iter()
        .find(|x| seals.first() == Some(&x.id.as_str()))
        .and_then(|x| x.limits.clone())
        .unwrap_or_default();
    // The platform's side runs meanwhile: for each place it waits for the pick, prepares the
    // PDF (with the stamps before embedded), sends the digest and embeds the stamp.
    let id = created.session_id.clone();
    let rp = platform.clone();
    let original = pdf.to_vec();
    let platform_side = tokio::spawn(async move {
        rp.stamp_document(&id, &request, &original, Duration::from_secs(30))
            .await
    });
    let picks: Vec<String> = seals.iter().map(|s| s.to_string()).collect();
    let pins: Vec<(String, String)> = offered_seals
        .iter()
        .filter(|x| seals.contains(&x.id.as_str()))
        .map(|x| (x.certificate_serial.clone(), pin.to_string()))
        .collect();
    stamper
        .stamp_places(&pending, &picks, &pins, Duration::from_secs(30))
        .await
        .map_err(err)?;
    let stamped = platform_side.await.map_err(err)?.map_err(err)?;
    let roots = platform.roots().await.map_err(err)?;
    let issuing = platform.issuing().await.map_err(err)?;
    let reports = platform
        .verify_pdf_status(&stamped, &roots, &issuing, SystemTime::now())
        .await
        .map_err(err)?;
    if reports.is_empty() || !reports.iter().all(|r| r.valid()) {
        return Err(err(format!("the stamped PDF does not verify: {reports:?}")));
    }
    Ok((stamped, offered, reports))
}
