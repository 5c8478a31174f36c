//! Scenarios: what the evidence API does while one check is armed. One scenario per check of
//! the registry's `api` family (the registry names the function). Faults go only on `GET /items`: several libraries never
//! retry a POST, by design, and a token request is not where a reviewer wants to see retries.
//!
//! Durations are short (a few seconds per scenario) so a full headless run stays well under a
//! minute or two with a well-behaved client.

use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize};

use super::profile::{AuthKind, Profile};
use crate::checks::{CheckId, Run, UNKNOWN_CHECK};

/// A check id of the registry. An alias, not `&'static str` written out, so that serde does
/// not take the field for one borrowed from its input (it is read by [`registry_id`]).
pub type RegistryId = &'static str;

/// A check id read back from kept evidence, as the registry's `&'static str`.
fn registry_id<'de, D: Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
    let id = String::deserialize(d)?;
    Ok(CheckId::parse(&id).map_or(UNKNOWN_CHECK, CheckId::as_str))
}

/// The fault a scenario injects on `GET /items`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Fault {
    /// Normal traffic.
    None,
    /// `429` on the first attempt at page 1 (`Retry-After: <secs>`, seconds form) and on the
    /// first attempt at page 2 (`Retry-After: <HTTP-date>`, about `date_secs` ahead).
    RateLimit { secs: u64, date_secs: u64 },
    /// `bursts` bursts of failures: GETs fail with these statuses in turn (no Retry-After),
    /// then one succeeds, which starts the next burst; after the last, all is well. Several
    /// bursts let the judge see the envelope of a randomised (jittered) backoff, not one draw.
    Burst { statuses: Vec<u16>, bursts: u32 },
    /// Every GET fails with this status, no Retry-After: the failure never ends.
    Persistent { status: u16 },
    /// From the first GET, a window of `503` + `Retry-After` (seconds left, rounded up).
    Maintenance { window: Duration },
    /// The `nth` authorised GET (from 1) gets `401` for its key, once (API-key profiles'
    /// `auth.token_reuse`: the 401 path).
    RejectKey { nth: usize },
}

/// What the evidence API does while a check is armed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    /// The check this scenario produces evidence for (kept evidence reads it back as the
    /// registry's id; an id this build does not know reads as [`UNKNOWN_CHECK`]).
    #[serde(deserialize_with = "registry_id")]
    pub check_id: RegistryId,
    /// Lifetime of the access tokens issued.
    pub token_lifetime: Duration,
    /// Pages in the collection and items per page.
    pub pages: u32,
    pub page_size: u32,
    /// How long each page takes to serve (to make a run cross token expiry).
    pub page_delay: Duration,
    pub fault: Fault,
    /// Responses carry unknown fields, in shuffled order.
    pub extended_fields: bool,
    /// The stated request limits, per minute and per second (judged by `polling.rate` over the
    /// session's traffic); `None` per second when the profile states none.
    pub rate_limit_per_minute: u32,
    pub rate_limit_per_second: Option<u32>,
    /// The check is judged on all the session's traffic, not only its own run's, so the
    /// headless runner runs it last.
    pub whole_session: bool,
    /// A `Retry-After` hint at least this long may be given up on (a warning, not a failure).
    pub long_hint: Duration,
    /// How the profile authenticates (token checks follow it).
    pub auth: AuthKind,
    /// The collection and how to page it, for the description (`GET /items, follow "next"`).
    pub collection_hint: String,
}

/// Tokens in normal traffic live an hour, so a client that refreshes 60 s early (authlib)
/// still reuses them.
pub const NORMAL_TOKEN_LIFETIME: Duration = Duration::from_secs(3600);

impl Scenario {
    /// Normal traffic: the behaviour when nothing is armed, and the base of every scenario.
    pub fn normal(check_id: &'static str) -> Self {
        Self {
            check_id,
            token_lifetime: NORMAL_TOKEN_LIFETIME,
            pages: 3,
            page_size: 5,
            page_delay: Duration::ZERO,
            fault: Fault::None,
            extended_fields: false,
            // WISEflow's stated limits, the default questionnaire's provider; an API profile
            // states its own.
            rate_limit_per_minute: 5000,
            rate_limit_per_second: Some(200),
            whole_session: false,
            long_hint: Duration::from_secs(60),
            auth: AuthKind::OAuth2ClientCredentials,
            collection_hint: "GET /items, follow \"next\"".to_owned(),
        }
    }

