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
/// Requests sent half-closed (per kind).
const HALF_CLOSED: usize = 50;
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
    let exchange = async {
        let Ok(mut s) = TcpStream::connect(addr).await else { return Raw::Closed };
        // A write fails when the server already refused (e.g. 431 and close); read what it said.
        let _ = s.write_all(bytes).await;
        if half_close {
            let _ = s.shutdown().await;
        }
        read_status(&mut s).await
    };
    tokio::time::timeout(HANG, exchange).await.unwrap_or(Raw::Hung)
}

/// Sends `head`, then streams `filler` until the server stops taking it, while reading the
/// answer. Returns the answer and how many filler bytes the server took (its buffers included).
async fn stream_body(addr: SocketAddr, head: &[u8], filler: &'static [u8]) -> (Raw, u64) {
    let Ok(s) = TcpStream::connect(addr).await else { return (Raw::Closed, 0) };
    let (mut rd, mut wr) = s.into_split();
    let head = head.to_vec();
    let writer = tokio::spawn(async move {
        let mut sent = 0u64;
        if wr.write_all(&head).await.is_err() {
            return sent;
        }
        // At most 1 GiB, so a server that reads everything still ends the test.
        while sent < (1 << 30) && wr.write_all(filler).await.is_ok() {
            sent += filler.len() as u64;
        }
        sent
    });
    let mut buf = Vec::new();
    let read = async {
        let mut chunk = [0u8; 2048];
        while !buf.windows(2).any(|w| w == b"\r\n") {
            match rd.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
    };
    let answered = tokio::time::timeout(HANG, read).await.is_ok();
    let line = String::from_utf8_lossy(&buf).into_owned();
    let got = match line.strip_prefix("HTTP/1.1 ").and_then(|r| r.get(..3)).and_then(|c| c.parse().ok()) {
        Some(code) => Raw::Answered(code),
        None if !answered => Raw::Hung,
        None if buf.is_empty() => Raw::Closed,
        None => Raw::NotHttp,
    };
    // The server closes after refusing; the writer then stops (bounded by the 1 GiB cap).
    drop(rd);
    let sent = tokio::time::timeout(HANG, writer).await.ok().and_then(Result::ok).unwrap_or(u64::MAX);
    (got, sent)
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
        // A client that half-closes after its request still gets the answer (50 of each, as
        // the server seeing the end of input races with the handler).
        for (what, req) in
            [("GET", get(b"/items?page=2", valid.as_bytes())), ("token request", token_req(good(""), cc))]
        {
            let mut lost = 0;
            for _ in 0..HALF_CLOSED {
                if raw(addr, &req, true).await != Raw::Answered(200) {
                    lost += 1;
                }
            }
            if lost > 0 {
                failures.push(format!("{lost} of {HALF_CLOSED} half-closed {what}s got no answer"));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        serves_normally(&api, "malformed requests").await;
        eprintln!("{} malformed requests answered as expected", cases.len());
    });
}

static FILLER: [u8; 64 * 1024] = [b'a'; 64 * 1024];
/// A 64 KiB chunk of chunked transfer encoding.
static CHUNK: std::sync::LazyLock<Vec<u8>> = std::sync::LazyLock::new(|| {
    let mut c = format!("{:x}\r\n", FILLER.len()).into_bytes();
    c.extend_from_slice(&FILLER);
    c.extend_from_slice(b"\r\n");
    c
});
/// What the server may take of an endless body before refusing it: its 16 KiB limit plus
/// kernel socket buffers.
const BODY_BOUND: u64 = 16 * 1024 * 1024;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn huge_headers_and_bodies_are_refused_and_read_only_so_far() {
    let api = EvidenceApi::start("127.0.0.1:0").await.expect("start");
    let addr = api.local_addr();
    let token = token(&api).await;
    let (id, secret) = api.credentials();
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{id}:{}", secret.expose()))
    );

    // Heads: one 1 MiB header, 1,000 headers, a 100 KiB target.
    let big = request("GET", b"/items", &[(b"X-Big".to_vec(), vec![b'h'; 1 << 20])], b"");
    let many: Vec<(Vec<u8>, Vec<u8>)> =
        (0..1000).map(|i| (format!("X-H{i}").into_bytes(), b"v".to_vec())).collect();
    let many = request("GET", b"/items", &many, b"");
    let long = request("GET", format!("/items?q={}", "q".repeat(100 * 1024)).as_bytes(), &[], b"");
    for (what, bytes) in [("a 1 MiB header", big), ("1,000 headers", many), ("a 100 KiB target", long)] {
        let got = raw(addr, &bytes, false).await;
        assert!(matches!(got, Raw::Answered(414 | 431) | Raw::Closed), "{what}: {got:?}");
        serves_normally(&api, what).await;
    }

    // A 10 GiB Content-Length is refused from the header alone.
    let head = format!(
        "POST /oauth/token HTTP/1.1\r\nHost: x\r\nAuthorization: {basic}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
        10u64 << 30
    );
    let (got, taken) = stream_body(addr, head.as_bytes(), &FILLER).await;
    eprintln!("a 10 GiB token request: {got:?}, {taken} bytes taken");
    assert_eq!(got, Raw::Answered(413), "a 10 GiB token request");
    assert!(taken < BODY_BOUND, "the server took {taken} bytes of a 10 GiB body");
    serves_normally(&api, "a 10 GiB Content-Length").await;

    // An endless chunked token request is cut off at the body limit.
    let head = format!(
        "POST /oauth/token HTTP/1.1\r\nHost: x\r\nAuthorization: {basic}\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n"
    );
    let (got, taken) = stream_body(addr, head.as_bytes(), CHUNK.as_slice()).await;
    eprintln!("an endless chunked token request: {got:?}, {taken} bytes taken");
    assert_eq!(got, Raw::Answered(413), "an endless chunked token request");
    assert!(taken < BODY_BOUND, "the server took {taken} bytes of an endless body");
    serves_normally(&api, "an endless chunked body").await;

    // A malformed chunk size is not "too large": the client is told its body could not be
    // read (or the connection is dropped), never to send less.
    let bad_chunk = format!(
        "POST /oauth/token HTTP/1.1\r\nHost: x\r\nAuthorization: {basic}\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n5\r\ngrant\r\nzz\r\n_type=client_credentials\r\n0\r\n\r\n"
    );
    let got = raw(addr, bad_chunk.as_bytes(), false).await;
    eprintln!("a malformed chunk: {got:?}");
    assert!(matches!(got, Raw::Answered(400) | Raw::Closed), "a malformed chunk: {got:?}");
    serves_normally(&api, "a malformed chunk").await;

    // A GET with a 1 GiB body it does not read: answered, the body not swallowed.
    let head = format!(
        "GET /items HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Length: {}\r\n\r\n",
        1u64 << 30
    );
    let (got, taken) = stream_body(addr, head.as_bytes(), &FILLER).await;
    eprintln!("a GET with a 1 GiB body: {got:?}, {taken} bytes taken");
    assert!(matches!(got, Raw::Answered(200 | 400 | 413) | Raw::Closed), "a GET with a 1 GiB body: {got:?}");
    assert!(taken < BODY_BOUND, "the server took {taken} bytes of a GET body");
    serves_normally(&api, "a GET with a 1 GiB body").await;
}

