//! `--json`: the run as one JSON object, for machines. Schema version 2 (version 1 was the
//! bare `{"checks": [...]}`): every check gains its `family`, `duration_ms` and `requirement`
//! (the remediation sentence), and the run its `environment` errors, `exit_code` and, with a
//! baseline, what the baseline made of the failures. README.md has an example.

use serde::Serialize;

use super::GateRun;
use super::baseline::Judgement;
use crate::checks::{CheckResult, Figures, Verdict};

/// The version of this document's shape; bumped whenever a field changes meaning or goes.
pub const SCHEMA_VERSION: u32 = 2;

#[derive(Serialize)]
struct Doc<'a> {
    schema_version: u32,
    exit_code: u8,
    checks: Vec<Check<'a>>,
    environment: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<&'a Judgement>,
    /// What `check api --watch` did: its seed and fault windows.
    #[serde(skip_serializing_if = "Option::is_none")]
    watch: Option<serde_json::Value>,
}

#[derive(Serialize)]
struct Check<'a> {
    id: &'a str,
    family: &'static str,
    verdict: Verdict,
    summary: &'a str,
    duration_ms: u64,
    requirement: &'static str,
    figures: &'a Figures,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    observations: &'a [String],
}

fn check<'a>(t: &'a super::Timed) -> Check<'a> {
    let r: &CheckResult = &t.result;
    Check {
        id: &r.id,
        family: t.family(),
        verdict: r.verdict,
        summary: &r.summary,
        duration_ms: t.duration_ms,
        requirement: t.requirement(),
        figures: &r.figures,
        observations: &r.observations,
    }
}

/// The document, pretty-printed.
pub fn render(run: &GateRun, judgement: Option<&Judgement>, exit_code: u8) -> String {
    render_with(run, judgement, exit_code, None)
}

/// [`render`] with a `watch` member (`check api --watch`'s report).
pub fn render_with(
    run: &GateRun,
    judgement: Option<&Judgement>,
    exit_code: u8,
    watch: Option<serde_json::Value>,
) -> String {
    let doc = Doc {
        watch,
        schema_version: SCHEMA_VERSION,
        exit_code,
        checks: run.checks.iter().map(check).collect(),
        environment: run.environment_errors(),
        baseline: judgement,
    };
    // Plain strings and numbers always serialise; fall back to a minimal document if not.
    serde_json::to_string_pretty(&doc)
        .unwrap_or_else(|_| format!("{{\"schema_version\": {SCHEMA_VERSION}, \"checks\": []}}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ci::Timed;

    #[test]
    fn version_2_fields() {
        let run = GateRun {
            checks: vec![Timed {
                result: CheckResult::new("webhook.replay", Verdict::Fail, "x").environment("refused"),
                duration_ms: 12,
            }],
            ..GateRun::default()
        };
        let v: serde_json::Value = serde_json::from_str(&render(&run, None, 3)).expect("json");
        assert_eq!(v["schema_version"], 2);
        assert_eq!(v["exit_code"], 3);
        assert_eq!(v["checks"][0]["family"], "webhook");
        assert_eq!(v["checks"][0]["duration_ms"], 12);
        assert!(v["checks"][0]["requirement"].as_str().is_some_and(|r| r.contains(" must ")));
        assert_eq!(v["environment"][0], "webhook.replay: refused");
    }
}
