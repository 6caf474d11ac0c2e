//! mcert core: the cryptography, wire types and device-side logic shared by the phone apps
//! (through the FFI crate), the desktop CLI and the issuance service.
//!
//! The `device` feature adds what only a device needs: the PIN-protected key store, the device
//! secret and QR decoding.

pub mod clock;
pub mod crypto;
#[cfg(feature = "device")]
pub mod device;
pub mod i18n;
pub mod id;
pub mod scan;
pub mod validate;
pub mod wire;
