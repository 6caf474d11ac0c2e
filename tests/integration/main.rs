//! Integration tests of the root package: the `mcert` command line, and the whole personal
//! certificate story from a device to the service and back, checked with OpenSSL.

mod bank;
mod browser;
mod ca;
mod cli;
mod common;
mod console;
mod end_to_end;
mod life;
mod reissue;
mod scale_out;
mod scan;
mod webdriver;
