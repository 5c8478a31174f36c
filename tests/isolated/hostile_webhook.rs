//! The webhook probe against hostile listeners: raw tokio TCP servers on 127.0.0.1 that answer
//! garbage, accept and hold, send a status and then stall, redirect to themselves, stream an
//! endless body, send a huge head, or close mid-answer. Every check must end in a clear fail
//! that says why, within about the deadline per delivery, and reading a bounded amount (the
//! endless body's server counts what it managed to write).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use certcockpit::checks::webhook::{Scheme, WebhookTarget, run_checks, webhook_check_ids};
use certcockpit::checks::{CheckResult, Figure, NoProgress, Secret, Verdict};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const DEADLINE_SECS: f64 = 1.0;
/// How far past the deadline a delivery may end (scheduling on a shared, busy machine).
const SLACK: Duration = Duration::from_millis(1500);
/// What the endless-body listener offers: far more than anyone should read.
const ENDLESS_BYTES: u64 = 16 * 1024 * 1024 * 1024;
/// What one delivery may consume of it: the probe's 1 MiB cap plus kernel socket buffers.
const READ_BOUND: u64 = 16 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hostile {
    /// Answers bytes that are not HTTP (a TLS alert and binary junk), then closes.
    Garbage,
    /// Accepts, reads the request, never answers, never closes.
    Hold,
    /// Sends `200` with a Content-Length, a few bytes of body, then nothing, never closing.
    StallBody,
    /// `302` to its own URL, on every request.
    RedirectLoop,
    /// `200` and a chunked body that never ends (16 GiB offered).
    Endless,
    /// A single 8 MiB header line.
    HugeHeader,
    /// 10,000 small headers.
    ManyHeaders,
    /// `200`, Content-Length 100, 6 bytes of body, then closes.
    CloseMidBody,
    /// Half a status line, then closes.
    CloseMidHead,
}

/// What a hostile listener saw.
#[derive(Default)]
struct Tally {
    requests: AtomicU64,
    /// The most any one connection managed to write (what the probe took, plus what the kernel
    /// buffered on the way).
    most_per_connection: AtomicU64,
}

/// Reads one request (head and Content-Length body), so answering does not race unread input.
async fn read_request(s: &mut TcpStream) -> bool {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        match s.read(&mut chunk).await {
            Ok(0) | Err(_) => return false,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            while buf.len() < end + 4 + len {
                match s.read(&mut chunk).await {
                    Ok(0) | Err(_) => return false,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            }
            return true;
        }
    }
}

/// Writes `bytes`, adding them to this connection's count `sent` when all went out.
async fn write_counted(s: &mut TcpStream, bytes: &[u8], sent: &mut u64, tally: &Tally) -> bool {
    let ok = s.write_all(bytes).await.is_ok();
    if ok {
        *sent += bytes.len() as u64;
        tally.most_per_connection.fetch_max(*sent, Ordering::Relaxed);
    }
    ok
}

async fn behave(mut s: TcpStream, how: Hostile, url: String, tally: Arc<Tally>) {
    if !read_request(&mut s).await {
        return;
    }
    tally.requests.fetch_add(1, Ordering::Relaxed);
    let mut sent = 0u64;
    let hold = || tokio::time::sleep(Duration::from_secs(3600));
    match how {
        Hostile::Garbage => {
            let _ = s.write_all(b"\x15\x03\x03\x00\x02\x02\x46\x00\xff\xfe garbage \x01\x02\r\n\r\n").await;
        }
        Hostile::Hold => hold().await,
        Hostile::StallBody => {
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n{\"ok\":").await;
            hold().await;
        }
        Hostile::RedirectLoop => {
            let head = format!("HTTP/1.1 302 Found\r\nLocation: {url}\r\nContent-Length: 0\r\n\r\n");
            let _ = s.write_all(head.as_bytes()).await;
            // Keep-alive: the same connection could carry a followed redirect.
            while read_request(&mut s).await {
                tally.requests.fetch_add(1, Ordering::Relaxed);
                let _ = s.write_all(head.as_bytes()).await;
            }
        }
        Hostile::Endless => {
            if !write_counted(
                &mut s,
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
                &mut sent,
                &tally,
            )
            .await
            {
                return;
            }
            let mut chunk = format!("{:x}\r\n", 64 * 1024).into_bytes();
            chunk.extend(std::iter::repeat_n(b'a', 64 * 1024));
            chunk.extend_from_slice(b"\r\n");
            while sent < ENDLESS_BYTES && write_counted(&mut s, &chunk, &mut sent, &tally).await {}
        }
        Hostile::HugeHeader => {
            if !write_counted(&mut s, b"HTTP/1.1 200 OK\r\nX-Huge: ", &mut sent, &tally).await {
                return;
            }
            let block = vec![b'h'; 64 * 1024];
            for _ in 0..128 {
                if !write_counted(&mut s, &block, &mut sent, &tally).await {
                    return;
                }
            }
            let _ = write_counted(&mut s, b"\r\nContent-Length: 0\r\n\r\n", &mut sent, &tally).await;
            hold().await;
        }
        Hostile::ManyHeaders => {
            let mut head = b"HTTP/1.1 200 OK\r\n".to_vec();
            for i in 0..10_000 {
                head.extend_from_slice(format!("X-H{i}: v\r\n").as_bytes());
            }
            head.extend_from_slice(b"Content-Length: 0\r\n\r\n");
            let _ = write_counted(&mut s, &head, &mut sent, &tally).await;
            hold().await;
        }
        Hostile::CloseMidBody => {
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"ok\":").await;
            let _ = s.shutdown().await;
        }
        Hostile::CloseMidHead => {
            let _ = s.write_all(b"HTTP/1.1 200 O").await;
            let _ = s.shutdown().await;
        }
    }
}

