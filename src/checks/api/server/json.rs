//! JSON bodies with a chosen key order (serde_json's map sorts keys, and the compat scenario
//! needs shuffled ones), and RFC 6749 / RFC 6750 error bodies.

use std::borrow::Cow;

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use rand::seq::SliceRandom;
use serde_json::Value;

/// A JSON document whose objects keep the order their keys were given in.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Leaf(Value),
    /// Keys are mostly the server's own literals (borrowed, not copied per response); a
    /// profile's field names are owned.
    Object(Vec<(Cow<'static, str>, Node)>),
    Array(Vec<Node>),
}

impl<T: Into<Value>> From<T> for Node {
    fn from(v: T) -> Self {
        Node::Leaf(v.into())
    }
}

/// An object with its keys in the given order, shuffled when `shuffle` is set.
pub fn object(fields: Vec<(&'static str, Node)>, shuffle: bool) -> Node {
    object_owned(fields.into_iter().map(|(k, v)| (Cow::Borrowed(k), v)).collect(), shuffle)
}

/// [`object`] with keys that may be owned (a profile's field names).
pub fn object_owned(mut fields: Vec<(Cow<'static, str>, Node)>, shuffle: bool) -> Node {
    if shuffle {
        fields.shuffle(&mut rand::rng());
    }
    Node::Object(fields)
}

/// Puts `value` at a dotted path (`meta.next`) into an object's fields, creating the objects
/// on the way; an existing non-object in the way is replaced.
pub fn insert_dotted(fields: &mut Vec<(Cow<'static, str>, Node)>, path: &str, value: Node) {
    let (head, rest) = match path.split_once('.') {
        Some((h, r)) => (h, Some(r)),
        None => (path, None),
    };
    let pos = fields.iter().position(|(k, _)| k == head);
    match rest {
        None => match pos {
            Some(i) => fields[i].1 = value,
            None => fields.push((Cow::Owned(head.to_owned()), value)),
        },
        Some(rest) => {
            let i = match pos {
                Some(i) => i,
                None => {
                    fields.push((Cow::Owned(head.to_owned()), Node::Object(Vec::new())));
                    fields.len() - 1
                }
            };
            if !matches!(fields[i].1, Node::Object(_)) {
                fields[i].1 = Node::Object(Vec::new());
            }
            if let Node::Object(inner) = &mut fields[i].1 {
                insert_dotted(inner, rest, value);
            }
        }
    }
}

impl Node {
    /// Compact JSON text.
    #[cfg(test)]
    pub fn render(&self) -> String {
        // serde_json writes UTF-8 only, so nothing is ever replaced here.
        String::from_utf8_lossy(&self.to_bytes()).into_owned()
    }

    /// Compact JSON as bytes, written into one buffer: this runs for every `GET /items`, and
    /// building a string per node was the server's largest cost under load.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(512);
        self.write_into(&mut out);
        out
    }

    fn write_into(&self, out: &mut Vec<u8>) {
        match self {
            // Serialising a JSON value into a Vec cannot fail.
            Node::Leaf(v) => {
                let _ = serde_json::to_writer(&mut *out, v);
            }
            Node::Array(items) => {
                out.push(b'[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    item.write_into(out);
                }
                out.push(b']');
            }
            Node::Object(fields) => {
                out.push(b'{');
                for (i, (k, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    let _ = serde_json::to_writer(&mut *out, k.as_ref());
                    out.push(b':');
                    v.write_into(out);
                }
                out.push(b'}');
            }
        }
    }
}

/// A JSON response from a document.
pub fn response(status: StatusCode, body: &Node) -> Response {
    bytes_response(status, body.to_bytes())
}

/// A JSON response from bytes already written.
pub fn bytes_response(status: StatusCode, body: Vec<u8>) -> Response {
    // Built directly: `(status, body).into_response()` would set a content type only for it
    // to be replaced.
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = status;
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    resp
}

/// An RFC 6749 §5.2 error response (`{"error": …, "error_description": …}`), not cacheable.
pub fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    let body = object(vec![("error", error.into()), ("error_description", description.into())], false);
    let mut resp = response(status, &body);
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp.headers_mut().insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_given_order_and_nests() {
        let inner = object(vec![("z", 1.into()), ("a", "x\"y".into())], false);
        let outer = object(vec![("next", Value::Null.into()), ("data", Node::Array(vec![inner]))], false);
        let text = outer.render();
        assert_eq!(text, r#"{"next":null,"data":[{"z":1,"a":"x\"y"}]}"#);
        let parsed: Value = serde_json::from_str(&text).expect("valid json");
        assert_eq!(parsed["data"][0]["a"], "x\"y");

        let mut fields = Vec::new();
        insert_dotted(&mut fields, "result.items", Node::Array(vec![]));
        insert_dotted(&mut fields, "result.next", "c1".into());
        insert_dotted(&mut fields, "total", 3.into());
        assert_eq!(Node::Object(fields).render(), r#"{"result":{"items":[],"next":"c1"},"total":3}"#);
    }
}
