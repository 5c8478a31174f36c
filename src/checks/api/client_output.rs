//! The partner client's output, as kept for observations: the tail of a pipe, bounded, and
//! cleaned of credentials before anything is filed. A client that logs its requests prints its
//! own `Authorization` header; the value (Basic: the client id and secret in base64; Bearer: a
//! token) must not reach the dossier, a report or the terminal.

use tokio::io::{AsyncRead, AsyncReadExt};

use super::tokens::redact;
use crate::checks::Secret;

/// The client's output kept for observations (the tail of the pipe).
pub const MAX_OUTPUT_BYTES: usize = 16 * 1024;
/// Shortest run after `Basic`/`Bearer` taken for a credential (shorter is prose: "Bearer auth").
const MIN_CREDENTIAL_CHARS: usize = 8;

/// Reads a pipe to the end, keeping at most the last [`MAX_OUTPUT_BYTES`].
pub async fn read_bounded(mut r: impl AsyncRead + Unpin) -> Vec<u8> {
    let mut kept = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n) = r.read(&mut buf).await {
        if n == 0 {
            break;
        }
        kept.extend_from_slice(&buf[..n]);
        if kept.len() > MAX_OUTPUT_BYTES {
            kept.drain(..kept.len() - MAX_OUTPUT_BYTES);
        }
    }
    kept
}

/// The last `n` non-blank lines of `bytes`, each cut to 4096 characters.
pub fn tail_lines(bytes: &[u8], n: usize) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(n)..].iter().map(|l| l.chars().take(4096).collect()).collect()
}

/// `line` with the session's secret, this API's tokens and every `Basic …`/`Bearer …`
/// credential value replaced by `***` (the scheme word is kept, so the line still says what
/// the client sent).
pub fn redact_output(line: &str, secret: &Secret) -> String {
    redact_auth_schemes(&redact(line, secret))
}

/// Replaces the value after each `Basic` or `Bearer` (any case, then spaces) when it looks like
/// a credential: at least [`MIN_CREDENTIAL_CHARS`] of base64/token68 characters.
fn redact_auth_schemes(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < text.len() {
        let scheme = ["basic", "bearer"].into_iter().find(|s| lower[i..].starts_with(s));
        let at_word_start = i == 0 || !text.as_bytes()[i - 1].is_ascii_alphanumeric();
        if let (Some(scheme), true) = (scheme, at_word_start) {
            let after = i + scheme.len();
            let spaces = text[after..].bytes().take_while(|b| *b == b' ' || *b == b'\t').count();
            let start = after + spaces;
            let len = text[start..].bytes().take_while(|b| is_token68(*b)).count();
            if spaces > 0 && len >= MIN_CREDENTIAL_CHARS {
                out.push_str(&text[copied..start]);
                out.push_str("***");
                copied = start + len;
                i = copied;
                continue;
            }
        }
        i += text[i..].chars().next().map_or(1, char::len_utf8);
    }
    out.push_str(&text[copied..]);
    out
}

/// RFC 7235's token68 characters (base64 and base64url included).
fn is_token68(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/' | b'=')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_and_bearer_values_are_redacted() {
        let s = Secret::new("the-session-secret");
        let cases = [
            ("Authorization: Basic Y2MtaWQ6c2VjcmV0LXZhbHVl", "Authorization: Basic ***"),
            ("{'Authorization': 'Bearer eyJhbGciOi.J9x_y-z'}", "{'Authorization': 'Bearer ***'}"),
            ("authorization: BEARER\tabcdefgh1234 next", "authorization: BEARER\t*** next"),
            ("uses Bearer auth", "uses Bearer auth"),
            ("Basically Basic", "Basically Basic"),
            ("secret=the-session-secret é", "secret=*** é"),
        ];
        for (line, want) in cases {
            assert_eq!(redact_output(line, &s), want, "{line}");
        }
    }

    #[test]
    fn tails_are_bounded() {
        assert_eq!(tail_lines(b"a\n\nb\nc\n", 2), ["b", "c"]);
    }
}
