//! Headless runs: for each scenario, arm it, run the partner's client command once through
//! `sh -c` with the API's address and credentials in a minimal environment (see
//! [`client_env`](super::client_env)), bound it in time (a run that does not end is killed, with
//! its whole process group and every descendant that left it, see [`reaper`](super::reaper)),
//! then judge. Ctrl-C or SIGTERM during a run kills the client's processes the same way and
//! ends the runs with [`ApiError::Interrupted`].

use std::os::unix::process::ExitStatusExt;
use std::process::Stdio;
use std::time::Duration;

use crate::checks::interrupts::Interrupts;
use tokio::process::Command;
use tokio::sync::broadcast::error::RecvError;

use super::client_env::ClientEnv;
use super::client_output::{read_bounded, redact_output, tail_lines};
use super::error::ApiError;
use super::judges::RunOutcome;
use super::judges::retry::quiet_seen_with_margin;
use super::reaper::{GroupGuard, become_subreaper, signal_group};
use super::scenario::{Fault, default_run_timeout};
use super::session::EvidenceApi;
use crate::checks::{CheckEvent, CheckResult, ProgressSink, Verdict};
use crate::text;

/// Environment variables the client command gets.
pub const ENV_BASE_URL: &str = "CERTCOCKPIT_BASE_URL";
pub const ENV_TOKEN_URL: &str = "CERTCOCKPIT_TOKEN_URL";
pub const ENV_CLIENT_ID: &str = "CERTCOCKPIT_CLIENT_ID";
pub const ENV_CLIENT_SECRET: &str = "CERTCOCKPIT_CLIENT_SECRET";
/// The API key (or static bearer token) for profiles that authenticate that way; the same
/// value as the client secret.
pub const ENV_API_KEY: &str = "CERTCOCKPIT_API_KEY";
/// Over HTTPS, the local CA's certificate file goes in each of these: OpenSSL-based clients
/// (Python's `ssl`, curl, Ruby) read `SSL_CERT_FILE`, requests reads `REQUESTS_CA_BUNDLE`
/// (it ignores the former), and Node adds `NODE_EXTRA_CA_CERTS` to its bundled roots.
pub const ENV_CA_FILES: [&str; 3] = ["SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "NODE_EXTRA_CA_CERTS"];

/// How long responses still in flight get to be journaled after the client ends.
const SETTLE: Duration = Duration::from_millis(150);
/// Between SIGTERM and SIGKILL.
const TERM_GRACE: Duration = Duration::from_millis(300);
/// Lines of the tail of the client's stderr kept for observations.
const OUTPUT_LINES: usize = 5;

/// How often a run facing a failure that never ends is looked at for the quiet that shows the
/// client gave up.
const QUIET_POLL: Duration = Duration::from_millis(100);

/// The partner's client command and the environment it gets beyond the runner's own values.
#[derive(Debug, Clone)]
pub struct ClientCommand<'a> {
    /// Run through `sh -c`.
    pub command: &'a str,
    pub env: &'a ClientEnv,
}

/// Runs the client once per check id in `ids` (each must have a scenario), each run bounded
/// by `timeout` (or, when `None`, by its scenario's [`default_run_timeout`]), and returns the
/// results in order, followed by the `api.endpoints` record. Events go to `progress` as
/// requests arrive.
pub async fn run_checks(
    api: &EvidenceApi,
    client: &ClientCommand<'_>,
    ids: &[&str],
    timeout: Option<Duration>,
    progress: &dyn ProgressSink,
) -> Result<Vec<CheckResult>, ApiError> {
    // Descendants that leave the client's process group are reparented here, to be killed.
    become_subreaper();
    let mut interrupts = Interrupts::new().map_err(ApiError::Signals)?;
    let started_us = api.now_us();
    // Checks judged on the whole session's traffic (`polling.rate`) run after the others, so
    // they see it all; results keep the order asked for.
    let whole = |id: &str| super::scenario::Scenario::for_check(id).is_some_and(|s| s.whole_session);
    let mut order: Vec<usize> = (0..ids.len()).collect();
    order.sort_by_key(|i| whole(ids[*i]));
    let mut results: Vec<Option<CheckResult>> = vec![None; ids.len()];
    for i in order {
        let id = ids[i];
        progress.send(CheckEvent::Started { id: id.to_owned() });
        let result = run_one(api, client, id, timeout, progress, &mut interrupts).await?;
        progress.send(CheckEvent::Finished(result.clone()));
        results[i] = Some(result);
    }
    let mut results: Vec<CheckResult> = results.into_iter().flatten().collect();
    // Every run files which endpoints the client called, over all its scenarios.
    let endpoints = api.endpoints_since(started_us);
    progress.send(CheckEvent::Finished(endpoints.clone()));
    results.push(endpoints);
    Ok(results)
}

