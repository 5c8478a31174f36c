//! `certcockpit check api`: serve the evidence API on loopback, run the partner's client once
//! per scenario, and judge its traffic. The flags here also serve `certcockpit check
//! --dossier`, where each overrides `[settings.api]`.

use std::time::Duration;

use clap::Args;

use super::check::CommonFlags;
use crate::checks::api::client_env::ClientEnv;
use crate::checks::api::headless::{ENV_CLIENT_ID, ENV_CLIENT_SECRET};
use crate::checks::api::tls::TlsServer;
use crate::checks::api::tokens::Credentials;
use crate::checks::api::{
    ApiError, EvidenceApi, JournalEntry, Profile, ServeOptions, check_upstream_url, headless, parse_listen,
    profile, watch,
};
use crate::checks::{CheckEvent, NoProgress, ProgressSink, Secret};
use crate::ci::Timed;
use crate::ci::timing::{Recorder, Window, timed};
use crate::dossier::ApiSettings;
use crate::text;

/// The client and the API it calls; each flag overrides the dossier's `[settings.api]`.
#[derive(Debug, Args, Default)]
pub struct ApiFlags {
    /// The client command, run through the shell once per scenario in a minimal environment:
    /// PATH, HOME, LANG, TERM, CERTCOCKPIT_BASE_URL, CERTCOCKPIT_TOKEN_URL, CERTCOCKPIT_CLIENT_ID
    /// and CERTCOCKPIT_CLIENT_SECRET (and CERTCOCKPIT_API_KEY, the same secret, for API-key
    /// profiles; with --tls, SSL_CERT_FILE, REQUESTS_CA_BUNDLE and NODE_EXTRA_CA_CERTS naming the
    /// CA), plus what --env passes on. Its whole process tree is killed when a run ends
    /// [settings.api.exec].
    #[arg(long, conflicts_with = "watch")]
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
    /// kept in $XDG_CONFIG_HOME/certcockpit/ca (created on first use) [settings.api.tls].
    #[arg(long)]
    pub tls: bool,
    /// The provider's API shape: a built-in profile name (generic, uniwise-wiseflow,
    /// uniwise-wiseflow-api-key, okra, cobalt, okhi, okendo) or the path to a profile file.
    /// With --upstream, no profile means: detect the token endpoint (POST …/token) and follow
    /// upstream's own pagination (Link header, or next/next_url/nextPageUrl/next_cursor/cursor/
    /// has_more in the body) [settings.api.profile].
    #[arg(long)]
    pub profile: Option<String>,
    /// Proxy mode: stand in front of the provider's sandbox at this URL (scheme://host[:port]
    /// [/base]); the client's base URL becomes the evidence API's address and this base
    /// [settings.api.upstream].
    #[arg(long)]
    pub upstream: Option<String>,
    /// Listen address [settings.api.listen; default: 127.0.0.1:0, loopback].
    #[arg(long)]
    pub listen: Option<String>,
    /// Seconds one run of the client may take before it is killed and judged on what was seen
    /// [default: 20, and 45 for retry.limit, enough for go-retryablehttp's stock 1, 2, 4, 8 s
    /// retries and the quiet after them; that run ends as soon as the quiet has been seen].
    #[arg(long, conflicts_with = "watch")]
    pub timeout: Option<f64>,
    /// Print each request as it arrives (on stderr).
    #[arg(long, short)]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct ApiArgs {
    #[command(flatten)]
    pub api: ApiFlags,
    #[command(flatten)]
    pub common: CommonFlags,
}

/// A validated API run.
/// Run a client per scenario, or watch a running service.
pub enum Mode {
    Exec(String),
    Watch { window: Duration, seed: u64, credentials: Option<Credentials> },
}

pub struct Plan {
    pub mode: Mode,
    pub(super) client_env: ClientEnv,
    pub tls: bool,
    pub profile_name: Option<String>,
    profile: Option<Profile>,
    pub upstream: Option<String>,
    pub listen: String,
    timeout: Option<Duration>,
    verbose: bool,
}

/// What an API run gives: the timed results, the environment's failures no check holds,
/// and the traffic for a HAR file.
pub struct Outcome {
    pub checks: Vec<Timed>,
    pub environment: Vec<String>,
    pub journal: Vec<JournalEntry>,
    pub windows: Vec<Window>,
    pub origin: String,
    pub trace_header: String,
    pub clock_zero: chrono::DateTime<chrono::Utc>,
    /// What a `--watch` did (its seed and fault windows).
    pub watch: Option<watch::WatchReport>,
    /// Ctrl-C stopped the run (`checks` holds those finished before it).
    pub interrupted: bool,
}