/// Starts a hostile listener; returns its URL and tally. Connections are served on tasks that
/// end with the test's runtime.
async fn hostile(how: Hostile) -> (String, Arc<Tally>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
    let tally = Arc::new(Tally::default());
    let (u, t) = (url.clone(), tally.clone());
    tokio::spawn(async move {
        while let Ok((s, _)) = listener.accept().await {
            tokio::spawn(behave(s, how, u.clone(), t.clone()));
        }
    });
    (url, tally)
}

struct Run {
    how: Hostile,
    results: Vec<CheckResult>,
    took: Duration,
    tally: Arc<Tally>,
}

async fn probe(how: Hostile) -> Run {
    let (url, tally) = hostile(how).await;
    let mut target = WebhookTarget::new(&url, Scheme::StandardWebhooks, None, DEADLINE_SECS).expect("target");
    target.deliveries = 3;
    let start = Instant::now();
    let results = run_checks(&target, &Secret::new(SECRET), &[], &NoProgress).await;
    Run { how, results, took: start.elapsed(), tally }
}

/// What each hostile listener's summaries must say (lowercase substrings; any one will do).
fn expected_reason(how: Hostile) -> &'static [&'static str] {
    match how {
        Hostile::Garbage => &["no usable answer (invalid http"],
        Hostile::Hold => &["no answer within 1 s"],
        Hostile::StallBody => &["then the body stalled past the 1 s deadline"],
        Hostile::RedirectLoop => &["redirected (302 to http://127.0.0.1"],
        Hostile::Endless => &["went on past 1 mib"],
        Hostile::HugeHeader | Hostile::ManyHeaders => &["too large", "too many headers"],
        Hostile::CloseMidBody => &["then the body broke off"],
        Hostile::CloseMidHead => &["connection closed"],
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[expect(clippy::await_holding_lock, reason = "held for the whole test; no other task here takes it")]
async fn hostile_listeners_fail_clearly_within_the_deadline_reading_a_bounded_amount() {
    let _alone = crate::support::serial();
    let all = [
        Hostile::Garbage,
        Hostile::Hold,
        Hostile::StallBody,
        Hostile::RedirectLoop,
        Hostile::Endless,
        Hostile::HugeHeader,
        Hostile::ManyHeaders,
        Hostile::CloseMidBody,
        Hostile::CloseMidHead,
    ];
    let runs: Vec<Run> = {
        let handles: Vec<_> = all.into_iter().map(|h| tokio::spawn(probe(h))).collect();
        let mut runs = Vec::new();
        for h in handles {
            runs.push(h.await.expect("probe task"));
        }
        runs
    };
    let deadline = Duration::from_secs_f64(DEADLINE_SECS);
    let mut deliveries = 0usize;
    for run in &runs {
        let how = run.how;
        assert_eq!(run.results.len(), webhook_check_ids().len(), "{how:?}");
        for r in &run.results {
            let all_lines = format!("{} | {}", r.summary, r.observations.join(" | "));
            // A duplicate cannot be judged when the first delivery was never acknowledged.
            let fair = r.verdict == Verdict::Fail
                || (r.verdict == Verdict::Inconclusive
                    && r.id == "webhook.duplicate"
                    && matches!(how, Hostile::Hold | Hostile::RedirectLoop));
            assert!(fair, "{how:?} {} is {:?}: {all_lines}", r.id, r.verdict);
            let lower = r.summary.to_lowercase();
            assert!(
                expected_reason(how).iter().any(|want| lower.contains(want)),
                "{how:?} {}: the summary does not say why: {}",
                r.id,
                r.summary
            );
            deliveries += r.observations.len();
        }
        // Each check stops after the first delivery that got no usable answer, so the whole run
        // takes about one deadline per check (the redirect loop answers at once).
        let bound = (deadline + SLACK) * u32::try_from(webhook_check_ids().len()).expect("small");
        assert!(run.took <= bound, "{how:?} took {:?}", run.took);
        for r in &run.results {
            for (key, v) in &r.figures {
                if let (true, Figure::Float(ms)) = (key.ends_with("_ms") && !key.starts_with('p'), v) {
                    let late = Duration::from_secs_f64(*ms / 1000.0);
                    assert!(late <= deadline + SLACK, "{how:?} {} {key} = {ms} ms", r.id);
                }
            }
        }
    }

    let by = |h: Hostile| runs.iter().find(|r| r.how == h).expect("run");
    // A redirect is reported, never followed: one request per delivery the probe made.
    let loop_run = by(Hostile::RedirectLoop);
    let sent: usize = loop_run.results.iter().map(|r| r.observations.len()).sum();
    assert_eq!(loop_run.tally.requests.load(Ordering::Relaxed), sent as u64);
    // The endless body: each delivery took a bounded prefix of 16 GiB, not the stream.
    let endless = by(Hostile::Endless).tally.most_per_connection.load(Ordering::Relaxed);
    assert!(endless < READ_BOUND, "one delivery consumed {endless} bytes of the endless body");
    let huge = by(Hostile::HugeHeader).tally.most_per_connection.load(Ordering::Relaxed);
    assert!(huge < READ_BOUND, "one delivery consumed {huge} bytes of the 8 MiB header");
    eprintln!(
        "{} hostile listeners, {deliveries} deliveries; most one delivery took: endless body {endless} bytes, huge header {huge} bytes",
        runs.len()
    );
}

/// The whole binary against the endless body: its peak memory (from the kernel's accounting of
/// the child, `wait4`) stays small while the listener offers 16 GiB per delivery.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[expect(clippy::await_holding_lock, reason = "held for the whole test; no other task here takes it")]
async fn the_cli_probing_an_endless_body_stays_small() {
    let _alone = crate::support::serial();
    const MAX_RSS_KIB: i64 = 64 * 1024;
    let (url, tally) = hostile(Hostile::Endless).await;
    #[expect(clippy::zombie_processes, reason = "reaped below with libc::wait4, to read its rusage")]
    let child = crate::support::command()
        .args([
            "check",
            "webhook",
            "--url",
            &url,
            "--secret-env",
            "HOSTILE_SECRET",
            "--deadline",
            "2",
            "--json",
        ])
        .env("HOSTILE_SECRET", SECRET)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn certcockpit");
    let pid = libc::pid_t::try_from(child.id()).expect("pid");
    let mut stdout = child.stdout.expect("stdout");
    let (code, max_rss_kib, out) = tokio::task::spawn_blocking(move || {
        let mut out = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut out).expect("read stdout");
        let mut status = 0;
        // SAFETY: an all-zero rusage is a valid value; wait4 only writes into it and `status`.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: waits for our own child, which std has not reaped (we never called wait).
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        assert_eq!(r, pid, "wait4");
        (libc::WEXITSTATUS(status), usage.ru_maxrss, out)
    })
    .await
    .expect("wait");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let checks = v["checks"].as_array().expect("checks");
    assert!(checks.iter().all(|c| c["verdict"] == "fail"), "{out}");
    assert!(checks[0]["summary"].as_str().unwrap_or_default().contains("past 1 MiB"), "{out}");
    assert_eq!(code, 1);
    assert!(max_rss_kib < MAX_RSS_KIB, "peak memory {max_rss_kib} KiB");
    eprintln!(
        "certcockpit check webhook against an endless body: peak RSS {max_rss_kib} KiB, at most {} bytes taken per delivery",
        tally.most_per_connection.load(Ordering::Relaxed)
    );
}
