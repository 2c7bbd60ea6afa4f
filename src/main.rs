//! The `provisio` command line: parse, dispatch to a thin subcommand, map errors to exit codes
//! (0 ok, 1 some files failed, 2 usage or fatal error).

mod cli;

use clap::Parser;
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PROVISIO_LOG").unwrap_or_else(|_| {
                tracing_subscriber::EnvFilter::new("warn,lopdf=off,pdf_extract=off")
            }),
        )
        .with_writer(std::io::stderr)
        .init();
    match cli::run(args) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("provisio: {err:#}");
            ExitCode::from(2)
        }
    }
}
