//! What a check produces: a verdict, a one-line summary in plain words, and measured figures.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::kept::Kept;
use std::sync::Arc;

/// The outcome of a check. There is no "warning" verdict: a pass that deserves a caveat says so
/// in its summary (and, where useful, in a `warning` figure).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Pass,
    Fail,
    Inconclusive,
    /// The check does not apply to this integration (e.g. token refresh for an API-key
    /// client); the summary says why. Never a failure.
    #[serde(rename = "not_applicable")]
    NotApplicable,
}

impl Verdict {
    /// The symbol shown next to the verdict everywhere (screen, human output, reports), so the
    /// verdict reads without colour too.
    pub fn symbol(self) -> &'static str {
        match self {
            Verdict::Pass => "✔",
            Verdict::Fail => "✘",
            Verdict::Inconclusive => "?",
            Verdict::NotApplicable => "–",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Inconclusive => "inconclusive",
            Verdict::NotApplicable => "not applicable",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A measured figure. Untagged so it reads naturally in TOML (`p95_ms = 12.5`) and JSON alike;
/// there is deliberately no null, which TOML cannot hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Figure {
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
    List(Vec<Figure>),
}

impl fmt::Display for Figure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Figure::Bool(b) => write!(f, "{b}"),
            Figure::Int(i) => write!(f, "{i}"),
            Figure::Float(x) => write!(f, "{x:.1}"),
            Figure::Text(s) => f.write_str(s),
            Figure::List(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
        }
    }
}

macro_rules! figure_from {
    ($($t:ty => $v:ident as $as:ty),* $(,)?) => {
        $(impl From<$t> for Figure {
            fn from(x: $t) -> Self {
                Figure::$v(x as $as)
            }
        })*
    };
}
figure_from!(i64 => Int as i64, i32 => Int as i64, u32 => Int as i64, u16 => Int as i64, f64 => Float as f64, f32 => Float as f64);

impl From<usize> for Figure {
    fn from(x: usize) -> Self {
        Figure::Int(i64::try_from(x).unwrap_or(i64::MAX))
    }
}
impl From<u64> for Figure {
    fn from(x: u64) -> Self {
        Figure::Int(i64::try_from(x).unwrap_or(i64::MAX))
    }
}
impl From<bool> for Figure {
    fn from(x: bool) -> Self {
        Figure::Bool(x)
    }
}
impl From<String> for Figure {
    fn from(x: String) -> Self {
        Figure::Text(x)
    }
}
impl From<&str> for Figure {
    fn from(x: &str) -> Self {
        Figure::Text(x.to_owned())
    }
}
impl<T: Into<Figure>> From<Vec<T>> for Figure {
    fn from(xs: Vec<T>) -> Self {
        Figure::List(xs.into_iter().map(Into::into).collect())
    }
}

/// The figure that says the environment, not the partner, decided a result.
pub const ENVIRONMENT_FIGURE: &str = "environment";

/// Named figures, sorted by name so output and dossier diffs are stable.
pub type Figures = BTreeMap<String, Figure>;

/// The result of one check run, before it is filed as evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    /// Catalogue id, e.g. `webhook.signature`.
    pub id: String,
    pub verdict: Verdict,
    /// One line, plain words: what was seen and why that is the verdict.
    pub summary: String,
    /// Measured figures (status codes, latencies, counts…).
    #[serde(default)]
    pub figures: Figures,
    /// The observations the verdict rests on, one line each (requests sent or received,
    /// with timings). Never holds a secret or a raw token.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub observations: Vec<String>,
    /// What the judge read, kept so the verdict can be re-verified (`checks::kept`); filed in
    /// the dossier's sidecar, never in the result's own text.
    #[serde(skip)]
    pub kept: Option<Arc<Kept>>,
}

impl CheckResult {
    pub fn new(id: impl Into<String>, verdict: Verdict, summary: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            verdict,
            summary: summary.into(),
            figures: Figures::new(),
            observations: Vec::new(),
            kept: None,
        }
    }

    /// Adds a figure (builder style).
    pub fn figure(mut self, name: &str, value: impl Into<Figure>) -> Self {
        self.figures.insert(name.to_owned(), value.into());
        self
    }

    /// Marks the result as decided by the environment, not the partner (a listener that cannot
    /// be reached, a TLS handshake that fails, an upstream sandbox down): the verdict is
    /// inconclusive and `reason` goes in the [`ENVIRONMENT_FIGURE`] figure, which CI reads
    /// for exit code 3 and JUnit's `<error>`.
    pub fn environment(mut self, reason: impl Into<String>) -> Self {
        self.verdict = Verdict::Inconclusive;
        self.figures.insert(ENVIRONMENT_FIGURE.to_owned(), Figure::Text(reason.into()));
        self
    }

    /// Why the environment decided this result, if it did (see [`CheckResult::environment`]).
    pub fn environment_error(&self) -> Option<&str> {
        match self.figures.get(ENVIRONMENT_FIGURE) {
            Some(Figure::Text(t)) if self.verdict == Verdict::Inconclusive => Some(t),
            _ => None,
        }
    }

    /// Adds an observation line (builder style).
    pub fn observe(mut self, line: impl Into<String>) -> Self {
        self.observations.push(line.into());
        self
    }

    /// Every text in the result passed through [`crate::text::neutralise`]: summaries,
    /// observations and figures quote partner text (its client's stderr, its listener's
    /// body, its header values), and a result leaves its check only this way, so no screen,
    /// report, dossier or JSON output downstream gets a control character from it. Idempotent.
    pub fn neutralised(mut self) -> Self {
        use crate::text;
        self.id = text::short(&self.id);
        self.summary = text::neutralise(&self.summary, 2 * text::LINE).into_owned();
        for o in &mut self.observations {
            if !text::is_plain(o) || o.chars().count() > text::LINE {
                *o = text::line(o);
            }
        }
        for f in self.figures.values_mut() {
            f.neutralise();
        }
        self
    }
}

impl Figure {
    fn neutralise(&mut self) {
        match self {
            Figure::Text(s) => *s = crate::text::line(s),
            Figure::List(items) => items.iter_mut().for_each(Figure::neutralise),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_round_trip_through_toml_and_json() {
        let r = CheckResult::new("retry.backoff", Verdict::Pass, "gaps grow")
            .figure("attempts", 4usize)
            .figure("gaps_ms", vec![0.5f64, 410.0, 820.0])
            .figure("client", "acme-sync")
            .observe("GET /items -> 503");
        let toml_text = toml::to_string(&r).expect("serialize toml");
        let back: CheckResult = toml::from_str(&toml_text).expect("parse toml");
        assert_eq!(back, r);
        let json = serde_json::to_string(&r).expect("serialize json");
        assert!(json.contains("\"verdict\":\"pass\""));
        let back: CheckResult = serde_json::from_str(&json).expect("parse json");
        assert_eq!(back, r);
    }
}
