//! API profiles: the provider's API shape the evidence API takes (base path, token endpoint or
//! API key header, collections and their pagination, header names, rate limits), so the
//! partner's real integration runs against it unchanged except for its base URL.
//!
//! - [`Profile`]: the model every server part and judge reads.
//! - [`parse`]: TOML to a profile, with errors located by file, line and column.
//! - [`builtin`]: the profiles embedded in the binary (`generic` and the five providers').
//!
//! A profile is plain data: nothing here touches the network.

mod builtin;
mod parse;
mod template;

pub use builtin::{BUILTIN, builtin, generic};
pub use parse::{ProfileError, load, parse};
pub use template::{PathTemplate, Segment};

/// How the API authenticates a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum AuthKind {
    /// OAuth 2 client credentials at `token_path`; bearer access tokens that expire.
    OAuth2ClientCredentials,
    /// A fixed key in `api_key_header` on every call; nothing expires, nothing to refresh.
    ApiKey,
    /// A fixed bearer token (`Authorization: Bearer <key>`); nothing expires either.
    BearerStatic,
}

impl AuthKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AuthKind::OAuth2ClientCredentials => "oauth2-client-credentials",
            AuthKind::ApiKey => "api-key",
            AuthKind::BearerStatic => "bearer-static",
        }
    }

    /// Whether the client gets tokens that expire (so refresh checks apply).
    pub fn has_tokens(self) -> bool {
        self == AuthKind::OAuth2ClientCredentials
    }
}

/// `[api.auth]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Auth {
    pub kind: AuthKind,
    /// Where tokens are granted (OAuth 2 only), an absolute path.
    pub token_path: String,
    /// The header carrying the key (API key only), lower case.
    pub api_key_header: String,
}

impl Auth {
    /// How the credential travels, for sentences: `the x-api-key header`.
    pub fn carrier(&self) -> String {
        match self.kind {
            AuthKind::ApiKey => format!("the {} header", self.api_key_header),
            AuthKind::OAuth2ClientCredentials | AuthKind::BearerStatic => "Authorization: Bearer".to_owned(),
        }
    }
}

/// How a collection is paged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pagination {
    /// `?page=N` (from 1).
    Page,
    /// `?offset=K&limit=S` (from 0).
    Offset,
    /// An opaque cursor from the previous page's body, sent back in `cursor_param`.
    Cursor,
    /// Follow `Link: <…>; rel="next"`.
    Link,
    /// Follow the absolute URL at `next_field` in the body.
    NextUrl,
}

impl Pagination {
    pub fn as_str(self) -> &'static str {
        match self {
            Pagination::Page => "page",
            Pagination::Offset => "offset",
            Pagination::Cursor => "cursor",
            Pagination::Link => "link",
            Pagination::NextUrl => "next-url",
        }
    }
}

/// Which rate-limit headers responses carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateLimitHeaders {
    /// `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (IETF draft).
    Ietf,
    /// `X-RateLimit-Limit`, `X-RateLimit-Remaining`, `X-RateLimit-Reset`.
    XRateLimit,
    None,
}

/// `[[api.collections]]`: one paginated GET endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collection {
    pub path: PathTemplate,
    pub pagination: Pagination,
    pub page_param: String,
    /// The page-size parameter, if the API takes one (honoured from 1 to 100).
    pub size_param: Option<String>,
    pub offset_param: String,
    pub cursor_param: String,
    /// Dotted path in the body to what comes next (URL or cursor), if the body says.
    pub next_field: Option<String>,
    /// Dotted path in the body to the items.
    pub items_field: String,
}

impl Collection {
    /// How a client walks it, for the scenario's description.
    pub fn how_to_page(&self) -> String {
        match (self.pagination, &self.next_field) {
            (Pagination::Page, _) => format!("?{}=N", self.page_param),
            (Pagination::Offset, _) => format!("?{}=K", self.offset_param),
            (Pagination::Cursor, Some(f)) => format!("?{}= from \"{f}\"", self.cursor_param),
            (Pagination::Cursor, None) => format!("?{}=", self.cursor_param),
            (Pagination::Link, _) => "follow Link rel=\"next\"".to_owned(),
            (Pagination::NextUrl, Some(f)) => format!("follow \"{f}\""),
            (Pagination::NextUrl, None) => "follow the next URL".to_owned(),
        }
    }
}

/// A provider's API shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// The built-in name or the file it came from.
    pub name: String,
    /// One line: whose API and where the shape comes from.
    pub title: String,
    /// What the client's base URL ends with (`/v1`); collection and token paths include it.
    pub base_path: String,
    pub client_name_header: String,
    pub trace_header: String,
    pub rate_limit_headers: RateLimitHeaders,
    pub limit_per_minute: u32,
    pub limit_per_second: Option<u32>,
    pub auth: Auth,
    pub collections: Vec<Collection>,
}

impl Profile {
    /// The collection a request path (no query) belongs to, with its index.
    pub fn collection_for(&self, path: &str) -> Option<(usize, &Collection)> {
        self.collections.iter().enumerate().find(|(_, c)| c.path.matches(path))
    }

    /// Whether `path` is the token endpoint (OAuth 2 profiles only). A trailing slash is
    /// the same endpoint (`/v1/oauth2/token/`), as it is for collections: many HTTP stacks
    /// add one, and a client that got a 404 for it would be judged on a fault of ours.
    pub fn is_token_path(&self, path: &str) -> bool {
        // One trailing slash off either side, as `PathTemplate::matches` does.
        fn bare(p: &str) -> &str {
            if p.len() > 1 { p.strip_suffix('/').unwrap_or(p) } else { p }
        }
        self.auth.kind == AuthKind::OAuth2ClientCredentials && bare(path) == bare(&self.auth.token_path)
    }

    /// The template a request path is an instance of: the token path, a collection's
    /// template, or `None` for anything the profile does not describe.
    pub fn template_of(&self, path: &str) -> Option<String> {
        if self.is_token_path(path) {
            return Some(self.auth.token_path.clone());
        }
        self.collection_for(path).map(|(_, c)| c.path.as_str().to_owned())
    }

    /// The first collection: where the scenarios' faults show first and what the hint names.
    pub fn main_collection(&self) -> &Collection {
        // Parsing guarantees at least one collection.
        &self.collections[0]
    }
}
