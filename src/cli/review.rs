//! `certcockpit review [DOSSIER] [--questionnaire NAME|PATH]` (and bare `certcockpit`).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

/// The dossier opened when none is named.
pub const DEFAULT_DOSSIER: &str = "dossier.toml";

#[derive(Debug, Args, Default)]
pub struct ReviewArgs {
    /// The dossier file; created with the chosen questionnaire if it does not exist.
    pub dossier: Option<PathBuf>,
    /// Built-in questionnaire name or path to a questionnaire TOML (for a new dossier; an
    /// existing dossier names its own).
    #[arg(long, short)]
    pub questionnaire: Option<String>,
}

pub fn run(args: ReviewArgs) -> color_eyre::Result<ExitCode> {
    let path = args.dossier.unwrap_or_else(|| PathBuf::from(DEFAULT_DOSSIER));
    let _ = (path, args.questionnaire);
    color_eyre::eyre::bail!("the TUI is being built")
}
