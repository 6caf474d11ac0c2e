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
