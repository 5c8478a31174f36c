//! The I/O: one POST per delivery with reqwest, bounded by the deadline, never following a
//! redirect, reading at most a few KiB of the answer. Every failure becomes an [`Outcome`]
//! with its reason; nothing here panics or waits past the deadline.

use std::time::{Duration, Instant};

use reqwest::header::LOCATION;
use reqwest::{Client, Url, redirect};

use super::observe::{Case, Observation, Outcome};
use super::signing::Wire;

/// At most this much of an answer's body is read (a listener may answer with megabytes).
pub const MAX_BODY: usize = 4096;

/// Sends deliveries to one listener.
#[derive(Debug, Clone)]
pub struct Sender {
    client: Client,
    url: Url,
    deadline: Duration,
}

impl Sender {
    pub fn new(url: Url, deadline: Duration) -> Result<Self, reqwest::Error> {
        let mut builder = Client::builder()
            .redirect(redirect::Policy::none())
            .connect_timeout(deadline)
            .timeout(deadline)
            .user_agent(concat!("certcockpit/", env!("CARGO_PKG_VERSION"), " (webhook check)"));
        // A proxy from the environment cannot reach this machine's loopback; go direct.
        if is_loopback(&url) {
            builder = builder.no_proxy();
        }
        let client = builder.build()?;
        Ok(Self { client, url, deadline })
    }

    /// Delivers `wire` and observes the answer. The deadline covers connecting, sending and
    /// the status line; the body gets whatever time remains (a body that stalls after the
    /// status arrived is cut off, the status still counts).
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
        let body = tokio::time::timeout(remaining, read_capped(resp)).await.unwrap_or_default();
        let detail = match location {
            Some(loc) if (300..400).contains(&status) => one_line(&loc),
            _ if (200..300).contains(&status) => String::new(),
            // Kept whole (up to MAX_BODY) so the secret can be redacted before it is shortened.
            _ => one_line(&String::from_utf8_lossy(&body)),
        };
        Observation::new(case, Outcome::Answered { status, detail }, latency)
    }
}

fn is_loopback(url: &Url) -> bool {
    let host = url.host_str().unwrap_or_default().trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

async fn read_capped(mut resp: reqwest::Response) -> Vec<u8> {
    let mut buf = Vec::new();
    while buf.len() < MAX_BODY {
        match resp.chunk().await {
            Ok(Some(chunk)) => buf.extend_from_slice(&chunk),
            _ => break,
        }
    }
    buf.truncate(MAX_BODY);
    buf
}

/// One line of printable text.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").chars().filter(|c| !c.is_control()).collect()
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
    }
}
