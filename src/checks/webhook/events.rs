//! Realistic sample events, one per provider, embedded in the binary, or the reviewer's own
//! (`--event FILE`). Each is a JSON template with `{{event_id}}`, `{{sequence}}`,
//! `{{occurred_at}}` and `{{status}}` filled in per delivery, so duplicates share an id and the
//! ordering check can send sequence numbers out of order.
//!
//! The shapes follow what each provider's documentation (as quoted in its questionnaire)
//! states: OkHi's `v2.*` fields, Okendo's review events with `sequenceNumber`, WISEflow's unique
//! event id and per-event sequence number (the other WISEflow field names are illustrative),
//! and a Stripe event object for the Stripe-style scheme.

use std::fmt;
use std::str::FromStr;

use super::Scheme;

/// Which sample event is delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SampleEvent {
    /// OkHi: an address verification status change (seed 001).
    OkhiAddressVerification,
    /// Okendo: a review event with `sequenceNumber` (seed 003), signed with Standard Webhooks.
    OkendoReview,
    /// UNIwise WISEflow: a flow event with its unique id and per-event `sequenceNumber`.
    WiseflowFlow,
    /// Stripe: an `event` object wrapping a payment intent (for `timestamped-hmac-sha256`).
    StripeEvent,
    /// A provider-neutral order status change.
    Generic,
}

impl SampleEvent {
    pub const ALL: [SampleEvent; 5] = [
        SampleEvent::OkhiAddressVerification,
        SampleEvent::OkendoReview,
        SampleEvent::WiseflowFlow,
        SampleEvent::StripeEvent,
        SampleEvent::Generic,
    ];

    /// The event a provider using `scheme` would send: Okendo signs with Standard Webhooks,
    /// OkHi uses a static header, and GitHub-style HMAC gets the generic one.
    pub fn for_scheme(scheme: Scheme) -> Self {
        match scheme {
            Scheme::StandardWebhooks => SampleEvent::OkendoReview,
            Scheme::StaticHeader => SampleEvent::OkhiAddressVerification,
            Scheme::TimestampedHmacSha256 => SampleEvent::StripeEvent,
            Scheme::HmacSha256 => SampleEvent::Generic,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SampleEvent::OkhiAddressVerification => "okhi-address-verification",
            SampleEvent::OkendoReview => "okendo-review",
            SampleEvent::WiseflowFlow => "wiseflow-flow",
            SampleEvent::StripeEvent => "stripe-event",
            SampleEvent::Generic => "generic",
        }
    }

    fn template(self) -> &'static str {
        match self {
            SampleEvent::OkhiAddressVerification => {
                include_str!("../../../assets/events/okhi_address_verification.json")
            }
            SampleEvent::OkendoReview => include_str!("../../../assets/events/okendo_review.json"),
            SampleEvent::WiseflowFlow => include_str!("../../../assets/events/wiseflow_flow_event.json"),
            SampleEvent::StripeEvent => include_str!("../../../assets/events/stripe_event.json"),
            SampleEvent::Generic => include_str!("../../../assets/events/generic.json"),
        }
    }

    /// The status a resource has at step `step` (0-based) of its life, so out-of-order
    /// deliveries really describe an older state arriving after a newer one.
    fn status(self, step: u64) -> &'static str {
        let steps: &[&str] = match self {
            SampleEvent::OkhiAddressVerification => &["pending", "in_progress", "verified"],
            SampleEvent::OkendoReview => &["pending", "approved", "published"],
            SampleEvent::WiseflowFlow => &["draft", "submitted", "graded"],
            SampleEvent::StripeEvent => &["created", "processing", "succeeded"],
            SampleEvent::Generic => &["created", "paid", "shipped"],
        };
        steps[usize::try_from(step).unwrap_or(usize::MAX).min(steps.len() - 1)]
    }

    /// The body for one delivery. `step` picks the resource state (see [`Self::status`]).
    pub fn render(self, event_id: &str, sequence: u64, step: u64, occurred_at: &str) -> String {
        fill(self.template(), event_id, sequence, occurred_at, self.status(step))
    }
}

/// The event a run delivers: a built-in sample or the reviewer's own template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Sample(SampleEvent),
    /// A JSON template read from a file (`--event FILE`), placeholders as in the samples.
    File {
        path: String,
        template: String,
    },
}

/// Why an event file cannot be used: what and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    #[error("{0}")]
    Unknown(String),
    #[error("cannot read the event file {path}: {reason}")]
    Read { path: String, reason: String },
    #[error(
        "the event file {path} is not valid JSON once its placeholders are filled in (line {line}, column {column}: {reason}); write one JSON object, with {{{{event_id}}}}, {{{{sequence}}}}, {{{{occurred_at}}}} or {{{{status}}}} where the provider puts them"
    )]
    NotJson { path: String, line: usize, column: usize, reason: String },
    #[error("the event file {path} holds JSON but not an object (a provider sends one object per event)")]
    NotObject { path: String },
}

/// The steps a custom event's `{{status}}` goes through.
const FILE_STEPS: [&str; 3] = ["created", "updated", "completed"];

