//! The portfolio as JSON, for scripts and dashboards. The field names are stable: new fields
//! may be added, none is renamed or removed without raising `format`.
//!
//! ```text
//! { "format": 1,
//!   "dossiers": [ { "path", "readiness": "error|not_ready|incomplete|unknown|ready",
//!                   "headline", "partner", "integration", "questionnaire",
//!                   "questionnaire_version", "open", "awaiting_review", "needs_work",
//!                   "failed_checks": [check id…], "evidence_records",
//!                   "verification": { "state": "verified|unverified|no_observations|no_evidence",
//!                                     "records", "unverified" },
//!                   "updated", "modified", "error" } … ],
//!   "skipped": [ { "path", "reason" } … ] }
//! ```
//!
//! `open`, `awaiting_review` and `needs_work` are `null` when they cannot be known (a file that
//! does not parse; `open` also for a questionnaire that is not built in); `error` is `null` for
//! a dossier that parses. Strings are the file's own text (JSON escapes what needs escaping).

use serde::Serialize;

use super::{Portfolio, Row, Skipped};

/// The JSON layout's version.
pub const FORMAT: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    format: u32,
    dossiers: &'a [Row],
    skipped: &'a [Skipped],
}

/// The document, pretty-printed, with a final newline.
pub fn render(p: &Portfolio) -> Result<String, serde_json::Error> {
    let mut text =
        serde_json::to_string_pretty(&Document { format: FORMAT, dossiers: &p.rows, skipped: &p.skipped })?;
    text.push('\n');
    Ok(text)
}