/// Validates the flags over `settings`: every mistake is a usage error naming what is wrong.
/// `Ok(None)`: no client command anywhere and the API checks were not asked for by name.
pub fn resolve(
    flags: &ApiFlags,
    settings: Option<&ApiSettings>,
    required: bool,
) -> Result<Option<Plan>, String> {
    let upstream = flags.upstream.clone().or_else(|| settings.and_then(|s| s.upstream.clone()));
    let mode = if let Some(w) = &flags.watch {
        let window = match watch::parse_window(w) {
            Ok(d) if d >= watch::MIN_WATCH => d,
            Ok(_) => {
                return Err(format!(
                    "--watch {w}: watch for {} s at least, long enough for a few of the service's cycles per scenario",
                    watch::MIN_WATCH.as_secs()
                ));
            }
            Err(e) => return Err(format!("--watch: {e}")),
        };
        let credentials = if upstream.is_none() { Some(watch_credentials()?) } else { None };
        Mode::Watch { window, seed: flags.seed.unwrap_or_else(watch::random_seed), credentials }
    } else {
        let exec = flags.exec.clone().or_else(|| settings.and_then(|s| s.exec.clone()));
        match exec.filter(|e| !e.trim().is_empty()) {
            Some(exec) => Mode::Exec(exec),
            None if required || flags.exec.is_some() => {
                return Err(
                    "give --exec COMMAND (run a client per scenario; or exec in the --dossier's [settings.api]) or --watch DURATION (watch a running service)"
                        .into(),
                );
            }
            None => return Ok(None),
        }
    };
    if let Some(t) = flags.timeout
        && !(t.is_finite() && t > 0.0 && t <= 3600.0)
    {
        return Err(format!("--timeout must be between 0 and 3600 seconds, not {t}"));
    }
    let client_env = ClientEnv::from_process(&flags.env)?;
    let listen = flags.listen.clone().or_else(|| settings.map(|s| s.listen.clone()));
    let listen = listen.unwrap_or_else(|| "127.0.0.1:0".to_owned());
    parse_listen(&listen).map_err(|e| format!("--listen: {e}"))?;
    let profile_name = flags.profile.clone().or_else(|| settings.and_then(|s| s.profile.clone()));
    let profile =
        profile_name.as_deref().map(profile::load).transpose().map_err(|e| format!("--profile: {e}"))?;
    if let Some(Err(e)) = upstream.as_deref().map(check_upstream_url) {
        return Err(format!("--upstream: {e}"));
    }
    Ok(Some(Plan {
        mode,
        client_env,
        tls: flags.tls || settings.is_some_and(|s| s.tls),
        profile_name,
        profile,
        upstream,
        listen,
        timeout: flags.timeout.map(Duration::from_secs_f64),
        verbose: flags.verbose,
    }))
}

/// Prints progress on stderr, so stdout stays the results alone (and valid JSON).
pub(super) struct StderrProgress;

impl ProgressSink for StderrProgress {
    fn send(&self, event: CheckEvent) {
        match event {
            CheckEvent::Started { id } => eprintln!("» {}", text::short(&id)),
            CheckEvent::Progress { message, .. } => eprintln!("  {}", text::line(&message)),
            CheckEvent::Finished(r) => eprintln!("  {} {}", r.verdict.symbol(), text::line(&r.summary)),
        }
    }
}

/// Whether an error starting or running the API is the environment's (a port taken, a
/// client that cannot be spawned) rather than the user's input.
pub(super) fn is_environment(e: &ApiError) -> bool {
    !matches!(e, ApiError::BadAddress(_) | ApiError::UnknownCheck(_) | ApiError::BadUpstream(_))
}

/// How the plan's API serves: the watched service's credentials, HTTPS from the local CA.
pub(super) fn serve_options(plan: &Plan) -> Result<ServeOptions, String> {
    let mut options = ServeOptions::default();
    if let Mode::Watch { credentials: Some(c), .. } = &plan.mode {
        options.credentials = Some(c.clone());
    }
    if plan.tls {
        options.tls = Some(TlsServer::from_user_config().map_err(|e| format!("--tls: {e}"))?);
    }
    Ok(options)
}

