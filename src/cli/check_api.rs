//! `certcockpit check api`: serve the evidence API on loopback, run the partner's client once
//! per scenario, and judge its traffic.

use std::process::ExitCode;
use std::time::Duration;

use clap::Args;

use super::Exit;
use super::check::{file_results, print_results, usage_error};
use crate::checks::api::client_env::ClientEnv;
use crate::checks::api::tls::TlsServer;
use crate::checks::api::{
    ApiError, EvidenceApi, ServeOptions, check_upstream_url, headless, parse_listen, profile, scenario_ids,
};
use crate::checks::{CheckEvent, NoProgress, ProgressSink};
use crate::text;

#[derive(Debug, Args)]
pub struct ApiArgs {
    /// The client command, run through the shell once per scenario in a minimal environment:
    /// PATH, HOME, LANG, TERM, CERTCOCKPIT_BASE_URL, CERTCOCKPIT_TOKEN_URL, CERTCOCKPIT_CLIENT_ID
    /// and CERTCOCKPIT_CLIENT_SECRET (and CERTCOCKPIT_API_KEY, the same secret, for API-key
    /// profiles; with --tls, SSL_CERT_FILE, REQUESTS_CA_BUNDLE and NODE_EXTRA_CA_CERTS naming the
    /// CA), plus what --env passes on. Its whole process tree is killed when a run ends.
    #[arg(long)]
    pub exec: String,
    /// Pass this variable of your environment on to the client (repeatable); nothing else of
    /// your environment reaches it.
    #[arg(long = "env", value_name = "NAME")]
    pub env: Vec<String>,
    /// Serve HTTPS, with a certificate for 127.0.0.1, ::1 and localhost from the local CA
    /// kept in $XDG_CONFIG_HOME/certcockpit/ca (created on first use).
    #[arg(long)]
    pub tls: bool,
    /// Run only these check ids (comma separated).
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<String>,
    /// The provider's API shape: a built-in profile name (generic, uniwise-wiseflow,
    /// uniwise-wiseflow-api-key, okra, cobalt, okhi, okendo) or the path to a profile file.
    /// With --upstream, no profile means: detect the token endpoint (POST …/token) and follow
    /// upstream's own pagination (Link header, or next/next_url/nextPageUrl/next_cursor/cursor/
    /// has_more in the body).
    #[arg(long)]
    pub profile: Option<String>,
    /// Proxy mode: stand in front of the provider's sandbox at this URL (scheme://host[:port]
    /// [/base]); the client's base URL becomes the evidence API's address and this base.
    #[arg(long)]
    pub upstream: Option<String>,
    /// Listen address (loopback by default).
    #[arg(long, default_value = "127.0.0.1:0")]
    pub listen: String,
    /// Seconds one run of the client may take before it is killed and judged on what was seen
    /// [default: 20, and 45 for retry.limit, enough for go-retryablehttp's stock 1, 2, 4, 8 s
    /// retries and the quiet after them; that run ends as soon as the quiet has been seen].
    #[arg(long)]
    pub timeout: Option<f64>,
    /// Print each request as it arrives (on stderr).
    #[arg(long, short)]
    pub verbose: bool,
    /// File the results as evidence in this dossier (created if missing).
    #[arg(long)]
    pub dossier: Option<std::path::PathBuf>,
    /// Print one JSON object instead of human output.
    #[arg(long)]
    pub json: bool,
}

/// Prints progress on stderr, so stdout stays the results alone (and valid JSON).
struct StderrProgress;

impl ProgressSink for StderrProgress {
    fn send(&self, event: CheckEvent) {
        match event {
            CheckEvent::Started { id } => eprintln!("» {}", text::short(&id)),
            CheckEvent::Progress { message, .. } => eprintln!("  {}", text::line(&message)),
            CheckEvent::Finished(r) => eprintln!("  {} {}", r.verdict.symbol(), text::line(&r.summary)),
        }
    }
}

pub fn run(args: ApiArgs) -> color_eyre::Result<ExitCode> {
    if args.exec.trim().is_empty() {
        return Ok(usage_error("--exec needs the client command to run"));
    }
    if let Some(t) = args.timeout
        && !(t.is_finite() && t > 0.0 && t <= 3600.0)
    {
        return Ok(usage_error(&format!("--timeout must be between 0 and 3600 seconds, not {t}")));
    }
    let client_env = match ClientEnv::from_process(&args.env) {
        Ok(env) => env,
        Err(e) => return Ok(usage_error(&e)),
    };
    if let Err(e) = parse_listen(&args.listen) {
        return Ok(usage_error(&format!("--listen: {e}")));
    }
    let profile = match args.profile.as_deref().map(profile::load).transpose() {
        Ok(p) => p,
        Err(e) => return Ok(usage_error(&format!("--profile: {e}"))),
    };
    if let Some(Err(e)) = args.upstream.as_deref().map(check_upstream_url) {
        return Ok(usage_error(&format!("--upstream: {e}")));
    }
    let all = scenario_ids();
    let ids: Vec<&str> = if args.only.is_empty() {
        all.clone()
    } else {
        let mut ids = Vec::new();
        for wanted in args.only.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
            match all.iter().find(|id| **id == wanted) {
                Some(id) if !ids.contains(id) => ids.push(*id),
                Some(_) => {}
                None => {
                    return Ok(usage_error(&format!(
                        "--only: {wanted:?} is not an evidence API check (one of: {})",
                        all.join(", ")
                    )));
                }
            }
        }
        ids
    };
    if ids.is_empty() {
        return Ok(usage_error("--only names no check"));
    }

    let mut options = ServeOptions::default();
    if args.tls {
        match TlsServer::from_user_config() {
            Ok(tls) => options.tls = Some(tls),
            Err(e) => {
                eprintln!("certcockpit: --tls: {e}");
                return Ok(Exit::Environment.into());
            }
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let results = runtime.block_on(async {
        let api = match &args.upstream {
            Some(up) => EvidenceApi::start_proxy_serving(&args.listen, up, profile, options).await?,
            None => {
                EvidenceApi::start_serving(&args.listen, profile.unwrap_or_else(profile::generic), options)
                    .await?
            }
        };
        if let Some(warning) = api.exposure_warning() {
            eprintln!("certcockpit: {warning}");
        }
        let timeout = args.timeout.map(Duration::from_secs_f64);
        let progress: &dyn ProgressSink = if args.verbose { &StderrProgress } else { &NoProgress };
        let client = headless::ClientCommand { command: &args.exec, env: &client_env };
        let results = headless::run_checks(&api, &client, &ids, timeout, progress).await;
        api.shutdown().await;
        Ok::<_, color_eyre::Report>(results)
    })?;
    let results = match results {
        Ok(results) => results,
        Err(e @ ApiError::Interrupted(_)) => {
            eprintln!("certcockpit: {e}");
            return Ok(Exit::Interrupted.into());
        }
        Err(e) => return Err(e.into()),
    };

    let mut filed = Exit::Pass;
    if let Some(path) = &args.dossier {
        let listen = args.listen.clone();
        let profile_name = args.profile.clone();
        let tls = args.tls;
        let upstream = args.upstream.clone();
        filed = file_results(path, &results, |d| {
            d.settings.api.listen = listen;
            d.settings.api.profile = profile_name;
            d.settings.api.upstream = upstream;
            d.settings.api.tls = tls;
        })?;
    }
    Ok(print_results(&results, args.json, filed))
}
