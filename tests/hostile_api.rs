//! The evidence API under hostile input, over raw TCP on 127.0.0.1: random and malformed
//! requests (proptest, with explicit case counts), huge headers and bodies, slow senders,
//! thousands of connections, half-closed sockets, non-UTF-8 everywhere. Every request gets an
//! answer (never a 5xx) or a closed connection, nothing hangs past the header-read timeout,
//! and after each attack a normal token request + `GET /items` is served.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use base64::Engine;
use certcockpit::checks::api::EvidenceApi;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Random raw requests sent by the proptest.
const RAW_CASES: u32 = 400;
/// Connections opened at once.
const CONNECTIONS: usize = 2000;
/// The server's header-read timeout is 5 s; nothing may stay open much longer.
const HANG: Duration = Duration::from_secs(8);

/// How a raw exchange ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Raw {
    /// An HTTP status line came back.
    Answered(u16),
    /// Bytes came back that are not an HTTP status line.
    NotHttp,
    /// Closed or reset without an answer: refused.
    Closed,
    /// Still open, silent, after `HANG`.
    Hung,
}

/// Reads until a status line can be parsed or the connection ends.
async fn read_status(s: &mut TcpStream) -> Raw {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 2048];
    loop {
        if let Some(end) = buf.windows(2).position(|w| w == b"\r\n") {
            let line = String::from_utf8_lossy(&buf[..end]).into_owned();
            return match line.strip_prefix("HTTP/1.1 ").and_then(|r| r.get(..3)).and_then(|c| c.parse().ok())
            {
                Some(code) => Raw::Answered(code),
                None => Raw::NotHttp,
            };
        }
        match s.read(&mut chunk).await {
            Ok(0) | Err(_) if buf.is_empty() => return Raw::Closed,
            Ok(0) | Err(_) => return Raw::NotHttp,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

/// Sends `bytes` on a fresh connection, optionally half-closing it, and reads the answer.
async fn raw(addr: SocketAddr, bytes: &[u8], half_close: bool) -> Raw {
    let Ok(mut s) = TcpStream::connect(addr).await else { return Raw::Closed };
    // A write can fail when the server already refused (e.g. 431 and close); read what it said.
    let _ = s.write_all(bytes).await;
    if half_close {
        let _ = s.shutdown().await;
    }
    tokio::time::timeout(HANG, read_status(&mut s)).await.unwrap_or(Raw::Hung)
}

/// An answer below 500, or a refusal. Anything else (a hang, a crash, a non-HTTP reply) is a bug.
fn acceptable(r: Raw) -> bool {
    matches!(r, Raw::Answered(100..=499) | Raw::Closed)
}

fn http() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().timeout(Duration::from_secs(5)).build().expect("client")
}

async fn token(api: &EvidenceApi) -> String {
    let (id, secret) = api.credentials();
    let resp = http()
        .post(api.token_url())
        .basic_auth(id, Some(secret.expose()))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect("token request");
    assert_eq!(resp.status(), 200);
    let body: serde_json::Value = resp.json().await.expect("json");
    body["access_token"].as_str().expect("access_token").to_owned()
}

/// A normal client still gets a token and a page, and how long that took.
async fn serves_normally(api: &EvidenceApi, after: &str) -> Duration {
    let start = Instant::now();
    let token = token(api).await;
    let resp = http()
        .get(format!("{}/items", api.base_url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap_or_else(|e| panic!("after {after}: GET /items failed: {e}"));
    assert_eq!(resp.status(), 200, "after {after}");
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(body["data"].as_array().map(Vec::len), Some(5), "after {after}");
    start.elapsed()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime")
}

/// One request as raw bytes, from parts that may hold anything.
fn request(method: &str, target: &[u8], headers: &[(Vec<u8>, Vec<u8>)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("{method} ").into_bytes();
    out.extend_from_slice(target);
    out.extend_from_slice(b" HTTP/1.1\r\n");
    if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(b"host")) {
        out.extend_from_slice(b"Host: 127.0.0.1\r\n");
    }
    for (name, value) in headers {
        out.extend_from_slice(name);
        out.extend_from_slice(b": ");
        out.extend_from_slice(value);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("Content-Length: {}\r\nConnection: close\r\n\r\n", body.len()).as_bytes());
    out.extend_from_slice(body);
    out
}

/// Header-value bytes: anything but CR and LF (which would end the header).
fn value_bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>().prop_filter("no CR/LF", |b| *b != b'\r' && *b != b'\n'), 0..max)
}

/// Requests a hostile or broken client might send.
fn hostile_request() -> impl Strategy<Value = Vec<u8>> {
    let form = prop_oneof![
        Just(b"application/x-www-form-urlencoded".to_vec()),
        Just(b"application/json".to_vec()),
        value_bytes(40),
    ];
    let auth = prop_oneof![
        value_bytes(200),
        prop::collection::vec(any::<u8>(), 0..120).prop_map(|raw| {
            format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(raw)).into_bytes()
        }),
        "[ -~]{0,80}".prop_map(|s| format!("Basic {s}").into_bytes()),
        "[ -~]{0,80}".prop_map(|s| format!("Bearer {s}").into_bytes()),
    ];
    let body = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..600),
        "(grant_type|client_id|client_secret|refresh_token|[a-z%&=+]{1,6})=[ -~]{0,30}(&[ -~]{0,20}){0,6}"
            .prop_map(String::into_bytes),
    ];
    let query = prop_oneof![
        "[ -~]{0,60}".prop_map(|q| format!("/items?{q}").into_bytes()),
        "(page=[0-9]{0,12}|page=-?[0-9]{1,3}|page=%[0-9A-F]{2}|page=4294967295|page=4294967296)(&[a-z]=[a-z]){0,3}"
            .prop_map(|q| format!("/items?{q}").into_bytes()),
        prop::collection::vec(any::<u8>().prop_filter("no space/CR/LF", |b| !b" \r\n".contains(b)), 0..80),
    ];
    prop_oneof![
        // Bytes that are not HTTP at all.
        prop::collection::vec(any::<u8>(), 0..2048),
        // A token request with any Authorization, content type and form body.
        (auth.clone(), form, body).prop_map(|(a, ct, b)| request(
            "POST",
            b"/oauth/token",
            &[(b"Authorization".to_vec(), a), (b"Content-Type".to_vec(), ct)],
            &b
        )),
        // A GET with any target, Authorization, and client name.
        (query, auth, value_bytes(60)).prop_map(|(q, a, name)| request(
            "GET",
            &q,
            &[(b"Authorization".to_vec(), a), (b"X-Client-Name".to_vec(), name)],
            b""
        )),
        // Any method and header names made of anything.
        (
            "[A-Z]{1,10}",
            prop::collection::vec((value_bytes(30), value_bytes(60)), 0..12),
            prop::collection::vec(any::<u8>(), 0..200)
        )
            .prop_map(|(m, h, b)| request(&m, b"/oauth/token", &h, &b)),
    ]
}

