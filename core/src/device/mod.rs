//! What only a device needs: the PIN-protected key store, the device secret, QR decoding.

pub mod envelope;
pub mod keystore;
pub mod pin;
pub mod qr;
pub mod secret;