    /// The scenario for a check id on `profile`: the same faults, on the profile's collection
    /// GETs, with its stated rate limit and auth kind. An API-key or static-token profile has
    /// no token to expire: `auth.refresh` serves normal traffic (its judge says "not
    /// applicable"), and `auth.token_reuse` refuses the key once to see the 401 path.
    pub fn for_profile(check_id: &str, profile: &Profile) -> Option<Self> {
        let mut s = Self::for_check(check_id)?;
        s.auth = profile.auth.kind;
        s.rate_limit_per_minute = profile.limit_per_minute;
        s.rate_limit_per_second = profile.limit_per_second;
        let c = profile.main_collection();
        s.collection_hint = format!("GET {}, {}", c.path, c.how_to_page());
        if !s.auth.has_tokens() {
            s.token_lifetime = NORMAL_TOKEN_LIFETIME;
            s.page_delay = Duration::ZERO;
            if s.check_id == CheckId::AuthTokenReuse.as_str() {
                s.fault = Fault::RejectKey { nth: 2 };
            }
        }
        Some(s)
    }

    /// The scenario for a check id of the `api` family, or `None` for any other id.
    pub fn for_check(check_id: &str) -> Option<Self> {
        CheckId::parse(check_id).and_then(Self::of)
    }

    /// The scenario of an `api` check (its descriptor's), `None` for a webhook check.
    pub fn of(id: CheckId) -> Option<Self> {
        match id.descriptor().run {
            Run::Api { scenario, .. } => Some(scenario(Self::normal(id.as_str()))),
            Run::Webhook(_) | Run::Fallback | Run::Record => None,
        }
    }

    /// Items in the collection: the last page is partial so "page size" guesses go wrong.
    pub fn total_items(&self) -> u32 {
        (self.pages.saturating_sub(1) * self.page_size + (self.page_size / 2).max(1)).max(1)
    }

    /// One sentence for the reviewer and the partner: what the API will do.
    pub fn describe(&self) -> String {
        let what = match &self.fault {
            Fault::None if self.check_id == CheckId::AuthRefresh.as_str() && !self.auth.has_tokens() => {
                format!(
                    "normal traffic; the profile authenticates with {} (no token expires)",
                    self.auth.as_str()
                )
            }
            Fault::None if self.check_id == CheckId::AuthRefresh.as_str() => format!(
                "tokens live {} s and each page takes {} ms, so the run crosses expiry; an expired token gets 401",
                self.token_lifetime.as_secs(),
                self.page_delay.as_millis()
            ),
            Fault::None if self.extended_fields => {
                "responses carry new fields in a shuffled order".to_owned()
            }
            Fault::None => format!("normal traffic; tokens live {} s", self.token_lifetime.as_secs()),
            Fault::RateLimit { secs, date_secs } => format!(
                "the first try at page 1 gets 429 with Retry-After: {secs} (seconds), the first at page 2 gets 429 with Retry-After as an HTTP date about {date_secs} s ahead"
            ),
            Fault::Burst { statuses, bursts } => format!(
                "{bursts} {}: {} GETs fail ({}), then one succeeds",
                if *bursts == 1 { "burst" } else { "bursts" },
                statuses.len(),
                statuses.iter().map(u16::to_string).collect::<Vec<_>>().join(", ")
            ),
            Fault::Persistent { status } => format!("every GET fails with {status}, for good"),
            Fault::Maintenance { window } => format!(
                "a {} s maintenance window of 503 + Retry-After starts at the first GET",
                window.as_secs()
            ),
            Fault::RejectKey { nth } => format!("call {nth} gets 401 for its key, once; keys never expire"),
        };
        let per_second = match self.rate_limit_per_second {
            Some(n) => format!(", {n} per second"),
            None => String::new(),
        };
        format!(
            "{}: {what}. The collection has {} pages ({}); limit {} requests per minute{per_second}.",
            self.check_id, self.pages, self.collection_hint, self.rate_limit_per_minute
        )
    }

    /// Whether the traffic under this scenario is the cockpit's doing rather than the client's
    /// own pace: retries of the failures it injects, waits it asks for, tokens it makes expire.
    /// `polling.rate` does not count such traffic against the stated limits.
    pub fn provokes_traffic(&self) -> bool {
        self.fault != Fault::None || self.token_lifetime < NORMAL_TOKEN_LIFETIME
    }
}

