//! The portfolio: every dossier under some folders, summed up in one row each, for a team with
//! many partners in review (`certcockpit status`). Read only: nothing is written or locked.
//!
//! [`collect`] finds the files (`scan`) and sums each one up (`summary`); [`table`], [`json`]
//! and [`html`] only lay the rows out. The JSON field names are stable (see [`json`]).

pub mod html;
pub mod json;
mod scan;
mod summary;
pub mod table;

use std::cmp::Ordering;
use std::path::{Path, PathBuf};

use serde::Serialize;

pub use scan::MissingDir;

/// A dossier's readiness as the portfolio sorts it: what needs the team's attention first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// The file does not parse (or cannot be read): someone must fix it by hand.
    Error,
    /// Something needs work or a check failed.
    NotReady,
    /// Questions open or answers awaiting review.
    Incomplete,
    /// The questionnaire is not built in, so open questions cannot be counted.
    Unknown,
    Ready,
}

impl Level {
    /// Symbol and word, so the level reads without colour.
    pub fn label(self) -> &'static str {
        match self {
            Level::Error => "! error",
            Level::NotReady => "✘ not ready",
            Level::Incomplete => "◐ incomplete",
            Level::Unknown => "? unknown",
            Level::Ready => "✔ ready",
        }
    }

    /// The JSON and HTML name (`not_ready`).
    pub fn name(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::NotReady => "not_ready",
            Level::Incomplete => "incomplete",
            Level::Unknown => "unknown",
            Level::Ready => "ready",
        }
    }
}

/// The evidence's verification state (`dossier::verify`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    /// `verified`, `unverified`, `no_observations` (no record kept any) or `no_evidence`.
    pub state: String,
    /// Evidence records in the dossier.
    pub records: usize,
    /// Records that do not verify.
    pub unverified: usize,
}

impl Verification {
    /// For people: `verified`, `2 unverified`, `no observations`, `no evidence`.
    pub fn describe(&self) -> String {
        match self.state.as_str() {
            "unverified" => format!("{} unverified", self.unverified),
            other => other.replace('_', " "),
        }
    }
}

/// One dossier (or a file that should have been one). Raw text as the file holds it: the
/// layouts neutralise it for a terminal or a page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    pub path: String,
    #[serde(rename = "readiness")]
    pub level: Level,
    /// The readiness in plain words ("not ready: 1 check failed").
    pub headline: String,
    pub partner: String,
    pub integration: String,
    pub questionnaire: String,
    pub questionnaire_version: String,
    /// Questions with no answer; `null` when the questionnaire is unknown or the file broken.
    pub open: Option<usize>,
    pub awaiting_review: Option<usize>,
    pub needs_work: Option<usize>,
    /// Checks whose latest verdict is fail, in catalogue order.
    pub failed_checks: Vec<String>,
    pub evidence_records: usize,
    /// `null` for a file that does not parse.
    pub verification: Option<Verification>,
    /// The dossier's own `updated` stamp (RFC 3339), empty if never saved by certcockpit.
    pub updated: String,
    /// The file's modification time (RFC 3339, UTC).
    pub modified: String,
    /// Why the file is not a usable dossier, `file:line:col: …` when it does not parse.
    pub error: Option<String>,
}

impl Row {
    fn error(path: &Path, modified: String, error: String) -> Self {
        Row {
            path: path.display().to_string(),
            level: Level::Error,
            headline: "does not parse".into(),
            partner: String::new(),
            integration: String::new(),
            questionnaire: String::new(),
            questionnaire_version: String::new(),
            open: None,
            awaiting_review: None,
            needs_work: None,
            failed_checks: Vec::new(),
            evidence_records: 0,
            verification: None,
            updated: String::new(),
            modified,
            error: Some(error),
        }
    }

    /// When it last changed: the dossier's `updated` stamp, else the file's time. The stamp is
    /// preferred because copying or syncing a folder renews file times.
    pub fn changed(&self) -> &str {
        if self.updated.is_empty() { &self.modified } else { &self.updated }
    }

    fn changed_at(&self) -> Option<chrono::DateTime<chrono::FixedOffset>> {
        chrono::DateTime::parse_from_rfc3339(self.changed()).ok()
    }
}

/// A `.toml` file that is not a dossier, or an entry the walk did not enter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

/// Everything `status` found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Portfolio {
    pub rows: Vec<Row>,
    pub skipped: Vec<Skipped>,
}

