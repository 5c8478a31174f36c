//! `certcockpit check webhook`: probe a partner's webhook listener headlessly. The flags here
//! also serve `certcockpit check --dossier`, where each overrides `[settings.webhook]`.

use std::time::Duration;

use clap::{Args, ValueEnum};

use super::check::CommonFlags;
use crate::checks::interrupts::Interrupts;
use crate::checks::webhook::{
    DEFAULT_TOLERANCE, DEFAULT_WINDOW, DeliveryLog, Event, Scheme, Signer, WebhookTarget, run_checks_logged,
    window_from_secs,
};
use crate::checks::{CheckEvent, NoProgress, ProgressSink, Secret};
use crate::ci::Timed;
use crate::ci::timing::Recorder;
use crate::dossier::WebhookSettings;
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

/// Where and how to deliver; each flag overrides the dossier's `[settings.webhook]`.
#[derive(Debug, Args, Default)]
pub struct WebhookFlags {
    /// The listener's URL [settings.webhook.url].
    #[arg(long)]
    pub url: Option<String>,
    /// The signature scheme [settings.webhook.scheme; default: standard-webhooks].
    #[arg(long, value_enum)]
    pub scheme: Option<SchemeArg>,
    /// Header carrying the signature or secret: hmac-sha256 defaults to X-Hub-Signature-256,
    /// static-header needs it, standard-webhooks ignores it (its headers are fixed).
    #[arg(long)]
    pub header: Option<String>,
    /// Name of the environment variable holding the secret (the secret is never an argument)
    /// [settings.webhook.secret_env].
    #[arg(long)]
    pub secret_env: Option<String>,
    /// Response deadline in seconds [settings.webhook.deadline_secs; default: 15].
    #[arg(long)]
    pub deadline: Option<f64>,
    /// The provider's timestamp tolerance in seconds: webhook.replay probes 10 s inside and
    /// outside it on both sides [settings.webhook.tolerance_secs; default: 300, as Standard
    /// Webhooks and Stripe].
    #[arg(long)]
    pub tolerance: Option<u64>,
    /// The event delivered: a sample (okhi-address-verification, okendo-review, wiseflow-flow,
    /// stripe-event, generic) or a JSON file with {{event_id}}, {{sequence}}, {{occurred_at}},
    /// {{status}} placeholders [settings.webhook.event; default: the sample of the scheme's
    /// provider].
    #[arg(long, value_name = "NAME|FILE")]
    pub event: Option<String>,
    /// The partner's side-effect observer (a test hook): GET URL?id=<webhook-id> answers
    /// {"processed": N}; webhook.duplicate and webhook.ordering then fail a listener that
    /// processed an event twice [settings.webhook.observer].
    #[arg(long, value_name = "URL")]
    pub observer: Option<String>,
    /// A PEM file of CA certificates to trust beside the system's roots for the listener's
    /// certificate (a staging listener's test CA) [settings.webhook.ca_file].
    #[arg(long, value_name = "FILE")]
    pub ca: Option<std::path::PathBuf>,
    /// How long webhook.fallback watches the evidence API, in seconds, for the resource whose
    /// event it withheld to be fetched [settings.webhook.fallback_window_secs; default: 30].
    #[arg(long, value_name = "SECS")]
    pub fallback_window: Option<f64>,
}

