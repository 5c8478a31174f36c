//! Each check's bar (the catalogue's `pass_when`) restated as a requirement on the partner's
//! integration, in the words a follow-up email uses. Kept beside the report rather than in the
//! catalogue because it is report wording, not a property of the check.

use crate::checks::check_info;

/// The requirement a failed check shows the integration does not meet yet.
pub fn requirement(check: &str) -> String {
    let text = match check {
        "webhook.delivery" => {
            "The webhook listener must acknowledge a correctly signed event with a 2xx status within the delivery deadline (15 s unless agreed otherwise)."
        }
        "webhook.signature" => {
            "The webhook listener must reject with a 4xx status every request whose signature does not verify (forged, missing, made with the wrong secret, or over a tampered body), and accept the genuine one."
        }
        "webhook.replay" => {
            "The webhook listener must reject a correctly signed request whose timestamp is outside the tolerance, so that a captured delivery cannot be replayed."
        }
        "webhook.duplicate" => {
            "The webhook listener must acknowledge an event delivered twice with the same id both times, never with a 5xx, and process it only once."
        }
        "webhook.ordering" => {
            "The webhook listener must acknowledge events that arrive out of sequence order, and must not let an older event overwrite newer data."
        }
        "webhook.deadline" => {
            "The webhook listener must answer every delivery inside the deadline; acknowledge receipt first and process the event asynchronously."
        }
        "auth.refresh" => {
            "The client must obtain a new access token when its token expires (by refresh or a new grant, before expiry or after a 401 invalid_token response) and carry on with its work."
        }
        "auth.token_reuse" => {
            "The client must reuse a valid access token until it expires instead of requesting a new token for every call."
        }
        "headers.client_name" => {
            "Every request must carry a non-empty X-Client-Name header that identifies the integration and stays the same across requests."
        }
        "ratelimit.retry_after" => {
            "After a 429 response with a Retry-After header, the client must not send its next attempt before the indicated time (seconds or HTTP date) has passed."
        }
        "retry.backoff" => {
            "The client must retry transient server errors (5xx) with growing gaps between attempts (exponential backoff, jitter allowed), never at a constant interval."
        }
        "retry.limit" => {
            "The client must give up on a persistent failure after a bounded number of attempts and report the error."
        }
        "pagination.complete" => {
            "The client must follow pagination to the last page, fetching every page exactly once and requesting nothing past the last page."
        }
        "compat.unknown_fields" => {
            "The client must tolerate new fields and a different field order in API responses without errors."
        }
        "resilience.maintenance" => {
            "During a maintenance window (503 with Retry-After) the client must back off, and resume normal work once the window has ended."
        }
        "polling.rate" => {
            "The client's request rate must stay under the agreed limit: poll at a reasonable interval, or on events, never in a tight loop."
        }
        "trace.echo" => {
            "The integration must log the trace id returned with every response (X-Trace-Id, or request_id), so that a given request can be found in its logs."
        }
        other => {
            return match check_info(other) {
                Some(info) => format!("The integration must pass the {other} check: {}.", info.pass_when),
                None => format!("The integration must pass the {other} check."),
            };
        }
    };
    text.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::CATALOGUE;

    #[test]
    fn every_catalogue_check_has_its_own_requirement() {
        for c in CATALOGUE {
            let r = requirement(c.id);
            assert!(r.contains(" must "), "{}: {r}", c.id);
            assert!(!r.contains(c.id), "{} falls back to the generic wording: {r}", c.id);
        }
    }

    #[test]
    fn unknown_checks_still_read_as_requirements() {
        assert_eq!(requirement("future.check"), "The integration must pass the future.check check.");
    }
}
