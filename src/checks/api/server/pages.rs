//! Pagination followed from upstream's own responses (proxy mode): each collection response's
//! "what comes next" (a `Link: rel="next"` URL, the profile's `next_field`, or with no profile
//! the common body fields `next`, `next_url`, `nextPageUrl`, `next_cursor`, `cursor`,
//! `has_more`) is remembered, so a later request can be told apart as page N + 1 (it asks for
//! that URL, or carries that cursor), a restart at page 1, or a request past the last page.
//! The judges then read pages in the same terms as the imitation's.

use std::collections::HashMap;

use serde_json::Value;

/// What a collection response says comes next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// A URL (kept as `path?query`, sorted query) to ask for next.
    Url(String),
    /// A cursor value to send back.
    Token(String),
    /// This was the last page.
    End,
    /// The response says nothing recognisable.
    Unknown,
}

/// Body fields naming what comes next, when no profile says which (in this order).
pub const COMMON_NEXT_FIELDS: [&str; 5] = ["next", "next_url", "nextPageUrl", "next_cursor", "cursor"];

/// The pages seen of one collection during one armed scenario.
#[derive(Debug, Clone, Default)]
pub struct PageTracker {
    first: Option<String>,
    by_url: HashMap<String, u32>,
    by_token: HashMap<String, u32>,
    /// The last page, once a response said there is nothing after it.
    pub last_page: Option<u32>,
    /// Whether upstream pages by `Link` headers (then a page without one is the last).
    pub saw_link: bool,
}

impl PageTracker {
    /// The page a request (path and query) asks for. Unknown requests are page 1 the first
    /// time (the walk starts) and whenever they repeat that first request; anything else
    /// unknown is past the last page known so far.
    pub fn classify(&mut self, path: &str, query: Option<&str>) -> u32 {
        let key = url_key(path, query);
        if let Some(p) = self.by_url.get(&key) {
            return *p;
        }
        if let Some(q) = query {
            for (_, v) in form_urlencoded::parse(q.as_bytes()) {
                if let Some(p) = self.by_token.get(v.as_ref()) {
                    return *p;
                }
            }
        }
        match &self.first {
            None => {
                self.first = Some(key);
                1
            }
            Some(f) if *f == key => 1,
            Some(_) => self.last_page.or_else(|| self.max_known()).unwrap_or(1).saturating_add(1),
        }
    }

    fn max_known(&self) -> Option<u32> {
        self.by_url.values().chain(self.by_token.values()).copied().max()
    }

    /// Records what the response to `page` said comes next; `link` is whether it came from a
    /// `Link` header.
    pub fn record(&mut self, page: u32, next: Next, link: bool) {
        self.saw_link |= link;
        let next = if next == Next::Unknown && self.saw_link && !link { Next::End } else { next };
        match next {
            Next::Url(key) => {
                self.by_url.entry(key).or_insert(page + 1);
            }
            Next::Token(t) => {
                self.by_token.entry(t).or_insert(page + 1);
            }
            Next::End => self.last_page = Some(self.last_page.map_or(page, |l| l.max(page))),
            Next::Unknown => {}
        }
    }
}

/// `path?query` with the query pairs sorted, so the same request matches however its
/// parameters are ordered.
pub fn url_key(path: &str, query: Option<&str>) -> String {
    if let Some(key) = plain_key(path, query.unwrap_or_default()) {
        return key;
    }
    let mut pairs: Vec<(String, String)> = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    pairs.sort();
    if pairs.is_empty() {
        return path.to_owned();
    }
    let mut ser = form_urlencoded::Serializer::new(String::new());
    for (k, v) in &pairs {
        ser.append_pair(k, v);
    }
    format!("{path}?{}", ser.finish())
}

