//! The I/O: one POST per delivery with reqwest, bounded by the deadline, never following a
//! redirect, keeping at most a few KiB of the answer. Every failure becomes an [`Outcome`]
//! with its reason; nothing here panics or waits past the deadline.
//!
//! An answer counts only when it is complete: its body must end within the deadline and
//! within [`MAX_DRAIN`] bytes. A status followed by a body that stalls, breaks off or never
//! ends is what a provider logs as a failed delivery, and a listener that streams without end
//! must not cost the cockpit more than a bounded read.

use std::time::{Duration, Instant};

use reqwest::header::LOCATION;
use reqwest::{Certificate, Client, Url, redirect};

use super::observe::{Case, Observation, Outcome};
use super::signing::Wire;
use super::trust::TrustedCa;

/// At most this much of an answer's body is kept (for the observation's detail).
pub const MAX_BODY: usize = 4096;
/// At most this much of an answer's body is read; a body that goes on is cut off there and the
/// answer is not counted (an acknowledgement is a few bytes; an error page well under this).
pub const MAX_DRAIN: usize = 1024 * 1024;

/// Sends deliveries to one listener.
#[derive(Debug, Clone)]
pub struct Sender {
    client: Client,
    url: Url,
    deadline: Duration,
}

impl Sender {
    /// A sender to `url`, trusting `ca` beside the system's roots when one is given.
    pub fn new(url: Url, deadline: Duration, ca: Option<&TrustedCa>) -> Result<Self, reqwest::Error> {
        let mut builder = Client::builder()
            .redirect(redirect::Policy::none())
            .connect_timeout(deadline)
            .timeout(deadline)
            .user_agent(concat!("certcockpit/", env!("CARGO_PKG_VERSION"), " (webhook check)"));
        if let Some(ca) = ca {
            let certs: Result<Vec<_>, _> =
                ca.certs.iter().map(|c| Certificate::from_der(c.as_ref())).collect();
            builder = builder.tls_certs_merge(certs?);
        }
        // A proxy from the environment cannot reach this machine's loopback; go direct.
        if is_loopback(&url) {
            builder = builder.no_proxy();
        }
        let client = builder.build()?;
        Ok(Self { client, url, deadline })
    }

    /// Delivers `wire` and observes the answer. The deadline covers connecting, sending and
    /// the status line; the body gets whatever time remains. The latency is the time to the
    /// status line; an answer whose body stalls, breaks off or exceeds [`MAX_DRAIN`] is
    /// [`Outcome::Broken`], with the time it took to find that out.
    pub async fn send(&self, case: Case, wire: Wire) -> Observation {
        let mut req = self.client.post(self.url.clone()).body(wire.body);
        for (name, value) in wire.headers {
            req = req.header(name, value);
        }
        let start = Instant::now();
        let resp = match tokio::time::timeout(self.deadline, req.send()).await {
            Err(_) => return Observation::new(case, Outcome::TimedOut, start.elapsed()),
            Ok(Err(e)) if e.is_timeout() => {
                return Observation::new(case, Outcome::TimedOut, start.elapsed());
            }
            // Connected and sent, but the answer was not HTTP, too large, or cut off.
            Ok(Err(e)) if e.is_request() && !e.is_connect() => {
                return Observation::new(case, Outcome::Broken(innermost(&e)), start.elapsed());
            }
            Ok(Err(e)) => {
                return Observation::new(
                    case,
                    Outcome::Unreachable(reason(&e, self.url.scheme() == "https")),
                    start.elapsed(),
                );
            }
            Ok(Ok(resp)) => resp,
        };
        let latency = start.elapsed();
        let status = resp.status().as_u16();
        let location = resp.headers().get(LOCATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let remaining = self.deadline.saturating_sub(latency);
        let stalled =
            || format!("the body stalled past the {} deadline", super::observe::secs(self.deadline));
        let body = match tokio::time::timeout(remaining, read_capped(resp)).await {
            Ok(Ok(body)) => body,
            Ok(Err(problem)) => {
                let problem = problem.unwrap_or_else(stalled);
                let why = format!("status {status} came in {} ms, then {problem}", millis(latency));
                return Observation::new(case, Outcome::Broken(why), start.elapsed());
            }
            Err(_) => {
                let why = format!("status {status} came in {} ms, then {}", millis(latency), stalled());
                return Observation::new(case, Outcome::Broken(why), start.elapsed());
            }
        };
        let detail = match location {
            Some(loc) if (300..400).contains(&status) => one_line(&loc),
            _ if (200..300).contains(&status) => String::new(),
            // Kept whole (up to MAX_BODY) so the secret can be redacted before it is shortened.
            _ => one_line(&String::from_utf8_lossy(&body)),
        };
        Observation::new(case, Outcome::Answered { status, detail }, latency)
    }
}

impl Sender {
    /// Asks the partner's side-effect observer how many times the event `id` was processed:
    /// `GET <observer>?id=<id>` -> `{"processed": N}`, bounded by the deadline and
    /// [`MAX_BODY`]. Every problem is a reason, never a panic.
    pub async fn processed(&self, observer: &Url, id: &str) -> Result<u64, String> {
        let mut url = observer.clone();
        url.query_pairs_mut().append_pair("id", id);
        let ask = async {
            let resp =
                self.client.get(url).send().await.map_err(|e| reason(&e, observer.scheme() == "https"))?;
            let status = resp.status().as_u16();
            let body = read_capped(resp).await.map_err(|p| p.unwrap_or_else(|| "the body stalled".into()))?;
            if status != 200 {
                return Err(format!("the observer answered {status}"));
            }
            let v: serde_json::Value = serde_json::from_slice(&body)
                .map_err(|e| format!("the observer's answer is not JSON ({e})"))?;
            v.get("processed")
                .and_then(serde_json::Value::as_u64)
                .ok_or_else(|| "the observer's answer has no \"processed\" count".to_owned())
        };
        match tokio::time::timeout(self.deadline, ask).await {
            Ok(r) => r,
            Err(_) => {
                Err(format!("the observer did not answer within {}", super::observe::secs(self.deadline)))
            }
        }
    }
}

/// Whether `url`'s host is this machine (`localhost`, `127.0.0.0/8`, `::1`, mapped too).
pub(super) fn is_loopback(url: &Url) -> bool {
    let host = url.host_str().unwrap_or_default().trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.to_canonical().is_loopback())
}

