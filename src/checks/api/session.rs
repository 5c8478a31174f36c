//! [`EvidenceApi`]: the running evidence API for a session — the handle the TUI and the
//! headless runner use to start the server, show its address and credentials, arm one
//! scenario at a time, follow the journal live, and judge what arrived.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use tokio::sync::{broadcast, oneshot, watch};

use super::error::ApiError;
use super::journal::{Connections, JournalEntry, TimelinePoint, timeline};
use super::judges::{JudgeInput, RunEnd, RunOutcome, judge, overflow};
use super::profile::{AuthKind, Profile};
use super::scenario::{NORMAL_TOKEN_LIFETIME, Scenario};
use super::server::proxy::Upstream;
use super::server::{ArmState, ServerState, serve};
use super::tls::TlsServer;
use super::tokens::Credentials;
use crate::checks::{CheckResult, Kept, KeptApi, Secret, Verdict};

/// Worker threads of a proxy's runtime (the imitation's is single-threaded): one per core of
/// the 2-core machines the benchmarks run on; more would only contend with upstream and the
/// client on the same machine.
const PROXY_WORKERS: usize = 2;

/// The evidence API, serving until dropped (or [`EvidenceApi::shutdown`]).
pub struct EvidenceApi {
    state: Arc<ServerState>,
    addr: SocketAddr,
    /// `http://IP:PORT` (`https://` over TLS).
    origin: String,
    /// The local CA's certificate file when serving HTTPS.
    ca_pem: Option<PathBuf>,
    stop: watch::Sender<bool>,
    /// Fires when the server thread has stopped serving (or dropped when it ends).
    stopped: Option<oneshot::Receiver<()>>,
}

impl std::fmt::Debug for EvidenceApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EvidenceApi")
            .field("addr", &self.addr)
            .field("client_id", &self.state.creds.client_id)
            .finish()
    }
}

/// Parses a listen address: `IP:PORT`, or `localhost:PORT` for the IPv4 loopback.
pub fn parse_listen(listen: &str) -> Result<SocketAddr, ApiError> {
    let bad = || ApiError::BadAddress(listen.to_owned());
    if let Some(port) = listen.strip_prefix("localhost:") {
        let port: u16 = port.parse().map_err(|_| bad())?;
        return Ok(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port));
    }
    listen.parse().map_err(|_| bad())
}

/// A warning naming what is exposed when `addr` is not a loopback address. An IPv4-mapped
/// IPv6 address (`[::ffff:127.0.0.1]`) is judged as the IPv4 address it maps.
pub fn exposure_warning(addr: SocketAddr) -> Option<String> {
    (!addr.ip().to_canonical().is_loopback()).then(|| {
        format!(
            "warning: the evidence API listens on {addr}, reachable from other machines: anyone who can reach it can call the token endpoint (this session's client id and secret get tokens), read the sample collection, and appear in the journal being judged"
        )
    })
}

/// How the evidence API serves, beyond its listen address.
#[derive(Debug, Clone, Default)]
pub struct ServeOptions {
    /// Serve HTTPS with this certificate (see [`TlsServer::from_user_config`]).
    pub tls: Option<TlsServer>,
    /// Accept these client credentials instead of fresh random ones: a service already
    /// running (`--watch`) has its own configured.
    pub credentials: Option<Credentials>,
}

impl EvidenceApi {
    /// Binds `listen` (e.g. `127.0.0.1:0` for a free loopback port) and starts serving plain
    /// HTTP, with fresh random client credentials. The server runs on a thread of its own
    /// until the handle is dropped or shut down.
    pub async fn start(listen: &str) -> Result<Self, ApiError> {
        Self::start_with(listen, super::profile::generic()).await
    }

    /// [`EvidenceApi::start`] in the shape of `profile`.
    pub async fn start_with(listen: &str, profile: Profile) -> Result<Self, ApiError> {
        Self::start_serving(listen, profile, ServeOptions::default()).await
    }

    /// [`EvidenceApi::start_with`], serving as `options` say (HTTPS with `options.tls`).
    pub async fn start_serving(
        listen: &str,
        profile: Profile,
        options: ServeOptions,
    ) -> Result<Self, ApiError> {
        Self::start_inner(listen, profile, options, None).await
    }

    /// Proxy mode: serves in front of the sandbox at `upstream`, forwarding every request and
    /// injecting the armed scenario's faults. With a profile, its token path and collections
    /// say which requests are which; without one, any `POST …/token` is the token endpoint and
    /// every other GET a collection GET, paged by what upstream's responses say comes next.
    pub async fn start_proxy(
        listen: &str,
        upstream: &str,
        profile: Option<Profile>,
    ) -> Result<Self, ApiError> {
        Self::start_proxy_serving(listen, upstream, profile, ServeOptions::default()).await
    }

