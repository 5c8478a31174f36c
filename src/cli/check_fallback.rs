//! `webhook.fallback` from the command line: it needs both a webhook target (`--url`,
//! `--secret-env`) and the evidence API with the partner's integration pointed at it
//! (`--exec COMMAND`, started here with the API's address and credentials and stopped after the
//! window, or `--watch DURATION` for a service already running and pointed at `--listen`).

use std::time::Duration;

use super::check_api::{self, Mode, StderrProgress};
use super::check_webhook;
use crate::checks::api::headless::{self, ClientCommand};
use crate::checks::api::reaper::{GroupGuard, become_subreaper};
use crate::checks::interrupts::Interrupts;
use crate::checks::webhook::{FallbackRun, in_proxy_mode, run_fallback, wait_for_listener};
use crate::checks::{CheckId, CheckResult, NoProgress, ProgressSink, Verdict};
use crate::ci::Timed;
use crate::ci::timing::Recorder;
use crate::text;

/// How long a listener started by `--exec` gets to accept connections.
const LISTENER_START: Duration = Duration::from_secs(15);

/// Why the check cannot run with what was given, naming what is missing.
pub fn missing(hook: bool, api: bool) -> Option<String> {
    let what = match (hook, api) {
        (true, true) => return None,
        (false, false) => {
            "a webhook target (--url and --secret-env) and the evidence API's client (--exec COMMAND or --watch DURATION)"
        }
        (false, true) => {
            "a webhook target: --url and --secret-env (or url and secret_env in the --dossier's [settings.webhook])"
        }
        (true, false) => {
            "the partner's integration on the evidence API: --exec COMMAND (a listener and reconciler started with the API's address) or --watch DURATION (a service already pointed at --listen)"
        }
    };
    Some(format!("webhook.fallback sends webhooks and watches the evidence API, so it needs {what}"))
}

/// Runs `webhook.fallback` once: the timed result, and whether Ctrl-C stopped it.
pub fn execute(
    hook: &check_webhook::Plan,
    api: &check_api::Plan,
    quiet: bool,
) -> color_eyre::Result<(Vec<Timed>, bool)> {
    let progress: &dyn ProgressSink = if quiet { &NoProgress } else { &StderrProgress };
    let recorder = Recorder::new(progress);
    let inconclusive =
        |why: String| vec![CheckResult::new(CheckId::WebhookFallback, Verdict::Inconclusive, why)];
    let options = match check_api::serve_options(api) {
        Ok(o) => o,
        Err(e) => return Ok((recorder.timed(inconclusive(e)), false)),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let results = runtime.block_on(async {
        let server = match check_api::start(api, options).await {
            Ok(s) => s,
            Err(e) if check_api::is_environment(&e) => {
                return Some(inconclusive(format!("the evidence API could not start: {e}")));
            }
            Err(e) => return Some(inconclusive(e.to_string())),
        };
        // Said before the client is started or waited for: nothing could be judged.
        if let Some(r) = in_proxy_mode(&server) {
            server.shutdown().await;
            return Some(vec![r]);
        }
        let run = FallbackRun {
            target: &hook.target,
            secret: &hook.secret,
            api: &server,
            window: hook.fallback_window,
        };
        let mut interrupts = match Interrupts::new() {
            Ok(i) => i,
            Err(e) => return Some(inconclusive(format!("cannot catch Ctrl-C and SIGTERM: {e}"))),
        };
        let result = tokio::select! {
            r = with_client(api, &server, run, &recorder) => Some(r),
            name = interrupts.recv() => {
                eprintln!("certcockpit: interrupted by {name}: webhook.fallback was not judged");
                None
            }
        };
        server.shutdown().await;
        result.map(|r| vec![r])
    });
    let interrupted = results.is_none();
    Ok((recorder.timed(results.unwrap_or_else(|| recorder.finished())), interrupted))
}

/// Starts the client command (`--exec`) for the run and stops it after; under `--watch` the
/// service is already running.
async fn with_client(
    plan: &check_api::Plan,
    server: &crate::checks::api::EvidenceApi,
    run: FallbackRun<'_>,
    sink: &dyn ProgressSink,
) -> CheckResult {
    let exec = match &plan.mode {
        Mode::Exec(exec) => exec,
        Mode::Watch { .. } => {
            eprintln!(
                "{}",
                text::neutralise_lines(
                    &format!(
                        "evidence API: {}; webhook.fallback announces resources to {} and watches for {} s",
                        server.base_url(),
                        crate::checks::masked_url(run.target.url.as_str()),
                        run.window.as_secs_f64()
                    ),
                    2_000
                )
            );
            return run_fallback(run, sink).await;
        }
    };
    become_subreaper();
    let client = ClientCommand { command: exec, env: &plan.client_env };
    let child = headless::command(server, &client)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            return CheckResult::new(
                CheckId::WebhookFallback,
                Verdict::Inconclusive,
                format!("the client command could not be started: {e}"),
            );
        }
    };
    let guard = GroupGuard::new(child.id());
    let result = if wait_for_listener(&run.target.url, LISTENER_START).await {
        run_fallback(run, sink).await
    } else {
        let exited = match child.try_wait() {
            Ok(Some(status)) => format!(" (the client command exited: {status})"),
            _ => String::new(),
        };
        CheckResult::new(
            CheckId::WebhookFallback,
            Verdict::Inconclusive,
            format!(
                "nothing accepted connections at {} within {} s of starting the client command{exited}: it must run the listener there",
                text::short(&crate::checks::masked_url(run.target.url.as_str())),
                LISTENER_START.as_secs()
            ),
        )
    };
    headless::terminate(child.id(), &mut child).await;
    guard.kill_all();
    result
}
