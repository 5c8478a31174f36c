//! The demo API client: a small "sync job" that takes a token, then walks `GET /items` page by
//! page. It reads its target from the same environment variables `certcockpit check api --exec`
//! sets, so it is an ordinary client as far as the evidence API can tell.
//!
//! Good: sends a stable `X-Client-Name`, reuses its token until it expires (renewing just
//! before expiry or after a 401), retries 429 and 5xx on its GETs with capped exponential
//! backoff (100 ms doubling, capped at 5 s) and "equal jitter", never earlier than a
//! `Retry-After` hint, gives up after 6 attempts (5 retries, as urllib3's `Retry(total=5)`:
//! enough to outlast one of the `retry.backoff` scenario's bursts of five failures), and
//! follows `next` links to the last page.
//! Flawed: no `X-Client-Name`, a new token for every call, retries at a constant 200 ms
//! whatever the server says, and stops after the first page.

use std::time::{Duration, Instant, SystemTime};

use rand::Rng;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use serde::Deserialize;

use crate::checks::Secret;
use crate::checks::api::EvidenceApi;

/// Where the client goes and with which credentials.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub base_url: String,
    pub token_url: String,
    pub client_id: String,
    pub client_secret: Secret,
}

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("environment variable {0} is not set (run the demo client under `certcockpit check api --exec`)")]
    MissingEnv(&'static str),
    #[error("token request failed: {0}")]
    Token(String),
    #[error("GET {url} failed after {attempts} attempts: {reason}")]
    GaveUp { url: String, attempts: u32, reason: String },
    #[error("HTTP error: {0}")]
    Http(#[from] reqwest::Error),
}

impl ClientConfig {
    /// Reads `CERTCOCKPIT_BASE_URL`, `…_TOKEN_URL`, `…_CLIENT_ID`, `…_CLIENT_SECRET`.
    pub fn from_env() -> Result<Self, ClientError> {
        let var = |name: &'static str| std::env::var(name).map_err(|_| ClientError::MissingEnv(name));
        Ok(Self {
            base_url: var("CERTCOCKPIT_BASE_URL")?,
            token_url: var("CERTCOCKPIT_TOKEN_URL")?,
            client_id: var("CERTCOCKPIT_CLIENT_ID")?,
            client_secret: Secret::new(var("CERTCOCKPIT_CLIENT_SECRET")?),
        })
    }

    /// The addresses and credentials of an evidence API running in this process.
    pub fn for_api(api: &EvidenceApi) -> Self {
        let (client_id, secret) = api.credentials();
        Self {
            base_url: api.base_url().to_owned(),
            token_url: api.token_url(),
            client_id: client_id.to_owned(),
            client_secret: secret.clone(),
        }
    }
}

/// What one run did, for the person watching the demo.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientOutcome {
    pub pages: u32,
    pub items: u32,
    pub requests: u32,
}

/// The name the good client sends in `X-Client-Name`.
pub const CLIENT_NAME: &str = "certcockpit-demo-sync/1.0";
const MAX_ATTEMPTS: u32 = 6;
const BACKOFF_BASE: Duration = Duration::from_millis(100);
const BACKOFF_CAP: Duration = Duration::from_secs(5);
/// The longest Retry-After hint the good client is willing to wait for.
const MAX_HINT: Duration = Duration::from_secs(30);

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    expires_in: Option<f64>,
    #[serde(default)]
    refresh_token: Option<String>,
}

struct Token {
    access: Secret,
    refresh: Option<Secret>,
    expires_at: Option<Instant>,
}

impl Token {
    /// Renew a little before expiry, as authlib and requests-oauthlib do.
    fn fresh(&self) -> bool {
        self.expires_at.is_none_or(|t| Instant::now() + Duration::from_millis(250) < t)
    }
}

#[derive(Deserialize)]
struct Page {
    #[serde(default)]
    data: Vec<serde_json::Value>,
    #[serde(default)]
    next: Option<String>,
}

struct Client {
    http: reqwest::Client,
    cfg: ClientConfig,
    flawed: bool,
    token: Option<Token>,
    requests: u32,
}

/// Runs one sync job.
pub async fn run(cfg: ClientConfig, flawed: bool) -> Result<ClientOutcome, ClientError> {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let mut client = Client { http, cfg, flawed, token: None, requests: 0 };
    let mut outcome = ClientOutcome::default();
    let mut url = Some(format!("{}/items", client.cfg.base_url.trim_end_matches('/')));
    while let Some(u) = url.take() {
        let page = client.get_page(&u).await?;
        outcome.pages += 1;
        outcome.items += u32::try_from(page.data.len()).unwrap_or(u32::MAX);
        if !flawed {
            url = page.next.filter(|n| !n.is_empty());
        }
    }
    outcome.requests = client.requests;
    Ok(outcome)
}