    /// [`EvidenceApi::start_proxy`], serving as `options` say.
    pub async fn start_proxy_serving(
        listen: &str,
        upstream: &str,
        profile: Option<Profile>,
        options: ServeOptions,
    ) -> Result<Self, ApiError> {
        let up = Upstream::new(upstream, profile.is_some()).map_err(ApiError::BadUpstream)?;
        Self::start_inner(listen, profile.unwrap_or_else(super::profile::generic), options, Some(up)).await
    }

    async fn start_inner(
        listen: &str,
        profile: Profile,
        options: ServeOptions,
        upstream: Option<Upstream>,
    ) -> Result<Self, ApiError> {
        let wanted = parse_listen(listen)?;
        let bind_error = |source| ApiError::Bind { addr: wanted.to_string(), source };
        let listener = std::net::TcpListener::bind(wanted).map_err(bind_error)?;
        listener.set_nonblocking(true).map_err(bind_error)?;
        let addr = listener.local_addr().map_err(bind_error)?;
        // An unspecified address (0.0.0.0) is reachable locally through loopback; other
        // machines use this host's own address.
        let shown = if addr.ip().is_unspecified() {
            let ip = if addr.is_ipv4() {
                IpAddr::V4(Ipv4Addr::LOCALHOST)
            } else {
                IpAddr::V6(std::net::Ipv6Addr::LOCALHOST)
            };
            SocketAddr::new(ip, addr.port())
        } else {
            addr
        };
        let scheme = if options.tls.is_some() { "https" } else { "http" };
        let origin = format!("{scheme}://{shown}");
        let ca_pem = options.tls.as_ref().map(|t| t.ca_pem.clone());
        let acceptor = options.tls.map(|t| t.acceptor);
        let creds = options.credentials.unwrap_or_else(Credentials::generate);
        let mut state = ServerState::with_profile(creds, origin.clone(), profile);
        state.upstream = upstream;
        let state = Arc::new(state);
        let (stop, stop_rx) = watch::channel(false);
        let (done, stopped) = oneshot::channel();
        let server_state = state.clone();
        // The server gets a runtime of its own: arrival times are taken on threads that do
        // nothing else (the TUI's rendering, saves and webhook probes cannot delay them). The
        // imitation answers from memory and runs on one thread, so its shared state (journal,
        // tokens, arm) is never contended. A proxy waits on upstream and does twice the HTTP
        // work per request (it is client and server), so it gets two workers: on one thread it
        // reached a quarter of nginx's throughput (BENCHMARKS.md, "Proxy mode's added
        // latency"). Its locks are held for a few field updates, never across an await.
        let runtime = if state.upstream.is_some() {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(PROXY_WORKERS)
                .thread_name("evidence-api-worker")
                .enable_all()
                .build()
        } else {
            tokio::runtime::Builder::new_current_thread().enable_all().build()
        }
        .map_err(ApiError::Thread)?;
        std::thread::Builder::new()
            .name("evidence-api".into())
            .spawn(move || {
                runtime.block_on(async move {
                    // Fails only outside a runtime, which `block_on` provides.
                    if let Ok(listener) = tokio::net::TcpListener::from_std(listener) {
                        serve(listener, server_state, acceptor, stop_rx).await;
                    }
                });
                let _ = done.send(());
            })
            .map_err(ApiError::Thread)?;
        Ok(Self { state, addr, origin, ca_pem, stop, stopped: Some(stopped) })
    }

    /// The address actually bound (the port is chosen by the OS for port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://IP:PORT` and the profile's base path: the base the partner's client calls
    /// (`GET {base_url}/items` in the generic profile).
    pub fn base_url(&self) -> String {
        match &self.state.upstream {
            Some(up) if !up.base_path.is_empty() || !up.profiled => {
                format!("{}{}", self.origin, up.base_path)
            }
            _ => format!("{}{}", self.origin, self.state.profile.base_path),
        }
    }

    /// The sandbox forwarded to (proxy mode), if any.
    pub fn upstream(&self) -> Option<&str> {
        self.state.upstream.as_ref().map(|u| u.origin.as_str())
    }

    /// The CA certificate file the partner's client must trust, when serving HTTPS.
    pub fn ca_pem(&self) -> Option<&Path> {
        self.ca_pem.as_deref()
    }

    /// The token endpoint's URL (`{base_url}/oauth/token` in the generic profile); empty when
    /// the profile authenticates with a key (see [`EvidenceApi::uses_tokens`]).
    pub fn token_url(&self) -> String {
        let auth = &self.state.profile.auth;
        let profiled = self.state.upstream.as_ref().is_none_or(|u| u.profiled);
        if auth.kind == AuthKind::OAuth2ClientCredentials && profiled {
            format!("{}{}", self.origin, auth.token_path)
        } else {
            String::new()
        }
    }

