//! The evidence API server against a real HTTP client (reqwest) and raw TCP on loopback: the
//! token endpoint as RFC 6749 clients need it, bearer checks, pagination links, trace ids,
//! and limits that keep a slow or malformed client from taking the server down.

use std::time::Duration;

use certcockpit::checks::api::{EvidenceApi, RequestKind};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().timeout(Duration::from_secs(10)).build().expect("client")
}

async fn grant(api: &EvidenceApi, http: &reqwest::Client) -> String {
    let (id, secret) = api.credentials();
    let resp = http
        .post(api.token_url())
        .basic_auth(id, Some(secret.expose()))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect("token request");
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.expect("json");
    body["access_token"].as_str().expect("access_token").to_owned()
}

#[tokio::test]
async fn token_endpoint_speaks_rfc_6749() {
    let api = EvidenceApi::start("127.0.0.1:0").await.expect("start");
    assert!(api.base_url().starts_with("http://127.0.0.1:"));
    assert!(api.exposure_warning().is_none());
    let http = client();
    let (id, secret) = api.credentials();

    // HTTP Basic.
    let resp = http
        .post(api.token_url())
        .basic_auth(id, Some(secret.expose()))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/json");
    assert_eq!(resp.headers()["cache-control"], "no-store");
    assert!(resp.headers().contains_key("x-trace-id"));
    let body: Value = resp.json().await.expect("json");
    assert_eq!(body["token_type"], "Bearer");
    assert!(body["expires_in"].is_u64(), "{body}");
    let refresh = body["refresh_token"].as_str().expect("refresh_token").to_owned();

    // Credentials in the form body, and the refresh_token grant.
    let resp = http
        .post(api.token_url())
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh.as_str()),
            ("client_id", id),
            ("client_secret", secret.expose()),
        ])
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 200);

    // Errors as RFC 6749 §5.2 says.
    let wrong = http
        .post(api.token_url())
        .basic_auth(id, Some("wrong"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect("send");
    assert_eq!(wrong.status(), 401);
    assert!(wrong.headers().contains_key("www-authenticate"));
    assert_eq!(wrong.json::<Value>().await.expect("json")["error"], "invalid_client");
    let unsupported = http
        .post(api.token_url())
        .basic_auth(id, Some(secret.expose()))
        .form(&[("grant_type", "password")])
        .send()
        .await
        .expect("send");
    assert_eq!(unsupported.status(), 400);
    assert_eq!(unsupported.json::<Value>().await.expect("json")["error"], "unsupported_grant_type");
    let bad_refresh = http
        .post(api.token_url())
        .basic_auth(id, Some(secret.expose()))
        .form(&[("grant_type", "refresh_token"), ("refresh_token", "rt-made-up")])
        .send()
        .await
        .expect("send");
    assert_eq!(bad_refresh.json::<Value>().await.expect("json")["error"], "invalid_grant");

    // The journal names tokens by hash only.
    let journal = api.journal();
    assert_eq!(journal.len(), 5);
    let text = format!("{journal:?}");
    assert!(!text.contains(&refresh));
    assert!(!text.contains(secret.expose()));
    assert!(matches!(&journal[0].kind, RequestKind::Token { issued: Some(h), .. } if h.starts_with("tok-")));
}

#[tokio::test]
async fn items_pages_with_links_trace_ids_and_bearer_errors() {
    let api = EvidenceApi::start("127.0.0.1:0").await.expect("start");
    let http = client();
    let token = grant(&api, &http).await;
    api.arm("pagination.complete").expect("arm");

    let mut url = format!("{}/items", api.base_url());
    let mut traces = Vec::new();
    let mut items = 0;
    let mut pages = 0;
    loop {
        let resp = http.get(&url).bearer_auth(&token).send().await.expect("get");
        assert_eq!(resp.status(), 200);
        traces.push(resp.headers()["x-trace-id"].to_str().expect("ascii").to_owned());
        let link = resp.headers().get("link").map(|l| l.to_str().expect("ascii").to_owned());
        let body: Value = resp.json().await.expect("json");
        items += body["data"].as_array().expect("data").len();
        pages += 1;
        match body["next"].as_str() {
            Some(next) => {
                assert!(next.starts_with("http://127.0.0.1:"), "absolute: {next}");
                assert_eq!(link, Some(format!("<{next}>; rel=\"next\"")));
                url = next.to_owned();
            }
            None => {
                assert!(body["next"].is_null());
                assert_eq!(link, None);
                break;
            }
        }
        assert!(pages < 10, "pagination does not end");
    }
    assert_eq!((pages, items), (4, 17));
    traces.sort();
    traces.dedup();
    assert_eq!(traces.len(), 4, "a fresh trace id per response");
    let result = api.finish().expect("armed");
    assert_eq!(result.verdict, certcockpit::checks::Verdict::Pass, "{}", result.summary);
    assert!(api.last_trace_id().is_some());

    let resp =
        http.get(format!("{}/items", api.base_url())).bearer_auth("at-unknown").send().await.expect("get");
    assert_eq!(resp.status(), 401);
    let challenge = resp.headers()["www-authenticate"].to_str().expect("ascii");
    assert!(challenge.starts_with("Bearer ") && challenge.contains("error=\"invalid_token\""), "{challenge}");
    let resp = http.get(format!("{}/items", api.base_url())).send().await.expect("get");
    assert_eq!(resp.status(), 401);
}

#[tokio::test]
async fn expired_tokens_get_invalid_token() {
    let api = EvidenceApi::start("127.0.0.1:0").await.expect("start");
    api.arm("auth.refresh").expect("arm");
    let http = client();
    let token = grant(&api, &http).await;
    let ok = http.get(format!("{}/items", api.base_url())).bearer_auth(&token).send().await.expect("get");
    assert_eq!(ok.status(), 200);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let expired =
        http.get(format!("{}/items", api.base_url())).bearer_auth(&token).send().await.expect("get");
    assert_eq!(expired.status(), 401);
    let challenge = expired.headers()["www-authenticate"].to_str().expect("ascii").to_owned();
    assert!(challenge.contains("invalid_token") && challenge.contains("expired"), "{challenge}");
}

#[tokio::test]
async fn slow_and_malformed_clients_do_not_take_it_down() {
    let api = EvidenceApi::start("127.0.0.1:0").await.expect("start");
    let addr = api.local_addr();
    let http = client();

    // A slow client that never finishes its headers holds one connection, nothing more.
    let mut slow = TcpStream::connect(addr).await.expect("connect");
    slow.write_all(b"GET /items HTTP/1.1\r\nHost: x\r\nX-Slow: ").await.expect("write");

    // Garbage gets a 400 and a closed connection.
    let mut junk = TcpStream::connect(addr).await.expect("connect");
    junk.write_all(b"\x16\x03\x01 not http at all\r\n\r\n").await.expect("write");
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), junk.read_to_end(&mut buf)).await;
    assert!(String::from_utf8_lossy(&buf).starts_with("HTTP/1.1 400"), "{:?}", String::from_utf8_lossy(&buf));

    // Oversized headers and bodies are refused.
    let big = "x".repeat(100 * 1024);
    let resp = http.get(format!("{}/items", api.base_url())).header("x-big", &big).send().await;
    let status = resp.as_ref().map(|r| r.status().as_u16());
    assert!(status.as_ref().map(|s| *s == 431).unwrap_or(true), "oversized headers accepted: {status:?}");
    let (id, secret) = api.credentials();
    let resp = http
        .post(api.token_url())
        .basic_auth(id, Some(secret.expose()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("grant_type=client_credentials&pad={}", "y".repeat(64 * 1024)))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 413);

    // Meanwhile normal requests are served.
    let token = grant(&api, &http).await;
    let ok = http.get(format!("{}/items", api.base_url())).bearer_auth(&token).send().await.expect("get");
    assert_eq!(ok.status(), 200);

    // The slow connection is dropped once the header-read timeout passes.
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(8), slow.read_to_end(&mut rest)).await;
    assert!(closed.is_ok(), "a connection with unfinished headers was kept open");
}
