//! One resource of a collection, `GET {collection}/{id}` (`/items/item-0002`): what a partner's
//! reconciler fetches when a webhook event it expected never came (`webhook.fallback`, which
//! announces resources of the imitation's collection by webhook and withholds one). The ids
//! are the collection's own (`item-0001` … up to the collection's size in normal traffic); an
//! id the collection does not hold is a JSON 404. Credentials are checked as for the
//! collection; no scenario fault applies (faults go on the collection's pages).

use std::sync::Arc;
use std::time::Instant;

use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::Response;

use super::ServerState;
use super::items::check_credentials;
use super::json::{oauth_error, object, response};
use super::middleware::record_served;
use crate::checks::api::journal::RequestKind;
use crate::checks::api::profile::Profile;
use crate::checks::api::scenario::Scenario;

/// The id of the collection's `n`th item (from 1), as its pages and its resources name it.
pub fn item_id(n: u32) -> String {
    format!("item-{n:04}")
}

/// The item number an id names (`item-0002` → 2), `None` for anything else.
fn item_number(id: &str) -> Option<u32> {
    id.strip_prefix("item-").filter(|d| d.len() >= 4 && d.bytes().all(|b| b.is_ascii_digit()))?.parse().ok()
}

/// The collection index and resource id `path` names, when it is one of a collection's
/// resources: a collection path followed by one more, non-empty segment.
pub fn resource_of<'p>(profile: &Profile, path: &'p str) -> Option<(usize, &'p str)> {
    let (head, id) = path.trim_end_matches('/').rsplit_once('/')?;
    if id.is_empty() || head.is_empty() {
        return None;
    }
    profile.collection_for(head).map(|(i, _)| (i, id))
}

/// How many items the collection holds when nothing is armed (the resources announced come
/// from these).
pub fn collection_size() -> u32 {
    Scenario::normal("webhook.fallback").total_items()
}

pub async fn resource(state: Arc<ServerState>, req: Request, id: &str) -> Response {
    drop(req);
    if let Some(refused) = check_credentials(&state, Instant::now()) {
        record_served(RequestKind::Other, None);
        return refused;
    }
    record_served(RequestKind::Other, None);
    match item_number(id).filter(|n| (1..=collection_size()).contains(n)) {
        Some(n) => response(
            StatusCode::OK,
            &object(vec![("id", item_id(n).into()), ("name", format!("Sample item {n}").into())], false),
        ),
        None => oauth_error(StatusCode::NOT_FOUND, "not_found", "the collection holds no item of that id"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::api::profile;

    #[test]
    fn resources_are_one_segment_below_a_collection() {
        let p = profile::generic();
        let main = p.main_collection().path.example();
        let path = format!("{main}/item-0002");
        assert_eq!(resource_of(&p, &path), Some((0, "item-0002")));
        assert_eq!(resource_of(&p, &format!("{path}/")), Some((0, "item-0002")));
        assert_eq!(resource_of(&p, &main), None);
        assert_eq!(resource_of(&p, "/nowhere/item-0002"), None);
        assert_eq!(item_number("item-0002"), Some(2));
        assert_eq!(item_number("item-2"), None);
        assert_eq!(item_number("item-00x2"), None);
        assert_eq!(item_id(2), "item-0002");
        assert!(collection_size() >= 3, "the fallback announces three resources");
    }
}
