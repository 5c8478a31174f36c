//! Profile TOML to [`Profile`], every mistake located (`file:line:column: what`). Unknown keys
//! are refused (a typo must not silently fall back to a default); new keys are added here
//! with a default, so older profile files keep working.

use std::fmt;
use std::ops::Range;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::template::PathTemplate;
use super::{Auth, AuthKind, Collection, Pagination, Profile, RateLimitHeaders};
use crate::span::line_col;

/// Why a profile could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    #[error("cannot read profile {path}: {reason}")]
    Read { path: String, reason: String },
    /// `file:line:column: message`, one per problem.
    #[error("{}", .0.join("\n"))]
    Invalid(Vec<String>),
    #[error(
        "unknown profile {0:?} (built-in: {1}); give a built-in name or the path to a profile .toml file"
    )]
    Unknown(String, String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    profile: RawMeta,
    api: RawApi,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawMeta {
    #[serde(default)]
    title: String,
    /// Where the shape comes from (the provider's public documentation).
    #[serde(default)]
    source: String,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "kebab-case")]
enum RawRateLimit {
    Ietf,
    XRatelimit,
    None,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "kebab-case")]
enum RawAuthKind {
    Oauth2ClientCredentials,
    ApiKey,
    BearerStatic,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "kebab-case")]
