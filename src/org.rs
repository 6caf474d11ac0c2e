//! `mcert org --home DIR …`: an organisation's side, as its certificate administrator or a
//! member does it in the app, from the device's logged-in account — what a platform's
//! integration test needs to stand up an organisation certificate holder, and what an
//! administrator scripts. Claiming a slot is `mcert device install --entitlement <slot>`.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use mcert_core::device::OrgUsageQuery;
use mcert_core::device::client::ServiceClient;
use mcert_core::device::keystore::KeyStoreOptions;
use mcert_core::i18n::{Locale, message};
use mcert_core::wire::orgs::{
    ApplicantRelation, ChangeRole, FaceAuthorisation, IdType, NewMember, NewOrganisation, Role,
    SetOwner,
};

use crate::CliError;
use crate::device::{open_secret_store, service_error};

#[derive(Args, Debug)]
pub struct OrgArgs {
    /// The device's data folder (logged in with `mcert device login`).
    #[arg(long, default_value = "./mcert-device")]
    home: PathBuf,
    #[arg(long)]
    insecure_file_secret: bool,
    /// The issuance service.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    server: String,
    #[command(subcommand)]
    command: OrgCommand,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum RelationArg {
    Agent,
    LegalRepresentative,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum RoleArg {
    Admin,
    User,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::Admin => Role::Admin,
            RoleArg::User => Role::User,
        }
    }
}

#[derive(Subcommand)]
enum OrgCommand {
    /// Register an organisation; you become its first certificate administrator.
    Register {
        #[arg(long)]
        name: String,
        /// 统一社会信用代码 (18 characters).
        #[arg(long)]
        credit_code: String,
        #[arg(long)]
        legal_rep_name: String,
        #[arg(long)]
        legal_rep_id_number: String,
        #[arg(long, value_enum, default_value_t = RelationArg::Agent)]
        relation: RelationArg,
    },
    /// Your organisations, with your role and the CA authorisation state.
    List,
    /// Download the CA authorisation letter template (PDF) to print, stamp and sign.
    LetterTemplate {
        org: String,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Upload the stamped, signed letter (photo or PDF) and submit it for review.
    AuthoriseLetter {
        org: String,
        file: PathBuf,
    },
    /// The legal representative's face check on this device.
    AuthoriseFace {
        org: String,
        #[arg(long)]
        legal_rep_phone: String,
        #[arg(long)]
        face_token: String,
    },
    /// Apply for certificates: the product, the period and the materials (营业执照 …).
    Apply {
        org: String,
        #[arg(long, default_value = "org-package")]
        product: String,
        #[arg(long, default_value_t = 1)]
        years: i64,
        /// Photos or PDFs of the materials.
        #[arg(required = true)]
        materials: Vec<PathBuf>,
    },
    /// 变更: apply for the organisation's rename with materials (the new business licence …);
    /// once reviewed and paid, each holder downloads the changed certificate
    /// (`mcert device renew`).
    Change {
        org: String,
        /// The organisation's new full name.
        #[arg(long)]
        name: String,
        /// Photos or PDFs of the materials.
        #[arg(required = true)]
        materials: Vec<PathBuf>,
    },
    /// Fix a rejected application with new materials and submit it again.
    Resubmit {
        org: String,
        order: String,
        #[arg(required = true)]
        materials: Vec<PathBuf>,
    },
    /// The organisation's applications.
    Orders {
        org: String,
    },
    /// Members and roles (授权管理).
    Members {
        org: String,
    },
    AddMember {
        org: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        id_number: String,
        #[arg(long)]
        phone: String,
        #[arg(long, value_enum, default_value_t = RoleArg::User)]
        role: RoleArg,
    },
    SetRole {
        org: String,
        member: String,
        #[arg(value_enum)]
        role: RoleArg,
    },
    RemoveMember {
        org: String,
        member: String,
    },
    /// The organisation's certificate slots (证书管理): owner, holder, state.
    Certs {
        org: String,
    },
    /// Set a personal slot's owner (所属人), once.
    SetOwner {
        org: String,
        slot: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        id_number: String,
        #[arg(long)]
        email: Option<String>,
    },
    /// Make a member the slot's holder (持有人); an issued certificate of the old holder is
    /// revoked.
    SetHolder {
        org: String,
        slot: String,
        member: String,
    },
    /// The organisation's usage records (admins: all; users: their own).
    Usage {
        org: String,
        #[arg(long)]
        member: Option<String>,
        #[arg(long)]
        serial: Option<String>,
        /// login, sign, decrypt or stamp.
        #[arg(long)]
        operation: Option<String>,
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
}

/// Only the subcommand's name: its arguments carry identity numbers.
impl std::fmt::Debug for OrgCommand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OrgCommand([redacted])")
    }
}

