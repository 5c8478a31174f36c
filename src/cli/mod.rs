//! The command line (clap derive). Each subcommand lives in its own file with its arguments
//! and a `run` that returns the process exit code, one of [`Exit`] (see `exit.rs` for the table).

pub mod check;
mod check_api;
mod check_fallback;
mod check_webhook;
mod demo;
mod exit;
mod export;
mod init;
mod key;
mod questionnaires;
mod report;
mod review;
mod status;
mod verify;

pub use exit::Exit;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit code for a usage error (clap uses the same for its own).
pub const EXIT_USAGE: u8 = Exit::Usage.code();

#[derive(Debug, Parser)]
#[command(
    name = "certcockpit",
    version,
    about = "A terminal cockpit for API integration certification reviews, with live evidence checks.",
    after_help = Exit::HELP
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the cockpit on a dossier (created if missing).
    Review(review::ReviewArgs),
    /// List the built-in questionnaires.
    Questionnaires,
    /// Check a questionnaire file: syntax, unknown keys, duplicate ids, unknown check ids.
    Validate(questionnaires::ValidateArgs),
    /// Run live evidence checks headlessly, as a CI gate: `check webhook`, `check api`, or
    /// `check --dossier FILE` for every check its settings configure; `check --list`.
    Check(Box<check::CheckArgs>),
    /// Write the readable report of a dossier (Markdown or HTML) with its remediation list.
    Report(report::ReportArgs),
    /// Open the cockpit on a built-in sample integration (webhook listener + API client, good or
    /// flawed), so every live check can be shown with nothing else running.
    Demo(demo::DemoArgs),
    /// Write a new dossier with every question present and commented, ready to fill in by hand.
    Init(init::InitArgs),
    /// Re-run each evidence record's judge on its kept observations, check signatures with
    /// `--key`, or check a certification package offline (exit 0 all verified, 1 not).
    Verify(verify::VerifyArgs),
    /// The portfolio: every dossier under the folders (default: this one) with its readiness,
    /// counts, failed checks and evidence verification; a table, JSON or a sortable HTML page.
    Status(status::StatusArgs),
    /// Bundle a dossier, its sidecar, its HTML report and a manifest of digests (signed with
    /// the reviewer's key) into a certification package `.tar.gz`.
    Export(export::ExportArgs),
    /// The reviewer's signing key: `key init` makes it, `key show` prints the public key.
    Key(key::KeyArgs),
}

/// Parses the command line, runs it, and turns errors into a message and an exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // Every command but the listings may hold a secret (generated, or read from the
    // environment); none needs a core dump.
    crate::checks::forbid_core_dumps();
    if cli.command.as_ref().is_some_and(Command::only_reads) {
        end_quietly_on_a_closed_pipe();
    }
    let signs = cli.command.as_ref().is_none_or(Command::files_evidence);
    let signer = if signs { key::install_signer() } else { Ok(()) };
    let result = match cli.command {
        _ if signer.is_err() => signer.map(|()| ExitCode::SUCCESS),
        None => review::run(review::ReviewArgs::default()),
        Some(Command::Review(args)) => review::run(args),
        Some(Command::Questionnaires) => questionnaires::list(),
        Some(Command::Validate(args)) => questionnaires::validate(&args),
        Some(Command::Check(args)) => check::run(*args),
        Some(Command::Report(args)) => report::run(&args),
        Some(Command::Init(args)) => init::run(&args),
        Some(Command::Verify(args)) => verify::run(&args),
        Some(Command::Status(args)) => status::run(&args),
        Some(Command::Demo(args)) => demo::run(args),
        Some(Command::Key(args)) => key::run(&args),
        Some(Command::Export(args)) => export::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            // Errors quote file contents (a dossier or questionnaire someone else wrote).
            eprintln!("certcockpit: {}", crate::text::neutralise_lines(&format!("{e:#}"), 8_000));
            exit_for_error(&e).into()
        }
    }
}

impl Command {
    /// Commands that file evidence, signed when the reviewer has a key.
    fn files_evidence(&self) -> bool {
        match self {
            Command::Review(_) | Command::Demo(_) => true,
            Command::Check(args) => !(args.list && args.command.is_none()),
            _ => false,
        }
    }

    /// Commands that only read and print (nothing to save, no secret, no child): a reader that
    /// closes the pipe early (`certcockpit questionnaires | head`) may end them.
    fn only_reads(&self) -> bool {
        match self {
            Command::Questionnaires | Command::Validate(_) | Command::Report(_) | Command::Status(_) => true,
            Command::Check(args) => args.list && args.command.is_none(),
            _ => false,
        }
    }
}

/// Rust ignores SIGPIPE, so a write to a closed pipe fails and `println!` panics. For the
/// read-only listings, end as every Unix filter does instead: the default action, a quiet
/// exit. Commands that run checks or save keep ignoring it, so a closed stdout never cuts
/// a dossier's save short.
fn end_quietly_on_a_closed_pipe() {
    // SAFETY: setting a signal's disposition to the default has no preconditions, and runs
    // before any thread is started.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// The exit code of a run that ended in an error: bad input (a dossier, questionnaire,
/// profile or baseline that does not parse) is a usage error (2); anything else (a file that
/// cannot be written, a dossier locked by another cockpit, a runtime that cannot start) is
/// the environment's (3). Never 1: that says the partner's integration failed.
pub fn exit_for_error(e: &color_eyre::Report) -> Exit {
    use crate::checks::api::ApiError;
    use crate::dossier::DossierError;
    use crate::report::ReportError;
    let dossier = |d: &DossierError| match d {
        // A dossier that is missing, not a regular file, too big, newer or broken: bad input.
        DossierError::Parse { .. } | DossierError::Read { .. } | DossierError::NewerFormat { .. } => {
            Exit::Usage
        }
        _ => Exit::Environment,
    };
    for cause in e.chain() {
        if let Some(d) = cause.downcast_ref::<DossierError>() {
            return dossier(d);
        }
        if let Some(r) = cause.downcast_ref::<ReportError>() {
            return match r {
                ReportError::Dossier(d) => dossier(d),
                _ => Exit::Usage,
            };
        }
        if let Some(k) = cause.downcast_ref::<crate::signing::KeyError>() {
            return match k {
                crate::signing::KeyError::BadPublic { .. } | crate::signing::KeyError::Exists(_) => {
                    Exit::Usage
                }
                _ => Exit::Environment,
            };
        }
        if let Some(p) = cause.downcast_ref::<crate::package::PackageError>() {
            return match p {
                crate::package::PackageError::Io { .. } => Exit::Environment,
                _ => Exit::Usage,
            };
        }
        if cause.is::<crate::questionnaire::QuestionnaireError>()
            || cause.is::<crate::ci::baseline::BaselineError>()
            || cause.is::<crate::portfolio::MissingDir>()
        {
            return Exit::Usage;
        }
        if let Some(a) = cause.downcast_ref::<ApiError>() {
            return match a {
                ApiError::BadAddress(_) | ApiError::UnknownCheck(_) | ApiError::BadUpstream(_) => Exit::Usage,
                _ => Exit::Environment,
            };
        }
    }
    Exit::Environment
}