    /// Whether clients get OAuth 2 tokens (otherwise the client secret is their API key or
    /// static bearer token).
    pub fn uses_tokens(&self) -> bool {
        self.state.profile.auth.kind.has_tokens()
    }

    /// The API shape served.
    pub fn profile(&self) -> &Profile {
        &self.state.profile
    }

    /// The session's client id and secret. Show the secret to the partner on screen only;
    /// never file or log it.
    pub fn credentials(&self) -> (&str, &Secret) {
        (&self.state.creds.client_id, &self.state.creds.client_secret)
    }

    /// A warning naming what is exposed, when the API listens beyond loopback.
    pub fn exposure_warning(&self) -> Option<String> {
        exposure_warning(self.addr)
    }

    /// Arms the scenario of `check_id`: from now on the API behaves as that scenario says
    /// and [`EvidenceApi::finish`] judges what arrives. Re-arming restarts the scenario. Arming
    /// a short-token scenario (`auth.refresh`) cuts tokens already issued to that lifetime.
    pub fn arm(&self, check_id: &str) -> Result<Scenario, ApiError> {
        let scenario = Scenario::for_profile(check_id, &self.state.profile)
            .ok_or_else(|| ApiError::UnknownCheck(check_id.to_owned()))?;
        if scenario.token_lifetime < NORMAL_TOKEN_LIFETIME {
            self.state.tokens().cap_expiry(Instant::now() + scenario.token_lifetime);
        }
        let since = self.state.journal.now_us();
        self.state.rearm(ArmState::armed(scenario.clone(), since), since);
        self.state.journal.open_window(since);
        Ok(scenario)
    }

    /// Gives every token issued so far the normal lifetime from now (see
    /// [`TokenStore::extend_expiry`](super::tokens::TokenStore::extend_expiry)).
    pub fn restore_token_lifetimes(&self) {
        self.state.tokens().extend_expiry(Instant::now() + NORMAL_TOKEN_LIFETIME);
    }

    /// When the last journaled response completed (journal clock, µs), if any did.
    pub fn last_done_us(&self) -> Option<u64> {
        self.state.journal.last().map(|e| e.done_us)
    }

    /// The armed scenario, if any.
    pub fn armed(&self) -> Option<Scenario> {
        let arm = self.state.arm();
        arm.armed.then(|| arm.scenario.clone())
    }

    /// Back to normal traffic without judging.
    pub fn disarm(&self) {
        let since = self.state.journal.now_us();
        self.state.rearm(ArmState::idle(since), since);
        self.state.journal.open_window(since);
    }

    /// A live feed of journal entries as their responses complete (for a scrolling journal).
    /// A subscriber that falls more than 1024 entries behind gets `Lagged` and skips ahead.
    pub fn subscribe(&self) -> broadcast::Receiver<JournalEntry> {
        self.state.journal.subscribe()
    }

    /// Entries since the scenario was armed (since the last disarm when idle), in arrival order.
    pub fn journal(&self) -> Vec<JournalEntry> {
        let since = self.state.arm().since_us;
        self.state.journal.since(since)
    }

    /// Every entry the journal still holds (its newest 20,000), in arrival order: the whole
    /// session's traffic, for a HAR file.
    pub fn session_journal(&self) -> Vec<JournalEntry> {
        self.state.journal.since(0)
    }

    /// Attempt times (ms since arming) against the status served, for the retry chart.
    pub fn timeline(&self) -> Vec<TimelinePoint> {
        let since = self.state.arm().since_us;
        timeline(&self.state.journal.since(since), since)
    }

    /// Connections the server displaced (closing the oldest idle one) or refused because every
    /// slot was taken.
    pub fn connections(&self) -> Connections {
        self.state.journal.connections()
    }

    /// The trace id served most recently (for `trace.echo` in the TUI).
    pub fn last_trace_id(&self) -> Option<String> {
        self.state.journal.last().map(|e| e.trace_id)
    }

    /// Now on the journal clock (µs since the API started).
    pub fn now_us(&self) -> u64 {
        self.state.journal.now_us()
    }

    /// Judges what arrived since arming, as finished by the reviewer (the client may still be
    /// running), and disarms.
    pub fn finish(&self) -> Result<CheckResult, ApiError> {
        self.finish_run(RunOutcome::Manual)
    }

