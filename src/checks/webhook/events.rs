//! Realistic sample events, one per provider family, embedded in the binary. Each is a JSON
//! template with `{{event_id}}`, `{{sequence}}`, `{{occurred_at}}` and `{{status}}` filled in
//! per delivery, so duplicates share an id and the ordering check can send sequence numbers
//! out of order.

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
    /// A provider-neutral order status change.
    Generic,
}

impl SampleEvent {
    pub const ALL: [SampleEvent; 3] =
        [SampleEvent::OkhiAddressVerification, SampleEvent::OkendoReview, SampleEvent::Generic];

    /// The event a provider using `scheme` would send: Okendo signs with Standard Webhooks,
    /// OkHi uses a static header, and GitHub-style HMAC gets the generic one.
    pub fn for_scheme(scheme: Scheme) -> Self {
        match scheme {
            Scheme::StandardWebhooks => SampleEvent::OkendoReview,
            Scheme::StaticHeader => SampleEvent::OkhiAddressVerification,
            Scheme::HmacSha256 | Scheme::TimestampedHmacSha256 => SampleEvent::Generic,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SampleEvent::OkhiAddressVerification => "okhi-address-verification",
            SampleEvent::OkendoReview => "okendo-review",
            SampleEvent::Generic => "generic",
        }
    }

    fn template(self) -> &'static str {
        match self {
            SampleEvent::OkhiAddressVerification => {
                include_str!("../../../assets/events/okhi_address_verification.json")
            }
            SampleEvent::OkendoReview => include_str!("../../../assets/events/okendo_review.json"),
            SampleEvent::Generic => include_str!("../../../assets/events/generic.json"),
        }
    }

    /// The status a resource has at step `step` (0-based) of its life, so out-of-order
    /// deliveries really describe an older state arriving after a newer one.
    fn status(self, step: u64) -> &'static str {
        let steps: &[&str] = match self {
            SampleEvent::OkhiAddressVerification => &["pending", "in_progress", "verified"],
            SampleEvent::OkendoReview => &["pending", "approved", "published"],
            SampleEvent::Generic => &["created", "paid", "shipped"],
        };
        steps[usize::try_from(step).unwrap_or(usize::MAX).min(steps.len() - 1)]
    }

    /// The body for one delivery. `step` picks the resource state (see [`Self::status`]).
    pub fn render(self, event_id: &str, sequence: u64, step: u64, occurred_at: &str) -> String {
        self.template()
            .replace("{{event_id}}", event_id)
            .replace("{{sequence}}", &sequence.to_string())
            .replace("{{occurred_at}}", occurred_at)
            .replace("{{status}}", self.status(step))
    }
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
                "unknown sample event '{s}' (expected okhi-address-verification, okendo-review or generic)"
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
    }
}
