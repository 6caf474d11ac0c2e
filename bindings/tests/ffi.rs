//! The FFI surface as the apps see it: errors carry a stable code, a message to show and the
//! PIN state; the host's secret store reaches the core; PIN policy checks.

use std::sync::Arc;

use mcert_core::device::client::ClientError;
use mcert_core::device::keystore::KeyStoreError;
use mcert_ffi::{DeviceSecretStore, HostError, McertApp, McertError, check_new_pin, set_language};

#[test]
fn errors_carry_code_message_and_pin_state() {
    set_language("zh-CN".into());
    match McertError::from(KeyStoreError::WrongPin { tries_left: 3 }) {
        McertError::WrongPin {
            code,
            user_message,
            tries_left,
        } => {
            assert_eq!((code.as_str(), tries_left), ("pin_wrong", 3));
            assert_eq!(user_message, "证书密码错误，还可尝试 3 次");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        McertError::from(KeyStoreError::WrongPin { tries_left: 0 }),
        McertError::Locked { .. }
    ));
    assert!(matches!(
        McertError::from(KeyStoreError::Locked),
        McertError::Locked { .. }
    ));
    match McertError::from(ClientError::Api {
        status: 409,
        code: "session_taken".into(),
        message: "该二维码已被其他设备扫描".into(),
    }) {
        McertError::Service {
            code,
            user_message,
            http_status,
        } => {
            assert_eq!(
                (code.as_str(), user_message.as_str(), http_status),
                ("session_taken", "该二维码已被其他设备扫描", 409)
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        check_new_pin("123456".into()),
        Err(McertError::Invalid { .. })
    ));
    assert!(check_new_pin("246810".into()).is_ok());
}

#[test]
fn host_errors_reach_the_core_as_secret_store_errors() {
    #[derive(Debug)]
    struct Refusing;
    impl DeviceSecretStore for Refusing {
        fn load(&self, _: String) -> Result<Option<Vec<u8>>, HostError> {
            Err(HostError::Unavailable {
                reason: "keychain locked".into(),
            })
        }
        fn store(&self, _: String, _: Vec<u8>) -> Result<(), HostError> {
            Err(HostError::Failed {
                reason: "no".into(),
            })
        }
        fn delete(&self, _: String) -> Result<(), HostError> {
            Ok(())
        }
    }
    let dir = std::env::temp_dir().join(format!("mcert-ffi-{}", std::process::id()));
    let result = McertApp::new(
        dir.display().to_string(),
        "http://127.0.0.1:9".into(),
        Arc::new(Refusing),
    );
    match result {
        Err(McertError::Failed { code, user_message }) => {
            assert_eq!(code, "secret_store_unavailable", "{user_message}");
            assert!(user_message.contains("keychain locked"), "{user_message}");
        }
        other => panic!("{:?}", other.map(|_| ())),
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn organisation_forms_keep_identity_numbers_out_of_logs_and_convert_to_the_wire() {
    use mcert_core::wire::orgs as wire;
    use mcert_ffi::{
        ApplicantRelation, NewMemberForm, NewOrganisationForm, OrgRole, OwnerForm, OwnerIdType,
    };
    let org = NewOrganisationForm {
        name: "青海某某建设工程有限公司".into(),
        credit_code: "91110108MA01ABCD1E".into(),
        legal_rep_name: "王总".into(),
        legal_rep_id_number: "110101197511110041".into(),
        applicant_relation: ApplicantRelation::Agent,
    };
    let shown = format!("{org:?}");
    assert!(!shown.contains("110101197511110041"), "{shown}");
    assert!(shown.contains("110***********0041"), "{shown}");
    let sent = wire::NewOrganisation::from(org);
    assert_eq!(sent.applicant_relation, wire::ApplicantRelation::Agent);
    assert_eq!(sent.legal_rep_id_number, "110101197511110041");

    let member = NewMemberForm {
        name: "李工".into(),
        id_number: "110101198502020022".into(),
        phone: "13800000002".into(),
        role: OrgRole::Admin,
    };
    assert!(!format!("{member:?}").contains("110101198502020022"));
    assert_eq!(wire::NewMember::from(member).role, wire::Role::Admin);
    assert_eq!(OrgRole::from(wire::Role::User), OrgRole::User);

    let owner = OwnerForm {
        id_type: OwnerIdType::ResidentId,
        id_number: "110101198502020022".into(),
        name: "李工".into(),
        email: None,
    };
    assert!(!format!("{owner:?}").contains("110101198502020022"));
    assert_eq!(
        wire::SetOwner::from(owner).id_type,
        wire::IdType::ResidentId
    );
}

#[test]
fn commerce_forms_keep_account_numbers_out_of_logs_and_convert_to_the_wire() {
    use mcert_core::wire;
    use mcert_ffi::{BillingProfileForm, PayerAccountForm, PayerKind, TitleKind};
    let payer = PayerAccountForm {
        kind: PayerKind::Public,
        holder_name: "青海某某建设工程有限公司".into(),
        account_no: "6222020200112233445".into(),
        bank_name: "中国工商银行西宁分行".into(),
    };
    let shown = format!("{payer:?}");
    assert!(!shown.contains("6222020200112233445"), "{shown}");
    assert!(shown.contains("6222****3445"), "{shown}");
    let sent = wire::NewPayerAccount::from(payer);
    assert_eq!(sent.kind, wire::PayerKind::Public);
    assert_eq!(sent.account_no, "6222020200112233445");

    let profile = BillingProfileForm {
        kind: TitleKind::Company,
        title: "青海某某建设工程有限公司".into(),
        taxpayer_id: Some("91630100MA7ABCDE1W".into()),
        address_phone: None,
        bank_name: None,
        bank_account: None,
        is_default: true,
    };
    let sent = wire::NewBillingProfile::from(profile);
    assert_eq!(sent.kind, wire::TitleKind::Company);
    assert!(sent.is_default);
    assert_eq!(
        TitleKind::from(wire::TitleKind::Personal),
        TitleKind::Personal
    );
    assert_eq!(
        PayerKind::from(wire::PayerKind::Personal),
        PayerKind::Personal
    );
}