    /// Judges what arrived since arming, knowing how the client's run ended, and disarms.
    pub fn finish_run(&self, outcome: RunOutcome) -> Result<CheckResult, ApiError> {
        let (scenario, since) = {
            let arm = self.state.arm();
            if !arm.armed {
                return Err(ApiError::NotArmed);
            }
            (arm.scenario.clone(), arm.since_us)
        };
        let all = self.state.journal.since(0);
        let entries: Vec<JournalEntry> = all.iter().filter(|e| e.at_us >= since).cloned().collect();
        // The session's traffic at the client's own pace: what the fault scenarios provoked
        // (retries, waits, short tokens) is the cockpit's doing, not the client's rate.
        let now = self.state.journal.now_us();
        let spans = self.state.provoked_spans(now);
        let (provoked, session): (Vec<JournalEntry>, Vec<JournalEntry>) =
            all.into_iter().partition(|e| spans.iter().any(|(a, b)| (*a..*b).contains(&e.at_us)));
        let end = RunEnd { at_us: now, outcome };
        let mut result = judge(&JudgeInput {
            entries: &entries,
            scenario: &scenario,
            session: &session,
            provoked: provoked.len(),
            armed_at_us: since,
            end,
        });
        let mut upstream_trouble = None;
        if let Some(up) = &self.state.upstream {
            let trouble = up.trouble_since(since);
            result = upstream_fairness(result, &trouble);
            upstream_trouble = Some(trouble);
        }
        // Never judged on a silently truncated record: what the judge read lost requests.
        let dropped = self.state.journal.dropped();
        let lost = if scenario.whole_session { dropped.session } else { dropped.window };
        let mut result = overflow::judged_on_part(result, lost);
        if let Some(line) = self.state.journal.connections().observation() {
            result.observations.push(line);
        }
        let mut result = result.neutralised();
        let session = if scenario.whole_session { session } else { Vec::new() };
        result.kept = Some(Arc::new(Kept::Api(KeptApi {
            scenario,
            armed_at_us: since,
            end,
            entries,
            session,
            provoked: provoked.len(),
            upstream_trouble,
            journal_dropped: lost,
        })));
        self.disarm();
        Ok(result)
    }

    /// The `api.endpoints` record of everything journaled since `since_us`: the profile's
    /// templates name the paths (a proxy with no profile generalises id-like segments).
    pub fn endpoints_since(&self, since_us: u64) -> CheckResult {
        let entries = self.state.journal.since(since_us);
        let profiled = self.state.upstream.as_ref().is_none_or(|u| u.profiled);
        super::judges::endpoints(&entries, profiled.then_some(&self.state.profile))
    }

    /// Stops serving and waits for the accept loop to end (open connections are closed).
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(stopped) = self.stopped.take() {
            let _ = stopped.await;
        }
    }
}

/// Checks an `--upstream` URL (scheme, host, no credentials or query) without starting
/// anything; the error says what to give instead.
pub fn check_upstream_url(url: &str) -> Result<(), String> {
    Upstream::new(url, false).map(|_| ())
}

/// Upstream trouble during a run is the environment's fault, never the partner's: a fail
/// becomes inconclusive, with the reason first; every trouble goes into the observations.
pub(crate) fn upstream_fairness(mut result: CheckResult, trouble: &[String]) -> CheckResult {
    let Some(first) = trouble.first() else { return result };
    if matches!(result.verdict, Verdict::Fail | Verdict::Inconclusive) {
        result.verdict = Verdict::Inconclusive;
        result.summary = format!(
            "inconclusive: the upstream sandbox misbehaved ({first}{}), so the client is not judged (it would read: {})",
            if trouble.len() > 1 { format!("; {} problems in all", trouble.len()) } else { String::new() },
            result.summary
        );
        result = result.environment(format!("the upstream sandbox misbehaved ({first})"));
    }
    result = result.figure("upstream_problems", trouble.len());
    for t in trouble.iter().take(10) {
        result.observations.push(format!("upstream: {t}"));
    }
    result
}

impl Drop for EvidenceApi {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The TUI shares one handle between its event loop and background tasks.
    #[test]
    fn the_handle_can_be_shared_across_tasks() {
        fn shareable<T: Send + Sync + 'static>() {}
        shareable::<EvidenceApi>();
    }

    #[test]
    fn listen_addresses_and_exposure() {
        assert_eq!(parse_listen("localhost:8080").ok(), "127.0.0.1:8080".parse().ok());
        assert!(matches!(parse_listen("example.com:80"), Err(ApiError::BadAddress(_))));
        assert!(matches!(parse_listen("127.0.0.1"), Err(ApiError::BadAddress(_))));
        let lo: SocketAddr = "127.0.0.1:9".parse().expect("addr");
        assert_eq!(exposure_warning(lo), None);
        let any: SocketAddr = "0.0.0.0:9".parse().expect("addr");
        let w = exposure_warning(any).expect("a warning");
        assert!(w.contains("0.0.0.0:9") && w.contains("token endpoint"), "{w}");
    }
}
