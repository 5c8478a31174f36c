//! The check registry: every check the cockpit implements, declared once. A [`CheckId`] names
//! a check; its [`Descriptor`] says everything the rest of the code needs to know about it
//! (family, title, pass bar, requirement sentence, how it runs and is judged, whether a person
//! judges it, whether it draws a retry timeline). Nothing outside this file matches a check by
//! its id string: callers parse the id ([`CheckId::parse`]) and read the descriptor.
//!
//! Ids are stable: questionnaires link to them and the dossier files evidence under them, so an
//! id never changes meaning once shipped. A [`CheckId`] serialises as its dotted string; an id
//! this build does not know (a dossier from a newer build) stays a plain string where it is
//! stored and reads as [`UNKNOWN_CHECK`].
//!
//! # Adding a check
//! 1. Add a line `Variant => "family.name",` to the `checks!` list below, where the check
//!    should appear in display and run order (webhook checks run in this order).
//! 2. `cargo check`: the compiler now stops at [`CheckId::descriptor`]; add the variant's arm
//!    with its title, pass bar and requirement sentence (starts with "The …", holds " must ").
//! 3. Say how it runs in `run`:
//!    - an evidence-API check: `Run::Api { scenario, judge }`, a scenario function in
//!      `api/scenario.rs` (what the API does while armed, from [`Scenario::normal`]) and a pure
//!      judge in `api/judges/` (`fn(&JudgeInput) -> CheckResult`);
//!    - a check spanning both families (it sends webhooks and watches the API): `Run::Fallback`
//!      is the one there is (`webhook.fallback`); a second would need its own `Run` kind;
//!    - a webhook check: `Run::Webhook(WebhookPlan::New)`: add the variant to
//!      [`WebhookPlan`] and the compiler then points at the places in `webhook/run.rs` that
//!      plan its deliveries and judge them.
//! 4. Set `person_judged` (a person gives the verdict, as for `trace.echo`) and
//!    `draws_timeline` (the evidence carries the retry timeline and the UI charts it).
//! 5. Link it from the questionnaires in `questionnaires/` that it gives evidence for, and run
//!    `cargo test --lib checks::registry`: the walk over every check tells what is missing.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::CheckResult;
use super::api::judges::{self, JudgeInput};
use super::api::scenario::{self, Scenario};
use super::webhook::WebhookPlan;

/// What an id this build does not know shows as (a dossier written by a newer build).
pub const UNKNOWN_CHECK: &str = "unknown check";

/// Which side of the integration a check exercises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CheckFamily {
    /// The cockpit sends to the partner's webhook listener.
    Webhook,
    /// The partner's client calls the cockpit's evidence API.
    Api,
}

/// How a check runs and who or what judges it.
#[derive(Clone, Copy)]
pub enum Run {
    /// The cockpit delivers events to the partner's listener, as the plan says.
    Webhook(WebhookPlan),
    /// The partner's client calls the evidence API while `scenario` is armed; `judge` reads
    /// the journal.
    Api { scenario: fn(Scenario) -> Scenario, judge: fn(&JudgeInput<'_>) -> CheckResult },
    /// Both families at once (`webhook.fallback`): the cockpit announces the evidence API's
    /// resources by webhook, withholds one event, and watches the API for the partner fetching
    /// it; judged by `webhook::fallback::judge` (it needs a webhook target and the API).
    Fallback,
    /// A record of the evidence API's whole run (no scenario is armed for it): filed after
    /// every headless run and with every judged run in the cockpit (`api.endpoints`).
    Record,
}

impl fmt::Debug for Run {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Run::Webhook(plan) => write!(f, "Webhook({plan:?})"),
            Run::Api { .. } => f.write_str("Api"),
            Run::Fallback => f.write_str("Fallback"),
            Run::Record => f.write_str("Record"),
        }
    }
}

/// Everything about one check.
#[derive(Debug, Clone, Copy)]
pub struct Descriptor {
    pub id: CheckId,
    /// Short title for lists.
    pub title: &'static str,
    /// The bar for a pass, in plain words (shown to the reviewer and in reports).
    pub pass_when: &'static str,
    /// The bar restated as a requirement on the partner's integration, in the words of the
    /// follow-up email's remediation list.
    pub requirement: &'static str,
    pub run: Run,
    /// A person gives the verdict (the reviewer marks what the partner found); the judge only
    /// records what was served.
    pub person_judged: bool,
    /// The evidence carries the retry timeline, so the TUI and the report chart it.
    pub draws_timeline: bool,
}

