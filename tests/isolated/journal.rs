//! The journal's timing error: a client (tests/peers/sleeper_client.py) sends requests at
//! known intervals on one kept-alive connection and reports the gaps it measured between its
//! own sends; the journal's gaps must match within a few milliseconds at the median.

use certcockpit::checks::api::EvidenceApi;

use crate::support;

const INTERVALS_MS: [f64; 9] = [50.0, 100.0, 200.0, 50.0, 100.0, 200.0, 50.0, 100.0, 200.0];

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[expect(clippy::await_holding_lock, reason = "held for the whole test; no other task here takes it")]
async fn journal_gaps_match_known_client_intervals() {
    let _alone = support::serial();
    let api = EvidenceApi::start("127.0.0.1:0").await.expect("start");
    api.arm("polling.rate").expect("arm");
    let (id, secret) = api.credentials();
    let mut cmd = support::python_peer("sleeper_client.py");
    cmd.args(INTERVALS_MS.iter().map(|x| x.to_string()))
        .env("CERTCOCKPIT_BASE_URL", api.base_url())
        .env("CERTCOCKPIT_CLIENT_ID", id)
        .env("CERTCOCKPIT_CLIENT_SECRET", secret.expose());
    let out = tokio::task::spawn_blocking(move || cmd.output()).await.expect("join").expect("python3");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let client_gaps: Vec<f64> =
        String::from_utf8_lossy(&out.stdout).lines().map(|l| l.trim().parse().expect("a gap")).collect();

    let gets: Vec<_> = api.journal().into_iter().filter(|e| e.is_items()).collect();
    assert_eq!(gets.len(), INTERVALS_MS.len() + 1);
    let journal_gaps: Vec<f64> = gets.windows(2).map(|w| (w[1].at_us - w[0].at_us) as f64 / 1000.0).collect();

    let vs_client: Vec<f64> = journal_gaps.iter().zip(&client_gaps).map(|(j, c)| (j - c).abs()).collect();
    let vs_intended: Vec<f64> = journal_gaps.iter().zip(INTERVALS_MS).map(|(j, i)| (j - i).abs()).collect();
    let max = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
    eprintln!("journal gaps (ms): {journal_gaps:.3?}");
    eprintln!("client gaps  (ms): {client_gaps:.3?}");
    eprintln!(
        "error vs the client's own send times: median {:.3} ms, max {:.3} ms; vs intended intervals: median {:.3} ms, max {:.3} ms",
        median(vs_client.clone()),
        max(&vs_client),
        median(vs_intended.clone()),
        max(&vs_intended)
    );
    assert!(median(vs_client) <= 3.0, "journal vs client send times: {journal_gaps:?} vs {client_gaps:?}");
    assert!(median(vs_intended) <= 5.0, "journal vs intended: {journal_gaps:?}");
}
