//! `certcockpit check api`: serve the evidence API on loopback, run the partner's client once
//! per scenario, and judge its traffic.

use std::process::ExitCode;

use clap::Args;

#[derive(Debug, Args)]
pub struct ApiArgs {
    /// The client command, run through the shell once per scenario with CERTCOCKPIT_BASE_URL,
    /// CERTCOCKPIT_TOKEN_URL, CERTCOCKPIT_CLIENT_ID and CERTCOCKPIT_CLIENT_SECRET set.
    #[arg(long)]
    pub exec: String,
    /// Run only these check ids (comma separated).
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<String>,
    /// Listen address (loopback by default).
    #[arg(long, default_value = "127.0.0.1:0")]
    pub listen: String,
    /// File the results as evidence in this dossier (created if missing).
    #[arg(long)]
    pub dossier: Option<std::path::PathBuf>,
    /// Print one JSON object instead of human output.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: ApiArgs) -> color_eyre::Result<ExitCode> {
    let _ = args;
    Ok(super::check::usage_error("check api is being built"))
}
