//! One candidate file, read and summed up: a dossier's readiness and counts, a dossier that
//! does not parse with its error, or a note saying why the file is not a dossier.
//!
//! Read only: the file is read with the dossier store's rules (`crate::files::read_regular`:
//! regular files, at most [`MAX_DOSSIER_BYTES`], a FIFO never blocks) and never locked or
//! written; the evidence sidecar is only read (`dossier::verify`).
//!
//! Which TOML is a dossier: one with a `[dossier]` table. A file that is not TOML at all counts
//! as a (broken) dossier when a line of it opens `[dossier]`, so a dossier with a typo is
//! listed with its `file:line:col` error instead of vanishing from the portfolio; any other
//! TOML (a `Cargo.toml`, a questionnaire, an API profile) is skipped with a note.

use std::collections::HashMap;
use std::path::Path;

use crate::checks::Verdict;
use crate::dossier::{self, Dossier, MAX_DOSSIER_BYTES, ReviewStatus, TextForm, verify};
use crate::files::{self, ReadError};
use crate::questionnaire::{self, Questionnaire};
use crate::report::{ReadinessLevel, RemediationSource, Report};

use super::{Level, Row, Verification};

/// What one file turned out to be.
#[derive(Debug)]
pub enum Outcome {
    Listed(Box<Row>),
    Skipped(String),
}

/// The built-in questionnaires, parsed once per run (a portfolio names the same few).
#[derive(Default)]
pub struct Questionnaires(HashMap<String, Option<Questionnaire>>);

impl Questionnaires {
    fn get(&mut self, id: &str) -> Option<&Questionnaire> {
        self.0
            .entry(id.to_owned())
            .or_insert_with(|| questionnaire::builtin(id).and_then(Result::ok))
            .as_ref()
    }
}