/// Proxy mode reads a request's body before forwarding it: an endless one is cut off at the
/// limit (413), a malformed chunk is "could not be read" (400), never "too large". The
/// upstream is a closed port: neither request gets as far as forwarding.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proxy_tells_a_malformed_body_from_a_too_large_one() {
    let api = EvidenceApi::start_proxy("127.0.0.1:0", "http://127.0.0.1:9/v1", None).await.expect("proxy");
    let addr = api.local_addr();
    let head = b"POST /v1/things HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    let (got, taken) = stream_body(addr, head, CHUNK.as_slice()).await;
    eprintln!("an endless chunked body through the proxy: {got:?}, {taken} bytes taken");
    assert_eq!(got, Raw::Answered(413), "an endless chunked body through the proxy");
    assert!(taken < BODY_BOUND, "the proxy took {taken} bytes of an endless body");

    let bad_chunk = b"POST /v1/things HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\nzz\r\n[]\r\n0\r\n\r\n";
    let got = raw(addr, bad_chunk, false).await;
    eprintln!("a malformed chunk through the proxy: {got:?}");
    assert!(matches!(got, Raw::Answered(400) | Raw::Closed), "a malformed chunk through the proxy: {got:?}");
    api.shutdown().await;
}

/// Slowloris: connections that dribble their headers a byte at a time, and token requests that
/// dribble their body. The server keeps serving others meanwhile and closes every dribbler once
/// its time is up (5 s for headers, 10 s for a whole request).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_senders_are_cut_off_while_others_are_served() {
    const HEADER_DRIBBLERS: usize = 100;
    const BODY_DRIBBLERS: usize = 5;
    let api = EvidenceApi::start("127.0.0.1:0").await.expect("start");
    let addr = api.local_addr();
    let (id, secret) = api.credentials();
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{id}:{}", secret.expose()))
    );
    let start = Instant::now();

    /// Writes `head`, then `drip` one byte per `every` until the server closes the connection;
    /// returns when that happened and the status the server sent, if any.
    async fn dribble(
        addr: SocketAddr,
        head: Vec<u8>,
        drip: &'static [u8],
        every: Duration,
    ) -> (Duration, Raw) {
        let start = Instant::now();
        let Ok(s) = TcpStream::connect(addr).await else { return (start.elapsed(), Raw::Closed) };
        let (mut rd, mut wr) = s.into_split();
        let writer = tokio::spawn(async move {
            if wr.write_all(&head).await.is_err() {
                return;
            }
            for b in drip.iter().cycle() {
                tokio::time::sleep(every).await;
                if wr.write_all(&[*b]).await.is_err() {
                    return;
                }
            }
        });
        let mut buf = Vec::new();
        let mut chunk = [0u8; 1024];
        let read = async {
            loop {
                match rd.read(&mut chunk).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            }
        };
        let closed = tokio::time::timeout(Duration::from_secs(16), read).await.is_ok();
        writer.abort();
        let line = String::from_utf8_lossy(&buf).into_owned();
        let got = match line.strip_prefix("HTTP/1.1 ").and_then(|r| r.get(..3)).and_then(|c| c.parse().ok()) {
            Some(code) => Raw::Answered(code),
            None if !closed => Raw::Hung,
            None => Raw::Closed,
        };
        (start.elapsed(), got)
    }

    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..HEADER_DRIBBLERS {
        let head = b"GET /items HTTP/1.1\r\nHost: x\r\n".to_vec();
        tasks.spawn(dribble(addr, head, b"X-Slow: aaaa\r\n", Duration::from_millis(200)));
    }
    for _ in 0..BODY_DRIBBLERS {
        let head = format!(
            "POST /oauth/token HTTP/1.1\r\nHost: x\r\nAuthorization: {basic}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 500\r\n\r\n"
        )
        .into_bytes();
        tasks.spawn(dribble(addr, head, b"grant_type=client_credentials&", Duration::from_millis(300)));
    }
    // While 105 connections dribble, a normal client is served.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let during = serves_normally(&api, "1 s of slow senders").await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let later = serves_normally(&api, "3 s of slow senders").await;

    let mut ended = Vec::new();
    while let Some(done) = tasks.join_next().await {
        ended.push(done.expect("dribbler"));
    }
    for (took, got) in &ended {
        assert!(matches!(got, Raw::Closed | Raw::Answered(400 | 408 | 413)), "a dribbler ended with {got:?}");
        // 5 s for headers and 10 s for a request, with room for a busy machine.
        assert!(*took < Duration::from_secs(14), "a dribbler was kept for {took:?}");
    }
    let slowest = ended.iter().map(|(t, _)| *t).max().unwrap_or_default();
    let after = serves_normally(&api, "slow senders").await;
    eprintln!(
        "{HEADER_DRIBBLERS} header and {BODY_DRIBBLERS} body dribblers, all cut off by {slowest:?} ({:?} in total); a normal client was served in {during:?} and {later:?} meanwhile, {after:?} after",
        start.elapsed()
    );
}