/// Starts the evidence API the plan describes: the profile's imitation, or the proxy.
pub(super) async fn start(plan: &Plan, options: ServeOptions) -> Result<EvidenceApi, ApiError> {
    let profile = plan.profile.clone();
    match &plan.upstream {
        Some(up) => EvidenceApi::start_proxy_serving(&plan.listen, up, profile, options).await,
        None => {
            EvidenceApi::start_serving(&plan.listen, profile.unwrap_or_else(profile::generic), options).await
        }
    }
}

/// Runs the API checks `ids` (each must have a scenario), then the `api.endpoints` record.
pub fn execute(plan: &Plan, ids: &[&'static str]) -> color_eyre::Result<Outcome> {
    let mut outcome = Outcome {
        checks: Vec::new(),
        environment: Vec::new(),
        journal: Vec::new(),
        windows: Vec::new(),
        origin: String::new(),
        trace_header: String::new(),
        clock_zero: chrono::Utc::now(),
        watch: None,
        interrupted: false,
    };
    let options = match serve_options(plan) {
        Ok(o) => o,
        Err(e) => {
            outcome.environment.push(e);
            return Ok(outcome);
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    runtime.block_on(async {
        let api = match start(plan, options).await {
            Ok(api) => api,
            Err(e) if is_environment(&e) => {
                outcome.environment.push(format!("the evidence API could not start: {e}"));
                return Ok(());
            }
            Err(e) => return Err(e.into()),
        };
        if let Some(warning) = api.exposure_warning() {
            eprintln!("certcockpit: {warning}");
        }
        let progress: &dyn ProgressSink = if plan.verbose { &StderrProgress } else { &NoProgress };
        let recorder = Recorder::new(progress).with_clock(|| api.now_us());
        let run = match &plan.mode {
            Mode::Exec(exec) => {
                let client = headless::ClientCommand { command: exec, env: &plan.client_env };
                headless::run_checks(&api, &client, ids, plan.timeout, &recorder).await
            }
            Mode::Watch { window, seed, .. } => {
                eprintln!("{}", watch_banner(&api, *window));
                // The watch reports each fault's start and end on stderr, requests with -v.
                let recorder = Recorder::new(&StderrProgress).with_clock(|| api.now_us());
                let report = watch::run_watch(&api, ids, *window, *seed, plan.verbose, &recorder).await;
                outcome.windows = recorder.windows();
                report.map(|r| {
                    let results = r.results.clone();
                    // Stopped by a signal: exit 130, with what was observed judged and filed.
                    if let Some(signal) = r.stopped_by {
                        eprintln!(
                            "certcockpit: the watch was stopped by {signal}: the fault in force was judged on what it saw, the faults not injected are inconclusive"
                        );
                        outcome.interrupted = true;
                    }
                    outcome.watch = Some(r);
                    results
                })
            }
        };
        let now_us = api.now_us();
        outcome.clock_zero =
            chrono::Utc::now() - chrono::Duration::microseconds(i64::try_from(now_us).unwrap_or(0));
        outcome.journal = api.session_journal();
        if outcome.windows.is_empty() {
            outcome.windows = recorder.windows();
        }
        let finished = recorder.finished();
        outcome.origin = origin_of(&api.base_url());
        outcome.trace_header = api.profile().trace_header.clone();
        drop(recorder);
        match run {
            Ok(results) => outcome.checks = timed(&outcome.windows, results),
            // Ctrl-C or SIGTERM: the client's processes are stopped; what finished is kept.
            Err(e @ ApiError::Interrupted(_)) => {
                eprintln!("certcockpit: {e}");
                outcome.interrupted = true;
                outcome.checks = timed(&outcome.windows, finished);
            }
            Err(e) if is_environment(&e) => {
                outcome.environment.push(format!("the client could not be run: {e}"))
            }
            Err(e) => return Err(e.into()),
        }
        api.shutdown().await;
        Ok::<_, color_eyre::Report>(())
    })?;
    if outcome.trace_header.is_empty() {
        outcome.trace_header = "X-Trace-Id".to_owned();
    }
    Ok(outcome)
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

/// `scheme://host:port` of a base URL (the journal's paths are absolute).
fn origin_of(base: &str) -> String {
    reqwest::Url::parse(base).map(|u| u.origin().ascii_serialization()).unwrap_or_else(|_| base.to_owned())
}
