//! The dossier's data model. Every table keeps the keys it does not know (`extra`), so a
//! dossier written by a newer version or edited by hand loses nothing when saved.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use std::sync::Arc;

use super::provenance::{self, Ran};
use super::sidecar::{self, SidecarFile};
use crate::checks::{CheckResult, Figures, JUDGE_VERSION, Verdict};
use crate::questionnaire::Questionnaire;

/// The dossier file format version this program writes.
pub const DOSSIER_FORMAT: u32 = 1;

/// Review status of one question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    #[default]
    Open,
    Answered,
    Ok,
    NeedsWork,
    #[serde(rename = "na")]
    NotApplicable,
}

impl ReviewStatus {
    pub const ALL: [ReviewStatus; 5] =
        [Self::Open, Self::Answered, Self::Ok, Self::NeedsWork, Self::NotApplicable];

    /// The next status in the reviewer's cycle: open → answered → ok → needs work → n.a. → open.
    pub fn next(self) -> Self {
        match self {
            Self::Open => Self::Answered,
            Self::Answered => Self::Ok,
            Self::Ok => Self::NeedsWork,
            Self::NeedsWork => Self::NotApplicable,
            Self::NotApplicable => Self::Open,
        }
    }

    /// A symbol for every status, so it reads without colour.
    pub fn symbol(self) -> &'static str {
        match self {
            Self::Open => "○",
            Self::Answered => "◐",
            Self::Ok => "✔",
            Self::NeedsWork => "✘",
            Self::NotApplicable => "–",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Answered => "answered",
            Self::Ok => "ok",
            Self::NeedsWork => "needs work",
            Self::NotApplicable => "n.a.",
        }
    }

    /// Whether the question counts as done for progress (answered or reviewed).
    pub fn is_done(self) -> bool {
        !matches!(self, Self::Open)
    }
}

impl fmt::Display for ReviewStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// `[dossier]`: which questionnaire, the cover fields and dates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    #[serde(default = "default_format")]
    pub format: u32,
    pub questionnaire: String,
    #[serde(default)]
    pub questionnaire_version: String,
    #[serde(default)]
    pub integration: String,
    #[serde(default)]
    pub partner: String,
    #[serde(default)]
    pub reviewer: String,
    #[serde(default)]
    pub partner_engineer: String,
    /// The review date (free text, usually YYYY-MM-DD).
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub created: String,
    #[serde(default)]
    pub updated: String,
    #[serde(flatten)]
    pub extra: toml::Table,
}

fn default_format() -> u32 {
    DOSSIER_FORMAT
}

/// `[answers.<question id>]`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Answer {
    #[serde(default)]
    pub answer: String,
    #[serde(default)]
    pub status: ReviewStatus,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    #[serde(flatten)]
    pub extra: toml::Table,
}

impl Answer {
    pub fn is_empty(&self) -> bool {
        self.answer.is_empty()
            && self.note.is_empty()
            && self.status == ReviewStatus::Open
            && self.extra.is_empty()
    }
}

/// `[[evidence]]`: one check result, filed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub check: String,
    /// When the check ended, RFC 3339.
    pub at: String,
    pub verdict: Verdict,
    pub summary: String,
    #[serde(default)]
    pub figures: Figures,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub observations: Vec<String>,
    /// SHA-256 of what the judge read, kept in the sidecar (`dossier::sidecar`); absent for a
    /// record that kept none (a record from an older build, a person-judged check).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observations_sha256: Option<String>,
    /// The judge version that gave the verdict ([`crate::checks::JUDGE_VERSION`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judge_version: Option<u32>,
    /// Provenance (`dossier::provenance`): the build that ran it, the host, live or pre-filled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ran: Option<Ran>,
    /// The fingerprint of the reviewer key that signed the record (`crate::signing`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_by: Option<String>,
    /// Base64 of the Ed25519 signature over the record (`signing::record` says which bytes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// The sidecar file of a record filed in this process, until the store has written it.
    #[serde(skip)]
    pub sidecar: Option<Arc<SidecarFile>>,
    #[serde(flatten)]
    pub extra: toml::Table,
}

