//! Proxy mode's upstream connections against a real keep-alive upstream
//! (tests/peers/sandbox_provider.py: http.server with `protocol_version = "HTTP/1.1"`, which
//! keeps a connection open until the peer closes it, and `--conn-id`, which says on every
//! answer which TCP connection carried it). The client is reqwest, whose pool keeps one
//! connection per host open between sequential requests (hyper-util's legacy pool, idle
//! timeout 90 s by default).
//!
//! - Each client connection keeps one upstream connection of its own, reused request after
//!   request; a second client connection gets a second one.
//! - An upstream that closes a kept connection while it is idle, without saying so (a
//!   keep-alive timeout: `--close-after 2`), costs the client nothing: the next request goes
//!   on a new upstream connection and is answered by upstream, not with a 502.
//! - An upstream that closes a kept connection just as a request crosses it (`--drop-after 2`:
//!   the request is read and the connection closed with no answer) costs a GET nothing either:
//!   it goes once more on a new connection (RFC 9110 §9.2.2, as nginx's `proxy_next_upstream
//!   error`). A POST is not sent twice (upstream may have acted on it): the client gets a 502
//!   that names upstream, which the verdicts read as the environment's trouble.
//! - An answer to HEAD keeps upstream's `Content-Length`.

use std::collections::BTreeSet;
use std::process::Stdio;
use std::time::Duration;

use certcockpit::checks::api::EvidenceApi;

use crate::support::{Listening, listening, python_peer};

/// Requests sent per client in each test.
const REQUESTS: usize = 6;

fn sandbox(flags: &[&str]) -> Listening {
    let mut cmd = python_peer("sandbox_provider.py");
    cmd.args(["partner-app", "sandbox-secret"]).args(flags).stderr(Stdio::null());
    listening(cmd, "needs python3 (standard library only)")
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().timeout(Duration::from_secs(10)).build().expect("client")
}

/// Sends one GET through the proxy; returns upstream's connection id for it (its answer, a
/// 401 for the missing token, is upstream's own).
async fn upstream_connection(http: &reqwest::Client, api: &EvidenceApi) -> String {
    let url = format!("http://{}/api/v3/records", api.local_addr());
    let resp = http.get(&url).send().await.expect("an answer through the proxy");
    assert_eq!(resp.status(), 401, "upstream's own answer, forwarded");
    let id = resp.headers().get("x-sandbox-connection").expect("upstream's connection id");
    id.to_str().expect("a port number").to_owned()
}

/// `ids` (upstream's connection per answer, in order) are pairs: each upstream connection
/// carried two answers, then a new one took over (`why` says what that shows).
fn assert_two_answers_per_connection(ids: &[String], why: &str) {
    let distinct: BTreeSet<_> = ids.iter().collect();
    assert_eq!(distinct.len(), ids.len() / 2, "{why}: {ids:?}");
    for pair in ids.chunks(2) {
        assert_eq!(pair[0], pair[1], "two answers per upstream connection: {ids:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_client_connection_keeps_an_upstream_connection_of_its_own() {
    let sb = sandbox(&["--conn-id"]);
    let upstream = format!("http://127.0.0.1:{}/api", sb.port);
    let api = EvidenceApi::start_proxy("127.0.0.1:0", &upstream, None).await.expect("proxy");
    let (a, b) = (client(), client());
    let (mut seen_a, mut seen_b) = (BTreeSet::new(), BTreeSet::new());
    for _ in 0..REQUESTS {
        seen_a.insert(upstream_connection(&a, &api).await);
        seen_b.insert(upstream_connection(&b, &api).await);
    }
    assert_eq!(seen_a.len(), 1, "one client connection, one upstream connection: {seen_a:?}");
    assert_eq!(seen_b.len(), 1, "the second client connection's: {seen_b:?}");
    assert_ne!(seen_a, seen_b, "two client connections share no upstream connection");
    api.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upstream_closing_an_idle_connection_costs_the_client_nothing() {
    let sb = sandbox(&["--conn-id", "--close-after", "2"]);
    let upstream = format!("http://127.0.0.1:{}/api", sb.port);
    let api = EvidenceApi::start_proxy("127.0.0.1:0", &upstream, None).await.expect("proxy");
    let http = client();
    let mut ids = Vec::new();
    for _ in 0..REQUESTS {
        ids.push(upstream_connection(&http, &api).await);
        // Upstream's close arrives while the kept connection is idle.
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_two_answers_per_connection(&ids, "a new upstream connection every 2 answers");
    api.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upstream_closing_a_connection_under_a_request_costs_a_get_nothing_and_a_post_its_answer() {
    let sb = sandbox(&["--conn-id", "--drop-after", "2"]);
    let upstream = format!("http://127.0.0.1:{}/api", sb.port);
    let api = EvidenceApi::start_proxy("127.0.0.1:0", &upstream, None).await.expect("proxy");
    let http = client();
    // Back to back: every third request on an upstream connection is the one it closes under.
    let mut ids = Vec::new();
    for _ in 0..REQUESTS {
        ids.push(upstream_connection(&http, &api).await);
    }
    assert_two_answers_per_connection(&ids, "each dropped GET went again on a new connection");

    // The kept connection has answered two requests: the POST is the one it closes under.
    let token = format!("http://{}/api/oauth2/token", api.local_addr());
    let resp = http
        .post(&token)
        .form(&[("grant_type", "client_credentials")])
        .basic_auth("partner-app", Some("sandbox-secret"))
        .send()
        .await
        .expect("an answer through the proxy");
    assert_eq!(resp.status(), 502, "a POST is not sent twice");
    let body = resp.text().await.expect("body");
    assert!(body.contains("upstream") && body.contains("POST"), "the 502 says what happened: {body}");
    api.shutdown().await;
}

/// An answer to HEAD comes back with upstream's `Content-Length` (the length a GET's body
/// would have) and no body, not with the empty body's length.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_head_answer_keeps_upstreams_length() {
    let sb = sandbox(&[]);
    let upstream = format!("http://127.0.0.1:{}/api", sb.port);
    let api = EvidenceApi::start_proxy("127.0.0.1:0", &upstream, None).await.expect("proxy");
    let http = client();
    let url = format!("http://{}/api/v3/records", api.local_addr());
    let get = http.get(&url).send().await.expect("GET");
    let get_len = get.bytes().await.expect("GET body").len();
    let head = http.head(&url).send().await.expect("HEAD");
    assert_eq!(head.status(), 401, "upstream's own answer");
    let length = head.headers().get("content-length").map(|v| v.to_str().unwrap_or_default().to_owned());
    assert_eq!(length, Some(get_len.to_string()), "upstream's length, as for the GET");
    assert!(head.bytes().await.expect("HEAD body").is_empty(), "no body to a HEAD");
    api.shutdown().await;
}
