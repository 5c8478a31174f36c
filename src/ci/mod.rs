//! CI-grade headless runs: what a pipeline gate needs around the checks. One module per
//! concern: the run's record and its exit code (here), the per-check clock ([`timing`]),
//! expected failures ([`baseline`]), JUnit XML ([`junit`]), HAR traffic ([`har`]), the JSON
//! document ([`json`]), GitHub's step summary ([`summary`]) and colour ([`colour`]).
//!
//! Nothing here runs a check: `cli::check` runs them and hands over a [`GateRun`].

pub mod baseline;
pub mod colour;
pub mod har;
pub mod json;
pub mod junit;
pub mod summary;
pub mod timing;

use crate::checks::{CheckFamily, CheckId, CheckResult, Run, Verdict};
use crate::cli::Exit;

/// One check's result with how long it ran.
#[derive(Debug, Clone, PartialEq)]
pub struct Timed {
    pub result: CheckResult,
    pub duration_ms: u64,
}

impl Timed {
    /// The registry's descriptor family name (`webhook`, `api`), `unknown` for a foreign id.
    pub fn family(&self) -> &'static str {
        CheckId::parse(&self.result.id).map_or("unknown", |c| family_name(c.family()))
    }

    /// The requirement sentence (remediation) of the check, empty for a foreign id.
    pub fn requirement(&self) -> &'static str {
        CheckId::parse(&self.result.id).map_or("", |c| c.descriptor().requirement)
    }

    /// A record rather than a judgement (`api.endpoints`): never counts as judged.
    fn is_record(&self) -> bool {
        CheckId::parse(&self.result.id).is_some_and(|c| matches!(c.descriptor().run, Run::Record))
    }
}

/// A family's name as `--list`, JSON and JUnit spell it.
pub fn family_name(f: CheckFamily) -> &'static str {
    match f {
        CheckFamily::Webhook => "webhook",
        CheckFamily::Api => "api",
    }
}

/// A whole headless run: every check's result, the environment's failures that no check
/// holds (the evidence API could not start, the client could not be spawned), and the run's
/// descriptive properties for reports (never a secret).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GateRun {
    pub checks: Vec<Timed>,
    pub environment: Vec<String>,
    /// `(name, value)`: tool version, questionnaire, profile, target.
    pub properties: Vec<(String, String)>,
    /// Ctrl-C ended the run; `checks` holds those that finished before it.
    pub interrupted: bool,
}

impl GateRun {
    /// Every environment error of the run: the run's own, then each check's.
    pub fn environment_errors(&self) -> Vec<String> {
        let mut all = self.environment.clone();
        for t in &self.checks {
            if let Some(e) = t.result.environment_error() {
                all.push(format!("{}: {e}", t.result.id));
            }
        }
        all
    }

    /// Whether any check (records aside) was judged pass or fail.
    pub fn judged_any(&self) -> bool {
        self.checks
            .iter()
            .any(|t| !t.is_record() && matches!(t.result.verdict, Verdict::Pass | Verdict::Fail))
    }

    /// The exit code (see `cli::exit` for the table and the precedence), with the baseline's
    /// judgement of the failures when there is one: a known failure does not fail the run, a
    /// stale entry does.
    pub fn exit(&self, baseline: Option<&baseline::Judgement>) -> Exit {
        let failed = match baseline {
            Some(j) => !j.new_failures.is_empty() || !j.stale.is_empty(),
            None => self.checks.iter().any(|t| t.result.verdict == Verdict::Fail),
        };
        let mut exit = Exit::Pass;
        if self.interrupted {
            exit = exit.combine(Exit::Interrupted);
        }
        if failed {
            exit = exit.combine(Exit::Fail);
        }
        if !self.environment_errors().is_empty() {
            exit = exit.combine(Exit::Environment);
        }
        if !self.judged_any() {
            exit = exit.combine(Exit::NothingJudged);
        }
        exit
    }

    /// Why the run ends with `exit`, in one line for stderr, when that is not obvious from
    /// the results (3 and 4); `None` otherwise.
    pub fn exit_reason(&self, exit: Exit) -> Option<String> {
        match exit {
            Exit::Interrupted => Some(format!(
                "exit 130, interrupted: {} checks had finished; their results are above",
                self.checks.len()
            )),
            // Without errors of its own, 3 came from filing the dossier, which said why.
            Exit::Environment if self.environment_errors().is_empty() => None,
            Exit::Environment => Some(format!(
                "exit 3, the environment failed: {}",
                crate::text::line(&self.environment_errors().join("; "))
            )),
            Exit::NothingJudged => {
                let first = self.checks.iter().find(|t| !t.is_record()).map(|t| t.result.summary.as_str());
                Some(format!(
                    "exit 4, nothing could be judged: every selected check was inconclusive{}",
                    first.map(|s| format!(" (first: {})", crate::text::line(s))).unwrap_or_default()
                ))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timed(id: &str, v: Verdict) -> Timed {
        Timed { result: CheckResult::new(id, v, "s"), duration_ms: 1 }
    }

    #[test]
    fn exit_codes_follow_the_table() {
        let run = |checks: Vec<Timed>| GateRun { checks, ..GateRun::default() };
        assert_eq!(run(vec![timed("webhook.delivery", Verdict::Pass)]).exit(None), Exit::Pass);
        assert_eq!(run(vec![timed("webhook.delivery", Verdict::Fail)]).exit(None), Exit::Fail);
        let nothing =
            run(vec![timed("auth.refresh", Verdict::Inconclusive), timed("api.endpoints", Verdict::Pass)]);
        assert_eq!(nothing.exit(None), Exit::NothingJudged);
        assert!(nothing.exit_reason(Exit::NothingJudged).is_some_and(|r| r.contains("inconclusive")));
        let env = CheckResult::new("webhook.delivery", Verdict::Fail, "x").environment("refused");
        let env = run(vec![Timed { result: env, duration_ms: 0 }, timed("webhook.replay", Verdict::Pass)]);
        assert_eq!(env.exit(None), Exit::Environment);
        let mut both = env.clone();
        both.checks.push(timed("webhook.duplicate", Verdict::Fail));
        assert_eq!(both.exit(None), Exit::Fail);
    }
}
