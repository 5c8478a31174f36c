//! The library flow the TUI uses: start once, arm a scenario while a real client (the
//! requests + urllib3 + authlib peer) runs "by hand", follow the journal live, read the retry
//! timeline, and judge.

use std::time::Duration;

use certcockpit::checks::Verdict;
use certcockpit::checks::api::EvidenceApi;

use crate::support;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn arm_follow_live_and_finish_with_a_real_client() {
    let api = EvidenceApi::start("127.0.0.1:0").await.expect("start");
    let scenario = api.arm("retry.backoff").expect("arm");
    assert!(scenario.describe().contains("503, 500, 503, 500"));
    assert_eq!(api.armed().map(|s| s.check_id), Some("retry.backoff"));
    let mut live = api.subscribe();

    let (id, secret) = api.credentials();
    let mut cmd = support::python_peer("good_client.py");
    cmd.env("CERTCOCKPIT_BASE_URL", api.base_url())
        .env("CERTCOCKPIT_TOKEN_URL", api.token_url())
        .env("CERTCOCKPIT_CLIENT_ID", id)
        .env("CERTCOCKPIT_CLIENT_SECRET", secret.expose());
    let run = tokio::task::spawn_blocking(move || cmd.output());

    // Requests arrive on the live feed while the client runs.
    let mut seen = Vec::new();
    while seen.len() < 8 {
        match tokio::time::timeout(Duration::from_secs(15), live.recv()).await {
            Ok(Ok(entry)) => seen.push(entry),
            other => panic!("live feed stalled after {} entries: {other:?}", seen.len()),
        }
    }
    let out = run.await.expect("join").expect("python3");
    // The rest of the run's requests (three bursts make more than the eight waited for).
    while let Ok(Ok(entry)) = tokio::time::timeout(Duration::from_millis(500), live.recv()).await {
        seen.push(entry);
    }
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(seen[0].method, "POST");

    // The retry timeline: attempt times against the status served.
    let points = api.timeline();
    let items: Vec<u16> = points.iter().filter(|p| p.kind == "items").map(|p| p.status).collect();
    // Three bursts of five failures, each ended by one success (retry.backoff judges the
    // envelope across all bursts).
    let burst = [503, 500, 503, 500, 503, 200];
    assert_eq!(items, [burst, burst, burst].concat());
    assert!(points.windows(2).all(|w| w[0].at_ms <= w[1].at_ms));

    let result = api.finish().expect("armed");
    assert_eq!(result.verdict, Verdict::Pass, "{}", result.summary);
    assert!(api.armed().is_none(), "finishing disarms");
    assert!(api.finish().is_err(), "nothing armed any more");
    assert_eq!(
        api.last_trace_id().as_deref(),
        seen.iter().max_by_key(|e| e.seq).map(|e| e.trace_id.as_str())
    );
    api.shutdown().await;
}
