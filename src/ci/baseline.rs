//! `--baseline FILE`: the expected failures of a CI gate, as the MCP conformance suite keeps
//! them. A TOML file of `[[expected]]` entries, each `check = "id"` with its `reason` and an
//! optional `until = "YYYY-MM-DD"` (valid through that day):
//!
//! - a listed failure is known: it does not fail the run (it is reported as known);
//! - an unlisted failure fails it (exit 1), and so does an expired entry's failure;
//! - a listed check that now passes fails it too ("stale baseline: remove it"), so the file
//!   cannot silently keep excusing what has been fixed;
//! - an id this build does not know is a usage error (exit 2), naming the file and line.
//!
//! `--update-baseline` writes the current failures, keeping the reasons and dates of entries
//! that are still failing.

use std::fmt::Write;
use std::path::Path;

use chrono::NaiveDate;
use serde::Deserialize;

use crate::checks::{CheckId, CheckResult, Verdict};
use crate::span::line_col;

/// One expected failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    pub check: CheckId,
    pub reason: String,
    /// The last day the entry excuses the failure.
    pub until: Option<NaiveDate>,
}

/// The whole file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Baseline {
    pub expected: Vec<Expected>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    expected: Vec<RawEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    check: toml::Spanned<String>,
    reason: String,
    #[serde(default)]
    until: Option<toml::Spanned<String>>,
}

/// A baseline that cannot be used: a usage error (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("cannot read the baseline {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error(
        "{path}:{line}:{column}: {message} (expected [[expected]] entries with check, reason and an optional until = \"YYYY-MM-DD\")"
    )]
    Invalid { path: String, line: usize, column: usize, message: String },
}

/// Reads and checks a baseline file.
pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
    let text = std::fs::read_to_string(path)
        .map_err(|source| BaselineError::Read { path: path.display().to_string(), source })?;
    parse(path, &text)
}

/// Parses baseline text; `path` names it in errors.
pub fn parse(path: &Path, text: &str) -> Result<Baseline, BaselineError> {
    let invalid = |at: usize, message: String| {
        let (line, column) = line_col(text, at);
        BaselineError::Invalid { path: path.display().to_string(), line, column, message }
    };
    let raw: RawFile = toml::from_str(text)
        .map_err(|e| invalid(e.span().map_or(0, |s| s.start), e.message().trim().to_owned()))?;
    let mut expected = Vec::new();
    for entry in raw.expected {
        let check = CheckId::parse(entry.check.get_ref()).ok_or_else(|| {
            invalid(
                entry.check.span().start,
                format!(
                    "unknown check id {:?} (one of: {})",
                    crate::text::short(entry.check.get_ref()),
                    CheckId::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", ")
                ),
            )
        })?;
        let until = match &entry.until {
            None => None,
            Some(u) => Some(NaiveDate::parse_from_str(u.get_ref(), "%Y-%m-%d").map_err(|_| {
                invalid(
                    u.span().start,
                    format!(
                        "until {:?} is not a date in the form YYYY-MM-DD",
                        crate::text::short(u.get_ref())
                    ),
                )
            })?),
        };
        expected.push(Expected { check, reason: entry.reason, until });
    }
    Ok(Baseline { expected })
}

/// What the baseline makes of a run's results.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Judgement {
    /// Failures the baseline excuses: `(id, reason)`.
    pub known: Vec<(String, String)>,
    /// Failures it does not list (or lists with an expired date).
    pub new_failures: Vec<String>,
    /// Entries whose check now passes: remove them.
    pub stale: Vec<String>,
    /// Entries past their date (their failure counts as new).
    pub expired: Vec<String>,
}

impl Baseline {
    fn entry(&self, id: &str) -> Option<&Expected> {
        self.expected.iter().find(|e| e.check == id)
    }

    /// Judges `results` on `today`.
    pub fn judge(&self, results: &[CheckResult], today: NaiveDate) -> Judgement {
        let mut j = Judgement::default();
        for r in results {
            let entry = self.entry(&r.id);
            let live = entry.filter(|e| e.until.is_none_or(|u| today <= u));
            match (r.verdict, entry, live) {
                (Verdict::Fail, _, Some(e)) => j.known.push((r.id.clone(), e.reason.clone())),
                (Verdict::Fail, Some(_), None) => {
                    j.expired.push(r.id.clone());
                    j.new_failures.push(r.id.clone());
                }
                (Verdict::Fail, None, _) => j.new_failures.push(r.id.clone()),
                (Verdict::Pass, Some(_), _) => j.stale.push(r.id.clone()),
                _ => {}
            }
        }
        j
    }