fn read(path: &Path, locale: Locale) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|e| CliError::io(locale, path, &e))
}

pub(crate) async fn upload_all(
    client: &ServiceClient,
    org: &str,
    purpose: &str,
    files: &[PathBuf],
    locale: Locale,
) -> Result<Vec<String>, CliError> {
    let mut ids = Vec::with_capacity(files.len());
    for f in files {
        let up = client
            .upload(org, purpose, read(f, locale)?)
            .await
            .map_err(|e| service_error(locale, e))?;
        eprintln!(
            "{}",
            message(
                locale,
                "cli-uploaded",
                &[
                    ("file", f.display().to_string().into()),
                    ("type", up.content_type.clone().into())
                ]
            )
        );
        ids.push(up.id);
    }
    Ok(ids)
}

pub fn run(args: OrgArgs, locale: Locale) -> Result<(), CliError> {
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
    let client = device.client().clone();
    let fail = |e| service_error(locale, e);
    runtime.block_on(async move {
        match args.command {
            OrgCommand::Register {
                name,
                credit_code,
                legal_rep_name,
                legal_rep_id_number,
                relation,
            } => {
                let org = client
                    .register_org(&NewOrganisation {
                        name,
                        credit_code,
                        legal_rep_name,
                        legal_rep_id_number,
                        applicant_relation: match relation {
                            RelationArg::Agent => ApplicantRelation::Agent,
                            RelationArg::LegalRepresentative => {
                                ApplicantRelation::LegalRepresentative
                            }
                        },
                    })
                    .await
                    .map_err(fail)?;
                println!("{}", org.id);
                eprintln!(
                    "{}",
                    message(locale, "cli-org-registered", &[("name", org.name.into())])
                );
            }
            OrgCommand::List => {
                for o in client.orgs().await.map_err(fail)? {
                    println!(
                        "{}\t{}\t{}\t{}\t{}",
                        o.id, o.name, o.credit_code, o.role_label, o.authorisation.status_label
                    );
                }
            }
            OrgCommand::LetterTemplate { org, output } => {
                let pdf = client.letter_template(&org).await.map_err(fail)?;
                std::fs::write(&output, pdf).map_err(|e| CliError::io(locale, &output, &e))?;
                eprintln!(
                    "{}",
                    message(
                        locale,
                        "cli-letter-written",
                        &[("path", output.display().to_string().into())]
                    )
                );
            }
            OrgCommand::AuthoriseLetter { org, file } => {
                let ids =
                    upload_all(&client, &org, "authorisation_letter", &[file], locale).await?;
                let auth = client.submit_letter(&org, &ids[0]).await.map_err(fail)?;
                println!("{}", auth.status_label);
            }
            OrgCommand::AuthoriseFace {
                org,
                legal_rep_phone,
                face_token,
            } => {
                let auth = client
                    .authorise_by_face(
                        &org,
                        &FaceAuthorisation {
                            legal_rep_phone,
                            face_token,
                        },
                    )
                    .await
                    .map_err(fail)?;
                println!("{}", auth.status_label);
            }
            OrgCommand::Apply {
                org,
                product,
                years,
                materials,
            } => {
                let ids = upload_all(&client, &org, "business_licence", &materials, locale).await?;
                let key = mcert_core::id::ulid(std::time::SystemTime::now())
                    .map_err(|e| CliError::new(e.to_string()))?;
                let order = client
                    .apply_for_org(&org, &product, years, &ids, &key)
                    .await
                    .map_err(fail)?;
                print_placed(&order, locale);
            }
            OrgCommand::Change {
                org,
                name,
                materials,
            } => {
                let ids = upload_all(&client, &org, "business_licence", &materials, locale).await?;
                let order = client
                    .request_org_change(&org, &name, &ids)
                    .await
                    .map_err(fail)?;
                print_placed(&order, locale);
            }
            OrgCommand::Resubmit {
                org,
                order,
                materials,
            } => {
                let ids = upload_all(&client, &org, "business_licence", &materials, locale).await?;
                let order = client.resubmit(&order, &ids).await.map_err(fail)?;
                println!("{}", order.status_label);
            }
            OrgCommand::Orders { org } => {
                for o in client.org_orders(&org).await.map_err(fail)? {
                    println!(
                        "{}\t{}\t{}\t{}.{:02} {}\t{}",
                        o.id,
                        o.product_id,
                        o.status_label,
                        o.amount_fen / 100,
                        o.amount_fen % 100,
                        o.currency,
                        o.reject_reason.unwrap_or_default()
                    );
                }
            }
            OrgCommand::Members { org } => {
                for m in client.members(&org).await.map_err(fail)? {
                    println!(
                        "{}\t{}\t{}\t{}\t{}",
                        m.id, m.name, m.phone_masked, m.id_number_masked, m.role_label
                    );
                }
            }
            OrgCommand::AddMember {
                org,
                name,
                id_number,
                phone,
                role,
            } => {
                let m = client
                    .add_member(
                        &org,
                        &NewMember {
                            name,
                            id_number,
                            phone,
                            role: role.into(),
                        },
                    )
                    .await
                    .map_err(fail)?;
                println!("{}", m.id);
            }
            OrgCommand::SetRole { org, member, role } => {
                client
                    .change_role(&org, &member, &ChangeRole { role: role.into() })
                    .await
                    .map_err(fail)?;
            }
            OrgCommand::RemoveMember { org, member } => {
                client.remove_member(&org, &member).await.map_err(fail)?;
            }
            OrgCommand::Certs { org } => {
                for c in client.org_certificates(&org).await.map_err(fail)? {
                    println!(
                        "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                        c.entitlement_id,
                        c.kind,
                        c.status_label,
                        c.owner.map(|o| o.name).unwrap_or_default(),
                        c.holder.map(|h| h.name).unwrap_or_default(),
                        c.certificate_serial.unwrap_or_default(),
                        c.not_after.unwrap_or_default()
                    );
                }
            }
            OrgCommand::SetOwner {
                org,
                slot,
                name,
                id_number,
                email,
            } => {
                client
                    .set_owner(
                        &org,
                        &slot,
                        &SetOwner {
                            id_type: IdType::ResidentId,
                            id_number,
                            name,
                            email,
                        },
                    )
                    .await
                    .map_err(fail)?;
            }
            OrgCommand::SetHolder { org, slot, member } => {
                client
                    .set_holder(&org, &slot, &member)
                    .await
                    .map_err(fail)?;
            }
            OrgCommand::Usage {
                org,
                member,
                serial,
                operation,
                from,
                to,
                limit,
            } => {
                let page = client
                    .org_usage(
                        &org,
                        &OrgUsageQuery {
                            member_id: member,
                            serial,
                            operation,
                            from,
                            to,
                            cursor: None,
                            limit: Some(limit),
                        },
                    )
                    .await
                    .map_err(fail)?;
                for r in page.items {
                    println!(
                        "{}\t{}\t{}\t{}\t{}\t{}",
                        r.at,
                        r.operation,
                        r.holder_name.unwrap_or_default(),
                        r.certificate_serial.unwrap_or_default(),
                        r.platform_name,
                        r.outcome_label
                    );
                }
            }
        }
        Ok(())
    })
}

/// An application just placed: its id on standard output, what it costs and where it stands.
fn print_placed(order: &mcert_core::wire::Order, locale: Locale) {
    println!("{}", order.id);
    eprintln!(
        "{}",
        message(
            locale,
            "cli-order-placed",
            &[
                ("id", order.id.clone().into()),
                ("amount", mcert_core::wire::yuan(order.amount_fen).into()),
                ("status", order.status_label.clone().into()),
            ]
        )
    );
}
