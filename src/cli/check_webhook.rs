//! `certcockpit check webhook`: probe a partner's webhook listener headlessly.

use std::process::ExitCode;

use clap::{Args, ValueEnum};

use super::check::{file_results, print_results, usage_error};
use crate::checks::webhook::{Event, Scheme, Signer, WebhookTarget, run_checks, select_checks};
use crate::checks::{CheckEvent, Secret};
use crate::text;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemeArg {
    /// Standard Webhooks / Svix: webhook-id, webhook-timestamp, webhook-signature: v1,<base64>.
    StandardWebhooks,
    /// GitHub style: sha256=<hex HMAC-SHA256 of the body> in --header.
    HmacSha256,
    /// The shared secret itself in --header (OkHi).
    StaticHeader,
    /// Stripe style: t=<unix>,v1=<hex HMAC-SHA256 of "t.body"> in --header (Stripe-Signature).
    TimestampedHmacSha256,
}

#[derive(Debug, Args)]
pub struct WebhookArgs {
    /// The listener's URL.
    #[arg(long)]
    pub url: String,
    #[arg(long, value_enum, default_value = "standard-webhooks")]
    pub scheme: SchemeArg,
    /// Header carrying the signature or secret: hmac-sha256 defaults to X-Hub-Signature-256,
    /// static-header needs it, standard-webhooks ignores it (its headers are fixed).
    #[arg(long)]
    pub header: Option<String>,
    /// Name of the environment variable holding the secret (the secret is never an argument).
    #[arg(long)]
    pub secret_env: String,
    /// Response deadline in seconds.
    #[arg(long, default_value_t = 15.0)]
    pub deadline: f64,
    /// The provider's timestamp tolerance in seconds: webhook.replay probes 10 s inside and
    /// outside it on both sides (Standard Webhooks and Stripe: 300).
    #[arg(long, default_value_t = 300)]
    pub tolerance: u64,
    /// The event delivered: a sample (okhi-address-verification, okendo-review, wiseflow-flow,
    /// stripe-event, generic) or a JSON file with {{event_id}}, {{sequence}}, {{occurred_at}},
    /// {{status}} placeholders. Default: the sample of the scheme's provider.
    #[arg(long, value_name = "NAME|FILE")]
    pub event: Option<String>,
    /// The partner's side-effect observer (a test hook): GET URL?id=<webhook-id> answers
    /// {"processed": N}; webhook.duplicate and webhook.ordering then fail a listener that
    /// processed an event twice.
    #[arg(long, value_name = "URL")]
    pub observer: Option<String>,
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

impl From<SchemeArg> for Scheme {
    fn from(s: SchemeArg) -> Self {
        match s {
            SchemeArg::StandardWebhooks => Scheme::StandardWebhooks,
            SchemeArg::HmacSha256 => Scheme::HmacSha256,
            SchemeArg::StaticHeader => Scheme::StaticHeader,
            SchemeArg::TimestampedHmacSha256 => Scheme::TimestampedHmacSha256,
        }
    }
}

/// Validates everything a user typed before a single delivery is sent, so every mistake is a
/// usage error (exit 2) naming what is wrong; then runs the checks and prints or files them.
pub fn run(args: WebhookArgs) -> color_eyre::Result<ExitCode> {
    let scheme = Scheme::from(args.scheme);
    let target = match WebhookTarget::new(&args.url, scheme, args.header.as_deref(), args.deadline)
        .and_then(|t| t.with_tolerance(args.tolerance))
        .and_then(|t| match &args.observer {
            Some(url) => t.with_observer(url),
            None => Ok(t),
        }) {
        Ok(t) => t,
        Err(e) => return Ok(usage_error(&e.to_string())),
    };
    let target = match args.event.as_deref().map(Event::from_arg).transpose() {
        Ok(Some(event)) => WebhookTarget { event, ..target },
        Ok(None) => target,
        Err(e) => return Ok(usage_error(&e.to_string())),
    };
    let ids: Vec<String> = args.only.iter().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect();
    if let Err(e) = select_checks(&ids) {
        return Ok(usage_error(&format!("--only: {e}")));
    }
    let secret = match Secret::from_env(&args.secret_env) {
        Ok(s) => s,
        Err(e) => return Ok(usage_error(&format!("--secret-env: {e}"))),
    };
    if let Err(e) = Signer::new(scheme, target.effective_header(), &secret) {
        return Ok(usage_error(&format!("the secret in {}: {e}", args.secret_env)));
    }

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let quiet = args.json;
    // Progress goes to stderr (one line per delivery) so stdout stays the result alone.
    let progress = move |event: CheckEvent| {
        if quiet {
            return;
        }
        match event {
            CheckEvent::Started { id } => eprintln!("{} …", text::short(&id)),
            CheckEvent::Progress { id, message } => {
                eprintln!("  {}  {}", text::short(&id), text::line(&message))
            }
            CheckEvent::Finished(_) => {}
        }
    };
    let results = runtime.block_on(run_checks(&target, &secret, &ids, &progress));

    let filed = match &args.dossier {
        Some(path) => file_results(path, &results, |d| d.settings.webhook.record(&target, &args.secret_env))?,
        None => super::Exit::Pass,
    };
    Ok(print_results(&results, args.json, filed))
}