async fn run_one(
    api: &EvidenceApi,
    client: &ClientCommand<'_>,
    id: &str,
    timeout: Option<Duration>,
    progress: &dyn ProgressSink,
    interrupts: &mut Interrupts,
) -> Result<CheckResult, ApiError> {
    let scenario = api.arm(id)?;
    let timeout = timeout.unwrap_or_else(|| default_run_timeout(&scenario.fault));
    // Under a failure that never ends, a client that gave up and idles (a service waiting for
    // its next cycle) is stopped as soon as the quiet `retry.limit` needs has been seen.
    let ends_when_quiet = matches!(scenario.fault, Fault::Persistent { .. });
    let mut poll = tokio::time::interval(QUIET_POLL);
    progress.send(CheckEvent::Progress { id: id.to_owned(), message: scenario.describe() });
    let mut feed = api.subscribe();
    let armed_at = api.now_us();
    let (_, secret) = api.credentials();
    let mut child = command(api, client)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(ApiError::Spawn)?;
    let pgid = child.id();
    // Kills the group and its escapees however this function ends (an error, a panic).
    let guard = GroupGuard::new(pgid);
    let stdout = child.stdout.take().map(|s| tokio::spawn(read_bounded(s)));
    let stderr = child.stderr.take().map(|s| tokio::spawn(read_bounded(s)));

    let deadline = tokio::time::Instant::now() + timeout;
    let outcome = loop {
        tokio::select! {
            status = child.wait() => {
                break match status {
                    Ok(s) => RunOutcome::Exited(s.code().unwrap_or_else(|| -s.signal().unwrap_or(1))),
                    Err(_) => RunOutcome::Exited(-1),
                };
            }
            entry = feed.recv() => match entry {
                Ok(e) => progress.send(CheckEvent::Progress { id: id.to_owned(), message: e.line(armed_at) }),
                Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => {}
            },
            _ = tokio::time::sleep_until(deadline) => {
                terminate(pgid, &mut child).await;
                break RunOutcome::Killed;
            }
            signal = interrupts.recv() => {
                terminate(pgid, &mut child).await;
                guard.kill_all();
                return Err(ApiError::Interrupted(signal));
            }
            _ = poll.tick(), if ends_when_quiet => {
                let journal = api.journal();
                let gets: Vec<_> = journal.iter().filter(|e| e.is_items()).collect();
                if quiet_seen_with_margin(&gets, api.now_us()) {
                    terminate(pgid, &mut child).await;
                    break RunOutcome::Settled;
                }
            }
        }
    };
    // Background children the command left behind go with its process group, and those that
    // left the group (setsid) were reparented here and go too.
    let escaped = guard.kill_all();
    tokio::time::sleep(SETTLE).await;

    let requests_seen = api.journal().len();
    let mut result = api.finish_run(outcome)?;
    let err_tail = match stderr {
        Some(h) => h.await.unwrap_or_default(),
        None => Vec::new(),
    };
    if let Some(h) = stdout {
        h.abort();
    }
    match outcome {
        RunOutcome::Killed => result
            .observations
            .push(format!("the client ran longer than {} s and was killed", timeout.as_secs())),
        RunOutcome::Settled => result
            .observations
            .push("the client was stopped once it had been quiet long enough to judge".to_owned()),
        RunOutcome::Exited(code) if code != 0 => {
            result.observations.push(format!("the client exited with status {code}"))
        }
        _ => {}
    }
    if escaped > 0 {
        result.observations.push(format!(
            "{escaped} of the client's processes outlived it outside its process group and were killed"
        ));
    }
    if !matches!(outcome, RunOutcome::Exited(0)) {
        for line in tail_lines(&err_tail, OUTPUT_LINES) {
            result.observations.push(format!("client stderr: {}", text::line(&redact_output(&line, secret))));
        }
    }
    // A command that never reached the API (a typo, a missing interpreter) says why up front.
    if requests_seen == 0
        && let RunOutcome::Exited(code) = outcome
        && code != 0
    {
        let why = tail_lines(&err_tail, 1)
            .pop()
            .map(|l| format!(": {}", text::line(&redact_output(&l, secret))))
            .unwrap_or_default();
        result.summary.push_str(&format!(" (the client exited with status {code}{why})"));
    }
    if matches!(outcome, RunOutcome::Killed) && result.verdict == Verdict::Pass {
        result.summary.push_str(&format!(" (the client was killed after {} s)", timeout.as_secs()));
    }
    Ok(result.neutralised())
}

/// The client command, ready to spawn: `sh -c COMMAND` in its own process group, killed on
/// drop, in the minimal environment with the API's address and credentials; stdin closed,
/// stdout and stderr as the caller sets them.
pub fn command(api: &EvidenceApi, client: &ClientCommand<'_>) -> Command {
    let (client_id, secret) = api.credentials();
    let mut command_line = Command::new("sh");
    command_line.env_clear().envs(client.env.vars());
    if let Some(ca) = api.ca_pem() {
        for var in ENV_CA_FILES {
            command_line.env(var, ca);
        }
    }
    command_line
        .arg("-c")
        .arg(client.command)
        .env(ENV_BASE_URL, api.base_url())
        .env(ENV_TOKEN_URL, api.token_url())
        .env(ENV_CLIENT_ID, client_id)
        .env(ENV_CLIENT_SECRET, secret.expose())
        .env(ENV_API_KEY, secret.expose())
        .stdin(Stdio::null())
        .process_group(0)
        .kill_on_drop(true);
    command_line
}

/// SIGTERM to the group, a short grace, then SIGKILL.
pub async fn terminate(pgid: Option<u32>, child: &mut tokio::process::Child) {
    signal_group(pgid, libc::SIGTERM);
    if tokio::time::timeout(TERM_GRACE, child.wait()).await.is_err() {
        signal_group(pgid, libc::SIGKILL);
        let _ = child.kill().await;
    }
}