impl Event {
    /// A built-in sample by name, or else the JSON template in the file at `arg`, validated by
    /// rendering it once.
    pub fn from_arg(arg: &str) -> Result<Self, EventError> {
        if let Ok(sample) = arg.parse::<SampleEvent>() {
            return Ok(Event::Sample(sample));
        }
        let path = std::path::Path::new(arg);
        if !path.exists() {
            return Err(EventError::Unknown(format!(
                "--event: '{arg}' is neither a sample (okhi-address-verification, okendo-review, wiseflow-flow, stripe-event, generic) nor a file"
            )));
        }
        let template = crate::files::read_regular_text(path, crate::files::MAX_CONFIG_BYTES)
            .map_err(|e| EventError::Read { path: arg.to_owned(), reason: e.to_string() })?;
        let event = Event::File { path: arg.to_owned(), template };
        let body = event.render("msg_check", 1, 0, "2026-01-01T00:00:00.000Z");
        match serde_json::from_str::<serde_json::Value>(&body) {
            Ok(v) if v.is_object() => Ok(event),
            Ok(_) => Err(EventError::NotObject { path: arg.to_owned() }),
            Err(e) => Err(EventError::NotJson {
                path: arg.to_owned(),
                line: e.line(),
                column: e.column(),
                reason: e.to_string().split(" at line").next().unwrap_or_default().to_owned(),
            }),
        }
    }

    /// The body for one delivery (see [`SampleEvent::render`]).
    pub fn render(&self, event_id: &str, sequence: u64, step: u64, occurred_at: &str) -> String {
        match self {
            Event::Sample(s) => s.render(event_id, sequence, step, occurred_at),
            Event::File { template, .. } => {
                let status =
                    FILE_STEPS[usize::try_from(step).unwrap_or(usize::MAX).min(FILE_STEPS.len() - 1)];
                fill(template, event_id, sequence, occurred_at, status)
            }
        }
    }

    /// The sample's name, or the file's path.
    pub fn name(&self) -> &str {
        match self {
            Event::Sample(s) => s.as_str(),
            Event::File { path, .. } => path,
        }
    }
}

fn fill(template: &str, event_id: &str, sequence: u64, occurred_at: &str, status: &str) -> String {
    template
        .replace("{{event_id}}", event_id)
        .replace("{{sequence}}", &sequence.to_string())
        .replace("{{occurred_at}}", occurred_at)
        .replace("{{status}}", status)
}

impl fmt::Display for SampleEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SampleEvent {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SampleEvent::ALL.into_iter().find(|e| e.as_str() == s).ok_or_else(|| {
            format!(
                "unknown sample event '{s}' (expected okhi-address-verification, okendo-review, wiseflow-flow, stripe-event, generic, or the path of a JSON file)"
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_renders_to_valid_json_with_its_fields() {
        for e in SampleEvent::ALL {
            let body = e.render("msg_abc", 42, 1, "2026-11-22T10:00:00Z");
            let v: serde_json::Value = serde_json::from_str(&body).unwrap_or_else(|err| panic!("{e}: {err}"));
            assert!(!body.contains("{{"), "{e}: unfilled placeholder");
            assert!(body.contains("msg_abc") && body.contains("42"), "{e}");
            assert!(v.is_object());
        }
        let okendo = SampleEvent::OkendoReview.render("m", 7, 0, "t");
        let v: serde_json::Value = serde_json::from_str(&okendo).expect("json");
        assert_eq!(v["sequenceNumber"], 7);
        let okhi = SampleEvent::OkhiAddressVerification.render("m", 7, 2, "t");
        let v: serde_json::Value = serde_json::from_str(&okhi).expect("json");
        assert_eq!(v["v2"]["verification_status"], "verified");
        let wf: serde_json::Value =
            serde_json::from_str(&SampleEvent::WiseflowFlow.render("m", 9, 1, "t")).expect("json");
        assert_eq!((wf["id"].as_str(), wf["sequenceNumber"].as_u64()), (Some("m"), Some(9)));
        let st: serde_json::Value =
            serde_json::from_str(&SampleEvent::StripeEvent.render("evt_1", 9, 2, "t")).expect("json");
        assert_eq!(
            (st["object"].as_str(), st["type"].as_str()),
            (Some("event"), Some("payment_intent.succeeded"))
        );
    }

    #[test]
    fn an_event_file_is_checked_up_front_and_errors_say_where() {
        let dir = tempfile::tempdir().expect("tempdir");
        let good = dir.path().join("good.json");
        std::fs::write(&good, r#"{"eventId": "{{event_id}}", "seq": {{sequence}}, "state": "{{status}}"}"#)
            .expect("write");
        let e = Event::from_arg(good.to_str().expect("utf-8")).expect("loads");
        let body: serde_json::Value = serde_json::from_str(&e.render("msg_7", 3, 2, "t")).expect("json");
        assert_eq!((body["eventId"].as_str(), body["seq"].as_u64()), (Some("msg_7"), Some(3)));
        assert_eq!(body["state"], "completed");
        let bad = dir.path().join("bad.json");
        std::fs::write(&bad, "{\n  \"a\": 1,\n  \"b\": }\n").expect("write");
        let err = Event::from_arg(bad.to_str().expect("utf-8")).expect_err("bad").to_string();
        assert!(err.contains("bad.json") && err.contains("line 3, column"), "{err}");
        let list = dir.path().join("list.json");
        std::fs::write(&list, "[1]").expect("write");
        assert!(matches!(Event::from_arg(list.to_str().expect("utf-8")), Err(EventError::NotObject { .. })));
        assert!(
            Event::from_arg("no-such-sample").expect_err("unknown").to_string().contains("neither a sample")
        );
        assert_eq!(Event::from_arg("wiseflow-flow"), Ok(Event::Sample(SampleEvent::WiseflowFlow)));
    }
}
