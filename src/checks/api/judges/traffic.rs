//! Judges of ordinary traffic: `headers.client_name`, `pagination.complete`,
//! `compat.unknown_fields`, `polling.rate` and `trace.echo`.

use std::collections::{BTreeMap, BTreeSet};

use super::{JudgeInput, RunOutcome, gaps_ms, median, plural, round1};
use crate::checks::api::journal::RequestKind;
use crate::checks::{CheckId, CheckResult, Verdict};

/// `headers.client_name`: every API call carries the same non-empty `X-Client-Name`. Token
/// requests are held to it too, but some libraries fetch tokens with a separate HTTP client
/// (and providers often host the token endpoint elsewhere), so a name missing only there is a
/// caveat in the summary, not a failure.
pub fn client_name(input: &JudgeInput<'_>) -> CheckResult {
    let id = CheckId::HeadersClientName.as_str();
    let name = |e: &&crate::checks::api::journal::JournalEntry| {
        e.client_name.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned)
    };
    let calls: Vec<_> = input.entries.iter().filter(|e| !e.is_token()).collect();
    let tokens: Vec<_> = input.entries.iter().filter(|e| e.is_token()).collect();
    if calls.is_empty() {
        return CheckResult::new(id, Verdict::Inconclusive, "the client made no API call");
    }
    let unnamed = calls.iter().filter(|e| name(e).is_none()).count();
    let values: BTreeSet<String> = input.entries.iter().filter_map(|e| name(&e)).collect();
    let tokens_unnamed = tokens.iter().filter(|e| name(e).is_none()).count();
    let shown = values.iter().cloned().collect::<Vec<_>>().join(", ");
    let (verdict, summary) = if unnamed == calls.len() {
        (Verdict::Fail, format!("no X-Client-Name on any of {} calls", calls.len()))
    } else if unnamed > 0 {
        (Verdict::Fail, format!("X-Client-Name missing on {unnamed} of {} calls", calls.len()))
    } else if values.len() > 1 {
        (Verdict::Fail, format!("X-Client-Name is not stable: {shown}"))
    } else {
        let caveat = if tokens_unnamed > 0 {
            format!(
                " (not on {tokens_unnamed} token {}: fine if tokens come from a separate HTTP client)",
                plural(tokens_unnamed, "request", "requests")
            )
        } else {
            String::new()
        };
        (Verdict::Pass, format!("every call carries X-Client-Name: {shown}{caveat}"))
    };
    let shown = if shown.is_empty() { "(none)".to_owned() } else { shown };
    CheckResult::new(id, verdict, summary)
        .figure(CLIENT_NAME_FIGURE, shown)
        .figure("calls", calls.len())
        .figure("calls_without_name", unnamed)
        .figure("token_requests_without_name", tokens_unnamed)
}

/// The figure `headers.client_name` files the observed name under.
const CLIENT_NAME_FIGURE: &str = "client_name";

/// The `X-Client-Name` a passed `headers.client_name` observed (the one name every call
/// carried), `None` for any other result.
pub fn observed_client_name(result: &CheckResult) -> Option<&str> {
    if CheckId::parse(&result.id) != Some(CheckId::HeadersClientName) || result.verdict != Verdict::Pass {
        return None;
    }
    match result.figures.get(CLIENT_NAME_FIGURE) {
        Some(crate::checks::Figure::Text(name)) => Some(name),
        _ => None,
    }
}

