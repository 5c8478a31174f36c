//! The check catalogue from PRODUCT.md. Ids are stable: questionnaires link to them and the
//! dossier files evidence under them, so an id never changes meaning once shipped.

/// Which side of the integration a check exercises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CheckFamily {
    /// The cockpit sends to the partner's webhook listener.
    Webhook,
    /// The partner's client calls the cockpit's evidence API.
    Api,
}

/// One entry of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckInfo {
    pub id: &'static str,
    pub family: CheckFamily,
    /// Short title for lists.
    pub title: &'static str,
    /// The bar for a pass, in plain words (shown to the reviewer and in reports).
    pub pass_when: &'static str,
}

const fn w(id: &'static str, title: &'static str, pass_when: &'static str) -> CheckInfo {
    CheckInfo { id, family: CheckFamily::Webhook, title, pass_when }
}

const fn a(id: &'static str, title: &'static str, pass_when: &'static str) -> CheckInfo {
    CheckInfo { id, family: CheckFamily::Api, title, pass_when }
}

/// Every check the cockpit implements, in display order.
pub const CATALOGUE: &[CheckInfo] = &[
    w("webhook.delivery", "Signed sample event delivered", "2xx within the deadline (15 s default)"),
    w(
        "webhook.signature",
        "Bad signatures rejected",
        "forged, missing, wrong-secret and tampered deliveries are rejected (4xx) while the genuine one is accepted",
    ),
    w(
        "webhook.replay",
        "Stale timestamps rejected",
        "a correctly signed delivery with a timestamp outside the tolerance is rejected",
    ),
    w(
        "webhook.duplicate",
        "Duplicate events acknowledged",
        "the same event id delivered twice is acknowledged both times, neither 5xx",
    ),
    w(
        "webhook.ordering",
        "Out-of-order events acknowledged",
        "events delivered out of sequence order are all acknowledged",
    ),
    w(
        "webhook.deadline",
        "Deliveries inside the deadline",
        "every one of N deliveries is answered inside the deadline",
    ),
    a(
        "auth.refresh",
        "Expired tokens renewed",
        "the client gets a new token (refresh or re-grant, proactive or after the 401) and carries on",
    ),
    a(
        "auth.token_reuse",
        "Valid tokens reused",
        "the client reuses a valid token instead of asking for one per call",
    ),
    a("headers.client_name", "X-Client-Name sent", "every request carries a non-empty, stable X-Client-Name"),
    a(
        "ratelimit.retry_after",
        "Retry-After respected",
        "after a 429 with Retry-After: N the next attempt comes no sooner than N s",
    ),
    a(
        "retry.backoff",
        "Exponential backoff",
        "the client retries a burst of 5xx and the gaps between attempts grow",
    ),
    a(
        "retry.limit",
        "Bounded retries",
        "the client gives up on a persistent failure after a bounded number of attempts",
    ),
    a("pagination.complete", "All pages fetched", "every page fetched once, and no request past the last"),
    a(
        "compat.unknown_fields",
        "Unknown fields tolerated",
        "new and reordered fields in responses do not break the client",
    ),
    a(
        "resilience.maintenance",
        "Maintenance window survived",
        "the client backs off during a 503 + Retry-After window and resumes after it",
    ),
    a("polling.rate", "Polling rate", "the request rate is recorded and stays under the stated limit"),
    a("trace.echo", "Trace ids findable", "the partner finds a served X-Trace-Id in their logs"),
];

/// Looks a check up by id.
pub fn check_info(id: &str) -> Option<&'static CheckInfo> {
    CATALOGUE.iter().find(|c| c.id == id)
}

/// Whether `id` names a check in the catalogue.
pub fn is_known_check(id: &str) -> bool {
    check_info(id).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_namespaced() {
        let mut ids: Vec<_> = CATALOGUE.iter().map(|c| c.id).collect();
        ids.sort_unstable();
        let before = ids.len();
        ids.dedup();
        assert_eq!(before, ids.len(), "duplicate check id");
        for c in CATALOGUE {
            assert!(c.id.contains('.'), "{} has no namespace", c.id);
            let webhook = c.id.starts_with("webhook.");
            assert_eq!(webhook, c.family == CheckFamily::Webhook, "{}", c.id);
        }
        assert!(is_known_check("ratelimit.retry_after"));
        assert!(!is_known_check("ratelimit.nope"));
    }
}