/// Reads the body to its end, keeping the first [`MAX_BODY`] bytes. Gives up, saying why, when
/// the body breaks off or goes past [`MAX_DRAIN`] (`Err(None)` when the client's own timeout
/// cut it); chunks are dropped as they are counted, so memory stays bounded whatever the
/// listener sends.
async fn read_capped(mut resp: reqwest::Response) -> Result<Vec<u8>, Option<String>> {
    let mut kept = Vec::new();
    let mut read = 0usize;
    loop {
        match resp.chunk().await {
            Ok(None) => return Ok(kept),
            Ok(Some(chunk)) => {
                read = read.saturating_add(chunk.len());
                if read > MAX_DRAIN {
                    return Err(Some(format!(
                        "the body went on past {} MiB and was cut off",
                        MAX_DRAIN >> 20
                    )));
                }
                let room = MAX_BODY.saturating_sub(kept.len());
                kept.extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
            Err(e) if e.is_timeout() => return Err(None),
            Err(e) => return Err(Some(format!("the body broke off ({})", innermost(&e)))),
        }
    }
}

fn millis(d: Duration) -> f64 {
    (d.as_secs_f64() * 10_000.0).round() / 10.0
}

/// The most specific cause in an error's chain (e.g. "invalid HTTP version parsed"), without
/// the URL reqwest puts in its own message.
fn innermost(e: &reqwest::Error) -> String {
    let mut last: Option<String> = None;
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(s) = source {
        let text = s.to_string();
        if !text.is_empty() {
            last = Some(text);
        }
        source = s.source();
    }
    last.unwrap_or_else(|| "the answer was cut off".to_owned())
}

/// One line: whitespace runs (line breaks included) collapsed to a space, and every other
/// control or invisible character shown escaped by the one neutralising function
/// ([`crate::text::neutralise`]), unbounded here (the body is already capped; the secret is
/// redacted from the whole before anything shortens it). Dropping them, as this once did,
/// hid what the listener sent (an `ESC ]52` is evidence) and could join `in\0valid` into
/// `invalid`.
fn one_line(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    crate::text::neutralise(&collapsed, usize::MAX).into_owned()
}

/// The reason a request failed, from reqwest's error chain (which ends in the OS or TLS error
/// that says what really happened), without the URL.
fn reason(e: &reqwest::Error, https: bool) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(s) = source {
        let text = s.to_string();
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    let has = |needle: &str| parts.iter().any(|p| p.contains(needle));
    let kind = if e.is_connect() && has("dns error") {
        "could not resolve the host"
    } else if e.is_connect() && !has("tcp connect error") && https {
        // Connected, but the handshake failed (certificate, protocol, plain HTTP on the port).
        "TLS handshake failed"
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_builder() {
        "could not build the request"
    } else if e.is_redirect() {
        "redirect"
    } else {
        "request failed"
    };
    // The innermost cause is the most specific (e.g. "Connection refused (os error 111)").
    match parts.last() {
        Some(last) => format!("{kind}: {last}"),
        None => kind.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::{Url, is_loopback, one_line};

    #[test]
    fn loopback_targets_bypass_proxies() {
        for (url, want) in [
            ("http://127.0.0.1:8080/h", true),
            ("http://[::1]/h", true),
            ("http://[::ffff:127.0.0.1]:8080/h", true),
            ("http://[::ffff:10.0.0.1]/h", false),
            ("http://LOCALHOST/h", true),
            ("https://partner.example/h", false),
            ("http://10.0.0.1/h", false),
        ] {
            assert_eq!(is_loopback(&Url::parse(url).expect("url")), want, "{url}");
        }
    }

    #[test]
    fn details_are_one_line() {
        assert_eq!(one_line("invalid\n  signature\r\n"), "invalid signature");
        assert_eq!(one_line("in\0valid \u{1b}]52;c;eA==\u{7}"), "in\\x00valid \\e]52;c;eA==\\x07");
        assert_eq!(one_line("pa\u{200b}ss \u{202e}x"), "pa<U+200B>ss <U+202E>x");
    }
}