/// How the rows are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum SortBy {
    /// Errors, not ready, incomplete, unknown, ready; then by partner.
    #[default]
    Readiness,
    /// Partner, then integration.
    Partner,
    /// Most recently changed first.
    Changed,
    /// Most failed checks first.
    Failed,
    /// File path.
    Path,
}

fn by_name(a: &Row, b: &Row) -> Ordering {
    let key = |r: &Row| (r.partner.to_lowercase(), r.integration.to_lowercase());
    key(a).cmp(&key(b)).then_with(|| a.path.cmp(&b.path))
}

impl Portfolio {
    /// Sorts the rows; every order ends with the name, so the output is stable.
    pub fn sort(&mut self, by: SortBy) {
        self.rows.sort_by(|a, b| {
            let first = match by {
                SortBy::Readiness => a.level.cmp(&b.level),
                SortBy::Partner => Ordering::Equal,
                SortBy::Changed => b.changed_at().cmp(&a.changed_at()),
                SortBy::Failed => b.failed_checks.len().cmp(&a.failed_checks.len()),
                SortBy::Path => a.path.cmp(&b.path),
            };
            first.then_with(|| by_name(a, b))
        });
    }

    /// Rows per level, most urgent first, for a footer: `[(NotReady, 2), (Ready, 1)]`.
    pub fn counts(&self) -> Vec<(Level, usize)> {
        let mut counts: Vec<(Level, usize)> = Vec::new();
        let mut levels: Vec<Level> = self.rows.iter().map(|r| r.level).collect();
        levels.sort();
        for l in levels {
            match counts.last_mut() {
                Some((last, n)) if *last == l => *n += 1,
                _ => counts.push((l, 1)),
            }
        }
        counts
    }
}

/// Finds and sums up every dossier under `roots` (folders, or files taken as they are),
/// sorted by readiness. A root that does not exist is an error; nothing else is.
pub fn collect(roots: &[PathBuf]) -> Result<Portfolio, MissingDir> {
    let found = scan::find(roots)?;
    let mut questionnaires = summary::Questionnaires::default();
    let mut portfolio = Portfolio {
        rows: Vec::new(),
        skipped: found.notes.into_iter().map(|(path, reason)| Skipped { path, reason }).collect(),
    };
    for path in &found.files {
        match summary::summarise(path, &mut questionnaires) {
            summary::Outcome::Listed(row) => portfolio.rows.push(*row),
            summary::Outcome::Skipped(reason) => {
                portfolio.skipped.push(Skipped { path: path.display().to_string(), reason });
            }
        }
    }
    portfolio.sort(SortBy::Readiness);
    Ok(portfolio)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(partner: &str, level: Level, updated: &str, failed: usize) -> Row {
        let mut r = Row::error(Path::new(&format!("{partner}.toml")), String::new(), String::new());
        r.partner = partner.to_owned();
        r.level = level;
        r.updated = updated.to_owned();
        r.failed_checks = vec!["retry.limit".to_owned(); failed];
        r.error = None;
        r
    }

    fn order(p: &Portfolio) -> Vec<&str> {
        p.rows.iter().map(|r| r.partner.as_str()).collect()
    }

    #[test]
    fn sorts_by_readiness_then_name_and_by_the_other_keys() {
        let mut p = Portfolio {
            rows: vec![
                row("beta", Level::Ready, "2026-11-01T00:00:00Z", 0),
                row("Alpha", Level::Ready, "2026-12-01T00:00:00Z", 0),
                row("gamma", Level::NotReady, "2026-10-01T00:00:00+02:00", 2),
                row("delta", Level::Error, "", 0),
                row("eps", Level::NotReady, "2026-11-15T00:00:00Z", 1),
            ],
            skipped: Vec::new(),
        };
        p.sort(SortBy::Readiness);
        assert_eq!(order(&p), ["delta", "eps", "gamma", "Alpha", "beta"]);
        p.sort(SortBy::Partner);
        assert_eq!(order(&p), ["Alpha", "beta", "delta", "eps", "gamma"]);
        p.sort(SortBy::Changed);
        assert_eq!(order(&p), ["Alpha", "eps", "beta", "gamma", "delta"]);
        p.sort(SortBy::Failed);
        assert_eq!(order(&p), ["gamma", "eps", "Alpha", "beta", "delta"]);
        assert_eq!(p.counts(), [(Level::Error, 1), (Level::NotReady, 2), (Level::Ready, 2)]);
    }
}
