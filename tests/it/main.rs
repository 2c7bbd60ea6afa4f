//! Integration tests: one binary, real files, real CLI.

mod browser;
mod common;
mod corpus;
mod crash;
mod document_fields;
mod incremental;
mod isolation;
mod metadata;
mod ocr;
mod provisions;
mod recall;
mod robustness;
mod server;
