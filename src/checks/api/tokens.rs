//! Client credentials and tokens. The store keeps only hashes of what it issued, so a raw
//! token exists in memory only while a response carrying it is written; the journal and every
//! figure name tokens by a short hash.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use compact_str::CompactString;
use rand::Rng;
use rand::distr::Alphanumeric;
use sha2::{Digest, Sha256};

use crate::checks::Secret;

/// A random alphanumeric string (ids, secrets, tokens).
pub fn random_string(len: usize) -> String {
    rand::rng().sample_iter(&Alphanumeric).take(len).map(char::from).collect()
}

/// A fresh trace id: 16 random bytes in hex, like many providers' request ids.
pub fn trace_id() -> String {
    let bytes: [u8; 16] = rand::rng().random();
    hex_string("", &bytes).into_string()
}

/// `prefix` and `bytes` (at most 32) in lower-case hex, in at most one allocation (this runs
/// for every request; up to 24 bytes of text are kept inline, with no allocation at all).
fn hex_string(prefix: &str, bytes: &[u8]) -> CompactString {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = CompactString::with_capacity(prefix.len() + 2 * bytes.len());
    out.push_str(prefix);
    // A table lookup per nibble into a stack buffer: the `hex` crate's generic encoder cost
    // about twenty instructions a byte here.
    let mut digits = [0u8; 64];
    for (pair, &b) in digits.chunks_exact_mut(2).zip(bytes) {
        pair[0] = DIGITS[usize::from(b >> 4)];
        pair[1] = DIGITS[usize::from(b & 0x0f)];
    }
    let used = 2 * bytes.len().min(32);
    // Hex digits are ASCII, so this is always valid UTF-8.
    out.push_str(std::str::from_utf8(&digits[..used]).unwrap_or_default());
    out
}

/// Names a token in the journal: `tok-` and the first 12 hex digits of its SHA-256. Enough to
/// tell tokens apart in a session, useless to call the API with.
pub fn token_hash(token: &str) -> CompactString {
    let digest = Sha256::digest(token.as_bytes());
    hex_string("tok-", &digest[..6])
}

