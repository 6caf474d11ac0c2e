//! What only a device needs: the PIN-protected key store, the device secret, QR decoding, the
//! service client and the device flows.

pub mod client;
mod client_commerce;
mod client_life;
mod client_orgs;
mod client_seals;
pub use client_orgs::OrgUsageQuery;
pub mod envelope;
mod escrow;
pub mod flows;
pub mod keystore;
pub mod life;
pub mod pin;
pub mod qr;
mod seals;
pub mod secret;