#[test]
fn random_and_malformed_requests_get_an_answer_or_a_refusal() {
    let rt = runtime();
    let api = rt.block_on(EvidenceApi::start("127.0.0.1:0")).expect("start");
    let addr = api.local_addr();
    let config = Config { cases: RAW_CASES, failure_persistence: None, ..Config::default() };
    let mut runner = TestRunner::new(config);
    let counts = [const { std::cell::Cell::new(0usize) }; 3];
    runner
        .run(&(hostile_request(), any::<bool>()), |(bytes, half_close)| {
            let got = rt.block_on(raw(addr, &bytes, half_close));
            let slot = &counts[match got {
                Raw::Answered(c) if c < 500 => 0,
                Raw::Closed => 1,
                _ => 2,
            }];
            slot.set(slot.get() + 1);
            prop_assert!(acceptable(got), "{got:?} for {:?}", String::from_utf8_lossy(&bytes));
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    let took = rt.block_on(serves_normally(&api, "random requests"));
    eprintln!(
        "{RAW_CASES} random requests: {} answered, {} refused; then served in {took:?}",
        counts[0].get(),
        counts[1].get()
    );
}

/// Malformed and non-UTF-8 input a real client could send, each with the answer it must get.
#[test]
fn malformed_forms_authorization_and_non_utf8_get_4xx() {
    let rt = runtime();
    rt.block_on(async {
        let api = EvidenceApi::start("127.0.0.1:0").await.expect("start");
        let addr = api.local_addr();
        let (id, secret) = api.credentials();
        let (id, secret) = (id.to_owned(), secret.expose().to_owned());
        let b64 = |s: &[u8]| base64::engine::general_purpose::STANDARD.encode(s).into_bytes();
        let basic = |s: &[u8]| [b"Basic ".as_slice(), &b64(s)].concat();
        let form_ct = (b"Content-Type".to_vec(), b"application/x-www-form-urlencoded".to_vec());
        let token_req = |auth: Vec<u8>, body: &[u8]| {
            request("POST", b"/oauth/token", &[(b"Authorization".to_vec(), auth), form_ct.clone()], body)
        };
        let good = |extra: &str| basic(format!("{id}:{secret}{extra}").as_bytes());
        let cc = b"grant_type=client_credentials";
        let valid = token(&api).await;
        let get = |target: &[u8], auth: &[u8]| {
            request("GET", target, &[(b"Authorization".to_vec(), [b"Bearer ", auth].concat())], b"")
        };
        let cases: Vec<(&str, Vec<u8>, u16)> = vec![
            ("Basic without credentials", token_req(b"Basic".to_vec(), cc), 401),
            ("Basic that is not base64", token_req(b"Basic !!!!".to_vec(), cc), 401),
            ("Basic without a colon", token_req(basic(id.as_bytes()), cc), 401),
            ("Basic of non-UTF-8", token_req(basic(b"\xff\xfe:\xc3\x28"), cc), 401),
            ("Basic with raw non-UTF-8 bytes", token_req(b"Basic \xff\xfe\xfd".to_vec(), cc), 401),
            ("the right secret with a raw '&' suffix", token_req(good("&junk"), cc), 401),
            ("the right secret with a raw '=' suffix", token_req(good("=x"), cc), 401),
            ("the right secret with '%' garbage", token_req(good("%zz"), cc), 401),
            ("a form of percent-encoded non-UTF-8", token_req(good(""), b"grant_type=%FF%FE%00"), 400),
            ("a form of raw non-UTF-8", token_req(good(""), b"grant_type=\xff\xfe&x=\xc3"), 400),
            ("a form with a repeated parameter", token_req(good(""), b"grant_type=a&grant_type=b"), 400),
            ("a form of only separators", token_req(good(""), b"&&&===&=&"), 400),
            ("refresh without a token", token_req(good(""), b"grant_type=refresh_token"), 400),
            (
                "an unknown refresh token",
                token_req(good(""), b"grant_type=refresh_token&refresh_token=rt-x"),
                400,
            ),
            ("Bearer of non-UTF-8", get(b"/items", b"\xff\xfe"), 401),
            ("an unknown token", get(b"/items", b"at-nope"), 401),
            ("page zero", get(b"/items?page=0", valid.as_bytes()), 400),
            ("page of non-UTF-8", get(b"/items?page=%FF", valid.as_bytes()), 400),
            ("page beyond u32", get(b"/items?page=4294967296", valid.as_bytes()), 400),
            ("the largest page", get(b"/items?page=4294967295", valid.as_bytes()), 200),
            ("a page past the last", get(b"/items?page=99", valid.as_bytes()), 200),
            ("a path of raw non-UTF-8", get(b"/items/\xff\xfe", valid.as_bytes()), 400),
            ("a percent-encoded non-UTF-8 path", get(b"/%FF%FE", valid.as_bytes()), 404),
            (
                "a non-UTF-8 client name",
                request("GET", b"/items", &[(b"X-Client-Name".to_vec(), b"\xff\xfe".to_vec())], b""),
                401,
            ),
            (
                "an escape sequence in a header",
                request("GET", b"/items", &[(b"X-Client-Name".to_vec(), b"\x1b[31m".to_vec())], b""),
                400,
            ),
            (
                // Links then point at the configured base URL, not at the Host.
                "a non-UTF-8 Host",
                request(
                    "GET",
                    b"/items",
                    &[
                        (b"Host".to_vec(), b"\xff\xfe".to_vec()),
                        (b"Authorization".to_vec(), format!("Bearer {valid}").into_bytes()),
                    ],
                    b"",
                ),
                200,
            ),
        ];
        let mut failures = Vec::new();
        for (what, bytes, want) in &cases {
            let got = raw(addr, bytes, false).await;
            if got != Raw::Answered(*want) {
                failures.push(format!("{what}: got {got:?}, want {want}"));
            }
        }
        // A client that half-closes after its request still gets the answer.
        let half = raw(addr, &get(b"/items?page=2", valid.as_bytes()), true).await;
        if half != Raw::Answered(200) {
            failures.push(format!("a half-closed GET: got {half:?}, want 200"));
        }
        let half = raw(addr, &token_req(good(""), cc), true).await;
        if half != Raw::Answered(200) {
            failures.push(format!("a half-closed token request: got {half:?}, want 200"));
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        serves_normally(&api, "malformed requests").await;
        eprintln!("{} malformed requests answered as expected", cases.len());
    });
}
