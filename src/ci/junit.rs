//! `--junit FILE`: the run as JUnit XML, the format every CI system reads, valid against the
//! Jenkins xUnit plugin's schema (`tests/schemas/jenkins-junit-10.xsd`).
//!
//! One `<testsuite>` per family, one `<testcase>` per check (`classname` the family, `name`
//! the check id, `time` its duration in seconds). A fail is a `<failure>`, the environment's
//! fault an `<error>`, inconclusive and not applicable a `<skipped>`; a failure the baseline
//! knows is skipped too (with its reason) and a stale baseline entry is a failure. Summaries
//! and figures go in `<system-out>`; a `<properties>` block holds the tool version,
//! questionnaire, profile and target (never a secret). Every partner text passes through
//! [`crate::text::neutralise`] (which also keeps out the control characters XML 1.0 forbids)
//! and then maud's XML-safe escaping.

use std::fmt::Write;

use super::baseline::Judgement;
use super::{GateRun, Timed};
use crate::checks::Verdict;
use crate::text;

/// Escapes `s` for XML text and double-quoted attributes, after neutralising it (line breaks
/// kept: a newline is valid XML, and `<system-out>` reads better with them).
fn esc(s: &str) -> String {
    let safe = text::neutralise_lines(s, text::markdown::REPORT_TEXT);
    let mut out = String::with_capacity(safe.len());
    // Escaper writes into a String and cannot fail.
    let _ = maud::Escaper::new(&mut out).write_str(&safe);
    out
}

fn secs(ms: u64) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

/// What one testcase shows.
enum Case<'a> {
    Passed,
    Failure { kind: &'static str, message: String },
    Error(&'a str),
    Skipped(String),
}

fn case_of<'a>(t: &'a Timed, judgement: Option<&Judgement>) -> Case<'a> {
    let r = &t.result;
    let id = r.id.as_str();
    if let Some(e) = r.environment_error() {
        return Case::Error(e);
    }
    if let Some(j) = judgement {
        if let Some((_, reason)) = j.known.iter().find(|(k, _)| k == id) {
            return Case::Skipped(format!("known failure (baseline): {reason}; {}", r.summary));
        }
        if j.stale.iter().any(|s| s == id) {
            return Case::Failure {
                kind: "stale-baseline",
                message: "stale baseline: the check now passes; remove it from the baseline".to_owned(),
            };
        }
    }
    match r.verdict {
        Verdict::Pass => Case::Passed,
        Verdict::Fail => Case::Failure { kind: "fail", message: r.summary.clone() },
        Verdict::Inconclusive => Case::Skipped(format!("inconclusive: {}", r.summary)),
        Verdict::NotApplicable => Case::Skipped(format!("not applicable: {}", r.summary)),
    }
}

/// The whole document.
pub fn render(run: &GateRun, judgement: Option<&Judgement>) -> String {
    let mut families: Vec<&'static str> = Vec::new();
    for t in &run.checks {
        if !families.contains(&t.family()) {
            families.push(t.family());
        }
    }
    let cases: Vec<(&Timed, Case)> = run.checks.iter().map(|t| (t, case_of(t, judgement))).collect();
    let count = |fam: Option<&str>, pred: fn(&Case) -> bool| {
        cases.iter().filter(|(t, c)| fam.is_none_or(|f| t.family() == f) && pred(c)).count()
    };
    let failure = |c: &Case| matches!(c, Case::Failure { .. });
    let error = |c: &Case| matches!(c, Case::Error(_));
    let skipped = |c: &Case| matches!(c, Case::Skipped(_));
    let total_ms: u64 = run.checks.iter().map(|t| t.duration_ms).sum();

    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"certcockpit\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{}\">",
        cases.len(),
        count(None, failure),
        count(None, error),
        secs(total_ms)
    );
    let timestamp = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S");
    for fam in families {
        let fam_ms: u64 = run.checks.iter().filter(|t| t.family() == fam).map(|t| t.duration_ms).sum();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{fam}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{}\" timestamp=\"{timestamp}\">",
            count(Some(fam), |_| true),
            count(Some(fam), failure),
            count(Some(fam), error),
            count(Some(fam), skipped),
            secs(fam_ms)
        );
        out.push_str("    <properties>\n");
        for (name, value) in &run.properties {
            let _ = writeln!(out, "      <property name=\"{}\" value=\"{}\"/>", esc(name), esc(value));
        }
        out.push_str("    </properties>\n");
        let mut suite_out = String::new();
        for (t, case) in cases.iter().filter(|(t, _)| t.family() == fam) {
            let r = &t.result;
            let _ = writeln!(
                out,
                "    <testcase classname=\"{fam}\" name=\"{}\" time=\"{}\">",
                esc(&r.id),
                secs(t.duration_ms)
            );
            match case {
                Case::Passed => {}
                Case::Failure { kind, message } => {
                    let _ = writeln!(
                        out,
                        "      <failure message=\"{}\" type=\"{kind}\">{}</failure>",
                        esc(message),
                        esc(&format!("{}\n{}", t.requirement(), r.observations.join("\n")))
                    );
                }
                Case::Error(e) => {
                    let _ = writeln!(
                        out,
                        "      <error message=\"{}\" type=\"environment\">{}</error>",
                        esc(e),
                        esc(&r.observations.join("\n"))
                    );
                }
                Case::Skipped(m) => {
                    let _ = writeln!(out, "      <skipped message=\"{}\"/>", esc(m));
                }
            }
            let figures: Vec<String> = r.figures.iter().map(|(k, v)| format!("{k} = {v}")).collect();
            let _ = writeln!(
                out,
                "      <system-out>{}</system-out>",
                esc(&format!("{}: {}\n{}", r.verdict, r.summary, figures.join("\n")))
            );
            out.push_str("    </testcase>\n");
            let _ = writeln!(suite_out, "{} {}: {}", r.verdict.symbol(), r.id, r.summary);
        }
        let _ = writeln!(out, "    <system-out>{}</system-out>", esc(&suite_out));
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::CheckResult;

    #[test]
    fn one_testcase_per_check_and_partner_text_escaped() {
        let t = |r: CheckResult| Timed { result: r, duration_ms: 1234 };
        let run = GateRun {
            checks: vec![
                t(CheckResult::new("webhook.delivery", Verdict::Pass, "ok")),
                t(CheckResult::new("webhook.signature", Verdict::Fail, "forged <accepted> & \u{1b}[31m")),
                t(CheckResult::new("webhook.replay", Verdict::Fail, "x").environment("refused")),
                t(CheckResult::new("auth.refresh", Verdict::Inconclusive, "no traffic")),
            ],
            properties: vec![("target".into(), "http://127.0.0.1/\"hook\"".into())],
            ..GateRun::default()
        };
        let xml = render(&run, None);
        assert_eq!(xml.matches("<testcase ").count(), 4);
        assert_eq!(xml.matches("<testsuite ").count(), 2);
        assert!(
            xml.contains("name=\"webhook\" tests=\"3\" failures=\"1\" errors=\"1\" skipped=\"0\""),
            "{xml}"
        );
        assert!(xml.contains("forged &lt;accepted&gt; &amp;"), "{xml}");
        assert!(!xml.contains('\u{1b}'));
        assert!(xml.contains("value=\"http://127.0.0.1/&quot;hook&quot;\""), "{xml}");
        assert!(xml.contains("time=\"1.234\""));
        assert!(xml.contains("<skipped message=\"inconclusive: no traffic\"/>"));
    }
}