impl Descriptor {
    pub fn family(&self) -> CheckFamily {
        match self.run {
            // Listed with the webhook checks (its id and question are webhook ones).
            Run::Webhook(_) | Run::Fallback => CheckFamily::Webhook,
            Run::Api { .. } | Run::Record => CheckFamily::Api,
        }
    }
}

/// Declares the enum, its display order and its dotted strings in one list.
macro_rules! checks {
    ($($variant:ident => $id:literal,)*) => {
        /// A check this build implements. Serialises as its dotted id.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum CheckId {
            $(#[doc = $id] $variant,)*
        }

        impl CheckId {
            /// Every check, in display (and run) order.
            pub const ALL: &[CheckId] = &[$(CheckId::$variant,)*];

            /// The dotted id, as questionnaires and dossiers spell it.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(CheckId::$variant => $id,)*
                }
            }
        }
    };
}

checks! {
    WebhookDelivery => "webhook.delivery",
    WebhookSignature => "webhook.signature",
    WebhookRotation => "webhook.rotation",
    WebhookReplay => "webhook.replay",
    WebhookDuplicate => "webhook.duplicate",
    WebhookOrdering => "webhook.ordering",
    WebhookDeadline => "webhook.deadline",
    WebhookTransport => "webhook.transport",
    WebhookFallback => "webhook.fallback",
    AuthRefresh => "auth.refresh",
    AuthTokenReuse => "auth.token_reuse",
    HeadersClientName => "headers.client_name",
    RatelimitRetryAfter => "ratelimit.retry_after",
    RetryBackoff => "retry.backoff",
    RetryLimit => "retry.limit",
    PaginationComplete => "pagination.complete",
    CompatUnknownFields => "compat.unknown_fields",
    ResilienceMaintenance => "resilience.maintenance",
    PollingRate => "polling.rate",
    TraceEcho => "trace.echo",
    ApiEndpoints => "api.endpoints",
}

/// A webhook check: no scenario, the cockpit is the sender.
const fn webhook(
    id: CheckId,
    title: &'static str,
    pass_when: &'static str,
    requirement: &'static str,
    plan: WebhookPlan,
) -> Descriptor {
    Descriptor {
        id,
        title,
        pass_when,
        requirement,
        run: Run::Webhook(plan),
        person_judged: false,
        draws_timeline: false,
    }
}

