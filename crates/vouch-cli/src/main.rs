//! `vouch`: parse the command line, run the command, map the outcome to an exit code
//! (0 success, 2 bad input, 1 anything else).

mod cli;
mod commands;
mod export_cli;
mod feedback_cli;
mod hooks_cli;
mod input_error;
mod open_store;
mod settings;
mod table;
mod teams_cli;

use std::process::ExitCode;

use clap::Parser;

use crate::input_error::InputError;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    init_logs(&cli);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let closed_stdout = error
                .downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe);
            if closed_stdout {
                // The reader went away (`vouch report | head`): nothing left to say.
                return ExitCode::SUCCESS;
            }
            if let Some(input) = error.downcast_ref::<InputError>() {
                eprintln!("error: {input}");
                ExitCode::from(2)
            } else {
                eprintln!("error: {error:#}");
                ExitCode::from(1)
            }
        }
    }
}

/// Logs go to stderr: `info` for the server (its address, requests), `warn` for one-off
/// commands whose output is on stdout. `VOUCH_LOG` overrides (e.g. `VOUCH_LOG=debug`).
fn init_logs(cli: &cli::Cli) {
    let (serving, json) = match &cli.command {
        cli::Command::Serve(args) => (true, args.log_json),
        cli::Command::Demo(args) => (!args.no_serve, args.serve.log_json),
        _ => (false, false),
    };
    // `vouch send` sums up what failed; a warning per failed email would bury it.
    let sending = matches!(cli.command, cli::Command::Send(_));
    let default = if serving {
        "info"
    } else if sending {
        "error"
    } else {
        "warn"
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("VOUCH_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    // Colours only on a terminal: a log written to a file or a pipe stays plain text.
    let colour = std::io::IsTerminal::is_terminal(&std::io::stderr())
        && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty());
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(colour)
        .with_writer(std::io::stderr);
    if json {
        logs.json().init();
    } else {
        logs.init();
    }
}