/// [`url_key`] without decoding and re-encoding the query, when that would change nothing:
/// every pair is `name=value` made only of what the serializer writes as it is (letters,
/// digits, `*-._`), so each pair comes back as its own bytes. Most queries are (`page=2`,
/// `limit=50&after=k3`), and this runs on every collection request and page (decoding, sorting
/// and re-encoding owned copies was a twentieth of the proxy's instructions per request).
/// `None`: the query needs the general way.
fn plain_key(path: &str, query: &str) -> Option<String> {
    if query.is_empty() {
        return Some(path.to_owned());
    }
    let plain = |s: &str| s.bytes().all(|b| b.is_ascii_alphanumeric() || b"*-._".contains(&b));
    let mut sorted = true;
    let mut prev: Option<(&str, &str)> = None;
    for pair in query.split('&') {
        let (k, v) = pair.split_once('=')?;
        if !plain(k) || !plain(v) {
            return None;
        }
        sorted &= prev.is_none_or(|p| p <= (k, v));
        prev = Some((k, v));
    }
    // Built by hand: `format!` cost more than the rest of this together.
    let mut key = String::with_capacity(path.len() + 1 + query.len());
    key.push_str(path);
    if sorted {
        key.push('?');
        key.push_str(query);
        return Some(key);
    }
    let mut pairs: Vec<(&str, &str)> = query.split('&').filter_map(|p| p.split_once('=')).collect();
    pairs.sort_unstable();
    for (i, (k, v)) in pairs.iter().enumerate() {
        key.push(if i == 0 { '?' } else { '&' });
        key.push_str(k);
        key.push('=');
        key.push_str(v);
    }
    Some(key)
}

/// The `rel="next"` URL of a `Link` header, if any.
pub fn link_next(link: &str) -> Option<&str> {
    link.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        let is_next = params.split(';').any(|p| {
            p.trim().replace(' ', "").eq_ignore_ascii_case("rel=\"next\"")
                || p.trim().eq_ignore_ascii_case("rel=next")
        });
        is_next.then(|| url.trim().trim_start_matches('<').trim_end_matches('>'))
    })
}

/// The value at a dotted path of a JSON document.
pub fn dotted<'a>(body: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(body, |v, k| v.get(k))
}

/// What a response says comes next: its Link header first, then an explicit
/// `has_more: false` (at the top or beside the next field, `paging.has_more` for
/// `paging.next_cursor`: the end, whatever cursor the body also carries), then `next_field` (the
/// profile's) or the common fields. A string that parses as a URL (or starts with `/`) is a
/// URL, anything else a cursor; `null`, `""` and `false` end the walk too.
///
/// Why `has_more: false` wins over a cursor: APIs in the style of Plaid's `/transactions/sync`
/// return `next_cursor` on every page, the last included (it is where the *next sync* starts),
/// and say the walk is over with `has_more: false`. Read as "there is a next page", the end
/// was never known and a correct client that stopped failed `pagination.complete` ("upstream's
/// last response still named a next page").
pub fn next_of(link: Option<&str>, body: Option<&Value>, next_field: Option<&str>) -> Next {
    if let Some(url) = link.and_then(link_next) {
        return url_next(url);
    }
    let Some(body) = body else {
        return if link.is_some() { Next::End } else { Next::Unknown };
    };
    let one;
    let fields: &[&str] = match next_field {
        Some(f) => {
            one = [f];
            &one
        }
        None => &COMMON_NEXT_FIELDS,
    };
    let no_more = |parent: Option<&str>| {
        let within = match parent {
            Some(p) => dotted(body, p),
            None => Some(body),
        };
        within.and_then(|v| v.get("has_more")) == Some(&Value::Bool(false))
    };
    if no_more(None) || next_field.and_then(|f| f.rsplit_once('.')).is_some_and(|(p, _)| no_more(Some(p))) {
        return Next::End;
    }
    let mut saw_end = false;
    for f in fields {
        match dotted(body, f) {
            Some(Value::String(s)) if !s.is_empty() => {
                return if s.starts_with('/') || s.contains("://") {
                    url_next(s)
                } else {
                    Next::Token(s.clone())
                };
            }
            Some(Value::Number(n)) => return Next::Token(n.to_string()),
            Some(Value::Null) | Some(Value::Bool(false)) => saw_end = true,
            Some(Value::String(_)) => saw_end = true,
            _ => {}
        }
    }
    match body.get("has_more") {
        Some(Value::Bool(false)) => Next::End,
        _ if saw_end => Next::End,
        // A profile that names its next field: its absence is the end.
        _ if next_field.is_some() && link.is_none() => Next::End,
        _ => Next::Unknown,
    }
}