/// `pagination.complete`: every page fetched (successfully) once, nothing past the last.
pub fn pagination(input: &JudgeInput<'_>) -> CheckResult {
    let id = CheckId::PaginationComplete.as_str();
    let gets = input.items();
    // The largest last page journaled: in proxy mode the end is known only once upstream's
    // response says so (0 until then).
    let Some(last_page) = gets
        .iter()
        .filter_map(|e| match e.kind {
            RequestKind::Items { last_page, .. } => Some(last_page),
            _ => None,
        })
        .max()
    else {
        return CheckResult::new(id, Verdict::Inconclusive, "the client made no collection GET");
    };
    if last_page == 0 {
        let pages = gets
            .iter()
            .filter_map(|e| match e.kind {
                RequestKind::Items { page, .. } if e.status == 200 => Some(page),
                _ => None,
            })
            .max()
            .unwrap_or(0);
        return CheckResult::new(
            id,
            Verdict::Fail,
            format!("stopped after page {pages}: upstream's last response still named a next page"),
        )
        .figure("pages_fetched", pages);
    }
    let mut fetched: BTreeMap<u32, usize> = BTreeMap::new();
    let mut past: BTreeSet<u32> = BTreeSet::new();
    for e in &gets {
        if let RequestKind::Items { page, .. } = e.kind {
            if page > last_page {
                past.insert(page);
            } else if e.status == 200 {
                *fetched.entry(page).or_default() += 1;
            }
        }
    }
    let missing: Vec<u32> = (1..=last_page).filter(|p| !fetched.contains_key(p)).collect();
    let twice: Vec<String> =
        fetched.iter().filter(|(_, n)| **n > 1).map(|(p, n)| format!("page {p} × {n}")).collect();
    let got = fetched.len();
    let mut problems = Vec::new();
    if !missing.is_empty() {
        let stop = if fetched.keys().copied().eq(1..=got as u32) && got > 0 {
            format!(" (stopped after page {got})")
        } else {
            String::new()
        };
        problems.push(format!("fetched {got} of {last_page} pages{stop}"));
    }
    if !past.is_empty() {
        let pages = past.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
        problems.push(format!("requested page {pages} past the last page {last_page}"));
    }
    if !twice.is_empty() {
        problems.push(format!("fetched pages more than once: {}", twice.join(", ")));
    }
    let (verdict, summary) = if problems.is_empty() {
        (Verdict::Pass, format!("fetched all {last_page} pages once each, nothing past the last"))
    } else {
        (Verdict::Fail, problems.join("; "))
    };
    CheckResult::new(id, verdict, summary)
        .figure("pages", last_page)
        .figure("pages_fetched", got)
        .figure("requests_past_last", past.len())
        .figure("missing_pages", missing.into_iter().map(i64::from).collect::<Vec<_>>())
}

/// `compat.unknown_fields`: responses carry new fields in shuffled order; the client must
/// carry on. Fetching the whole collection, or any further successful call after the first
/// extended response, shows it parsed them; a non-zero exit after them shows it did not.
pub fn unknown_fields(input: &JudgeInput<'_>) -> CheckResult {
    let id = CheckId::CompatUnknownFields.as_str();
    let gets = input.items();
    let ok: Vec<_> = gets.iter().filter(|e| e.status == 200).collect();
    let last_page = input.scenario.pages;
    let all_pages = (1..=last_page)
        .all(|p| ok.iter().any(|e| matches!(e.kind, RequestKind::Items { page, .. } if page == p)));
    let grants = input.entries.iter().filter(|e| e.issued_token().is_some()).count();
    let (verdict, summary) = if ok.is_empty() && grants == 0 {
        (Verdict::Inconclusive, "the client received no response to parse".to_owned())
    } else if all_pages {
        (
            Verdict::Pass,
            format!("carried on through responses with new, reordered fields: all {last_page} pages fetched"),
        )
    } else if let RunOutcome::Exited(code) = input.end.outcome
        && code != 0
    {
        (
            Verdict::Fail,
            format!(
                "the client exited with status {code} after receiving responses with new, reordered fields"
            ),
        )
    } else if ok.len() >= 2 {
        (Verdict::Pass, format!("carried on after responses with new, reordered fields ({} pages)", ok.len()))
    } else if ok.is_empty() {
        (
            Verdict::Fail,
            "the client took a token response with extra fields and never called the API".to_owned(),
        )
    } else {
        (
            Verdict::Inconclusive,
            "the client read one page and stopped without an error: can't tell whether it parsed the new fields"
                .to_owned(),
        )
    };
    let exit = match input.end.outcome {
        RunOutcome::Exited(c) => c.to_string(),
        RunOutcome::Killed => "killed".to_owned(),
        RunOutcome::Settled => "stopped when quiet".to_owned(),
        RunOutcome::Manual => "n/a".to_owned(),
        RunOutcome::Watched => "still running (watched)".to_owned(),
    };
    CheckResult::new(id, verdict, summary).figure("pages_fetched", ok.len()).figure("exit", exit)
}

/// `polling.rate` judges at least this many requests…
const MIN_RATE_REQUESTS: usize = 20;
/// …spread over at least this long (s): a one-shot job's few calls in a few milliseconds
/// say nothing about its rate.
const MIN_RATE_SPAN_S: f64 = 10.0;