/// Hides the client secret and anything shaped like a token this API issues (`at-…`, `rt-…`)
/// in text a client controls (its output, its request paths, its client name), so neither the
/// journal nor anything built from it holds them.
pub fn redact(text: &str, secret: &Secret) -> String {
    let text = secret.redact(text);
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(pos) = rest.find(['a', 'r']) {
        let (head, tail) = rest.split_at(pos);
        out.push_str(head);
        let is_token = (tail.starts_with("at-") || tail.starts_with("rt-"))
            && tail[3..].chars().take_while(char::is_ascii_alphanumeric).count() >= 20;
        if is_token {
            out.push_str("***");
            rest = tail[3..].trim_start_matches(|c: char| c.is_ascii_alphanumeric());
        } else {
            out.push_str(&tail[..1]);
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

/// The client id and secret generated for one session.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub client_id: String,
    pub client_secret: Secret,
}

impl Credentials {
    /// New random credentials (shown to the partner; the secret only on screen, never filed).
    pub fn generate() -> Self {
        Self {
            client_id: format!("cc-{}", random_string(12).to_lowercase()),
            client_secret: Secret::new(random_string(32)),
        }
    }

    /// Whether `id` and `secret` match. Compares SHA-256 digests so the time taken does not
    /// depend on how many leading characters of the secret were right.
    pub fn matches(&self, id: &str, secret: &str) -> bool {
        let want = Sha256::digest(self.client_secret.expose().as_bytes());
        let got = Sha256::digest(secret.as_bytes());
        id == self.client_id && want == got
    }
}

/// A token pair handed out by the token endpoint.
pub struct Issued {
    pub access_token: Secret,
    pub refresh_token: Secret,
    pub access_hash: CompactString,
    pub expires_in: Duration,
    pub expires_at: Instant,
}

/// Whether a presented access token is usable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenState {
    Valid,
    Expired,
    Unknown,
}

/// Issued access tokens (by hash, with their expiry) and refresh tokens (by hash).
#[derive(Debug, Default)]
pub struct TokenStore {
    access: HashMap<CompactString, Instant>,
    refresh: HashMap<CompactString, ()>,
}

/// Beyond this many live tokens the oldest are forgotten (a client asking for a token per call
/// in a loop must not grow memory without bound).
const MAX_TOKENS: usize = 100_000;

impl TokenStore {
    /// Issues a new access token living `lifetime` and a refresh token.
    pub fn issue(&mut self, lifetime: Duration) -> Issued {
        if self.access.len() >= MAX_TOKENS {
            self.access.clear();
        }
        if self.refresh.len() >= MAX_TOKENS {
            self.refresh.clear();
        }
        let access = format!("at-{}", random_string(40));
        let refresh = format!("rt-{}", random_string(40));
        let expires_at = Instant::now() + lifetime;
        let access_hash = token_hash(&access);
        self.access.insert(access_hash.clone(), expires_at);
        self.refresh.insert(token_hash(&refresh), ());
        Issued {
            access_token: Secret::new(access),
            refresh_token: Secret::new(refresh),
            access_hash,
            expires_in: lifetime,
            expires_at,
        }
    }

    /// Remembers a token issued by someone else (upstream, in proxy mode) by its hash, with
    /// the expiry the scenario gives it.
    pub fn remember(&mut self, hash: CompactString, expires_at: Instant) {
        if self.access.len() >= MAX_TOKENS {
            self.access.clear();
        }
        self.access.insert(hash, expires_at);
    }

    /// Checks a presented access token.
    pub fn check(&self, token: &str, now: Instant) -> TokenState {
        self.check_hash(&token_hash(token), now)
    }

    /// Checks a presented access token by its `token_hash` (the server hashes each request's
    /// token once, for the journal, and checks that).
    pub fn check_hash(&self, hash: &str, now: Instant) -> TokenState {
        match self.access.get(hash) {
            Some(exp) if *exp > now => TokenState::Valid,
            Some(_) => TokenState::Expired,
            None => TokenState::Unknown,
        }
    }

    /// Makes every live access token expire by `deadline` at the latest. Arming a short-lived
    /// token scenario does this, so a client that got its token before arming meets expiry too.
    pub fn cap_expiry(&mut self, deadline: Instant) {
        for exp in self.access.values_mut() {
            *exp = (*exp).min(deadline);
        }
    }

    /// Makes every access token live until `deadline` at least: the end of a short-lived token
    /// scenario in a watch, so the running service meets normal tokens again (its next 401
    /// would otherwise land in the next fault's window).
    pub fn extend_expiry(&mut self, deadline: Instant) {
        for exp in self.access.values_mut() {
            *exp = (*exp).max(deadline);
        }
    }

    /// Whether a refresh token was issued in this session. Refresh tokens are not rotated out:
    /// a client that keeps the first one keeps working, as with many real providers.
    pub fn knows_refresh(&self, token: &str) -> bool {
        self.refresh.contains_key(&token_hash(token))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_expire_and_are_known_by_hash() {
        let mut store = TokenStore::default();
        let issued = store.issue(Duration::from_millis(50));
        let now = Instant::now();
        assert_eq!(store.check(issued.access_token.expose(), now), TokenState::Valid);
        assert_eq!(
            store.check(issued.access_token.expose(), now + Duration::from_secs(1)),
            TokenState::Expired
        );
        assert_eq!(store.check("at-nope", now), TokenState::Unknown);
        assert!(store.knows_refresh(issued.refresh_token.expose()));
        let long = store.issue(Duration::from_secs(3600));
        store.cap_expiry(now + Duration::from_millis(100));
        assert_eq!(
            store.check(long.access_token.expose(), now + Duration::from_secs(1)),
            TokenState::Expired
        );
        assert_eq!(issued.access_hash, token_hash(issued.access_token.expose()));
        assert!(!issued.access_hash.contains(issued.access_token.expose()));
    }

    #[test]
    fn hashes_and_trace_ids_are_lower_hex() {
        let digest = Sha256::digest(b"at-x");
        assert_eq!(token_hash("at-x"), format!("tok-{}", hex::encode(&digest[..6])));
        let t = trace_id();
        assert_eq!(t.len(), 32);
        assert!(t.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
        assert_ne!(t, trace_id());
        let all: Vec<u8> = (0..=255).collect();
        for bytes in all.chunks(32) {
            assert_eq!(hex_string("p-", bytes), format!("p-{}", hex::encode(bytes)));
        }
    }

    #[test]
    fn redacts_secret_and_tokens() {
        let s = Secret::new("supersecretvalue");
        let line = "auth supersecretvalue gave at-ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcd and rt-x";
        assert_eq!(redact(line, &s), "auth *** gave *** and rt-x");
        let issued = TokenStore::default().issue(Duration::from_secs(1));
        let path = format!(
            "/items?access_token={}&refresh_token={}",
            issued.access_token.expose(),
            issued.refresh_token.expose()
        );
        assert_eq!(redact(&path, &s), "/items?access_token=***&refresh_token=***");
    }

    #[test]
    fn credentials_match_only_both() {
        let c = Credentials::generate();
        let secret = c.client_secret.expose().to_owned();
        assert!(c.matches(&c.client_id, &secret));
        assert!(!c.matches(&c.client_id, "wrong"));
        assert!(!c.matches("cc-other", &secret));
    }
}