/// The parts of a JSON body that [`next_of`] reads (the next fields, the profile's or the
/// common ones, and `has_more` at the top and beside the profile's field), parsed without building the rest: the items of a page are
/// checked as JSON and skipped, not turned into maps (a full parse was a tenth of the proxy's
/// instructions per page). `None` when the body is not JSON. What [`next_of`] makes of the
/// result is what it makes of the whole document (a property test checks).
pub fn next_view(body: &[u8], next_field: Option<&str>) -> Option<Value> {
    // `has_more` beside a dotted next field (`paging.has_more` for `paging.next_cursor`).
    let sibling = next_field.and_then(|f| f.rsplit_once('.')).map(|(parent, _)| format!("{parent}.has_more"));
    let mut paths = [""; COMMON_NEXT_FIELDS.len() + 1];
    let wanted: &[&str] = match next_field {
        Some(f) => {
            paths[0] = f;
            paths[1] = "has_more";
            paths[2] = sibling.as_deref().unwrap_or("has_more");
            &paths[..3]
        }
        None => {
            paths[..COMMON_NEXT_FIELDS.len()].copy_from_slice(&COMMON_NEXT_FIELDS);
            paths[COMMON_NEXT_FIELDS.len()] = "has_more";
            &paths
        }
    };
    let mut de = serde_json::Deserializer::from_slice(body);
    let view = serde::de::DeserializeSeed::deserialize(Wanted(wanted), &mut de).ok()?;
    de.end().ok()?;
    Some(view)
}

/// An object's key, borrowed from the body when it can be (no escapes in it): most keys are
/// only compared and skipped, and serde's own `Cow<str>` always copies.
struct Key<'de>(std::borrow::Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(s.to_owned())))
            }
        }
        d.deserialize_str(V)
    }
}

