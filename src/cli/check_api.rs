//! `certcockpit check api`: serve the evidence API on loopback, run the partner's client once
//! per scenario, and judge its traffic.

use std::process::ExitCode;
use std::time::Duration;

use clap::Args;

use super::Exit;
use super::check::{exit_code, file_results, print_results, usage_error};
use crate::checks::api::client_env::ClientEnv;
use crate::checks::api::headless::{ENV_CLIENT_ID, ENV_CLIENT_SECRET};
use crate::checks::api::tls::TlsServer;
use crate::checks::api::tokens::Credentials;
use crate::checks::api::{
    ApiError, EvidenceApi, ServeOptions, check_upstream_url, headless, parse_listen, profile, scenario_ids,
    watch,
};
use crate::checks::{CheckEvent, CheckResult, NoProgress, ProgressSink, Secret};
use crate::text;

#[derive(Debug, Args)]
pub struct ApiArgs {
    /// The client command, run through the shell once per scenario in a minimal environment:
    /// PATH, HOME, LANG, TERM, CERTCOCKPIT_BASE_URL, CERTCOCKPIT_TOKEN_URL, CERTCOCKPIT_CLIENT_ID
    /// and CERTCOCKPIT_CLIENT_SECRET (and CERTCOCKPIT_API_KEY, the same secret, for API-key
    /// profiles; with --tls, SSL_CERT_FILE, REQUESTS_CA_BUNDLE and NODE_EXTRA_CA_CERTS naming the
    /// CA), plus what --env passes on. Its whole process tree is killed when a run ends.
    #[arg(long, required_unless_present = "watch", conflicts_with = "watch")]
    pub exec: Option<String>,
    /// Pass this variable of your environment on to the client (repeatable); nothing else of
    /// your environment reaches it.
    #[arg(long = "env", value_name = "NAME")]
    pub env: Vec<String>,
    /// Watch a service that is already running, for this long (90s, 10m, 1h): no command is
    /// started; each scenario's fault begins unannounced, at a moment and in an order the
    /// cockpit chooses, and is judged on the traffic that follows it. Without --upstream, the
    /// service's credentials come from CERTCOCKPIT_CLIENT_ID and CERTCOCKPIT_CLIENT_SECRET.
    #[arg(long, value_name = "DURATION")]
    pub watch: Option<String>,
    /// The watch's random seed (order and moments of the faults), to repeat a watch; a fresh
    /// one is chosen and reported otherwise.
    #[arg(long, requires = "watch")]
    pub seed: Option<u64>,
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
    #[arg(long, conflicts_with = "watch")]
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
    let mode = match (&args.exec, &args.watch) {
        (Some(exec), None) if exec.trim().is_empty() => {
            return Ok(usage_error("--exec needs the client command to run"));
        }
        (Some(exec), None) => Mode::Exec(exec.clone()),
        (None, Some(w)) => match watch::parse_window(w) {
            Ok(d) if d >= watch::MIN_WATCH => Mode::Watch(d),
            Ok(_) => {
                return Ok(usage_error(&format!(
                    "--watch {w}: watch for {} s at least, long enough for a few of the service's cycles per scenario",
                    watch::MIN_WATCH.as_secs()
                )));
            }
            Err(e) => return Ok(usage_error(&format!("--watch: {e}"))),
        },
        _ => {
            return Ok(usage_error(
                "give --exec COMMAND (run a client per scenario) or --watch DURATION (watch a running service)",
            ));
        }
    };
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
    let ids: Vec<&'static str> = if args.only.is_empty() {
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
    if matches!(mode, Mode::Watch(_)) && args.upstream.is_none() {
        match watch_credentials() {
            Ok(c) => options.credentials = Some(c),
            Err(e) => return Ok(usage_error(&e)),
        }
    }
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
        let out = match &mode {
            Mode::Exec(exec) => {
                let timeout = args.timeout.map(Duration::from_secs_f64);
                let progress: &dyn ProgressSink = if args.verbose { &StderrProgress } else { &NoProgress };
                let client = headless::ClientCommand { command: exec, env: &client_env };
                headless::run_checks(&api, &client, &ids, timeout, progress).await.map(|r| (r, None))
            }
            Mode::Watch(window) => {
                eprintln!("{}", watch_banner(&api, *window));
                let seed = args.seed.unwrap_or_else(watch::random_seed);
                watch::run_watch(&api, &ids, *window, seed, args.verbose, &StderrProgress)
                    .await
                    .map(|report| (report.results.clone(), Some(report)))
            }
        };
        api.shutdown().await;
        Ok::<_, color_eyre::Report>(out)
    })?;
    let (results, report) = match results {
        Ok(out) => out,
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
    match report {
        Some(report) if args.json => {
            println!("{}", watch_json(&results, &report));
            Ok(exit_code(&results).combine(filed).into())
        }
        Some(report) => {
            print!("{}", text::neutralise_lines(&report.schedule(), 8_000));
            Ok(print_results(&results, false, filed))
        }
        None => Ok(print_results(&results, args.json, filed)),
    }
}

/// Run a client per scenario, or watch a running service.
enum Mode {
    Exec(String),
    Watch(Duration),
}

/// The service's own credentials for the imitation, from the environment (never a flag:
/// flags show in `ps`).
fn watch_credentials() -> Result<Credentials, String> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    match (var(ENV_CLIENT_ID), var(ENV_CLIENT_SECRET)) {
        (Some(client_id), Some(secret)) => Ok(Credentials { client_id, client_secret: Secret::new(secret) }),
        _ => Err(format!(
            "--watch without --upstream serves the imitation to a service already running: set {ENV_CLIENT_ID} and {ENV_CLIENT_SECRET} (for API-key profiles the secret is the key) to the credentials it is configured with"
        )),
    }
}

/// What the running service must be pointed at, and that the faults are unannounced.
fn watch_banner(api: &EvidenceApi, window: Duration) -> String {
    let token = api.token_url();
    let token = if token.is_empty() { String::new() } else { format!(", token URL {token}") };
    let upstream = api.upstream().map(|u| format!(" in front of {u}")).unwrap_or_default();
    text::neutralise_lines(
        &format!(
            "evidence API: {}{token}{upstream}\nwatching for {} s: point the service's base URL here; each scenario's fault begins unannounced",
            api.base_url(),
            window.as_secs()
        ),
        2_000,
    )
}

/// `{"checks": [...], "watch": {"seed": …, "faults": [...]}}`.
fn watch_json(results: &[CheckResult], report: &watch::WatchReport) -> String {
    let out = serde_json::json!({ "checks": results, "watch": report });
    serde_json::to_string_pretty(&out).unwrap_or_else(|_| "{\"checks\": []}".into())
}
