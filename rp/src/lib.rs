//! mcert for relying platforms (招投标平台): the session API client with its animated QR code
//! and the platform's own check of a result ([`client`]), and a demo bidding page that starts
//! login, sign and open-bid sessions against an mcert service ([`demo`]); stamping a PDF and
//! verifying stamped PDFs ([`stamp`]). Depends on the core
//! only: a platform never links the service.

pub mod client;
pub mod demo;
pub mod stamp;
mod stamp_session;