    /// The baseline `--update-baseline` writes: an entry for every failure in `results`,
    /// keeping this baseline's reason and date for checks it already lists, in TOML.
    pub fn updated(&self, results: &[CheckResult]) -> String {
        let mut out = String::from(
            "# certcockpit baseline: the expected failures of `certcockpit check --baseline FILE`.\n\
             # Written by --update-baseline; give each entry its reason, and an until = \"YYYY-MM-DD\"\n\
             # after which it no longer excuses the failure.\n",
        );
        for r in results.iter().filter(|r| r.verdict == Verdict::Fail) {
            let Some(check) = CheckId::parse(&r.id) else { continue };
            let (reason, until) = match self.entry(&r.id) {
                Some(e) => (e.reason.clone(), e.until),
                None => (format!("known failure: {}", crate::text::line(&r.summary)), None),
            };
            let _ = write!(
                out,
                "\n[[expected]]\ncheck = {}\nreason = {}\n",
                toml_string(check.as_str()),
                toml_string(&reason)
            );
            if let Some(u) = until {
                let _ = writeln!(out, "until = \"{}\"", u.format("%Y-%m-%d"));
            }
        }
        out
    }
}

/// A TOML basic string (the toml crate escapes it).
fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn known_new_stale_and_expired() {
        let text = "[[expected]]\ncheck = \"webhook.replay\"\nreason = \"tolerance not yet enforced\"\n\n[[expected]]\ncheck = \"retry.backoff\"\nreason = \"fixed soon\"\nuntil = \"2026-01-31\"\n\n[[expected]]\ncheck = \"webhook.delivery\"\nreason = \"flaky\"\n";
        let b = parse(Path::new("b.toml"), text).expect("parses");
        let results = [
            CheckResult::new("webhook.replay", Verdict::Fail, "accepted"),
            CheckResult::new("retry.backoff", Verdict::Fail, "constant"),
            CheckResult::new("webhook.delivery", Verdict::Pass, "ok"),
            CheckResult::new("webhook.signature", Verdict::Fail, "forged accepted"),
        ];
        let j = b.judge(&results, day("2026-02-01"));
        assert_eq!(j.known, vec![("webhook.replay".to_owned(), "tolerance not yet enforced".to_owned())]);
        assert_eq!(j.new_failures, vec!["retry.backoff", "webhook.signature"]);
        assert_eq!(j.expired, vec!["retry.backoff"]);
        assert_eq!(j.stale, vec!["webhook.delivery"]);
        assert_eq!(b.judge(&results[1..2], day("2026-01-31")).known.len(), 1, "valid through its day");

        let updated = b.updated(&results);
        let back = parse(Path::new("u.toml"), &updated).expect("round trip");
        assert_eq!(back.expected.len(), 3);
        assert_eq!(back.expected[0].reason, "tolerance not yet enforced");
        assert_eq!(back.expected[1].until, Some(day("2026-01-31")));
        assert!(back.expected[2].reason.contains("forged accepted"));
    }

    #[test]
    fn bad_files_name_the_line() {
        let e = parse(Path::new("b.toml"), "[[expected]]\ncheck = \"webhook.nope\"\nreason = \"x\"\n")
            .expect_err("unknown id");
        let msg = e.to_string();
        assert!(msg.starts_with("b.toml:2:") && msg.contains("webhook.nope"), "{msg}");
        let e = parse(
            Path::new("b.toml"),
            "[[expected]]\ncheck = \"webhook.replay\"\nreason = \"x\"\nuntil = \"soon\"\n",
        )
        .expect_err("bad date");
        assert!(e.to_string().starts_with("b.toml:4:"), "{e}");
        assert!(
            parse(Path::new("b.toml"), "[[expected]]\ncheck = \"webhook.replay\"\n").is_err(),
            "reason needed"
        );
    }
}
