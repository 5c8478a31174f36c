//! What a judge read, kept with its result so the verdict can be checked after the fact
//! (`certcockpit verify`): judges are pure functions of their observations, so the same
//! observations judged again must give the same verdict and figures.
//!
//! - An evidence-API check keeps the journal of its armed window (method, path, status, times,
//!   the `Retry-After` served, token *fingerprints* — the journal never holds a token or the
//!   client secret), the scenario that was armed, how the run ended and, for a check judged on
//!   the whole session (`polling.rate`), the session's journal; in proxy mode also the upstream
//!   trouble seen, which the fairness rule reads.
//! - A webhook check keeps its deliveries and the answers (the answer bodies already redacted
//!   of the secret, see `webhook/run.rs`), with the scheme, deadline and planned count.
//!
//! - `webhook.fallback` keeps its announcements' answers, which resource was withheld, and the
//!   API's journal of the window.
//!
//! Records (`api.endpoints`) and person-judged checks keep nothing: there is no verdict of a
//! judge to re-run.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::api::judges::{self, JudgeInput, RunEnd};
use super::api::{JournalEntry, Scenario};
use super::webhook::{KeptFallback, Observation, Scheme, TransportFacts, judge_deliveries};
use super::{CheckId, CheckResult, Run, Verdict};

/// Bump when any judge changes what it concludes from the same observations; a record judged
/// by another version is re-judged by today's judge and both verdicts are shown.
pub const JUDGE_VERSION: u32 = 1;

/// The observations one check result rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "family", rename_all = "snake_case")]
pub enum Kept {
    Api(KeptApi),
    Webhook(KeptWebhook),
    /// `webhook.fallback`: the announcements and the API's journal of the window.
    Fallback(KeptFallback),
}

/// An evidence-API check's armed window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeptApi {
    pub scenario: Scenario,
    pub armed_at_us: u64,
    pub end: RunEnd,
    /// The entries journaled since arming.
    pub entries: Vec<JournalEntry>,
    /// The session's journal at the client's own pace (what the fault scenarios provoked left
    /// out), only for a check judged on it (empty otherwise).
    #[serde(default)]
    pub session: Vec<JournalEntry>,
    /// How many requests of the session the fault scenarios provoked (left out of `session`).
    #[serde(default)]
    pub provoked: usize,
    /// Proxy mode: what went wrong upstream during the window (`None` without an upstream).
    #[serde(default)]
    pub upstream_trouble: Option<Vec<String>>,
    /// Requests the journal dropped from what the judge read (it overflowed): such a record
    /// is inconclusive, and stays so when judged again.
    #[serde(default)]
    pub journal_dropped: u64,
}

/// A webhook check's deliveries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeptWebhook {
    pub check: String,
    pub scheme: Scheme,
    pub deadline: Duration,
    /// The replay tolerance the target was given (`webhook.replay`).
    pub tolerance_secs: i64,
    /// Deliveries planned (`webhook.deadline`'s count).
    pub planned: usize,
    pub deliveries: Vec<Observation>,
    /// What the side-effect observer said of each event (its id, the times processed or why
    /// it could not say), for the checks that ask it (`--observer`).
    #[serde(default)]
    pub processed: Vec<(String, Result<u64, String>)>,
    /// `webhook.transport`: the URL and the TLS handshake it showed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transport: Option<TransportFacts>,
}

impl Kept {
    /// The check these observations are for.
    pub fn check(&self) -> &str {
        match self {
            Kept::Api(a) => a.scenario.check_id,
            Kept::Webhook(w) => &w.check,
            Kept::Fallback(_) => CheckId::WebhookFallback.as_str(),
        }
    }

    /// How many observations are kept (journal entries or deliveries).
    pub fn len(&self) -> usize {
        match self {
            Kept::Api(a) => a.entries.len() + a.session.len(),
            Kept::Webhook(w) => w.deliveries.len(),
            Kept::Fallback(f) => f.deliveries.len() + f.entries.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Today's judge run again on the kept observations, neutralised as a check's result is
    /// when its check ends.
    pub fn rejudge(&self) -> CheckResult {
        match self {
            Kept::Api(a) => {
                let session = if a.session.is_empty() { &a.entries } else { &a.session };
                let result = judges::judge(&JudgeInput {
                    entries: &a.entries,
                    scenario: &a.scenario,
                    session,
                    provoked: a.provoked,
                    armed_at_us: a.armed_at_us,
                    end: a.end,
                });
                let result = match &a.upstream_trouble {
                    Some(trouble) => super::api::upstream_fairness(result, trouble),
                    None => result,
                };
                judges::overflow::judged_on_part(result, a.journal_dropped).neutralised()
            }
            Kept::Webhook(w) => match CheckId::parse(&w.check).map(|c| c.descriptor().run) {
                Some(Run::Webhook(plan)) => {
                    let mut r = judge_deliveries(plan, w);
                    r.id = w.check.clone();
                    r.neutralised()
                }
                _ => CheckResult::new(
                    &w.check,
                    Verdict::Inconclusive,
                    format!("{} is not a webhook check this build knows", w.check),
                ),
            },
            Kept::Fallback(f) => super::webhook::fallback::judge(f).neutralised(),
        }
    }
}