/// An evidence-API check judged by its judge alone, without a timeline.
const fn api(
    id: CheckId,
    title: &'static str,
    pass_when: &'static str,
    requirement: &'static str,
    scenario: fn(Scenario) -> Scenario,
    judge: fn(&JudgeInput<'_>) -> CheckResult,
) -> Descriptor {
    Descriptor {
        id,
        title,
        pass_when,
        requirement,
        run: Run::Api { scenario, judge },
        person_judged: false,
        draws_timeline: false,
    }
}

/// An evidence-API check whose evidence carries the retry timeline.
const fn timed(d: Descriptor) -> Descriptor {
    Descriptor { draws_timeline: true, ..d }
}

impl CheckId {
    /// Everything about this check. The one exhaustive match a new check must fill in.
    pub fn descriptor(self) -> Descriptor {
        use CheckId as C;
        use WebhookPlan as W;
        match self {
            C::WebhookDelivery => webhook(
                self,
                "Signed sample event delivered",
                "2xx within the deadline (15 s default)",
                "The webhook listener must acknowledge a correctly signed event with a 2xx status within the delivery deadline (15 s unless agreed otherwise).",
                W::Delivery,
            ),
            C::WebhookSignature => webhook(
                self,
                "Bad signatures rejected",
                "forged, missing, wrong-secret and tampered deliveries are rejected (4xx) while the genuine one is accepted",
                "The webhook listener must reject with a 4xx status every request whose signature does not verify (forged, missing, made with the wrong secret, or over a tampered body), and accept the genuine one.",
                W::Signature,
            ),
            C::WebhookRotation => webhook(
                self,
                "Rotating secrets verified",
                "the valid signature is found first, in the middle or last among invalid ones, unknown versions are skipped, all-invalid headers are rejected",
                "The webhook listener must accept a delivery when any one of the signatures in its header verifies, wherever it stands, skip signatures of versions it does not know, and reject a header in which none verifies, so that deliveries keep arriving while the secret rotates.",
                W::Rotation,
            ),
            C::WebhookReplay => webhook(
                self,
                "Stale timestamps rejected",
                "a correctly signed delivery with a timestamp outside the tolerance is rejected",
                "The webhook listener must reject a correctly signed request whose timestamp is outside the tolerance, so that a captured delivery cannot be replayed.",
                W::Replay,
            ),
            C::WebhookDuplicate => webhook(
                self,
                "Duplicate events acknowledged",
                "the same event id delivered twice is acknowledged both times, neither 5xx",
                "The webhook listener must acknowledge an event delivered twice with the same id both times, never with a 5xx, and process it only once.",
                W::Duplicate,
            ),
            C::WebhookOrdering => webhook(
                self,
                "Out-of-order events acknowledged",
                "events delivered out of sequence order are all acknowledged",
                "The webhook listener must acknowledge events that arrive out of sequence order, and must not let an older event overwrite newer data.",
                W::Ordering,
            ),
            C::WebhookDeadline => webhook(
                self,
                "Deliveries inside the deadline",
                "every one of N deliveries is answered inside the deadline",
                "The webhook listener must answer every delivery inside the deadline; acknowledge receipt first and process the event asynchronously.",
                W::Deadline,
            ),
            C::WebhookTransport => webhook(
                self,
                "HTTPS with a valid certificate",
                "the URL is HTTPS over TLS 1.2 or 1.3, its certificate verifies and is not about to expire (30 days), and it answers without a redirect",
                "The webhook listener must be served over HTTPS (TLS 1.2 or 1.3) at the URL it registered, without redirects, with a certificate from a trusted CA that is valid for its host and renewed well before it expires (at least 30 days ahead).",
                W::Transport,
            ),
            C::WebhookFallback => Descriptor {
                id: self,
                title: "Missed events fetched",
                pass_when: "the resource of an announced event that was never delivered is fetched from the API within the window",
                requirement: "The integration must have a fallback for webhook events it never receives: notice the gap (sequence numbers, or a periodic re-sync) and fetch the missed data through the API.",
                run: Run::Fallback,
                person_judged: false,
                draws_timeline: false,
            },
            C::AuthRefresh => api(
                self,
                "Expired tokens renewed",
                "the client gets a new token (refresh or re-grant, proactive or after the 401) and carries on",
                "The client must obtain a new access token when its token expires (by refresh or a new grant, before expiry or after a 401 invalid_token response) and carry on with its work.",
                scenario::expiring_tokens,
                judges::auth::refresh,
            ),
            C::AuthTokenReuse => api(
                self,
                "Valid tokens reused",
                "the client reuses a valid token instead of asking for one per call",
                "The client must reuse a valid access token until it expires instead of requesting a new token for every call.",
                scenario::unchanged,
                judges::auth::token_reuse,
            ),
            C::HeadersClientName => api(
                self,
                "X-Client-Name sent",
                "every request carries a non-empty, stable X-Client-Name",
                "Every request must carry a non-empty X-Client-Name header that identifies the integration and stays the same across requests.",
                scenario::unchanged,
                judges::traffic::client_name,
            ),
            C::RatelimitRetryAfter => timed(api(
                self,
                "Retry-After respected",
                "after a 429 with Retry-After: N the next attempt comes no sooner than N s",
                "After a 429 response with a Retry-After header, the client must not send its next attempt before the indicated time (seconds or HTTP date) has passed.",
                scenario::rate_limited,
                judges::waits::retry_after,
            )),
            C::RetryBackoff => timed(api(
                self,
                "Exponential backoff",
                "the client retries a burst of 5xx and the gaps between attempts grow",
                "The client must retry transient server errors (5xx) with growing gaps between attempts (exponential backoff, jitter allowed), never at a constant interval.",
                scenario::error_burst,
                judges::retry::backoff,
            )),
            C::RetryLimit => timed(api(
                self,
                "Bounded retries",
                "the client gives up on a persistent failure after a bounded number of attempts",
                "The client must give up on a persistent failure after a bounded number of attempts and report the error.",
                scenario::persistent_failure,
                judges::retry::limit,
            )),
            C::PaginationComplete => api(
                self,
                "All pages fetched",
                "every page fetched once, and no request past the last",
                "The client must follow pagination to the last page, fetching every page exactly once and requesting nothing past the last page.",
                scenario::four_pages,
                judges::traffic::pagination,
            ),
            C::CompatUnknownFields => api(
                self,
                "Unknown fields tolerated",
                "new and reordered fields in responses do not break the client",
                "The client must tolerate new fields and a different field order in API responses without errors.",
                scenario::extended_fields,
                judges::traffic::unknown_fields,
            ),
            C::ResilienceMaintenance => timed(api(
                self,
                "Maintenance window survived",
                "the client backs off during a 503 + Retry-After window and resumes after it",
                "During a maintenance window (503 with Retry-After) the client must back off, and resume normal work once the window has ended.",
                scenario::maintenance_window,
                judges::waits::maintenance,
            )),
            C::PollingRate => api(
                self,
                "Polling rate",
                "the request rate is recorded and stays under the stated limit",
                "The client's request rate must stay under the agreed limit: poll at a reasonable interval, or on events, never in a tight loop.",
                scenario::whole_session,
                judges::traffic::polling_rate,
            ),
            C::TraceEcho => Descriptor {
                person_judged: true,
                ..api(
                    self,
                    "Trace ids findable",
                    "the partner finds a served X-Trace-Id in their logs",
                    "The integration must log the trace id returned with every response (X-Trace-Id, or request_id), so that a given request can be found in its logs.",
                    scenario::unchanged,
                    judges::traffic::trace_echo,
                )
            },
            C::ApiEndpoints => Descriptor {
                id: self,
                title: "Endpoints called",
                pass_when: "the method and path templates the client called are recorded, with counts",
                requirement: "The integration must call only the endpoints it declared: the endpoints it uses, as recorded, must match the list it gave.",
                run: Run::Record,
                person_judged: false,
                draws_timeline: false,
            },
        }
    }

    /// The check named by a dotted id, `None` for an id this build does not know.
    pub fn parse(id: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.as_str() == id)
    }

    /// The checks of one family, in display order.
    pub fn of_family(family: CheckFamily) -> impl Iterator<Item = CheckId> {
        Self::ALL.iter().copied().filter(move |c| c.family() == family)
    }

    pub fn family(self) -> CheckFamily {
        self.descriptor().family()
    }

    pub fn title(self) -> &'static str {
        self.descriptor().title
    }

    /// Whether a person gives this check's verdict.
    pub fn person_judged(self) -> bool {
        self.descriptor().person_judged
    }

    /// Whether this check's evidence carries the retry timeline.
    pub fn draws_timeline(self) -> bool {
        self.descriptor().draws_timeline
    }
}