/// Reads and sums up `path`.
pub fn summarise(path: &Path, questionnaires: &mut Questionnaires) -> Outcome {
    let modified = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .map(|t| chrono::DateTime::<chrono::Utc>::from(t).to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default();
    let bytes = match files::read_regular(path, MAX_DOSSIER_BYTES) {
        Ok(b) => b,
        Err(ReadError::NotRegular(kind)) => return Outcome::Skipped(format!("not a regular file ({kind})")),
        // Too large or unreadable: it may be a dossier, so it is listed, with why.
        Err(e) => {
            let why = match e {
                ReadError::TooLarge { size, limit } => {
                    format!("{size} bytes is over the dossier size limit of {limit} bytes")
                }
                other => other.to_string(),
            };
            return Outcome::Listed(Box::new(Row::error(
                path,
                modified,
                format!("{}: cannot read it: {why}", path.display()),
            )));
        }
    };
    let Ok((text, _)) = TextForm::decode(&bytes) else {
        return Outcome::Skipped("not UTF-8 text".into());
    };
    let is_dossier = match toml::from_str::<toml::Table>(&text) {
        Ok(table) => table.get("dossier").is_some_and(toml::Value::is_table),
        Err(_) => opens_a_dossier_table(&text),
    };
    if !is_dossier {
        return Outcome::Skipped("not a dossier (no [dossier] table)".into());
    }
    match dossier::parse(path, &text) {
        Ok(d) => Outcome::Listed(Box::new(row_of(path, modified, &d, questionnaires))),
        Err(e) => {
            // The first line holds file:line:col and the cause; the rest is advice for one file.
            let message = e.to_string();
            let first = message.lines().next().unwrap_or_default().to_owned();
            Outcome::Listed(Box::new(Row::error(path, modified, first)))
        }
    }
}

fn opens_a_dossier_table(text: &str) -> bool {
    text.lines().any(|l| {
        let l = l.trim_start();
        l.strip_prefix('[')
            .and_then(|rest| rest.trim_start().strip_prefix("dossier"))
            .is_some_and(|rest| rest.trim_start().starts_with(']'))
    })
}

fn row_of(path: &Path, modified: String, d: &Dossier, questionnaires: &mut Questionnaires) -> Row {
    let meta = &d.dossier;
    let known = questionnaires.get(&meta.questionnaire);
    // A questionnaire that is not built in: the dossier's own answers and evidence still say
    // what needs work and what failed, but not how many questions are still open.
    let unknown = Questionnaire {
        id: meta.questionnaire.clone(),
        title: String::new(),
        version: meta.questionnaire_version.clone(),
        source: String::new(),
        description: String::new(),
        sections: Vec::new(),
    };
    // Verified once: the row's verification column and the readiness (evidence that does not
    // hold is not ready) read the same states.
    let states = verify::verify(path, d);
    let folder = path.parent().map(|p| p.display().to_string()).unwrap_or_default();
    let report =
        Report::verified(known.unwrap_or(&unknown), d, crate::report::Verification::new(d, &states, &folder));
    let failed_checks: Vec<String> = report
        .remediation
        .iter()
        .filter_map(|r| match &r.source {
            RemediationSource::Check { evidence, .. } if evidence.verdict == Verdict::Fail => {
                Some(evidence.check.clone())
            }
            _ => None,
        })
        .collect();
    let r = report.readiness;
    let (level, open, awaiting_review, needs_work, headline) = if known.is_some() {
        let level = match r.level() {
            ReadinessLevel::NotReady => Level::NotReady,
            ReadinessLevel::Incomplete => Level::Incomplete,
            ReadinessLevel::Ready => Level::Ready,
        };
        (level, Some(r.open), Some(r.awaiting_review), r.needs_work, r.headline())
    } else {
        let needs_work = d.answers.values().filter(|a| a.status == ReviewStatus::NeedsWork).count();
        let level = if needs_work > 0 || !failed_checks.is_empty() || r.checks_not_holding > 0 {
            Level::NotReady
        } else {
            Level::Unknown
        };
        let headline =
            format!("questionnaire '{}' is not built in: open questions unknown", meta.questionnaire);
        (level, None, None, needs_work, headline)
    };
    let version = if meta.questionnaire_version.is_empty() {
        report.cover.questionnaire_version.clone()
    } else {
        meta.questionnaire_version.clone()
    };
    Row {
        path: path.display().to_string(),
        level,
        headline,
        partner: meta.partner.clone(),
        integration: meta.integration.clone(),
        questionnaire: meta.questionnaire.clone(),
        questionnaire_version: version,
        open,
        awaiting_review,
        needs_work: Some(needs_work),
        failed_checks,
        evidence_records: d.evidence.len(),
        verification: Some(verification(d, &states)),
        updated: meta.updated.clone(),
        modified,
        error: None,
    }
}

/// The evidence's verification state (`dossier::verify`): every record re-judged on the
/// observations kept beside the dossier.
fn verification(d: &Dossier, states: &[verify::Checked]) -> Verification {
    let unverified = states.iter().filter(|c| !c.is_verified()).count();
    let kept = d.evidence.iter().any(|e| e.observations_sha256.is_some());
    let state = if states.is_empty() {
        "no_evidence"
    } else if unverified == 0 {
        "verified"
    } else if !kept {
        "no_observations"
    } else {
        "unverified"
    };
    Verification { state: state.to_owned(), records: states.len(), unverified }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dossier_header_is_recognised_in_text_that_is_not_toml() {
        assert!(opens_a_dossier_table("# x\n[dossier]\nquestionnaire = \"u\n"));
        assert!(opens_a_dossier_table("  [ dossier ]  # the cover\n"));
        assert!(!opens_a_dossier_table("[dossiers]\n[[dossier]]\n[package]\n"));
    }

    fn outcome(text: &str) -> Outcome {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("d.toml");
        std::fs::write(&path, text).expect("write");
        summarise(&path, &mut Questionnaires::default())
    }

    #[test]
    fn other_toml_is_skipped_and_a_broken_dossier_listed() {
        assert!(matches!(outcome("[package]\nname = \"x\"\n"), Outcome::Skipped(_)));
        assert!(matches!(outcome("not toml = = ["), Outcome::Skipped(_)));
        match outcome("[dossier]\nquestionnaire = \"uniwise-wiseflow\"\n[answers.x]\nanswer = \"open\n") {
            Outcome::Listed(row) => {
                assert_eq!(row.level, Level::Error);
                let error = row.error.as_deref().unwrap_or_default();
                assert!(error.contains("d.toml:4:"), "{error}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_unknown_questionnaire_still_counts_needs_work() {
        match outcome("[dossier]\nquestionnaire = \"in-house\"\n[answers.a]\nstatus = \"needs_work\"\n") {
            Outcome::Listed(row) => {
                assert_eq!(row.level, Level::NotReady);
                assert_eq!((row.open, row.needs_work), (None, Some(1)));
                assert_eq!(row.verification.map(|v| v.state).as_deref(), Some("no_evidence"));
            }
            other => panic!("{other:?}"),
        }
    }
}