#[derive(Debug, Args)]
pub struct WebhookArgs {
    #[command(flatten)]
    pub webhook: WebhookFlags,
    #[command(flatten)]
    pub common: CommonFlags,
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

/// A validated webhook run: the target, the secret, and the variable it came from.
pub struct Plan {
    pub target: WebhookTarget,
    pub secret: Secret,
    pub secret_env: String,
    /// How long `webhook.fallback` watches the evidence API.
    pub fallback_window: Duration,
}

fn nonempty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

/// Validates everything a user typed (flags over `settings`) before a single delivery is
/// sent, so every mistake is a usage error naming what is wrong. `Ok(None)`: no URL anywhere
/// and the webhook checks were not asked for by name (`required` false).
pub fn resolve(
    flags: &WebhookFlags,
    settings: Option<&WebhookSettings>,
    required: bool,
) -> Result<Option<Plan>, String> {
    let Some(url) = flags.url.clone().or_else(|| settings.and_then(|s| nonempty(&s.url))) else {
        return if required {
            Err("--url is required (the listener's URL, or url in the --dossier's [settings.webhook])".into())
        } else {
            Ok(None)
        };
    };
    let scheme = match (flags.scheme, settings) {
        (Some(s), _) => Scheme::from(s),
        (None, Some(s)) => s.scheme.parse().map_err(|e| format!("[settings.webhook] scheme: {e}"))?,
        (None, None) => Scheme::StandardWebhooks,
    };
    let header = flags.header.clone().or_else(|| settings.and_then(|s| nonempty(&s.header)));
    let deadline = flags.deadline.or(settings.map(|s| s.deadline_secs)).unwrap_or(15.0);
    let tolerance = flags.tolerance.or(settings.and_then(|s| s.tolerance_secs));
    let observer =
        flags.observer.clone().or_else(|| settings.and_then(|s| s.observer.as_deref().and_then(nonempty)));
    let target = WebhookTarget::new(&url, scheme, header.as_deref(), deadline)
        .and_then(|t| t.with_tolerance(tolerance.unwrap_or(DEFAULT_TOLERANCE.as_secs())))
        .and_then(|t| match &observer {
            Some(url) => t.with_observer(url),
            None => Ok(t),
        })
        .and_then(|t| {
            match flags.ca.clone().or_else(|| settings.and_then(|s| nonempty(&s.ca_file)).map(Into::into)) {
                Some(path) => t.with_ca(&path),
                None => Ok(t),
            }
        })
        .map_err(|e| e.to_string())?;
    let event =
        match (&flags.event, settings.and_then(|s| s.event.as_deref().and_then(nonempty))) {
            (Some(arg), _) => Some(Event::from_arg(arg).map_err(|e| e.to_string())?),
            (None, Some(arg)) => Some(Event::from_arg(&arg).map_err(|e| {
                format!("[settings.webhook] {}", e.to_string().replacen("--event", "event", 1))
            })?),
            (None, None) => None,
        };
    let target = match event {
        Some(event) => WebhookTarget { event, ..target },
        None => target,
    };
    let fallback_window = match flags.fallback_window {
        Some(secs) => window_from_secs(secs).map_err(|e| format!("--fallback-window: {e}"))?,
        None => settings
            .map_or(Ok(DEFAULT_WINDOW), WebhookSettings::fallback_window)
            .map_err(|e| format!("[settings.webhook] fallback_window_secs: {e}"))?,
    };
    let secret_env =
        flags.secret_env.clone().or_else(|| settings.and_then(|s| nonempty(&s.secret_env))).ok_or_else(
            || "--secret-env is required (the name of the variable holding the webhook secret)".to_owned(),
        )?;
    let secret = Secret::from_env(&secret_env).map_err(|e| format!("--secret-env: {e}"))?;
    Signer::new(scheme, target.effective_header(), &secret)
        .map_err(|e| format!("the secret in {secret_env}: {e}"))?;
    Ok(Some(Plan { target, secret, secret_env, fallback_window }))
}

/// Prints one line per delivery on stderr, so stdout stays the result alone.
struct StderrProgress;

impl ProgressSink for StderrProgress {
    fn send(&self, event: CheckEvent) {
        match event {
            CheckEvent::Started { id } => eprintln!("{} …", text::short(&id)),
            CheckEvent::Progress { id, message } => {
                eprintln!("  {}  {}", text::short(&id), text::line(&message))
            }
            CheckEvent::Finished(_) => {}
        }
    }
}

/// Runs the webhook checks `ids` (empty: all), timing each and recording the deliveries in
/// `log`. Progress goes to stderr unless `quiet`. Ctrl-C or SIGTERM stops the run: the checks
/// finished before it are returned, with `true`.
pub fn execute(
    plan: &Plan,
    ids: &[String],
    quiet: bool,
    log: &DeliveryLog,
) -> color_eyre::Result<(Vec<Timed>, bool)> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let progress: &dyn ProgressSink = if quiet { &NoProgress } else { &StderrProgress };
    let recorder = Recorder::new(progress);
    let results = runtime.block_on(async {
        let mut interrupts = Interrupts::new()?;
        Ok::<_, std::io::Error>(tokio::select! {
            results = run_checks_logged(&plan.target, &plan.secret, ids, &recorder, Some(log)) => Some(results),
            name = interrupts.recv() => {
                eprintln!("certcockpit: interrupted by {name}: the webhook checks finished so far are kept");
                None
            }
        })
    })?;
    let interrupted = results.is_none();
    Ok((recorder.timed(results.unwrap_or_else(|| recorder.finished())), interrupted))
}