/// Raises the soft open-files limit to what the test needs (the hard limit allowing).
fn raise_fd_limit(wanted: u64) -> u64 {
    let mut lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit/setrlimit only read and write the struct passed.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return 1024;
        }
        if lim.rlim_cur < wanted {
            lim.rlim_cur = wanted.min(lim.rlim_max);
            libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
            libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim);
        }
    }
    lim.rlim_cur
}

/// 2,000 connections at once, each with a request; then 2,000 held open and silent. Every
/// request is answered or refused (the server serves at most 256 connections at a time; a new
/// one displaces the oldest idle one, or is closed on accept when every slot is mid-request),
/// none hangs, and once they are gone a normal client is served.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousands_of_connections_are_answered_or_refused() {
    // Our 2,000 sockets, the server's side of those it keeps, and the runtime's own.
    let limit = raise_fd_limit(CONNECTIONS as u64 * 2 + 512);
    let n = CONNECTIONS.min(usize::try_from(limit.saturating_sub(512) / 2).unwrap_or(0));
    assert!(n >= 500, "the open-files limit ({limit}) is too low for this test");
    let api = EvidenceApi::start("127.0.0.1:0").await.expect("start");
    let addr = api.local_addr();
    let start = Instant::now();

    // A flood: n connections at once, each sending a request.
    let req = request("GET", b"/items", &[], b"");
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..n {
        let req = req.clone();
        tasks.spawn(async move { raw(addr, &req, false).await });
    }
    let (mut answered, mut refused) = (0usize, 0usize);
    while let Some(got) = tasks.join_next().await {
        match got.expect("task") {
            Raw::Answered(401) => answered += 1,
            Raw::Closed => refused += 1,
            other => panic!("a request in the flood ended with {other:?}"),
        }
    }
    assert_eq!(answered + refused, n);
    assert!(answered > 0, "every request was refused");
    let flood = start.elapsed();
    let after_flood = serves_normally(&api, "a flood of connections").await;

    // n silent connections held open: the server keeps at most its cap, closes the rest
    // (each newcomer displacing the oldest silent one), and serves or refuses (never hangs) a
    // newcomer while full.
    let mut held = Vec::with_capacity(n);
    for _ in 0..n {
        if let Ok(s) = TcpStream::connect(addr).await {
            held.push(s);
        }
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    // A connection the server closed reads EOF (or a reset) at once; a kept one stays silent.
    let mut probes = tokio::task::JoinSet::new();
    for mut s in held {
        probes.spawn(async move {
            let mut b = [0u8; 1];
            let silent = tokio::time::timeout(Duration::from_millis(500), s.read(&mut b)).await.is_err();
            (s, silent)
        });
    }
    let mut held = Vec::with_capacity(n);
    let mut kept = 0usize;
    while let Some(probe) = probes.join_next().await {
        let (s, silent) = probe.expect("probe");
        kept += usize::from(silent);
        held.push(s);
    }
    assert!(kept <= 256, "the server kept {kept} silent connections open");
    let newcomer = raw(addr, &req, false).await;
    assert!(acceptable(newcomer), "a request while full: {newcomer:?}");
    drop(held);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let after_hold = serves_normally(&api, "silent connections").await;
    eprintln!(
        "{n} connections at once: {answered} answered, {refused} refused in {flood:?}; a normal client was served in {after_flood:?} after. {n} silent ones held: {kept} kept by the server, a newcomer got {newcomer:?}; served in {after_hold:?} once they closed"
    );
}