/// Whether `id` names a check of this build.
pub fn is_known_check(id: &str) -> bool {
    CheckId::parse(id).is_some()
}

/// The family of the check `id` names, `None` when unknown.
pub fn family_of(id: &str) -> Option<CheckFamily> {
    CheckId::parse(id).map(CheckId::family)
}

/// The title of the check `id` names, or [`UNKNOWN_CHECK`].
pub fn title_of(id: &str) -> &'static str {
    CheckId::parse(id).map_or(UNKNOWN_CHECK, CheckId::title)
}

/// Whether `id` names a check a person judges (`trace.echo`).
pub fn is_person_judged(id: &str) -> bool {
    CheckId::parse(id).is_some_and(CheckId::person_judged)
}

/// Whether `id` names a check whose evidence carries the retry timeline.
pub fn draws_timeline(id: &str) -> bool {
    CheckId::parse(id).is_some_and(CheckId::draws_timeline)
}

impl fmt::Display for CheckId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An id this build does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown check '{0}' (known: {list})", list = CheckId::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", "))]
pub struct UnknownCheck(pub String);

impl FromStr for CheckId {
    type Err = UnknownCheck;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s).ok_or_else(|| UnknownCheck(s.to_owned()))
    }
}

impl From<CheckId> for String {
    fn from(id: CheckId) -> Self {
        id.as_str().to_owned()
    }
}

impl PartialEq<str> for CheckId {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for CheckId {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for CheckId {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl Serialize for CheckId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for CheckId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::{CheckResult, Verdict};
    use crate::dossier::Dossier;

