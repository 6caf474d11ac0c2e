//! Adapters to the outside world that are not the identity or payment domains' own: SMS
//! delivery and the HMAC-signed JSON webhook that every production adapter (SMS, identity,
//! payment) speaks. Development implementations are refused outside `--dev`.

pub mod sms;
pub mod webhook;
