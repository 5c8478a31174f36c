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
        RunOutcome::Manual => "n/a".to_owned(),
    };
    CheckResult::new(id, verdict, summary).figure("pages_fetched", ok.len()).figure("exit", exit)
}

/// `polling.rate`: requests per minute, as the peak number of requests in any 60 s window
/// (a run shorter than a minute counts all of it, never extrapolated), against the stated
/// limit; also the calls per run and the median interval.
pub fn polling_rate(input: &JudgeInput<'_>) -> CheckResult {
    let id = CheckId::PollingRate.as_str();
    let limit = input.scenario.rate_limit_per_minute as usize;
    let all: Vec<_> = input.entries.iter().collect();
    let (Some(first), Some(last)) = (all.first(), all.last()) else {
        return CheckResult::new(id, Verdict::Inconclusive, "the client made no request");
    };
    let peak_minute = peak_in_window(&all.iter().map(|e| e.at_us).collect::<Vec<_>>(), 60_000_000);
    let peak_second = peak_in_window(&all.iter().map(|e| e.at_us).collect::<Vec<_>>(), 1_000_000);
    let gaps = gaps_ms(&input.items());
    let interval = round1(median(&gaps));
    let span_s = last.at_us.saturating_sub(first.at_us) as f64 / 1e6;
    let span = if span_s < 10.0 { format!("{:.0} ms", span_s * 1000.0) } else { format!("{span_s:.1} s") };
    let interval_text = if gaps.is_empty() {
        String::new()
    } else {
        format!("; median interval between calls {interval:.0} ms")
    };
    let n = all.len();
    let (verdict, summary) = if peak_minute <= limit {
        (
            Verdict::Pass,
            format!(
                "{n} {} over {span}: peak {peak_minute} in any minute, under the limit of {limit}/min{interval_text}",
                plural(n, "request", "requests")
            ),
        )
    } else {
        (
            Verdict::Fail,
            format!("{peak_minute} requests within a minute, over the stated limit of {limit}/min"),
        )
    };
    CheckResult::new(id, verdict, summary)
        .figure("requests", n)
        .figure("requests_per_minute", peak_minute)
        .figure("peak_per_second", peak_second)
        .figure("limit_per_minute", limit)
        .figure("median_interval_ms", interval)
        .figure("run_s", round1(span_s))
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

    #[test]
    fn polling_rate_peak_minute() {
        assert_eq!(peak_in_window(&[0, 10, 20, 61_000_000, 61_000_001], 60_000_000), 3);
        let r = pages(&[1, 2, 3, 4]).judge_exited("polling.rate");
        assert_eq!(r.verdict, Verdict::Pass, "{}", r.summary);
        assert_eq!(r.figures["requests_per_minute"], 5usize.into());

        let mut busy = Traffic::new().grant(0.0, "client_credentials", "a", 3_600_000.0);
        for i in 0..80 {
            busy = busy.get(10.0 + f64::from(i) * 100.0, 1, 3, 200, "a");
        }
        let r = busy.judge_exited("polling.rate");
        assert_eq!(r.verdict, Verdict::Fail, "{}", r.summary);
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
