//! `mcert seal --home DIR …`: an organisation's seals (印章) from the admin's phone: apply
//! from a photo of the stamp on white paper (the cleaned picture is saved for a look before
//! submitting), submit for review, claim with the bound certificate's key and PIN, list; give a
//! seal to a member with limits (用印授权) and decide the uses waiting for approval (用印审批);
//! and the holder's own personal signature (签章图片): the notice, the name seal, the list.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use mcert_core::device::keystore::KeyStoreOptions;
use mcert_core::i18n::Locale;
use mcert_core::i18n::message;
use mcert_core::wire::seals::{NewSeal, NewSealGrant, Seal, SealApproval, SealGrant};
use mcert_core::wire::signatures::{NewSignature, PhotoSignature, Signature, SignatureNotice};

use crate::CliError;
use crate::device::{open_secret_store, service_error};

#[derive(Args, Debug)]
pub struct SealArgs {
    /// The device's data folder (logged in with `mcert device login`).
    #[arg(long, default_value = "./mcert-device")]
    home: PathBuf,
    #[arg(long)]
    insecure_file_secret: bool,
    /// The issuance service.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    server: String,
    #[command(subcommand)]
    command: SealCommand,
}

#[derive(Subcommand, Debug)]
enum SealCommand {
    /// Apply for a seal from a photo of its impression; saves the cleaned picture (PNG).
    Apply {
        org: String,
        /// official, contract, finance, invoice or legal_representative.
        #[arg(long, default_value = "official")]
        kind: String,
        /// The name on the seal (the organisation's name).
        #[arg(long)]
        name: String,
        /// The organisation certificate's slot the seal is bound to.
        #[arg(long)]
        slot: String,
        /// The photo (JPEG or PNG).
        photo: PathBuf,
        /// Where to save the cleaned picture.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Submit a draft (or a rejected seal) for review.
    Submit { org: String, seal: String },
    /// Claim an approved seal with the bound certificate (held on this device) and its PIN.
    Claim {
        org: String,
        seal: String,
        /// The bound certificate's serial.
        #[arg(long)]
        serial: String,
        #[arg(long)]
        pin: String,
    },
    /// The organisation's seals.
    List { org: String },
    /// Give a claimed seal to a member (用印授权): projects, dates, each use approved.
    Grant {
        org: String,
        seal: String,
        /// The member's id (`mcert org members`).
        #[arg(long)]
        member: String,
        /// A project number (项目编号) the seal may stamp for; repeat for several; none: any.
        #[arg(long = "project")]
        projects: Vec<String>,
        /// First day (YYYY-MM-DD, Beijing).
        #[arg(long)]
        from: String,
        /// Last day (YYYY-MM-DD, Beijing), included.
        #[arg(long)]
        to: String,
        /// Each use waits for an admin's approval.
        #[arg(long)]
        approval: bool,
    },
    /// The seal's grants.
    Grants { org: String, seal: String },
    /// Withdraw a grant.
    RevokeGrant {
        org: String,
        seal: String,
        grant: String,
    },
    /// The uses of granted seals waiting for an admin (用印审批), and the decided ones.
    Approvals { org: String },
    /// Approve a use with your own certificate of the organisation (held here) and its PIN.
    Approve {
        org: String,
        approval: String,
        #[arg(long)]
        serial: String,
        #[arg(long)]
        pin: String,
    },
    /// Refuse a use.
    Refuse { org: String, approval: String },
    /// The 签章图片告知函 shown before a personal signature is made.
    Notice {
        #[arg(long)]
        english: bool,
    },
    /// Make the signature of a personal certificate held here (after agreeing to the notice):
    /// the generated name seal, active at once, or with `--handwritten` a photo of a signature
    /// on white paper, cleaned and submitted for review. Saves its picture (PNG).
    Signature {
        /// The personal certificate's serial.
        #[arg(long)]
        serial: String,
        /// Agree to the notice (shown when this is missing).
        #[arg(long)]
        agree: bool,
        /// A photo (JPEG or PNG) of a handwritten signature instead of the name seal.
        #[arg(long, value_name = "PHOTO")]
        handwritten: Option<PathBuf>,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Your personal signatures.
    Signatures,
}

fn print_notice(notice: &SignatureNotice) {
    println!("{}\n", notice.title);
    for p in &notice.paragraphs {
        println!("{p}\n");
    }
}

fn print_signature(s: &Signature) {
    println!(
        "{}\t{}\t{}\t{}\t{}{}",
        s.id,
        s.source_label,
        s.name,
        s.status_label,
        s.certificate_serial,
        s.reject_reason
            .as_deref()
            .map(|r| format!("\t{r}"))
            .unwrap_or_default()
    );
}

fn print_grant(g: &SealGrant) {
    println!(
        "{}\t{}\t{}\t{}\t{}",
        g.id, g.member_name, g.certificate_serial, g.status_label, g.limits
    );
}

fn print_approval(a: &SealApproval) {
    println!(
        "{}\t{}\t{}\t{}\t{}\t{}",
        a.id,
        a.status_label,
        a.member_name,
        a.seal_name,
        a.project_code.as_deref().unwrap_or("-"),
        a.document_name.as_deref().unwrap_or("-")
    );
}

fn print(seal: &Seal) {
    println!(
        "{}\t{}\t{}\t{}\t{}",
        seal.id, seal.kind_label, seal.name, seal.status_label, seal.certificate_serial
    );
}

pub fn run(args: SealArgs, locale: Locale) -> Result<(), CliError> {
    std::fs::create_dir_all(&args.home).map_err(|e| CliError::io(locale, &args.home, &e))?;
    let secrets = open_secret_store(&args.home, args.insecure_file_secret, locale)?;
    let device = mcert_core::device::flows::Device::open(
        &args.home,
        &args.server,
        secrets.as_ref(),
        KeyStoreOptions::default(),
    )
    .map_err(|e| CliError::from_user(&e, locale))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::new(e.to_string()))?;
    let fail = |e| service_error(locale, e);
    runtime.block_on(async {
        let client = device.client();
        match args.command {
            SealCommand::Apply {
                org,
                kind,
                name,
                slot,
                photo,
                output,
            } => {
                let ids =
                    crate::org::upload_all(client, &org, "seal_photo", &[photo], locale).await?;
                let seal = client
                    .apply_seal(
                        &org,
                        &NewSeal {
                            kind,
                            name,
                            photo_upload_id: ids[0].clone(),
                            entitlement_id: slot,
                        },
                    )
                    .await
                    .map_err(fail)?;
                let png = client.seal_picture(&org, &seal.id).await.map_err(fail)?;
                std::fs::write(&output, png).map_err(|e| CliError::io(locale, &output, &e))?;
                print(&seal);
            }
            SealCommand::Submit { org, seal } => {
                print(&client.submit_seal(&org, &seal).await.map_err(fail)?);
            }
            SealCommand::Claim {
                org,
                seal,
                serial,
                pin,
            } => {
                let seal = device
                    .claim_seal(&org, &seal, &serial, &pin)
                    .await
                    .map_err(|e| CliError::from_user(&e, locale))?;
                print(&seal);
            }
            SealCommand::List { org } => {
                for seal in client.seals(&org).await.map_err(fail)? {
                    print(&seal);
                }
            }
            SealCommand::Grant {
                org,
                seal,
                member,
                projects,
                from,
                to,
                approval,
            } => {
                let req = NewSealGrant {
                    member_id: member,
                    projects,
                    valid_from: from,
                    valid_to: to,
                    approval_required: approval,
                };
                print_grant(&client.grant_seal(&org, &seal, &req).await.map_err(fail)?);
            }
            SealCommand::Grants { org, seal } => {
                for g in client.seal_grants(&org, &seal).await.map_err(fail)? {
                    print_grant(&g);
                }
            }
            SealCommand::RevokeGrant { org, seal, grant } => {
                print_grant(
                    &client
                        .revoke_seal_grant(&org, &seal, &grant)
                        .await
                        .map_err(fail)?,
                );
            }
            SealCommand::Approvals { org } => {
                for a in client.seal_approvals(&org).await.map_err(fail)? {
                    print_approval(&a);
                }
            }
            SealCommand::Approve {
                org,
                approval,
                serial,
                pin,
            } => {
                let pending = client
                    .seal_approvals(&org)
                    .await
                    .map_err(fail)?
                    .into_iter()
                    .find(|a| a.id == approval)
                    .ok_or_else(|| CliError::new(format!("no approval {approval}")))?;
                let decided = device
                    .approve_seal_use(&org, &pending, &serial, &pin)
                    .await
                    .map_err(|e| CliError::from_user(&e, locale))?;
                print_approval(&decided);
            }
            SealCommand::Refuse { org, approval } => {
                print_approval(
                    &client
                        .refuse_seal_use(&org, &approval)
                        .await
                        .map_err(fail)?,
                );
            }
            SealCommand::Notice { english } => {
                print_notice(&client.signature_notice(english).await.map_err(fail)?);
            }
            SealCommand::Signature {
                serial,
                agree,
                handwritten,
                output,
            } => {
                let notice = client
                    .signature_notice(locale == Locale::En)
                    .await
                    .map_err(fail)?;
                if !agree {
                    print_notice(&notice);
                    return Err(CliError::new(message(locale, "cli-signature-agree", &[])));
                }
                let made = match handwritten {
                    Some(photo) => {
                        let bytes =
                            std::fs::read(&photo).map_err(|e| CliError::io(locale, &photo, &e))?;
                        let draft = client
                            .photo_signature(
                                &PhotoSignature {
                                    certificate_serial: serial,
                                    notice_version: notice.version,
                                },
                                bytes,
                            )
                            .await
                            .map_err(fail)?;
                        client.submit_signature(&draft.id).await.map_err(fail)?
                    }
                    None => client
                        .make_signature(&NewSignature {
                            certificate_serial: serial,
                            source: "name_seal".into(),
                            notice_version: notice.version,
                        })
                        .await
                        .map_err(fail)?,
                };
                let png = client.signature_picture(&made.id).await.map_err(fail)?;
                std::fs::write(&output, png).map_err(|e| CliError::io(locale, &output, &e))?;
                print_signature(&made);
            }
            SealCommand::Signatures => {
                for s in client.signatures().await.map_err(fail)? {
                    print_signature(&s);
                }
            }
        }
        Ok(())
    })
}
