//! The `switchboard` binary: everything lives in the library; this only hands over.
#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    switchboard_server::cli::main()
}
