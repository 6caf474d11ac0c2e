//! mcert core: the cryptography, wire types and device-side logic shared by the phone apps
//! (through the FFI crate), the desktop CLI and the issuance service.
//!
//! The `device` feature adds what only a device needs: the PIN-protected key store and QR
//! decoding.

pub mod crypto;