/// How long one headless run of a scenario may take by default. A client facing a failure
/// that never ends needs time to give up *and* then be seen quiet: go-retryablehttp's stock
/// policy (RetryMax 4, waits 1, 2, 4, 8 s) retries for 15 s and then needs 16 s of quiet
/// (twice its longest gap) before `retry.limit` can call it stopped; got's stock doubling
/// from 1 s is shorter. 45 s covers both with room for the token request and a slow start. The
/// headless runner ends such a run once it has seen three times the longest gap of quiet
/// (24 s here, 39 s in all, still inside 45 s; a run cut at 45 s is judged on the 16 s
/// anyway), so a client that exits
/// or settles early does not wait the whole time.
pub fn default_run_timeout(fault: &Fault) -> Duration {
    match fault {
        Fault::Persistent { .. } => Duration::from_secs(45),
        _ => Duration::from_secs(20),
    }
}

/// The check ids that have a scenario, in registry order.
pub fn scenario_ids() -> Vec<&'static str> {
    CheckId::ALL.iter().filter(|c| Scenario::of(**c).is_some()).map(|c| c.as_str()).collect()
}

// The scenarios the registry names, each from normal traffic (`base`).

/// Normal traffic, unchanged: the check judges ordinary behaviour.
pub(crate) fn unchanged(base: Scenario) -> Scenario {
    base
}

/// Tokens live 2 s and each of 4 pages takes 700 ms, so the run crosses expiry.
pub(crate) fn expiring_tokens(base: Scenario) -> Scenario {
    Scenario {
        token_lifetime: Duration::from_secs(2),
        pages: 4,
        page_delay: Duration::from_millis(700),
        ..base
    }
}

/// 429 with Retry-After on the first try at pages 1 (seconds) and 2 (HTTP date).
pub(crate) fn rate_limited(base: Scenario) -> Scenario {
    Scenario { fault: Fault::RateLimit { secs: 1, date_secs: 2 }, ..base }
}

/// Three bursts of five 5xx, each ended by one success, then recovery.
pub(crate) fn error_burst(base: Scenario) -> Scenario {
    Scenario { fault: Fault::Burst { statuses: vec![503, 500, 503, 500, 503], bursts: 3 }, ..base }
}

/// Normal traffic, judged over the whole session's traffic (`polling.rate`): run last.
pub(crate) fn whole_session(base: Scenario) -> Scenario {
    Scenario { whole_session: true, ..base }
}

/// Every GET fails with 503, for good.
pub(crate) fn persistent_failure(base: Scenario) -> Scenario {
    Scenario { fault: Fault::Persistent { status: 503 }, ..base }
}

/// Four pages instead of three.
pub(crate) fn four_pages(base: Scenario) -> Scenario {
    Scenario { pages: 4, ..base }
}

/// New fields, in a shuffled order.
pub(crate) fn extended_fields(base: Scenario) -> Scenario {
    Scenario { extended_fields: true, ..base }
}

/// A 2 s window of 503 + Retry-After from the first GET.
pub(crate) fn maintenance_window(base: Scenario) -> Scenario {
    Scenario { fault: Fault::Maintenance { window: Duration::from_secs(2) }, ..base }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_api_check_has_a_scenario() {
        let ids = scenario_ids();
        assert_eq!(ids.len(), 11);
        assert!(Scenario::for_check("webhook.delivery").is_none());
        assert!(Scenario::for_check("nope").is_none());
        let s = Scenario::for_check("pagination.complete").expect("scenario");
        assert_eq!(s.total_items(), 17);
        assert!(s.describe().contains("4 pages"));
    }

    /// `polling.rate` judges the profile's stated limits: WISEflow's 5,000 a minute and 200 a
    /// second; the generic profile's 120 a minute and no per-second limit.
    #[test]
    fn rate_limits_come_from_the_profile() {
        use super::super::profile::{builtin, generic};
        let wiseflow = builtin("uniwise-wiseflow").expect("wiseflow");
        let s = Scenario::for_profile("polling.rate", &wiseflow).expect("scenario");
        assert_eq!((s.rate_limit_per_minute, s.rate_limit_per_second), (5000, Some(200)));
        assert!(s.describe().contains("limit 5000 requests per minute, 200 per second"), "{}", s.describe());
        let s = Scenario::for_profile("polling.rate", &generic()).expect("scenario");
        assert_eq!((s.rate_limit_per_minute, s.rate_limit_per_second), (120, None));
        assert!(s.describe().ends_with("limit 120 requests per minute."), "{}", s.describe());
    }
}