enum RawPagination {
    Page,
    Offset,
    Cursor,
    Link,
    NextUrl,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawApi {
    #[serde(default = "default_base_path")]
    base_path: Spanned<String>,
    #[serde(default = "default_client_name")]
    client_name_header: Spanned<String>,
    #[serde(default = "default_trace")]
    trace_header: Spanned<String>,
    #[serde(default = "default_rate_limit")]
    rate_limit_headers: RawRateLimit,
    #[serde(default = "default_limit")]
    limit_per_minute: Spanned<u32>,
    limit_per_second: Option<Spanned<u32>>,
    auth: Spanned<RawAuth>,
    #[serde(default)]
    collections: Vec<Spanned<RawCollection>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAuth {
    kind: RawAuthKind,
    token_path: Option<Spanned<String>>,
    #[serde(default = "default_api_key_header")]
    api_key_header: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCollection {
    path: Spanned<String>,
    pagination: RawPagination,
    #[serde(default = "default_page_param")]
    page_param: String,
    size_param: Option<String>,
    #[serde(default = "default_offset_param")]
    offset_param: String,
    #[serde(default = "default_cursor_param")]
    cursor_param: String,
    next_field: Option<Spanned<String>>,
    #[serde(default = "default_items_field")]
    items_field: Spanned<String>,
}

fn spanned(s: &str) -> Spanned<String> {
    Spanned::new(0..0, s.to_owned())
}
fn default_base_path() -> Spanned<String> {
    spanned("")
}
fn default_client_name() -> Spanned<String> {
    spanned("X-Client-Name")
}
fn default_trace() -> Spanned<String> {
    spanned("X-Trace-Id")
}
fn default_rate_limit() -> RawRateLimit {
    RawRateLimit::None
}
/// When a profile states no limit: 120 a minute (2 a second, sustained). `polling.rate` leaves
/// out what the cockpit's fault scenarios provoke, so a headless run of all its scenarios
/// counts about 25 requests of a well-behaved client (about 50 from one that takes a token per
/// call): the default leaves room for the cockpit's own pace and still fails a client that
/// polls faster than twice a second for a minute. No per-second limit is assumed: one run's
/// page walk takes a few milliseconds, and back-to-back runs are the cockpit's pace.
fn default_limit() -> Spanned<u32> {
    Spanned::new(0..0, DEFAULT_LIMIT_PER_MINUTE)
}

/// See [`default_limit`].
pub const DEFAULT_LIMIT_PER_MINUTE: u32 = 120;
fn default_api_key_header() -> Spanned<String> {
    spanned("x-api-key")
}
fn default_page_param() -> String {
    "page".into()
}
fn default_offset_param() -> String {
    "offset".into()
}
fn default_cursor_param() -> String {
    "cursor".into()
}
fn default_items_field() -> Spanned<String> {
    spanned("data")
}

struct Located<'a> {
    file: &'a str,
    src: &'a str,
    out: Vec<String>,
}

impl Located<'_> {
    fn push(&mut self, span: Option<Range<usize>>, message: impl fmt::Display) {
        match span {
            Some(s) if s.end > 0 || s.start > 0 => {
                let (line, col) = line_col(self.src, s.start);
                self.out.push(format!("{}:{line}:{col}: {message}", self.file));
            }
            _ => self.out.push(format!("{}: {message}", self.file)),
        }
    }
}

/// Where byte `at` of a TOML string's decoded value sits in the source: exact when the string
/// is a one-line basic or literal string without escapes before `at` (the common case), else
/// the string's opening quote (an escape or a `"""` makes decoded and source offsets differ,
/// and a column computed from the decoded offset would point at the wrong character).
fn place_in_string(src: &str, span: Range<usize>, value: &str, at: usize) -> Range<usize> {
    let quoted = src.get(span.clone()).unwrap_or("");
    let single = (quoted.starts_with('"') && !quoted.starts_with(r#"""""#))
        || (quoted.starts_with('\'') && !quoted.starts_with("'''"));
    let start = span.start + 1;
    match (src.get(start..start + at), value.get(..at)) {
        (Some(raw), Some(decoded)) if single && raw == decoded => start + at..start + at + 1,
        _ => span.start..span.start + 1,
    }
}

/// Whether `name` is a valid HTTP header name.
fn header_ok(name: &str) -> bool {
    !name.is_empty() && axum::http::HeaderName::from_bytes(name.as_bytes()).is_ok()
}

/// Parses profile text; `file` names the source in errors, `name` is the profile's name.
pub fn parse(file: &str, name: &str, src: &str) -> Result<Profile, ProfileError> {
    let mut diag = Located { file, src, out: Vec::new() };
    let raw: RawFile = match toml::from_str(src) {
        Ok(raw) => raw,
        Err(e) => {
            diag.push(e.span(), e.message().trim());
            return Err(ProfileError::Invalid(diag.out));
        }
    };
    let api = raw.api;
    let base_path = api.base_path.get_ref().trim_end_matches('/').to_owned();
    if !base_path.is_empty() && !base_path.starts_with('/') {
        diag.push(Some(api.base_path.span()), format!("base_path must start with \"/\", not {base_path:?}"));
    }
    for h in [&api.client_name_header, &api.trace_header] {
        if !header_ok(h.get_ref()) {
            diag.push(Some(h.span()), format!("{:?} is not an HTTP header name", h.get_ref()));
        }
    }
    if *api.limit_per_minute.get_ref() == 0 {
        diag.push(Some(api.limit_per_minute.span()), "limit_per_minute must be at least 1");
    }
    if let Some(s) = &api.limit_per_second
        && *s.get_ref() == 0
    {
        diag.push(Some(s.span()), "limit_per_second must be at least 1");
    }

    let auth_span = api.auth.span();
    let raw_auth = api.auth.into_inner();
    let kind = match raw_auth.kind {
        RawAuthKind::Oauth2ClientCredentials => AuthKind::OAuth2ClientCredentials,
        RawAuthKind::ApiKey => AuthKind::ApiKey,
        RawAuthKind::BearerStatic => AuthKind::BearerStatic,
    };
    let token_path = match (&raw_auth.token_path, kind) {
        (Some(p), _) => {
            if let Err((_, e)) = PathTemplate::parse(p.get_ref()) {
                diag.push(Some(p.span()), format!("token_path: {e}"));
            }
            p.get_ref().clone()
        }
        (None, AuthKind::OAuth2ClientCredentials) => {
            diag.push(Some(auth_span), "kind = \"oauth2-client-credentials\" needs a token_path");
            String::new()
        }
        (None, _) => String::new(),
    };
    if !header_ok(raw_auth.api_key_header.get_ref()) {
        diag.push(
            Some(raw_auth.api_key_header.span()),
            format!("{:?} is not an HTTP header name", raw_auth.api_key_header.get_ref()),
        );
    }
    let auth =
        Auth { kind, token_path, api_key_header: raw_auth.api_key_header.get_ref().to_ascii_lowercase() };

    if api.collections.is_empty() {
        diag.push(
            None,
            "the profile has no [[api.collections]]: describe at least one paginated GET endpoint",
        );
    }
    let mut collections = Vec::new();
    for c in api.collections {
        let c_span = c.span();
        let c = c.into_inner();
        let path = match PathTemplate::parse(c.path.get_ref()) {
            Ok(p) => p,
            Err((at, e)) => {
                diag.push(Some(place_in_string(src, c.path.span(), c.path.get_ref(), at)), e);
                continue;
            }
        };
        if collections.iter().any(|seen: &Collection| seen.path.segments() == path.segments()) {
            diag.push(Some(c.path.span()), format!("the collection {path} is described twice"));
        }
        if path.as_str() == auth.token_path {
            diag.push(Some(c.path.span()), "a collection cannot be the token endpoint");
        }
        let pagination = match c.pagination {
            RawPagination::Page => Pagination::Page,
            RawPagination::Offset => Pagination::Offset,
            RawPagination::Cursor => Pagination::Cursor,
            RawPagination::Link => Pagination::Link,
            RawPagination::NextUrl => Pagination::NextUrl,
        };
        if matches!(pagination, Pagination::Cursor | Pagination::NextUrl) && c.next_field.is_none() {
            diag.push(
                Some(c_span.clone()),
                format!(
                    "pagination = \"{}\" needs next_field: the dotted path in the body to the next {}",
                    pagination.as_str(),
                    if pagination == Pagination::Cursor { "cursor" } else { "page's URL" }
                ),
            );
        }
        // The query parameters this style reads: an empty name, one holding `&`, `=` or `#`,
        // or the size under the position's own name would make the imitation read and write
        // another parameter than the one the partner's client sends.
        // (`link` and `next-url` pages are numbered by page_param in the URLs the imitation
        // writes.)
        let (pk, p) = match pagination {
            Pagination::Page | Pagination::Link | Pagination::NextUrl => {
                ("page_param", c.page_param.as_str())
            }
            Pagination::Offset => ("offset_param", c.offset_param.as_str()),
            Pagination::Cursor => ("cursor_param", c.cursor_param.as_str()),
        };
        let size = c.size_param.as_deref().filter(|s| !s.is_empty()).map(|s| ("size_param", s));
        for (key, name) in std::iter::once((pk, p)).chain(size) {
            if name.is_empty() || name.contains(['&', '=', '#', '?']) || name.chars().any(char::is_whitespace)
            {
                diag.push(Some(c_span.clone()), format!("{key} {name:?} is not a query parameter name"));
            }
        }
        if let Some((_, s)) = size
            && p == s
        {
            diag.push(
                Some(c_span.clone()),
                format!("size_param and {pk} are both {p:?}: name two parameters"),
            );
        }
        let dotted_ok = |s: &str| !s.is_empty() && s.split('.').all(|p| !p.is_empty());
        if !dotted_ok(c.items_field.get_ref()) {
            diag.push(
                Some(c.items_field.span()),
                "items_field must be a dotted path like \"data\" or \"result.items\"",
            );
        }
        if let Some(n) = &c.next_field
            && !dotted_ok(n.get_ref())
        {
            diag.push(
                Some(n.span()),
                "next_field must be a dotted path like \"next\" or \"meta.next_cursor\"",
            );
        }
        // One field inside the other (`data` and `data.next`, or the same path twice): the
        // imitation would write one over the other, and serve pages without items or without
        // what comes next.
        if let Some(n) = &c.next_field {
            let (items, next) = (c.items_field.get_ref().as_str(), n.get_ref().as_str());
            let within = |outer: &str, inner: &str| {
                inner == outer || inner.strip_prefix(outer).is_some_and(|rest| rest.starts_with('.'))
            };
            if within(items, next) || within(next, items) {
                diag.push(
                    Some(n.span()),
                    format!(
                        "next_field {next:?} and items_field {items:?} overlap: name two separate fields"
                    ),
                );
            }
        }
        collections.push(Collection {
            path,
            pagination,
            page_param: c.page_param,
            size_param: c.size_param.filter(|s| !s.is_empty()),
            offset_param: c.offset_param,
            cursor_param: c.cursor_param,
            next_field: c.next_field.map(Spanned::into_inner),
            items_field: c.items_field.into_inner(),
        });
    }
    if !diag.out.is_empty() {
        return Err(ProfileError::Invalid(diag.out));
    }
    let title = if raw.profile.source.is_empty() {
        raw.profile.title
    } else {
        format!("{} ({})", raw.profile.title, raw.profile.source)
    };
    Ok(Profile {
        name: name.to_owned(),
        title,
        base_path,
        client_name_header: api.client_name_header.into_inner(),
        trace_header: api.trace_header.into_inner(),
        rate_limit_headers: match api.rate_limit_headers {
            RawRateLimit::Ietf => RateLimitHeaders::Ietf,
            RawRateLimit::XRatelimit => RateLimitHeaders::XRateLimit,
            RawRateLimit::None => RateLimitHeaders::None,
        },
        limit_per_minute: api.limit_per_minute.into_inner(),
        limit_per_second: api.limit_per_second.map(Spanned::into_inner),
        auth,
        collections,
    })
}

/// A built-in profile by name, or a profile file by path (anything with a `/` or ending in
/// `.toml`).
pub fn load(name_or_path: &str) -> Result<Profile, ProfileError> {
    if let Some(p) = super::builtin(name_or_path) {
        return Ok(p);
    }
    let looks_like_path = name_or_path.contains('/') || name_or_path.ends_with(".toml");
    if !looks_like_path {
        let names = super::BUILTIN.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ");
        return Err(ProfileError::Unknown(name_or_path.to_owned(), names));
    }
    let path = Path::new(name_or_path);
    // A dossier names its profile: regular files only, bounded (see `crate::files`).
    let src = crate::files::read_regular_text(path, crate::files::MAX_CONFIG_BYTES)
        .map_err(|e| ProfileError::Read { path: name_or_path.to_owned(), reason: e.to_string() })?;
    parse(name_or_path, name_or_path, &src)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(src: &str) -> Vec<String> {
        match parse("p.toml", "p", src) {
            Err(ProfileError::Invalid(e)) => e,
            other => panic!("expected errors, got {other:?}"),
        }
    }

    const MINIMAL: &str = "[api.auth]\nkind = \"api-key\"\n\n[[api.collections]]\npath = \"/v1/things\"\npagination = \"page\"\n";

    #[test]
    fn a_minimal_profile_gets_the_defaults() {
        let p = parse("p.toml", "p", MINIMAL).expect("profile");
        assert_eq!(p.auth.kind, AuthKind::ApiKey);
        assert_eq!(p.auth.api_key_header, "x-api-key");
        assert_eq!(p.client_name_header, "X-Client-Name");
        assert_eq!(p.collections[0].items_field, "data");
        assert!(p.collection_for("/v1/things").is_some());
    }

    /// Items and what comes next at overlapping places in the body are refused with the place:
    /// the imitation served one over the other (pages without items, or without a next).
    #[test]
    fn overlapping_items_and_next_fields_are_refused() {
        let with = |items: &str, next: &str| {
            format!("{MINIMAL}items_field = \"{items}\"\nnext_field = \"{next}\"\n")
        };
        for (items, next) in [("data", "data"), ("data", "data.next"), ("page.next.items", "page.next")] {
            let e = errors(&with(items, next));
            assert!(e[0].starts_with("p.toml:8:14:") && e[0].contains("overlap"), "{items} {next}: {e:?}");
        }
        for (items, next) in [("data", "dataset"), ("meta.items", "meta.next"), ("data", "next")] {
            assert!(parse("p.toml", "p", &with(items, next)).is_ok(), "{items} {next}");
        }
    }

    #[test]
    fn mistakes_are_located() {
        let e = errors(&format!("{MINIMAL}colour = 1\n"));
        assert!(e[0].starts_with("p.toml:7:1: unknown field `colour`"), "{e:?}");

        let e = errors("[api.auth]\nkind = \"api-key\"\n\n[[api.collections]]\npath = \"/v1/things\"\n");
        assert!(e[0].starts_with("p.toml:4:1:") && e[0].contains("pagination"), "{e:?}");

        let e = errors(
            "[api.auth]\nkind = \"api-key\"\n[[api.collections]]\npath = \"/v1/{id/x\"\npagination = \"page\"\n",
        );
        assert!(e[0].starts_with("p.toml:4:13:") && e[0].contains("not closed"), "{e:?}");

        let e = errors(
            "[api.auth]\nkind = \"oauth2-client-credentials\"\n[[api.collections]]\npath = \"/x\"\npagination = \"cursor\"\n",
        );
        assert!(e.iter().any(|m| m.contains("needs a token_path")), "{e:?}");
        assert!(e.iter().any(|m| m.starts_with("p.toml:3:1:") && m.contains("needs next_field")), "{e:?}");

        let e = errors(
            "[api.auth]\nkind = \"api-key\"\n[[api.collections]]\npath = \"/x\"\npagination = \"pages\"\n",
        );
        assert!(e[0].starts_with("p.toml:5:14:") && e[0].contains("unknown variant"), "{e:?}");
    }

    #[test]
    fn an_unclosed_param_is_located_also_after_an_escape() {
        let with = |path: &str| {
            errors(&format!(
                "[api.auth]\nkind = \"api-key\"\n[[api.collections]]\npath = {path}\npagination = \"page\"\n"
            ))
        };
        let e = with("'/v1/{id/x'");
        assert!(e[0].starts_with("p.toml:4:13:"), "{e:?}");
        // `\u00e9` is six source bytes for two decoded ones: the column of the decoded offset
        // would point inside the escapes; the string's quote is named instead.
        let e = with(r#""/v\u00e9\u00e9\u00e9/{id""#);
        assert!(e[0].starts_with("p.toml:4:8:") && e[0].contains("not closed"), "{e:?}");
        let e = with(r#""""/v1/{id""""#);
        assert!(e[0].starts_with("p.toml:4:8:"), "{e:?}");
    }

    #[test]
    fn query_parameter_names_are_checked() {
        let with = |extra: &str| {
            errors(&format!(
                "[api.auth]\nkind = \"api-key\"\n[[api.collections]]\npath = \"/x\"\npagination = \"page\"\n{extra}"
            ))
        };
        let e = with("page_param = \"\"\n");
        assert!(e[0].starts_with("p.toml:3:1:") && e[0].contains("page_param \"\""), "{e:?}");
        let e = with("page_param = \"p&x\"\n");
        assert!(e[0].contains("is not a query parameter name"), "{e:?}");
        let e = with("size_param = \"page\"\n");
        assert!(e[0].contains("size_param and page_param are both \"page\""), "{e:?}");
        // A style that reads no such parameter does not care about it.
        let src = "[api.auth]\nkind = \"api-key\"\n[[api.collections]]\npath = \"/x\"\npagination = \"page\"\ncursor_param = \"\"\n";
        assert!(parse("p.toml", "p", src).is_ok());
    }

    /// No input panics the parser, and every refusal is located in the file: arbitrary text,
    /// and a valid profile with arbitrary text spliced in anywhere.
    mod never_panics {
        use super::*;
        use proptest::prelude::*;

        const FULL: &str = r#"[profile]
title = "t"
[api]
base_path = "/v1"
rate_limit_headers = "ietf"
limit_per_minute = 5000
[api.auth]
kind = "oauth2-client-credentials"
token_path = "/v1/oauth2/token"
[[api.collections]]
path = "/v1/licenses/{license_id}/flows"
pagination = "next-url"
next_field = "nextPageUrl"
items_field = "data"
"#;

        fn check(src: &str) {
            match parse("p.toml", "p", src) {
                Ok(_) => {}
                Err(ProfileError::Invalid(e)) => {
                    assert!(!e.is_empty());
                    assert!(e.iter().all(|m| m.starts_with("p.toml")), "{e:?}");
                }
                Err(other) => panic!("{other:?}"),
            }
        }

        proptest! {
            #[test]
            fn arbitrary_text(src in "\\PC{0,200}") {
                check(&src);
            }

            #[test]
            fn spliced_into_a_valid_profile(
                at in 0usize..400,
                junk in "[{}\"'\\\\/\\[\\]=\n\u{e9}\u{202e}a-z0-9 .#-]{0,12}",
            ) {
                let mut at = at.min(FULL.len());
                while !FULL.is_char_boundary(at) {
                    at -= 1;
                }
                check(&format!("{}{junk}{}", &FULL[..at], &FULL[at..]));
            }
        }

        #[test]
        fn the_full_profile_parses() {
            assert!(parse("p.toml", "p", FULL).is_ok());
        }
    }

    #[test]
    fn unknown_names_and_missing_files() {
        assert!(matches!(load("nope"), Err(ProfileError::Unknown(..))));
        assert!(matches!(load("/nonexistent/p.toml"), Err(ProfileError::Read { .. })));
    }
}