impl Evidence {
    /// A record of `result` run before the session (headless or pre-filling).
    pub fn from_result(result: CheckResult, at: chrono::DateTime<chrono::Utc>) -> Self {
        Self::filed(result, at, Ran::PreFilled)
    }

    /// A record of `result`, with its provenance and its observations encoded for the sidecar,
    /// signed when a reviewer key is installed (`crate::signing::install`). Observations that
    /// cannot be encoded are left out (the record then says none were kept).
    pub fn filed(result: CheckResult, at: chrono::DateTime<chrono::Utc>, ran: Ran) -> Self {
        let sidecar = result.kept.as_deref().and_then(|k| sidecar::encode(k).ok()).map(Arc::new);
        let mut e = Self {
            check: result.id,
            at: at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            verdict: result.verdict,
            summary: result.summary,
            figures: result.figures,
            observations: result.observations,
            observations_sha256: sidecar.as_ref().map(|s| s.digest.clone()),
            judge_version: sidecar.as_ref().map(|_| JUDGE_VERSION),
            build: Some(provenance::build()),
            host: Some(provenance::host()),
            ran: Some(ran),
            signed_by: None,
            signature: None,
            sidecar,
            extra: toml::Table::new(),
        };
        if let Some(key) = crate::signing::signer() {
            crate::signing::record::sign(&mut e, key);
        }
        e
    }
}

/// `[settings.webhook]`: where and how the webhook checks deliver.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookSettings {
    #[serde(default)]
    pub url: String,
    /// `standard-webhooks`, `hmac-sha256` or `static-header`.
    #[serde(default = "default_scheme")]
    pub scheme: String,
    /// Header for the `hmac-sha256` and `static-header` schemes.
    #[serde(default)]
    pub header: String,
    /// The *name* of the environment variable holding the secret — never the secret.
    #[serde(default = "default_secret_env")]
    pub secret_env: String,
    #[serde(default = "default_deadline")]
    pub deadline_secs: f64,
    /// A PEM file of CA certificates trusted beside the system's roots for the listener's
    /// certificate (a staging listener's test CA); relative to the current folder.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub ca_file: String,
    /// The provider's timestamp tolerance in whole seconds (`webhook.replay` probes either
    /// side of it; 20 to 86400); absent: 300, as Standard Webhooks and Stripe.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerance_secs: Option<u64>,
    /// The event delivered: a built-in sample's name or the path of a JSON template file
    /// (`--event`); absent: the sample of the scheme's provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    /// The partner's side-effect observer (`GET URL?id=<webhook-id>` → `{"processed": N}`),
    /// if the partner exposes one (`--observer`). A URL holding credentials is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observer: Option<String>,
    /// How long `webhook.fallback` watches the evidence API for the missed resource to be
    /// fetched, in seconds (1 to 3600); absent: 30.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback_window_secs: Option<f64>,
    #[serde(flatten)]
    pub extra: toml::Table,
}

fn default_scheme() -> String {
    "standard-webhooks".into()
}
fn default_secret_env() -> String {
    "WEBHOOK_SECRET".into()
}
fn default_deadline() -> f64 {
    15.0
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self {
            url: String::new(),
            scheme: default_scheme(),
            header: String::new(),
            secret_env: default_secret_env(),
            deadline_secs: default_deadline(),
            ca_file: String::new(),
            tolerance_secs: None,
            event: None,
            observer: None,
            fallback_window_secs: None,
            extra: toml::Table::new(),
        }
    }
}

/// `[settings.api]`: the evidence API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiSettings {
    /// Listen address; loopback unless the user asks otherwise.
    #[serde(default = "default_listen")]
    pub listen: String,
    /// The API profile served: a built-in name or a profile file's path (`generic` if absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// The provider's sandbox the evidence API stands in front of (proxy mode), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upstream: Option<String>,
    /// Serve HTTPS with a certificate from the local CA (`--tls`). Written only when on.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub tls: bool,
    /// The partner's client command for `certcockpit check --dossier` (run through `sh -c`).
    /// Written by hand, never by the cockpit: a command line may hold a credential, and the
    /// dossier never does unless its author puts it there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exec: Option<String>,
    #[serde(flatten)]
    pub extra: toml::Table,
}

