//! Path templates: `/v1/licenses/{license_id}/flows`. A `{param}` is a whole segment and
//! accepts any non-empty value; everything else must match exactly.

use std::fmt;

/// One segment of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Literal(String),
    Param(String),
}

/// A parsed path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathTemplate {
    text: String,
    segments: Vec<Segment>,
}

impl fmt::Display for PathTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl PathTemplate {
    /// Parses a template; the error says what is wrong and at which byte of `text`.
    pub fn parse(text: &str) -> Result<Self, (usize, String)> {
        if !text.starts_with('/') {
            return Err((0, format!("a path must start with \"/\", not {text:?}")));
        }
        let mut segments = Vec::new();
        let mut at = 1;
        // A trailing slash (`/api/items/`) is the same path, as `matches` treats a request's:
        // kept as an empty last segment, no request could ever match the template.
        let inner = if text.len() > 1 { text[1..].strip_suffix('/').unwrap_or(&text[1..]) } else { "" };
        for raw in inner.split('/') {
            let seg = if raw.is_empty() && text.len() > 1 {
                return Err((at, format!("a path holds no empty segment (\"//\"): {text:?}")));
            } else if let Some(inner) = raw.strip_prefix('{') {
                let Some(name) = inner.strip_suffix('}') else {
                    return Err((at, format!("the parameter {raw:?} is not closed with \"}}\"")));
                };
                if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                {
                    return Err((at, format!("{raw:?} is not a parameter name (letters, digits, _ and -)")));
                }
                Segment::Param(name.to_owned())
            } else if let Some(pos) = raw.find(['{', '}']) {
                return Err((
                    at + pos,
                    format!("a {{param}} must be a whole path segment, not part of {raw:?}"),
                ));
            } else if raw.contains(['?', '#']) {
                return Err((at, format!("a path template holds no query or fragment: {raw:?}")));
            } else {
                Segment::Literal(raw.to_owned())
            };
            segments.push(seg);
            at += raw.len() + 1;
        }
        Ok(Self { text: text.to_owned(), segments })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// Whether a request path (without query) is an instance of this template. A trailing
    /// slash is tolerated, as most servers do.
    pub fn matches(&self, path: &str) -> bool {
        let Some(rest) = path.strip_prefix('/') else { return false };
        let rest = if rest.len() > 1 { rest.strip_suffix('/').unwrap_or(rest) } else { rest };
        let mut parts = rest.split('/');
        for seg in &self.segments {
            match (seg, parts.next()) {
                (Segment::Literal(l), Some(p)) if l == p => {}
                (Segment::Param(_), Some(p)) if !p.is_empty() => {}
                _ => return false,
            }
        }
        parts.next().is_none()
    }

    /// An instance with every parameter filled by a sample value (`license_id` → `1`), for
    /// hints and tests.
    pub fn example(&self) -> String {
        let mut out = String::new();
        for seg in &self.segments {
            out.push('/');
            match seg {
                Segment::Literal(l) => out.push_str(l),
                Segment::Param(_) => out.push('1'),
            }
        }
        if out.is_empty() { "/".to_owned() } else { out }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_matches_templates() {
        let t = PathTemplate::parse("/v1/licenses/{license_id}/flows").expect("template");
        assert!(t.matches("/v1/licenses/42/flows"));
        assert!(t.matches("/v1/licenses/abc-9/flows/"));
        assert!(!t.matches("/v1/licenses//flows"));
        assert!(!t.matches("/v1/licenses/42/flows/7"));
        assert!(!t.matches("/v1/licenses/42"));
        assert_eq!(t.example(), "/v1/licenses/1/flows");
        assert!(PathTemplate::parse("/items").expect("t").matches("/items"));
    }

    /// A template written with a trailing slash (`/api/items/`, as Django REST and many
    /// others spell their paths) matches the requests a client sends to it, with the slash or
    /// without, as a template without one does; an empty segment inside is refused (no request
    /// could ever match it, so every call would be a 404 the client is blamed for).
    #[test]
    fn a_trailing_slash_in_a_template_matches_and_an_empty_segment_is_refused() {
        let t = PathTemplate::parse("/api/items/").expect("template");
        assert!(t.matches("/api/items/"), "{t:?}");
        assert!(t.matches("/api/items"));
        assert!(!t.matches("/api/items/7"));
        assert_eq!(t.as_str(), "/api/items/");
        assert_eq!(t.example(), "/api/items");
        let p = PathTemplate::parse("/v1/{id}/flows/").expect("template");
        assert!(p.matches("/v1/9/flows/") && p.matches("/v1/9/flows"));
        assert!(PathTemplate::parse("/").expect("root").matches("/"));
        assert_eq!(PathTemplate::parse("/a//b").map_err(|e| e.0), Err(3));
    }

    #[test]
    fn refuses_broken_templates_with_the_place() {
        assert_eq!(PathTemplate::parse("/v1/{id").map_err(|e| e.0), Err(4));
        assert!(PathTemplate::parse("/v1/{id").err().is_some_and(|e| e.1.contains("not closed")));
        assert!(PathTemplate::parse("v1").is_err());
        assert_eq!(PathTemplate::parse("/a/b{x}").map_err(|e| e.0), Err(4));
        assert!(PathTemplate::parse("/a/{}").is_err());
        assert!(PathTemplate::parse("/a?x=1").is_err());
    }
}
