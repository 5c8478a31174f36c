//! `certcockpit check webhook …` and `certcockpit check api …`: the live checks, headless.
//! Shared here: how results are printed (human or `--json`), the exit code, and filing the
//! results as evidence in a dossier.

use std::path::Path;
use std::process::ExitCode;

use clap::Subcommand;
use serde::Serialize;

use super::{Exit, check_api, check_webhook};
use crate::checks::{CheckResult, Verdict};
use crate::dossier::{self, Dossier};
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

/// Prints results and returns the exit code: 0 when nothing failed, 1 when a check failed.
pub fn print_results(results: &[CheckResult], as_json: bool) -> ExitCode {
    if as_json {
        println!("{}", json(results));
    } else {
        print!("{}", human(results));
    }
    exit_code(results)
}

pub fn exit_code(results: &[CheckResult]) -> ExitCode {
    if results.iter().any(|r| r.verdict == Verdict::Fail) { Exit::Fail.into() } else { Exit::Pass.into() }
}

/// Files results as evidence in `path` (created with the default questionnaire if missing),
/// after letting `settings` record the session settings. Saved atomically, under the lock.
pub fn file_results(
    path: &Path,
    results: &[CheckResult],
    settings: impl FnOnce(&mut Dossier),
) -> color_eyre::Result<()> {
    let q = questionnaire::load(questionnaire::BUILTIN[0].name)?;
    let now = chrono::Utc::now();
    dossier::update(path, &q, |d| {
        settings(d);
        for r in results {
            d.file_evidence(r.clone(), now);
        }
    })?;
    Ok(())
}

/// Prints a usage error and returns exit code 2.
pub fn usage_error(message: &str) -> ExitCode {
    eprintln!("certcockpit: {}", text::neutralise_lines(message, 4_000));
    Exit::Usage.into()
}