/// `polling.rate`: the rate over the session's traffic at the client's own pace (every
/// scenario's run and the traffic between them, but not what a fault scenario provoked:
/// retries of the failures it served, waits it asked for, tokens it made expire — see
/// `Scenario::provokes_traffic`), not one fault-free run, against the profile's stated
/// limits: the peak number of requests in any 60 s window (a session shorter than a minute
/// counts all of it, never extrapolated) and in any 1 s window when the profile states a
/// per-second limit (WISEflow: 5,000 a minute, 200 a second); also the requests in this run and
/// the median interval between its calls. Over a limit fails whatever the amount of traffic;
/// under them, fewer than [`MIN_RATE_REQUESTS`] requests or less than [`MIN_RATE_SPAN_S`] of
/// traffic is inconclusive (too little to judge a rate).
pub fn polling_rate(input: &JudgeInput<'_>) -> CheckResult {
    let id = CheckId::PollingRate.as_str();
    let per_minute = input.scenario.rate_limit_per_minute as usize;
    let per_second = input.scenario.rate_limit_per_second.map(|n| n as usize);
    let session = if input.session.is_empty() { input.entries } else { input.session };
    let (Some(first), Some(last)) = (session.first(), session.last()) else {
        return CheckResult::new(id, Verdict::Inconclusive, "the client made no request");
    };
    let times: Vec<u64> = session.iter().map(|e| e.at_us).collect();
    let peak_minute = peak_in_window(&times, 60_000_000);
    let peak_second = peak_in_window(&times, 1_000_000);
    let gaps = gaps_ms(&input.items());
    let interval = round1(median(&gaps));
    let span_s = last.at_us.saturating_sub(first.at_us) as f64 / 1e6;
    let span = if span_s < 10.0 { format!("{:.0} ms", span_s * 1000.0) } else { format!("{span_s:.1} s") };
    let n = session.len();
    let run = input.entries.len();
    let left_out = if input.provoked > 0 {
        format!(" (besides {} the fault scenarios provoked, not counted)", input.provoked)
    } else {
        String::new()
    };
    let second_limit = match per_second {
        Some(l) => format!("limit {l}"),
        None => "no limit stated".to_owned(),
    };
    let seen = format!(
        "{run} {} in this run, {n} in the session{left_out} over {span}; peak {peak_minute} in a minute (limit {per_minute}), {peak_second} in a second ({second_limit})",
        plural(run, "request", "requests")
    );
    let interval_text = if gaps.is_empty() {
        String::new()
    } else {
        format!("; median interval between this run's calls {interval:.0} ms")
    };
    let over_second = per_second.filter(|l| peak_second > *l);
    let (verdict, summary) = if peak_minute > per_minute || over_second.is_some() {
        let over = match over_second {
            Some(l) if peak_minute <= per_minute => {
                format!("{peak_second} requests within a second, over the stated limit of {l}/s")
            }
            _ => format!("{peak_minute} requests within a minute, over the stated limit of {per_minute}/min"),
        };
        (Verdict::Fail, format!("{over} ({seen})"))
    } else if n < MIN_RATE_REQUESTS || span_s < MIN_RATE_SPAN_S {
        (
            Verdict::Inconclusive,
            format!(
                "too little traffic to judge a rate: {seen}; it takes at least {MIN_RATE_REQUESTS} requests over {MIN_RATE_SPAN_S:.0} s (run the other checks first, or let the service run)"
            ),
        )
    } else {
        (Verdict::Pass, format!("under the stated limits: {seen}{interval_text}"))
    };
    let mut result = CheckResult::new(id, verdict, summary)
        .figure("requests", run)
        .figure("session_requests", n)
        .figure("provoked_requests", input.provoked)
        .figure("requests_per_minute", peak_minute)
        .figure("peak_per_second", peak_second)
        .figure("limit_per_minute", per_minute);
    if let Some(l) = per_second {
        result = result.figure("limit_per_second", l);
    }
    result.figure("median_interval_ms", interval).figure("session_s", round1(span_s))
}

/// The most timestamps (sorted, µs) inside any window of `window_us`.
fn peak_in_window(times: &[u64], window_us: u64) -> usize {
    let mut peak = 0;
    let mut start = 0;
    for (end, t) in times.iter().enumerate() {
        while t.saturating_sub(times[start]) >= window_us {
            start += 1;
        }
        peak = peak.max(end - start + 1);
    }
    peak
}