impl Client {
    async fn token(&mut self) -> Result<Secret, ClientError> {
        if !self.flawed
            && let Some(t) = &self.token
            && t.fresh()
        {
            return Ok(t.access.clone());
        }
        let refresh = if self.flawed { None } else { self.token.as_ref().and_then(|t| t.refresh.clone()) };
        let form: Vec<(&str, &str)> = match &refresh {
            Some(r) => vec![("grant_type", "refresh_token"), ("refresh_token", r.expose())],
            None => vec![("grant_type", "client_credentials")],
        };
        self.requests += 1;
        let resp = self
            .http
            .post(&self.cfg.token_url)
            .basic_auth(&self.cfg.client_id, Some(self.cfg.client_secret.expose()))
            .form(&form)
            .send()
            .await?;
        if !resp.status().is_success() {
            if refresh.is_some() {
                // The refresh token may be gone: start over with client credentials.
                self.token = None;
                return Box::pin(self.token()).await;
            }
            return Err(ClientError::Token(format!("the token endpoint answered {}", resp.status())));
        }
        let body: TokenResponse = resp.json().await.map_err(|e| ClientError::Token(e.to_string()))?;
        let access = Secret::new(body.access_token);
        self.token = Some(Token {
            access: access.clone(),
            refresh: body.refresh_token.map(Secret::new),
            expires_at: body
                .expires_in
                .filter(|s| s.is_finite() && *s > 0.0)
                .map(|s| Instant::now() + Duration::from_secs_f64(s)),
        });
        Ok(access)
    }

    async fn get_page(&mut self, url: &str) -> Result<Page, ClientError> {
        let mut reason = String::new();
        let mut renewed_after_401 = false;
        let mut attempt = 0;
        while attempt < MAX_ATTEMPTS {
            attempt += 1;
            let token = self.token().await?;
            let mut req = self.http.get(url).bearer_auth(token.expose());
            if !self.flawed {
                req = req.header("X-Client-Name", CLIENT_NAME);
            }
            self.requests += 1;
            let wait = match req.send().await {
                Ok(resp) if resp.status().is_success() => return Ok(resp.json().await?),
                Ok(resp) if resp.status() == StatusCode::UNAUTHORIZED && !renewed_after_401 => {
                    // Token expired under us: renew once, and this attempt does not count.
                    renewed_after_401 = true;
                    self.token = self.token.take().map(|t| Token { expires_at: Some(Instant::now()), ..t });
                    attempt -= 1;
                    continue;
                }
                Ok(resp) if is_retryable(resp.status()) => {
                    reason = format!("HTTP {}", resp.status());
                    self.backoff(attempt, retry_after(resp.headers()))
                }
                Ok(resp) => {
                    return Err(ClientError::GaveUp {
                        url: url.into(),
                        attempts: attempt,
                        reason: format!("HTTP {}", resp.status()),
                    });
                }
                Err(e) => {
                    reason = e.to_string();
                    self.backoff(attempt, None)
                }
            };
            match wait {
                Some(w) if attempt < MAX_ATTEMPTS => tokio::time::sleep(w).await,
                Some(_) => {}
                None => break,
            }
        }
        Err(ClientError::GaveUp { url: url.into(), attempts: attempt, reason })
    }

    /// How long to wait before the next attempt, or `None` to give up now.
    fn backoff(&self, attempt: u32, hint: Option<Duration>) -> Option<Duration> {
        if self.flawed {
            return Some(Duration::from_millis(200));
        }
        let exp = BACKOFF_BASE.saturating_mul(1 << attempt.saturating_sub(1).min(16)).min(BACKOFF_CAP);
        // Equal jitter: half the exponential step, plus a random part of the other half.
        let jittered = exp / 2 + exp.mul_f64(rand::rng().random_range(0.0..0.5));
        match hint {
            Some(h) if h > MAX_HINT => None,
            Some(h) => Some(jittered.max(h + Duration::from_millis(20))),
            None => Some(jittered),
        }
    }
}

fn is_retryable(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 500 | 502 | 503 | 504)
}

/// Parses `Retry-After` in either form: delay seconds or an HTTP-date.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn retry_after_reads_both_forms() {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_static("3"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(3)));
        let later = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(10));
        h.insert(RETRY_AFTER, HeaderValue::from_str(&later).expect("header"));
        let d = retry_after(&h).expect("date form");
        assert!(d > Duration::from_secs(8) && d <= Duration::from_secs(10), "{d:?}");
        h.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn good_backoff_grows_and_respects_hints() {
        let c = Client {
            http: reqwest::Client::new(),
            cfg: ClientConfig {
                base_url: String::new(),
                token_url: String::new(),
                client_id: String::new(),
                client_secret: Secret::new("x"),
            },
            flawed: false,
            token: None,
            requests: 0,
        };
        let waits: Vec<_> = (1..=4).filter_map(|a| c.backoff(a, None)).collect();
        for pair in waits.windows(2) {
            // Equal jitter keeps every step at least half its exponential value: the envelope grows.
            assert!(pair[1] >= pair[0] / 2, "{waits:?}");
        }
        assert!(waits[3] >= Duration::from_millis(400), "{waits:?}");
        assert!(c.backoff(1, Some(Duration::from_secs(2))).is_some_and(|w| w >= Duration::from_secs(2)));
        assert_eq!(c.backoff(1, Some(Duration::from_secs(3600))), None);
    }
}
