//! `certcockpit check webhook …` and `certcockpit check api …`: the live checks, headless.
//! Shared here: how results are printed (human or `--json`), the exit code, and filing the
//! results as evidence in a dossier.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use clap::Subcommand;
use serde::Serialize;

use super::{Exit, check_api, check_webhook};
use crate::checks::{CheckResult, Verdict};
use crate::dossier::{self, Dossier, DossierError, DossierLock, LockFailure};
use crate::questionnaire;
use crate::text;

#[derive(Debug, Subcommand)]
pub enum CheckCommand {
    /// Probe a webhook listener: delivery, signatures, replay, duplicates, ordering, deadline.
    Webhook(check_webhook::WebhookArgs),
    /// Serve the evidence API on loopback and judge a client command's traffic.
    Api(check_api::ApiArgs),
}

pub fn run(cmd: CheckCommand) -> color_eyre::Result<ExitCode> {
    match cmd {
        CheckCommand::Webhook(args) => check_webhook::run(args),
        CheckCommand::Api(args) => check_api::run(args),
    }
}

#[derive(Serialize)]
struct JsonOut<'a> {
    checks: &'a [CheckResult],
}

/// Renders results for a terminal: one line per check, `symbol id  summary`.
pub fn human(results: &[CheckResult]) -> String {
    let width = results.iter().map(|r| r.id.len()).max().unwrap_or(0);
    let mut out = String::new();
    for r in results {
        // Results are neutralised when a check ends; this guards the terminal against any
        // result that reached here another way.
        let (id, summary) = (text::short(&r.id), text::neutralise(&r.summary, 2 * text::LINE));
        out.push_str(&format!("{} {:<width$}  {}\n", r.verdict.symbol(), id, summary));
    }
    let failed = results.iter().filter(|r| r.verdict == Verdict::Fail).count();
    let passed = results.iter().filter(|r| r.verdict == Verdict::Pass).count();
    let na = results.iter().filter(|r| r.verdict == Verdict::NotApplicable).count();
    let unsure = results.len() - failed - passed - na;
    let na_text = if na > 0 { format!(", {na} not applicable") } else { String::new() };
    out.push_str(&format!("{passed} passed, {failed} failed, {unsure} inconclusive{na_text}\n"));
    out
}

/// Renders results as the documented JSON object `{"checks": [...]}`.
pub fn json(results: &[CheckResult]) -> String {
    // Serializing plain strings and numbers cannot fail; fall back to an empty list if it did.
    serde_json::to_string_pretty(&JsonOut { checks: results }).unwrap_or_else(|_| "{\"checks\": []}".into())
}

/// Prints results and returns the exit code: 0 when nothing failed, 1 when a check failed,
/// combined with `filed` (what filing them in a dossier came to; see [`file_results`]).
pub fn print_results(results: &[CheckResult], as_json: bool, filed: Exit) -> ExitCode {
    if as_json {
        println!("{}", json(results));
    } else {
        print!("{}", human(results));
    }
    exit_code(results).combine(filed).into()
}

pub fn exit_code(results: &[CheckResult]) -> Exit {
    if results.iter().any(|r| r.verdict == Verdict::Fail) { Exit::Fail } else { Exit::Pass }
}

/// How long `--dossier` waits for a cockpit that has the dossier open, unless
/// `CERTCOCKPIT_LOCK_WAIT` (seconds, 0 to 600) says otherwise.
pub const LOCK_WAIT: Duration = Duration::from_secs(10);

/// The lock wait: [`LOCK_WAIT`] or `CERTCOCKPIT_LOCK_WAIT`.
fn lock_wait() -> Result<Duration, String> {
    match std::env::var("CERTCOCKPIT_LOCK_WAIT") {
        Err(_) => Ok(LOCK_WAIT),
        Ok(v) => match v.trim().parse::<f64>() {
            Ok(s) if s.is_finite() && (0.0..=600.0).contains(&s) => Ok(Duration::from_secs_f64(s)),
            _ => Err(format!(
                "CERTCOCKPIT_LOCK_WAIT must be seconds between 0 and 600, not {:?}",
                text::short(&v)
            )),
        },
    }
}

