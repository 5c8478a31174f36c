//! JSON bodies with a chosen key order (serde_json's map sorts keys, and the compat scenario
//! needs shuffled ones), and RFC 6749 / RFC 6750 error bodies.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rand::seq::SliceRandom;
use serde_json::Value;

/// A JSON document whose objects keep the order their keys were given in.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Leaf(Value),
    Object(Vec<(String, Node)>),
    Array(Vec<Node>),
}

impl<T: Into<Value>> From<T> for Node {
    fn from(v: T) -> Self {
        Node::Leaf(v.into())
    }
}

/// An object with its keys in the given order, shuffled when `shuffle` is set.
pub fn object(fields: Vec<(&str, Node)>, shuffle: bool) -> Node {
    let mut fields: Vec<(String, Node)> = fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    if shuffle {
        fields.shuffle(&mut rand::rng());
    }
    Node::Object(fields)
}

impl Node {
    /// Compact JSON text.
    pub fn render(&self) -> String {
        match self {
            Node::Leaf(v) => v.to_string(),
            Node::Array(items) => {
                format!("[{}]", items.iter().map(Node::render).collect::<Vec<_>>().join(","))
            }
            Node::Object(fields) => {
                let parts: Vec<String> = fields
                    .iter()
                    .map(|(k, v)| format!("{}:{}", Value::String(k.clone()), v.render()))
                    .collect();
                format!("{{{}}}", parts.join(","))
            }
        }
    }
}

/// A JSON response from a document.
pub fn response(status: StatusCode, body: &Node) -> Response {
    let mut resp = (status, body.render()).into_response();
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
    }
}