/// Reads a JSON value keeping only the dotted `paths` (relative to it) within objects; any other
/// value reads as `null`, which [`dotted`] treats as an object would its missing keys.
struct Wanted<'p>(&'p [&'p str]);

impl<'de> serde::de::DeserializeSeed<'de> for Wanted<'_> {
    type Value = Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Wanted<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = serde_json::Map::new();
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            let whole = self.0.iter().any(|p| *p == key);
            let deeper: Vec<&str> = if whole {
                Vec::new()
            } else {
                self.0.iter().filter_map(|p| p.strip_prefix(key.as_ref())?.strip_prefix('.')).collect()
            };
            if whole {
                out.insert(key.into_owned(), map.next_value::<Value>()?);
            } else if !deeper.is_empty() {
                out.insert(key.into_owned(), map.next_value_seed(Wanted(&deeper))?);
            } else {
                map.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        Ok(Value::Object(out))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(Value::Null)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_str<E>(self, _: &str) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
}

/// A next URL as a request key (`path?query`, whatever its origin).
fn url_next(url: &str) -> Next {
    let rest = match url.find("://") {
        Some(i) => {
            let after = &url[i + 3..];
            after.find('/').map_or("/", |j| &after[j..])
        }
        None => url,
    };
    let (path, query) = match rest.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (rest, None),
    };
    Next::Url(url_key(path, query))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// A JSON document of the shapes pages come in: objects whose keys include the next
    /// fields, nested, with arrays and scalars around them.
    fn json_doc() -> impl Strategy<Value = Value> {
        let key = prop_oneof![
            Just("next"),
            Just("next_url"),
            Just("nextPageUrl"),
            Just("next_cursor"),
            Just("cursor"),
            Just("has_more"),
            Just("result"),
            Just("paging"),
            Just("data"),
            Just("id"),
        ];
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<u32>().prop_map(Value::from),
            prop_oneof![Just(""), Just("k2"), Just("/c?after=k3"), Just("http://up:1/c?page=2")]
                .prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 40, 6, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::vec((key.clone(), inner), 0..6)
                    .prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

        /// Reading only the next fields tells the same next as reading the whole body, for any
        /// document, any profile field, with or without a Link header; and a body that is not
        /// JSON is not read.
        #[test]
        fn next_view_tells_what_the_whole_body_tells(
            doc in json_doc(),
            field in proptest::option::of(prop_oneof![Just("next"), Just("result.next_cursor"), Just("paging.next_cursor")]),
            link in proptest::option::of(prop_oneof![Just("<http://h/c?page=9>; rel=\"next\""), Just("<http://h/c?page=1>; rel=\"prev\"")]),
            cut in 0usize..8,
        ) {
            let bytes = serde_json::to_vec(&doc).expect("serialises");
            let whole: Option<Value> = serde_json::from_slice(&bytes).ok();
            let view = next_view(&bytes, field);
            prop_assert_eq!(next_of(link, view.as_ref(), field), next_of(link, whole.as_ref(), field));
            let broken = &bytes[..bytes.len().saturating_sub(cut + 1)];
            prop_assert_eq!(next_view(broken, field).is_some(), serde_json::from_slice::<Value>(broken).is_ok());
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 4000, failure_persistence: None, ..ProptestConfig::default() })]

        /// The short way to a request's key gives what decoding, sorting and re-encoding give,
        /// for any query (escapes, `+`, empty pairs and names, pairs without `=`, repeats).
        #[test]
        fn plain_keys_are_the_general_keys(query in "([a-cA-C0-9*._~+% -]{0,4}(=[a-c0-9*._%+-]{0,3})?&?){0,5}") {
            let general = {
                let mut pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect();
                pairs.sort();
                let mut ser = form_urlencoded::Serializer::new(String::new());
                for (k, v) in &pairs {
                    ser.append_pair(k, v);
                }
                if pairs.is_empty() { "/c".to_owned() } else { format!("/c?{}", ser.finish()) }
            };
            prop_assert_eq!(url_key("/c", Some(&query)), general);
        }
    }

    #[test]
    fn link_headers_and_body_fields() {
        assert_eq!(
            link_next("<http://h/a?page=2>; rel=\"next\", <http://h/a?page=9>; rel=\"last\""),
            Some("http://h/a?page=2")
        );
        assert_eq!(link_next("<http://h/a?page=1>; rel=\"prev\""), None);
        let v: Value = serde_json::json!({"result": {"next_cursor": "abc"}, "has_more": true});
        assert_eq!(next_of(None, Some(&v), Some("result.next_cursor")), Next::Token("abc".into()));
        let v: Value = serde_json::json!({"items": [], "nextPageUrl": "http://up:1/v1/x?b=2&a=1"});
        assert_eq!(next_of(None, Some(&v), None), Next::Url("/v1/x?a=1&b=2".into()));
        let v: Value = serde_json::json!({"items": [], "next": null});
        assert_eq!(next_of(None, Some(&v), None), Next::End);
        let v: Value = serde_json::json!({"items": [], "has_more": true, "cursor": "zz"});
        assert_eq!(next_of(None, Some(&v), None), Next::Token("zz".into()));
    }

    /// The last page of a Plaid-style walk carries `next_cursor` and `has_more: false`: the
    /// walk ends there (with or without a profile naming the field), so a client that stops
    /// fetched every page, and one that asks with that cursor asks past the end.
    #[test]
    fn has_more_false_ends_the_walk_whatever_cursor_comes_with_it() {
        let last: Value = serde_json::json!({"added": [], "has_more": false, "next_cursor": "c3"});
        assert_eq!(next_of(None, Some(&last), None), Next::End);
        assert_eq!(next_of(None, Some(&last), Some("next_cursor")), Next::End);
        let nested: Value = serde_json::json!({"paging": {"has_more": false, "next_cursor": "c3"}});
        assert_eq!(next_of(None, Some(&nested), Some("paging.next_cursor")), Next::End);
        let nested_more: Value = serde_json::json!({"paging": {"has_more": true, "next_cursor": "c3"}});
        assert_eq!(next_of(None, Some(&nested_more), Some("paging.next_cursor")), Next::Token("c3".into()));
        let mut t = PageTracker::default();
        assert_eq!(t.classify("/sync", Some("count=2")), 1);
        t.record(
            1,
            next_of(None, Some(&serde_json::json!({"has_more": true, "next_cursor": "c2"})), None),
            false,
        );
        assert_eq!(t.classify("/sync", Some("count=2&cursor=c2")), 2);
        t.record(2, next_of(None, Some(&last), None), false);
        assert_eq!(t.last_page, Some(2), "the end is known");
        assert_eq!(t.classify("/sync", Some("count=2&cursor=c3")), 3, "past the last page");
    }

    #[test]
    fn pages_are_told_apart_from_restarts_and_requests_past_the_end() {
        let mut t = PageTracker::default();
        assert_eq!(t.classify("/c", Some("limit=2")), 1);
        t.record(1, Next::Token("k2".into()), false);
        assert_eq!(t.classify("/c", Some("limit=2&after=k2")), 2);
        t.record(2, Next::Url("/c?after=k3&limit=2".into()), false);
        assert_eq!(t.classify("/c", Some("limit=2&after=k3")), 3);
        t.record(3, Next::End, false);
        assert_eq!(t.classify("/c", Some("limit=2")), 1, "a restart");
        assert_eq!(t.classify("/c", Some("limit=2&after=k4")), 4, "past the last page");
    }
}
