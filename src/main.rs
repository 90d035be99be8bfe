//! The `impunity` command line. All printing and exiting happens here, never in the library.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