/// `trace.echo` headless: it needs a person, so it is inconclusive and names a served trace id
/// (the last one served on a successful `GET /items`, the likeliest to be logged).
pub fn trace_echo(input: &JudgeInput<'_>) -> CheckResult {
    let id = CheckId::TraceEcho.as_str();
    let pick = input.items().into_iter().rev().find(|e| e.status == 200).or_else(|| input.entries.last());
    match pick {
        None => CheckResult::new(id, Verdict::Inconclusive, "no request was served, so there is no trace id to look for"),
        Some(e) => CheckResult::new(
            id,
            Verdict::Inconclusive,
            format!(
                "needs a person: ask the partner to find X-Trace-Id {} (served at +{:.0} ms to {} {}) in their logs",
                e.trace_id,
                input.rel_ms(e),
                e.method,
                e.path
            ),
        )
        .figure("trace_id", e.trace_id.clone()),
    }
}

/// `trace.echo` as marked by the reviewer in the TUI: the partner found (or did not find) the
/// trace id shown to them.
pub fn trace_echo_marked(trace_id: &str, found: bool) -> CheckResult {
    let (verdict, summary) = if found {
        (Verdict::Pass, format!("the partner found X-Trace-Id {trace_id} in their logs"))
    } else {
        (Verdict::Fail, format!("the partner could not find X-Trace-Id {trace_id} in their logs"))
    };
    CheckResult::new(CheckId::TraceEcho, verdict, summary).figure("trace_id", trace_id)
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::Traffic;
    use super::*;

    fn pages(pages: &[u32]) -> Traffic {
        let mut t = Traffic::new().grant(0.0, "client_credentials", "a", 3_600_000.0);
        for (i, p) in pages.iter().enumerate() {
            t = t.get(10.0 + i as f64 * 5.0, *p, 4, 200, "a");
        }
        t
    }

    #[test]
    fn pagination_complete_first_page_only_and_past_the_end() {
        let r = pages(&[1, 2, 3, 4]).judge_exited("pagination.complete");
        assert_eq!(r.verdict, Verdict::Pass, "{}", r.summary);
        let r = pages(&[1]).judge_exited("pagination.complete");
        assert_eq!(r.verdict, Verdict::Fail);
        assert!(r.summary.contains("fetched 1 of 4 pages (stopped after page 1)"), "{}", r.summary);
        let r = pages(&[1, 2, 3, 4, 5]).judge_exited("pagination.complete");
        assert_eq!(r.verdict, Verdict::Fail);
        assert!(r.summary.contains("past the last page 4"), "{}", r.summary);
        let r = pages(&[1, 2, 2, 3, 4]).judge_exited("pagination.complete");
        assert_eq!(r.verdict, Verdict::Fail);
        assert!(r.summary.contains("page 2 × 2"), "{}", r.summary);
    }

    #[test]
    fn client_name_present_missing_and_unstable() {
        let r = pages(&[1, 2]).judge_exited("headers.client_name");
        assert_eq!(r.verdict, Verdict::Pass, "{}", r.summary);
        assert_eq!(r.figures["client_name"], "acme-sync/1.2".into());

        let t =
            Traffic::new().named(None).grant(0.0, "client_credentials", "a", 1e6).get(5.0, 1, 3, 200, "a");
        let r = t.judge_exited("headers.client_name");
        assert_eq!(r.verdict, Verdict::Fail);
        assert!(r.summary.contains("no X-Client-Name"), "{}", r.summary);

        let t = Traffic::new()
            .named(None)
            .grant(0.0, "client_credentials", "a", 1e6)
            .named(Some("acme"))
            .get(5.0, 1, 3, 200, "a")
            .named(Some("acme-2"))
            .get(9.0, 2, 3, 200, "a");
        let r = t.judge_exited("headers.client_name");
        assert_eq!(r.verdict, Verdict::Fail);
        assert!(r.summary.contains("not stable"), "{}", r.summary);

        // Named API calls, unnamed token request: a caveat, not a failure.
        let t = Traffic::new()
            .named(None)
            .grant(0.0, "client_credentials", "a", 1e6)
            .named(Some("acme"))
            .get(5.0, 1, 3, 200, "a");
        let r = t.judge_exited("headers.client_name");
        assert_eq!(r.verdict, Verdict::Pass, "{}", r.summary);
        assert!(r.summary.contains("token request"), "{}", r.summary);
    }

    /// Item 5: a one-shot job's run alone is too little to judge ("2 requests over 10 ms"
    /// used to pass); over a session's traffic it is judged, per minute and per second.
    #[test]
    fn polling_rate_over_the_session() {
        assert_eq!(peak_in_window(&[0, 10, 20, 61_000_000, 61_000_001], 60_000_000), 3);
        let run = pages(&[1, 2, 3, 4]);
        let r = run.judge_exited("polling.rate");
        assert_eq!(r.verdict, Verdict::Inconclusive, "{}", r.summary);
        assert!(r.summary.contains("too little traffic to judge a rate"), "{}", r.summary);
        assert!(r.summary.contains("5 requests in this run"), "{}", r.summary);

        // The same run inside a session of 11 runs over 40 s.
        let mut session = Traffic::new();
        for k in 0..11 {
            let at = f64::from(k) * 4000.0;
            session = session.grant(at, "client_credentials", "a", 3_600_000.0);
            for p in 1..=4u32 {
                session = session.get(at + 5.0 * f64::from(p), p, 4, 200, "a");
            }
        }
        let r = run.judge_in_session("polling.rate", &session, 0);
        assert_eq!(r.verdict, Verdict::Pass, "{}", r.summary);
        assert!(r.summary.contains("55 in the session over 40.0 s"), "{}", r.summary);
        // What the fault scenarios provoked is left out, and the summary says how much.
        let r = run.judge_in_session("polling.rate", &session, 31);
        assert!(
            r.summary.contains("55 in the session (besides 31 the fault scenarios provoked, not counted)"),
            "{}",
            r.summary
        );
        assert_eq!(r.figures["provoked_requests"], 31usize.into());
        assert!(
            r.summary.contains("peak 55 in a minute (limit 5000), 5 in a second (limit 200)"),
            "{}",
            r.summary
        );

        // 250 requests in half a second: over the per-second limit, however short.
        let mut burst = Traffic::new().grant(0.0, "client_credentials", "a", 3_600_000.0);
        for i in 0..250 {
            burst = burst.get(10.0 + f64::from(i) * 2.0, 1, 3, 200, "a");
        }
        let r = burst.judge_exited("polling.rate");
        assert_eq!(r.verdict, Verdict::Fail, "{}", r.summary);
        assert!(r.summary.contains("within a second, over the stated limit of 200/s"), "{}", r.summary);

        // 5,100 requests over 59 s: under 200 a second, over 5,000 a minute.
        let mut steady = Traffic::new();
        for i in 0..5100 {
            steady = steady.get(f64::from(i) * 11.6, 1, 3, 200, "a");
        }
        let r = steady.judge_exited("polling.rate");
        assert_eq!(r.verdict, Verdict::Fail, "{}", r.summary);
        assert!(r.summary.contains("over the stated limit of 5000/min"), "{}", r.summary);
    }

    /// A profile that states no per-second limit is not judged per second, and says so.
    #[test]
    fn polling_rate_without_a_stated_per_second_limit() {
        let mut burst = Traffic::new().grant(0.0, "client_credentials", "a", 3_600_000.0);
        for i in 0..250 {
            burst = burst.get(10.0 + f64::from(i) * 2.0, 1, 3, 200, "a");
        }
        let mut scenario =
            crate::checks::api::scenario::Scenario::for_check("polling.rate").expect("scenario");
        scenario.rate_limit_per_second = None;
        let r = burst.judge_scenario(&scenario, 600.0, RunOutcome::Exited(0));
        assert_eq!(r.verdict, Verdict::Inconclusive, "{}", r.summary);
        assert!(r.summary.contains("in a second (no limit stated)"), "{}", r.summary);
        assert!(!r.figures.contains_key("limit_per_second"));
    }

    #[test]
    fn compat_and_trace_echo() {
        let r = pages(&[1, 2, 3]).judge_exited("compat.unknown_fields");
        assert_eq!(r.verdict, Verdict::Pass, "{}", r.summary);
        let crashed = Traffic::new().grant(0.0, "client_credentials", "a", 1e6).get(5.0, 1, 3, 200, "a");
        let r = crashed.judge("compat.unknown_fields", 50.0, RunOutcome::Exited(1));
        assert_eq!(r.verdict, Verdict::Fail, "{}", r.summary);
        let r = crashed.judge("compat.unknown_fields", 50.0, RunOutcome::Exited(0));
        assert_eq!(r.verdict, Verdict::Inconclusive, "{}", r.summary);

        let r = pages(&[1]).judge_exited("trace.echo");
        assert_eq!(r.verdict, Verdict::Inconclusive);
        assert!(r.summary.contains("needs a person"), "{}", r.summary);
        assert_eq!(r.figures["trace_id"], "trace0001".into());
        assert_eq!(trace_echo_marked("abc", true).verdict, Verdict::Pass);
    }
}
