//! The profile's token endpoint (`POST /oauth/token` in the generic profile; RFC 6749): the `client_credentials` and `refresh_token` grants, client
//! authentication by HTTP Basic (§2.3.1) or in the form body, JSON responses that real client
//! libraries accept (`200`, `application/json`, numeric `expires_in`, `token_type: "Bearer"`).

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use base64::Engine;
use compact_str::CompactString;

use super::json::{Node, oauth_error, object, response};
use super::middleware::{REQUEST_TIMEOUT, record_served};
use super::{MAX_BODY_BYTES, ServerState};
use crate::checks::api::journal::RequestKind;

/// Reads the body (at most `MAX_BODY_BYTES`, within `REQUEST_TIMEOUT`: a client dribbling its
/// body gets 408, one sending too much 413, one whose body broke off or is malformed 400)
/// and answers the token request.
pub async fn token_request(state: Arc<ServerState>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let read = tokio::time::timeout(REQUEST_TIMEOUT, axum::body::to_bytes(body, MAX_BODY_BYTES)).await;
    let body: Bytes = match read {
        Err(_) => {
            let e = "the token request took too long to arrive";
            return closing(oauth_error(StatusCode::REQUEST_TIMEOUT, "invalid_request", e));
        }
        Ok(Err(e)) => {
            let (status, why) =
                super::body::read_error(&e, "the token request is too large (16 KiB at most)");
            return closing(oauth_error(status, "invalid_request", &why));
        }
        Ok(Ok(b)) => b,
    };
    let (resp, kind) = handle(&state, &parts.headers, &body);
    record_served(kind, None);
    resp
}

/// The body was left unread, so the server drops the connection after this answer: saying so
/// (`Connection: close`) keeps a client from sending its next request on it. Without it reqwest
/// pooled the connection and its next request failed with `IncompleteMessage` under load.
fn closing(mut resp: Response) -> Response {
    resp.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    resp
}

fn handle(state: &ServerState, headers: &HeaderMap, body: &[u8]) -> (Response, RequestKind) {
    let mut kind =
        RequestKind::Token { grant_type: CompactString::default(), issued: None, expires_us: None };
    let form_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("application/x-www-form-urlencoded"));
    if !form_type {
        let e = "the token request must be application/x-www-form-urlencoded";
        return (oauth_error(StatusCode::BAD_REQUEST, "invalid_request", e), kind);
    }
    let mut params: Vec<(String, String)> = Vec::new();
    for (k, v) in form_urlencoded::parse(body) {
        if params.iter().any(|(seen, _)| *seen == k) {
            let e = format!("the parameter {k} appears more than once");
            return (oauth_error(StatusCode::BAD_REQUEST, "invalid_request", &e), kind);
        }
        params.push((k.into_owned(), v.into_owned()));
    }
    let param = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let grant_type = param("grant_type").unwrap_or_default().to_owned();
    kind = RequestKind::Token { grant_type: grant_type.as_str().into(), issued: None, expires_us: None };

    if let Err((description, challenge)) =
        authenticate(state, headers, param("client_id"), param("client_secret"))
    {
        return (invalid_client(description, challenge), kind);
    }
    match grant_type.as_str() {
        "" => {
            let e = "grant_type is missing";
            return (oauth_error(StatusCode::BAD_REQUEST, "invalid_request", e), kind);
        }
        "client_credentials" => {}
        "refresh_token" => match param("refresh_token") {
            None | Some("") => {
                let e = "refresh_token is missing";
                return (oauth_error(StatusCode::BAD_REQUEST, "invalid_request", e), kind);
            }
            Some(rt) if !state.tokens().knows_refresh(rt) => {
                let e = "the refresh token was not issued by this server";
                return (oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", e), kind);
            }
            Some(_) => {}
        },
        other => {
            let e = format!("grant_type {other} is not supported (use client_credentials or refresh_token)");
            return (oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type", &e), kind);
        }
    }

    let (lifetime, extended) = {
        let arm = state.arm();
        (arm.scenario.token_lifetime, arm.scenario.extended_fields)
    };
    let issued = state.tokens().issue(lifetime);
    let mut fields: Vec<(&str, Node)> = vec![
        ("access_token", issued.access_token.expose().into()),
        ("token_type", "Bearer".into()),
        ("expires_in", issued.expires_in.as_secs().into()),
        ("refresh_token", issued.refresh_token.expose().into()),
        ("scope", "items:read".into()),
    ];
    if extended {
        fields.push(("issued_by", "certcockpit".into()));
        fields.push(("x_token_policy", object(vec![("rotation", "none".into()), ("v", 2.into())], true)));
    }
    let mut resp = response(StatusCode::OK, &object(fields, extended));
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp.headers_mut().insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    let expires_us = state.journal.us_of(issued.expires_at.max(Instant::now()));
    kind = RequestKind::Token {
        grant_type: grant_type.into(),
        issued: Some(issued.access_hash),
        expires_us: Some(expires_us),
    };
    (resp, kind)
}

/// Client authentication: HTTP Basic with the form-urlencoded id and secret (RFC 6749
/// §2.3.1), or `client_id` + `client_secret` in the body. Lenient where real libraries differ:
/// some send `client_id` in the body alongside Basic; that is accepted when it matches. The
/// error is the description and whether to send a Basic challenge.
fn authenticate(
    state: &ServerState,
    headers: &HeaderMap,
    body_id: Option<&str>,
    body_secret: Option<&str>,
) -> Result<(), (&'static str, bool)> {
    let basic = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| {
        let (scheme, rest) = v.split_once(' ')?;
        scheme.eq_ignore_ascii_case("basic").then(|| rest.trim().to_owned())
    });
    let (id, secret, used_basic) = match basic {
        Some(encoded) => {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(encoded.as_bytes())
                .ok()
                .and_then(|b| String::from_utf8(b).ok());
            let Some((id, secret)) = decoded.as_deref().and_then(|d| d.split_once(':')) else {
                return Err(("the Basic credentials are not base64 of id:secret", true));
            };
            if body_id.is_some_and(|b| b != form_decode(id)) {
                return Err(("client_id in the body differs from the Basic credentials", true));
            }
            (form_decode(id), form_decode(secret), true)
        }
        None => match (body_id, body_secret) {
            (Some(id), Some(secret)) => (id.to_owned(), secret.to_owned(), false),
            _ => {
                return Err((
                    "client authentication is missing (HTTP Basic, or client_id and client_secret in the body)",
                    true,
                ));
            }
        },
    };
    if state.creds.matches(&id, &secret) {
        Ok(())
    } else {
        Err(("unknown client or wrong secret", used_basic))
    }
}

