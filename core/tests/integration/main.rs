//! Integration tests of mcert-core: standard vectors, cross-checks against an independent SM2
//! implementation, OpenSSL interoperability, the device key store and QR decoding.

mod common;
mod cross_check;
mod keystore;
mod openssl;
mod qr;
mod seal;
mod vectors;
