//! The phone's API: SMS login and the account, real-name verification, the catalogue,
//! orders and payment, entitlements and certificates (挂失 included).

pub mod auth;
pub mod billing;
pub mod identity;

use axum::Router;
use axum::routing::{get, post, put};
use mcert_core::wire::routes;

use super::AppState;

/// The phone API's routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(routes::SMS_CODE, post(auth::sms_code))
        .route(routes::LOGIN, post(auth::login))
        .route(routes::LOGOUT, post(auth::logout))
        .route(routes::ME, get(auth::me))
        .route(routes::ME_PLATFORM, put(auth::choose_platform))
        .route(routes::PLATFORMS, get(auth::platforms))
        .route(routes::DEV_SMS_OUTBOX, get(auth::dev_outbox))
        .route(routes::IDENTITY, get(identity::get))
        .route(routes::IDENTITY_VERIFY, post(identity::verify))
        .route(routes::CATALOG, get(billing::catalogue))
        .route(routes::ORDERS, get(billing::list).post(billing::create))
        .route(routes::ORDER, get(billing::get))
        .route(routes::ORDER_PAY, post(billing::pay))
        .route(routes::ORDER_CANCEL, post(billing::cancel))
        .route(routes::PAYMENT_NOTIFY, post(billing::notify))
        .route(routes::ENTITLEMENTS, get(billing::entitlements))
        .route(routes::ENTITLEMENT_INSTALL, post(billing::install))
        .route(routes::CERTIFICATES, get(billing::certificates))
        .route(routes::CERTIFICATE_REPORT_LOST, post(billing::report_lost))
}
