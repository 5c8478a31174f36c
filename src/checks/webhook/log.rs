//! A record of every delivery a webhook run sent, for the HAR file of a CI run (`--har`):
//! what was posted where, when, and what came back. Signature headers and the static header
//! carry the secret or are made from it, so their values are never recorded.

use std::sync::Mutex;

use chrono::{DateTime, Utc};

/// One delivery as sent and answered.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    /// The check it belongs to.
    pub check: &'static str,
    /// The case within the check (`genuine`, `forged`, `stale`, `timed_3`…), its scenario.
    pub case: String,
    pub url: String,
    pub started: DateTime<Utc>,
    /// The request headers; every value but the content type, `webhook-id` and
    /// `webhook-timestamp` reads `[redacted]`.
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// The status answered, `None` when there was no usable answer.
    pub status: Option<u16>,
    /// Time to the status line (or to giving up), in milliseconds.
    pub latency_ms: f64,
    /// The observation line: what happened, in words (already redacted).
    pub outcome: String,
}

/// The value recorded for a header that carries or is made from the secret.
pub const REDACTED: &str = "[redacted]";

/// Header values that hold nothing secret.
const PLAIN_HEADERS: [&str; 3] = ["content-type", "webhook-id", "webhook-timestamp"];

/// `headers` with every value that could hold the secret replaced by [`REDACTED`].
pub fn redact_headers(headers: &[(String, String)]) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            let plain = PLAIN_HEADERS.iter().any(|p| name.eq_ignore_ascii_case(p));
            (name.clone(), if plain { value.clone() } else { REDACTED.to_owned() })
        })
        .collect()
}

/// The deliveries of a run, in the order they were sent.
#[derive(Debug, Default)]
pub struct DeliveryLog(Mutex<Vec<Delivery>>);

impl DeliveryLog {
    pub fn push(&self, d: Delivery) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).push(d);
    }

    /// Everything recorded so far, oldest first.
    pub fn take(&self) -> Vec<Delivery> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_headers_keep_their_values() {
        let h = vec![
            ("content-type".to_owned(), "application/json".to_owned()),
            ("webhook-id".to_owned(), "msg_1".to_owned()),
            ("webhook-signature".to_owned(), "v1,abc".to_owned()),
            ("X-OkHi-Token".to_owned(), "the-secret".to_owned()),
        ];
        let r = redact_headers(&h);
        assert_eq!(r[1].1, "msg_1");
        assert_eq!(r[2].1, REDACTED);
        assert_eq!(r[3].1, REDACTED);
    }
}