/// `401 invalid_client`, with the `WWW-Authenticate` challenge RFC 6749 §5.2 asks for.
fn invalid_client(description: &str, challenge: bool) -> Response {
    let mut resp = oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", description);
    if challenge {
        resp.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"certcockpit\""));
    }
    resp
}

/// Undoes the form-urlencoding RFC 6749 §2.3.1 applies to id and secret inside Basic. The
/// whole string is one value: a raw `&` in it is kept, not taken as the end of the value (else
/// `secret&anything` would pass for `secret`).
fn form_decode(s: &str) -> String {
    form_urlencoded::parse(format!("v={}", s.replace('&', "%26")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;
    use base64::Engine;
    use proptest::prelude::*;

    use super::*;
    use crate::checks::Secret;
    use crate::checks::api::tokens::Credentials;

    /// Cases per property (pure functions, so many are cheap).
    const CASES: u32 = 2000;

    fn state(id: &str, secret: &str) -> ServerState {
        let creds = Credentials { client_id: id.to_owned(), client_secret: Secret::new(secret) };
        ServerState::new(creds, "http://127.0.0.1:9".into())
    }

    /// Client authentication as RFC 6749 §2.3.1 sends it: each part form-urlencoded, then Basic.
    fn basic(id: &str, secret: &str) -> HeaderMap {
        let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        let b64 = base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", enc(id), enc(secret)));
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, HeaderValue::from_str(&format!("Basic {b64}")).expect("ascii"));
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/x-www-form-urlencoded"));
        h
    }

    /// Basic of `userpass` exactly as given (no form-encoding).
    fn raw_basic(userpass: &str) -> HeaderMap {
        let mut h = basic("", "");
        let b64 = base64::engine::general_purpose::STANDARD.encode(userpass);
        h.insert(header::AUTHORIZATION, HeaderValue::from_str(&format!("Basic {b64}")).expect("ascii"));
        h
    }

    fn status(state: &ServerState, headers: &HeaderMap, body: &[u8]) -> u16 {
        handle(state, headers, body).0.status().as_u16()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: CASES, failure_persistence: None, ..ProptestConfig::default() })]

        /// Any id and secret, however odd (colons, `&`, `%`, `+`, non-ASCII), get a token when
        /// encoded as the RFC says; the same pair in the form body works too.
        #[test]
        fn correctly_encoded_credentials_always_authenticate(id in "\\PC{1,24}", secret in "\\PC{1,40}") {
            let s = state(&id, &secret);
            prop_assert_eq!(status(&s, &basic(&id, &secret), b"grant_type=client_credentials"), 200);
            let body: String = form_urlencoded::Serializer::new(String::new())
                .append_pair("grant_type", "client_credentials")
                .append_pair("client_id", &id)
                .append_pair("client_secret", &secret)
                .finish();
            let mut form_only = basic(&id, &secret);
            form_only.remove(header::AUTHORIZATION);
            prop_assert_eq!(status(&s, &form_only, body.as_bytes()), 200);
        }

        /// Anything appended to the right id or secret, raw inside Basic, is refused (a raw
        /// `&` once ended the secret early, so `secret&junk` passed).
        #[test]
        fn credentials_with_anything_appended_are_refused(junk in "\\PC{1,12}") {
            let s = state("cc-abc123", "S3cretValue0123456789");
            let with_secret = raw_basic(&format!("cc-abc123:S3cretValue0123456789{junk}"));
            prop_assert_eq!(status(&s, &with_secret, b"grant_type=client_credentials"), 401);
            let with_id = raw_basic(&format!("cc-abc123{junk}:S3cretValue0123456789"));
            prop_assert_eq!(status(&s, &with_id, b"grant_type=client_credentials"), 401);
        }

        /// Any Authorization header and any body: a 4xx that names the problem, never a panic,
        /// never a token.
        #[test]
        fn any_header_and_body_is_refused_cleanly(
            auth in proptest::collection::vec(any::<u8>(), 0..200),
            body in proptest::collection::vec(any::<u8>(), 0..400),
        ) {
            let s = state("cc-abc123", "S3cretValue0123456789");
            let mut h = basic("", "");
            match HeaderValue::from_bytes(&auth) {
                Ok(v) => { h.insert(header::AUTHORIZATION, v); }
                Err(_) => { h.remove(header::AUTHORIZATION); }
            }
            let (resp, _) = handle(&s, &h, &body);
            prop_assert!(matches!(resp.status().as_u16(), 400 | 401), "{}", resp.status());
        }
    }
}