/// Files results as evidence in `path` (created with the default questionnaire if missing),
/// after letting `settings` record the session settings. Saved atomically, under the lock;
/// while a cockpit holds the lock it waits up to [`LOCK_WAIT`]. A run's results are never
/// lost: when they cannot be filed (still locked, the dossier unreadable, the disk full) they
/// are written as JSON beside the dossier, and stderr says where and why. Returns
/// [`Exit::Pass`] when filed, else the code of why not ([`Exit::Environment`] for a lock or
/// the file system, [`Exit::Usage`] for a dossier that does not parse). Call it before
/// printing the results, and combine its code with theirs.
pub fn file_results(
    path: &Path,
    results: &[CheckResult],
    settings: impl FnOnce(&mut Dossier),
) -> color_eyre::Result<Exit> {
    let q = questionnaire::load(questionnaire::BUILTIN[0].name)?;
    let now = chrono::Utc::now();
    let wait = match lock_wait() {
        Ok(w) => w,
        Err(e) => return Ok(set_aside(path, results, &e, Exit::Usage)),
    };
    // Say so before waiting, so a run that seems to hang says why.
    if !wait.is_zero()
        && let Ok(real) = crate::files::resolve(path)
        && let Err(LockFailure::Held(holder)) = DossierLock::acquire(&real)
    {
        eprintln!(
            "certcockpit: {} is open in a cockpit ({}); waiting up to {} s for it to close…",
            text::line(&path.display().to_string()),
            text::short(&holder),
            wait.as_secs_f64()
        );
    }
    let result = dossier::update_within(path, &q, wait, |d| {
        settings(d);
        for r in results {
            d.file_evidence(r.clone(), now);
        }
    });
    Ok(match result {
        Ok(note) => {
            if let Some(note) = note {
                eprintln!("certcockpit: {}", text::line(&note));
            }
            Exit::Pass
        }
        Err(e) => {
            let code = match e {
                DossierError::Parse { .. } | DossierError::NewerFormat { .. } => Exit::Usage,
                _ => Exit::Environment,
            };
            set_aside(path, results, &e.to_string(), code)
        }
    })
}

/// Writes `results` as JSON beside the dossier at `path` (a new file, named by the time and
/// this process, created exclusively) and says on stderr why they were not filed and where they are.
fn set_aside(path: &Path, results: &[CheckResult], why: &str, code: Exit) -> Exit {
    let stem = path.file_stem().map_or_else(|| "dossier".into(), |s| s.to_string_lossy().into_owned());
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let aside = path.with_file_name(format!("{stem}.results-{stamp}-{}.json", std::process::id()));
    let shown = |p: &Path| text::line(&p.display().to_string());
    // A new file, never through a symlink planted at the name (`O_EXCL|O_NOFOLLOW`).
    let saved = crate::files::create_new(&aside).and_then(|mut f| {
        std::io::Write::write_all(&mut f, json(results).as_bytes())?;
        f.sync_all()
    });
    match saved {
        Ok(()) => eprintln!(
            "certcockpit: the results were not filed in {}: {}\n  They were written to {}; the run is printed as usual.",
            shown(path),
            text::neutralise_lines(why, 2_000),
            shown(&aside)
        ),
        Err(e) => eprintln!(
            "certcockpit: the results were not filed in {}: {}\n  Nor could they be written to {} ({e}); they are only in this output.",
            shown(path),
            text::neutralise_lines(why, 2_000),
            shown(&aside)
        ),
    }
    code
}

/// Prints a usage error and returns exit code 2.
pub fn usage_error(message: &str) -> ExitCode {
    eprintln!("certcockpit: {}", text::neutralise_lines(message, 4_000));
    Exit::Usage.into()
}