fn default_listen() -> String {
    "127.0.0.1:0".into()
}

impl Default for ApiSettings {
    fn default() -> Self {
        Self {
            listen: default_listen(),
            profile: None,
            upstream: None,
            tls: false,
            exec: None,
            extra: toml::Table::new(),
        }
    }
}

/// `[settings]`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Settings {
    #[serde(default)]
    pub webhook: WebhookSettings,
    #[serde(default)]
    pub api: ApiSettings,
    #[serde(flatten)]
    pub extra: toml::Table,
}

/// `[agenda]`: how the review's time went, so a reviewer can keep a call to the hour. Written
/// only once some time is recorded; a dossier without it loads as one with none spent.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Agenda {
    /// Whole seconds the review has spent on each section (by section id), over every session.
    /// Keyed by id like the answers, so a revised questionnaire keeps them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub seconds: BTreeMap<String, u64>,
    #[serde(flatten)]
    pub extra: toml::Table,
}

impl Agenda {
    pub fn is_empty(&self) -> bool {
        self.seconds.is_empty() && self.extra.is_empty()
    }

    /// Seconds spent on a section so far (0 when none were recorded).
    pub fn spent(&self, section_id: &str) -> u64 {
        self.seconds.get(section_id).copied().unwrap_or(0)
    }
}

/// A whole dossier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dossier {
    pub dossier: Meta,
    #[serde(default)]
    pub settings: Settings,
    /// Time spent per section (`[agenda]`); empty in a dossier from before it existed.
    #[serde(default, skip_serializing_if = "Agenda::is_empty")]
    pub agenda: Agenda,
    /// Keyed by question id, never by position.
    #[serde(default)]
    pub answers: BTreeMap<String, Answer>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
    #[serde(flatten)]
    pub extra: toml::Table,
}

impl Dossier {
    /// A fresh dossier for a questionnaire.
    pub fn new(q: &Questionnaire) -> Self {
        let now = chrono::Utc::now();
        Self {
            dossier: Meta {
                format: DOSSIER_FORMAT,
                questionnaire: q.id.clone(),
                questionnaire_version: q.version.clone(),
                integration: String::new(),
                partner: String::new(),
                reviewer: String::new(),
                partner_engineer: String::new(),
                date: now.format("%Y-%m-%d").to_string(),
                created: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                updated: String::new(),
                extra: toml::Table::new(),
            },
            settings: Settings::default(),
            agenda: Agenda::default(),
            answers: BTreeMap::new(),
            evidence: Vec::new(),
            extra: toml::Table::new(),
        }
    }

    pub fn answer(&self, question_id: &str) -> Option<&Answer> {
        self.answers.get(question_id)
    }

    /// The answer for a question, created empty if missing.
    pub fn answer_mut(&mut self, question_id: &str) -> &mut Answer {
        self.answers.entry(question_id.to_owned()).or_default()
    }

    pub fn status(&self, question_id: &str) -> ReviewStatus {
        self.answers.get(question_id).map_or(ReviewStatus::Open, |a| a.status)
    }

    /// Files a check result as evidence run before the session (newest last).
    pub fn file_evidence(&mut self, result: CheckResult, at: chrono::DateTime<chrono::Utc>) {
        self.evidence.push(Evidence::from_result(result, at));
    }

    /// Files a check result run in the cockpit: live in the session when a reviewer is set,
    /// pre-filling otherwise.
    pub fn file_evidence_in_cockpit(&mut self, result: CheckResult, at: chrono::DateTime<chrono::Utc>) {
        let ran = if self.dossier.reviewer.trim().is_empty() { Ran::PreFilled } else { Ran::Live };
        self.evidence.push(Evidence::filed(result, at, ran));
    }

    /// The newest evidence record for a check.
    pub fn latest_evidence(&self, check: &str) -> Option<&Evidence> {
        self.evidence.iter().rev().find(|e| e.check == check)
    }

