//! The demo's seal steps: the admin photographs the 公章 stamped on white paper (here drawn:
//! a red ring and star on paper lit from one side), the service cleans it into the seal's
//! picture, a reviewer approves it in the console, and the admin claims it with the
//! organisation certificate's PIN; the GB/T 38540 seal the service made is verified.

use mcert_core::device::flows::Device;
use mcert_core::wire::seals::NewSeal;

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
) -> Result<(), CliError>
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
    Ok(())
}
