//! The `provisio` command line: parse, dispatch to a thin subcommand, map errors to exit codes
//! (0 ok, 1 some files failed, 2 usage or fatal error).

mod cli;

use clap::Parser;
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    tune_allocator();
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

/// mimalloc keeps freed pages for a while (10 ms by default) before returning them, per
/// thread: under 16 concurrent searches the server's threads together held about twice the
/// memory the searches needed (bench queries on the 20k index: anonymous memory ~186 MB, 96 MB
/// with immediate purging, the same queries/s; indexing the 2k corpus: peak 198 -> 173 MB, the
/// same time). Its options are read from the environment when the process loads, before
/// `main`: without the setting, the process runs itself again with it (same arguments, same
/// process id).
#[cfg(unix)]
fn tune_allocator() {
    use std::os::unix::process::CommandExt;
    const PURGE: &str = "MIMALLOC_PURGE_DELAY";
    if std::env::var_os(PURGE).is_some() {
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    let mut args = std::env::args_os();
    let mut command = std::process::Command::new(exe);
    if let Some(arg0) = args.next() {
        command.arg0(arg0);
    }
    // `exec` returns only when it failed: then go on with mimalloc's defaults.
    let _ = command.args(args).env(PURGE, "0").exec();
}

#[cfg(not(unix))]
fn tune_allocator() {}