    /// Serializes to TOML text. Answers with nothing in them (a status cycled back to open,
    /// a text cleared) are left out, so the file holds only what someone said.
    pub fn to_toml(&self) -> Result<String, toml::ser::Error> {
        self.to_toml_keeping(|_| false)
    }

    /// Like [`Dossier::to_toml`], but keeps the empty answers for which `keep_empty` says so:
    /// the saving store keeps those the file already has (a template's blank questions, each
    /// under its guidance comments), so clearing an answer does not delete its comments.
    pub(crate) fn to_toml_keeping(
        &self,
        keep_empty: impl Fn(&str) -> bool,
    ) -> Result<String, toml::ser::Error> {
        if self.answers.iter().any(|(id, a)| a.is_empty() && !keep_empty(id)) {
            let mut trimmed = self.clone();
            trimmed.answers.retain(|id, a| !a.is_empty() || keep_empty(id));
            return toml::to_string_pretty(&trimmed);
        }
        toml::to_string_pretty(self)
    }

    /// Whether two dossiers say the same, ignoring the `updated` stamp and empty answers
    /// (which are not written): a save that changes nothing must not rewrite the file.
    pub(crate) fn same_content(&self, other: &Dossier) -> bool {
        let unstamped = |m: &Meta| Meta { updated: String::new(), ..m.clone() };
        let meta_eq = unstamped(&self.dossier) == unstamped(&other.dossier);
        let said = |d: &'_ Dossier| d.answers.iter().filter(|(_, a)| !a.is_empty()).count();
        meta_eq
            && self.settings == other.settings
            && self.agenda == other.agenda
            && self.evidence == other.evidence
            && self.extra == other.extra
            && said(self) == said(other)
            && self
                .answers
                .iter()
                .filter(|(_, a)| !a.is_empty())
                .all(|(id, a)| other.answers.get(id) == Some(a))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::CheckResult;

    #[test]
    fn unknown_keys_survive_a_round_trip() {
        let src = r#"
future_top = "kept"

[dossier]
questionnaire = "uniwise-wiseflow"
integration = "Acme"
colour = "blue"

[settings.webhook]
url = "http://127.0.0.1:9/hook"
tls_pin = "abc"

[answers."auth.method"]
answer = "OAuth 2.0"
status = "ok"
confidence = 3

[[evidence]]
check = "retry.backoff"
at = "2026-11-22T10:00:00Z"
verdict = "pass"
summary = "gaps grow"
figures = { attempts = 4, gaps_ms = [1.0, 400.0] }
origin = "ci"

[custom]
x = 1
"#;
        let d: Dossier = toml::from_str(src).expect("parse");
        assert_eq!(d.answers["auth.method"].status, ReviewStatus::Ok);
        let out = d.to_toml().expect("serialize");
        let back: Dossier = toml::from_str(&out).expect("reparse");
        assert_eq!(back, d);
        for key in ["future_top", "colour", "tls_pin", "confidence", "origin", "[custom]"] {
            assert!(out.contains(key), "{key} lost:\n{out}");
        }
    }

    #[test]
    fn status_cycle_visits_every_status() {
        let mut s = ReviewStatus::Open;
        let mut seen = vec![s];
        for _ in 0..4 {
            s = s.next();
            seen.push(s);
        }
        assert_eq!(s.next(), ReviewStatus::Open);
        for st in ReviewStatus::ALL {
            assert!(seen.contains(&st));
        }
        let t = toml::to_string(&Answer { status: ReviewStatus::NotApplicable, ..Answer::default() })
            .expect("ser");
        assert!(t.contains("status = \"na\""), "{t}");
    }

    #[test]
    fn latest_evidence_is_the_newest() {
        let q = crate::questionnaire::load("uniwise-wiseflow").expect("builtin");
        let mut d = Dossier::new(&q);
        let t = chrono::Utc::now();
        d.file_evidence(CheckResult::new("retry.backoff", Verdict::Fail, "constant"), t);
        d.file_evidence(CheckResult::new("retry.backoff", Verdict::Pass, "grows"), t);
        assert_eq!(d.latest_evidence("retry.backoff").map(|e| e.verdict), Some(Verdict::Pass));
        assert!(d.latest_evidence("retry.limit").is_none());
    }
}