    #[test]
    fn ids_are_unique_namespaced_and_parse_back() {
        let mut ids: Vec<_> = CheckId::ALL.iter().map(|c| c.as_str()).collect();
        ids.sort_unstable();
        let before = ids.len();
        ids.dedup();
        assert_eq!(before, ids.len(), "duplicate check id");
        for &c in CheckId::ALL {
            assert!(c.as_str().contains('.'), "{c} has no namespace");
            assert_eq!(c.as_str().starts_with("webhook."), c.family() == CheckFamily::Webhook, "{c}");
            assert_eq!(CheckId::parse(c.as_str()), Some(c));
            assert_eq!(c.as_str().parse::<CheckId>(), Ok(c));
        }
        assert!(is_known_check("ratelimit.retry_after"));
        assert!(!is_known_check("ratelimit.nope"));
        assert_eq!(title_of("future.check"), UNKNOWN_CHECK);
    }

    /// Every check has a descriptor that reads right, a requirement sentence, and a judge or a
    /// person; its id survives a trip through a saved dossier.
    #[test]
    fn every_check_is_fully_described_and_round_trips_through_the_dossier() {
        let t = chrono::Utc::now();
        let q = crate::questionnaire::load("uniwise-wiseflow").expect("builtin");
        let mut dossier = Dossier::new(&q);
        for &c in CheckId::ALL {
            let d = c.descriptor();
            assert_eq!(d.id, c);
            assert!(!d.title.is_empty() && !d.pass_when.is_empty(), "{c}");
            assert!(
                d.requirement.contains(" must ") && d.requirement.ends_with('.'),
                "{c}: {}",
                d.requirement
            );
            assert!(!d.requirement.contains(c.as_str()), "{c}: the requirement names the id");
            match d.run {
                Run::Webhook(_) | Run::Fallback => {
                    assert!(!d.person_judged && !d.draws_timeline, "{c}");
                    assert_eq!(Scenario::for_check(c.as_str()), None, "{c}: arms no scenario");
                }
                Run::Api { scenario, .. } => {
                    let s = scenario(Scenario::normal(c.as_str()));
                    assert_eq!(s.check_id, c.as_str(), "{c}: the scenario keeps its check");
                    assert_eq!(Scenario::for_check(c.as_str()), Some(s));
                }
                Run::Record => {
                    assert_eq!(Scenario::for_check(c.as_str()), None, "{c}: a record arms nothing")
                }
            }
            dossier.file_evidence(CheckResult::new(c, Verdict::Pass, "ok"), t);
        }
        assert_eq!(CheckId::ALL.iter().filter(|c| c.person_judged()).count(), 1, "only trace.echo");
        let text = dossier.to_toml().expect("serialises");
        let back: Dossier = toml::from_str(&text).expect("loads");
        let ids: Vec<Option<CheckId>> = back.evidence.iter().map(|e| CheckId::parse(&e.check)).collect();
        assert_eq!(ids, CheckId::ALL.iter().copied().map(Some).collect::<Vec<_>>());
        let json = serde_json::to_string(&CheckId::ALL).expect("json");
        let again: Vec<CheckId> = serde_json::from_str(&json).expect("json back");
        assert_eq!(again, CheckId::ALL);
        assert!(serde_json::from_str::<CheckId>("\"future.check\"").is_err());
    }

    /// A dossier from a newer build, with evidence for a check this build does not know:
    /// it loads, the record is kept as it was through a save, and it reads as unknown.
    #[test]
    fn an_unknown_check_in_a_dossier_loads_and_is_saved_unchanged() {
        let q = crate::questionnaire::load("uniwise-wiseflow").expect("builtin");
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("newer.toml");
        let future =
            CheckResult::new("future.check", Verdict::Fail, "from a newer build").figure("tries", 3usize);
        crate::dossier::update(&path, &q, |d| d.file_evidence(future, chrono::Utc::now()))
            .expect("first save");
        let loaded = crate::dossier::load(&path).expect("loads");
        let kept = loaded.evidence[0].clone();
        assert_eq!(kept.check, "future.check");
        assert_eq!(title_of(&kept.check), UNKNOWN_CHECK);
        let known = CheckResult::new(CheckId::RetryBackoff, Verdict::Pass, "grows");
        crate::dossier::update(&path, &q, |d| d.file_evidence(known, chrono::Utc::now()))
            .expect("second save");
        let back = crate::dossier::load(&path).expect("loads again");
        assert_eq!(back.evidence.len(), 2);
        assert_eq!(back.evidence[0], kept, "the unknown record is unchanged");
        assert_eq!(CheckId::parse(&back.evidence[1].check), Some(CheckId::RetryBackoff));
    }
}
