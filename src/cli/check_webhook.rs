//! `certcockpit check webhook`: probe a partner's webhook listener headlessly.

use std::process::ExitCode;

use clap::{Args, ValueEnum};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemeArg {
    /// Standard Webhooks / Svix: webhook-id, webhook-timestamp, webhook-signature: v1,<base64>.
    StandardWebhooks,
    /// GitHub style: sha256=<hex HMAC-SHA256 of the body> in --header.
    HmacSha256,
    /// The shared secret itself in --header (OkHi).
    StaticHeader,
}

#[derive(Debug, Args)]
pub struct WebhookArgs {
    /// The listener's URL.
    #[arg(long)]
    pub url: String,
    #[arg(long, value_enum, default_value = "standard-webhooks")]
    pub scheme: SchemeArg,
    /// Header carrying the signature or secret (hmac-sha256: X-Hub-Signature-256).
    #[arg(long)]
    pub header: Option<String>,
    /// Name of the environment variable holding the secret (the secret is never an argument).
    #[arg(long)]
    pub secret_env: String,
    /// Response deadline in seconds.
    #[arg(long, default_value_t = 15.0)]
    pub deadline: f64,
    /// Run only these check ids (comma separated).
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<String>,
    /// File the results as evidence in this dossier (created if missing).
    #[arg(long)]
    pub dossier: Option<std::path::PathBuf>,
    /// Print one JSON object instead of human output.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: WebhookArgs) -> color_eyre::Result<ExitCode> {
    let _ = args;
    Ok(super::check::usage_error("check webhook is being built"))
}
