//! `ratelimit.retry_after` and `resilience.maintenance`: waiting as told.
//!
//! Retry-After is respected when no attempt comes earlier than the hint (50 ms tolerance);
//! waiting longer is fine. Both forms are normalised by the server into the effective hint in
//! ms (an HTTP date counts to the date). A client that gives up rather than wait a very long
//! hint gets a warning with the reason, not a failure; giving up on a short hint is a failure
//! (the client did not retry at all).

use super::retry::{Shape, shape};
use super::{JudgeInput, RETRY_AFTER_TOLERANCE_MS, gaps_ms, plural, round1};
use crate::checks::api::journal::JournalEntry;
use crate::checks::{CheckId, CheckResult, Verdict};

/// More requests than this inside one maintenance window is hammering, whatever the gaps.
const MAX_WINDOW_REQUESTS: usize = 10;

/// What followed one response that carried a Retry-After hint.
struct Wait<'a> {
    served: &'a JournalEntry,
    hint_ms: f64,
    /// Time to the next `GET /items`, if there was one.
    waited_ms: Option<f64>,
}

impl Wait<'_> {
    fn early(&self) -> bool {
        self.waited_ms.is_some_and(|w| w + RETRY_AFTER_TOLERANCE_MS < self.hint_ms)
    }
}

fn waits<'a>(gets: &[&'a JournalEntry], status: u16) -> Vec<Wait<'a>> {
    gets.iter()
        .enumerate()
        .filter(|(_, e)| e.status == status)
        .filter_map(|(i, e)| {
            let hint_ms = e.retry_after_ms? as f64;
            let waited_ms = gets.get(i + 1).map(|n| n.at_us.saturating_sub(e.at_us) as f64 / 1000.0);
            Some(Wait { served: e, hint_ms, waited_ms })
        })
        .collect()
}

fn describe(w: &Wait<'_>) -> String {
    let form = w.served.retry_after_form.unwrap_or("seconds");
    match w.waited_ms {
        Some(ms) => format!("waited {ms:.0} ms after Retry-After of {:.0} ms ({form} form)", w.hint_ms),
        None => format!("did not come back after Retry-After of {:.0} ms ({form} form)", w.hint_ms),
    }
}

/// The two forms of Retry-After, judged apart: a client may honour one and not the other
/// (go-retryablehttp parses only the seconds form).
const FORMS: [&str; 2] = ["seconds", "http-date"];

/// What a client did with one form of the hint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FormOutcome {
    NotServed,
    Respected,
    Ignored,
    GaveUp,
}

impl FormOutcome {
    fn figure(self) -> &'static str {
        match self {
            FormOutcome::NotServed => "not served",
            FormOutcome::Respected => "respected",
            FormOutcome::Ignored => "ignored",
            FormOutcome::GaveUp => "gave up",
        }
    }
}

fn form_of(w: &Wait<'_>) -> &'static str {
    w.served.retry_after_form.unwrap_or("seconds")
}

fn outcome(ws: &[&Wait<'_>]) -> FormOutcome {
    if ws.is_empty() {
        FormOutcome::NotServed
    } else if ws.iter().any(|w| w.early()) {
        FormOutcome::Ignored
    } else if ws.iter().any(|w| w.waited_ms.is_none()) {
        FormOutcome::GaveUp
    } else {
        FormOutcome::Respected
    }
}

/// `ratelimit.retry_after`: after a 429 with Retry-After (seconds form, then HTTP-date form),
/// the next attempt comes no sooner than the hint. Each form is judged and reported on its
/// own; the verdict fails if either is ignored, and the summary says which, and what the
/// client did with the other.
pub fn retry_after(input: &JudgeInput<'_>) -> CheckResult {
    let id = CheckId::RatelimitRetryAfter.as_str();
    let gets = input.items();
    let ws = waits(&gets, 429);
    if ws.is_empty() {
        let why = if gets.is_empty() { "the client made no GET /items" } else { "no 429 was served" };
        return CheckResult::new(id, Verdict::Inconclusive, why);
    }
    let long_ms = input.scenario.long_hint.as_millis() as f64;
    let by_form: Vec<(&str, Vec<&Wait<'_>>, FormOutcome)> = FORMS
        .iter()
        .map(|f| {
            let of: Vec<&Wait<'_>> = ws.iter().filter(|w| form_of(w) == *f).collect();
            let o = outcome(&of);
            (*f, of, o)
        })
        .collect();
    let details = ws.iter().map(describe).collect::<Vec<_>>().join("; ");
    let ignored: Vec<_> = by_form.iter().filter(|(_, _, o)| *o == FormOutcome::Ignored).collect();
    let gave_up = ws.iter().find(|w| w.waited_ms.is_none());
    let (verdict, summary) = if !ignored.is_empty() {
        let which = ignored.iter().map(|(f, ..)| format!("the {f} form")).collect::<Vec<_>>().join(" and ");
        let early = ignored
            .iter()
            .filter_map(|(_, of, _)| of.iter().find(|w| w.early()))
            .map(|w| {
                format!(
                    "came back after {:.0} ms when told to wait {:.0} ms ({} form)",
                    w.waited_ms.unwrap_or_default(),
                    w.hint_ms,
                    form_of(w)
                )
            })
            .collect::<Vec<_>>()
            .join("; ");
        let others: Vec<String> = by_form
            .iter()
            .filter(|(_, _, o)| !matches!(o, FormOutcome::Ignored | FormOutcome::NotServed))
            .map(|(f, of, o)| match o {
                FormOutcome::Respected => format!(
                    "it respected the {f} form ({})",
                    of.iter().map(|w| describe(w)).collect::<Vec<_>>().join("; ")
                ),
                _ => format!("it gave up after the {f} form"),
            })
            .collect();
        let others = if others.is_empty() { String::new() } else { format!("; {}", others.join("; ")) };
        (Verdict::Fail, format!("ignored Retry-After in {which}: {early}{others}"))
    } else if let Some(w) = gave_up {
        if w.hint_ms >= long_ms {
            (
                Verdict::Pass,
                format!(
                    "{details} — warning: gave up rather than wait {:.0} s, reasonable for so long a hint",
                    w.hint_ms / 1000.0
                ),
            )
        } else {
            (
                Verdict::Fail,
                format!("gave up after a 429 instead of retrying after {:.0} ms ({details})", w.hint_ms),
            )
        }
    } else {
        (Verdict::Pass, format!("respected Retry-After in every form served: {details}"))
    };
    let forms: Vec<String> = ws.iter().map(|w| form_of(w).to_owned()).collect();
    let mut result = CheckResult::new(id, verdict, summary)
        .figure("rate_limited_429", ws.len())
        .figure("hints_ms", ws.iter().map(|w| round1(w.hint_ms)).collect::<Vec<_>>())
        .figure("waits_ms", ws.iter().filter_map(|w| w.waited_ms.map(round1)).collect::<Vec<_>>())
        .figure("forms", forms)
        .figure("tolerance_ms", RETRY_AFTER_TOLERANCE_MS);
    for (f, _, o) in &by_form {
        result = result.figure(&format!("{}_form", f.replace('-', "_")), o.figure());
    }
    result
}

/// `resilience.maintenance`: during a window of 503 + Retry-After the client waits as told,
/// and it resumes (a successful GET) after the window.
pub fn maintenance(input: &JudgeInput<'_>) -> CheckResult {
    let id = CheckId::ResilienceMaintenance.as_str();
    let gets = input.items();
    let ws = waits(&gets, 503);
    let Some(last_503) = ws.last() else {
        let why =
            if gets.is_empty() { "the client made no GET /items" } else { "no maintenance 503 was served" };
        return CheckResult::new(id, Verdict::Inconclusive, why);
    };
    let first_503 = ws[0].served;
    let resumed = gets.iter().find(|e| e.at_us > last_503.served.at_us && (200..300).contains(&e.status));
    let early: Vec<_> = ws.iter().filter(|w| w.early()).collect();
    let window_ms = last_503.served.at_us.saturating_sub(first_503.at_us) as f64 / 1000.0
        + last_503.hint_ms.min(input.scenario.long_hint.as_millis() as f64);
    // Gaps between the calls inside the window: an exponential backoff that ignores the hint
    // still backs off; an immediate or constant stream of retries does not.
    let inside: Vec<&JournalEntry> = ws.iter().map(|w| w.served).collect();
    let gaps = gaps_ms(&inside);
    let hammered = !early.is_empty()
        && (ws.len() > MAX_WINDOW_REQUESTS || matches!(shape(&gaps), Shape::Immediate | Shape::Constant(_)));
    let count = format!("{} {}", ws.len(), plural(ws.len(), "request", "requests"));
    let (verdict, summary) = match (resumed, early.first()) {
        (_, Some(w)) if hammered => (
            Verdict::Fail,
            format!(
                "did not back off: {count} during the window, one {:.0} ms after a Retry-After of {:.0} ms",
                w.waited_ms.unwrap_or_default(),
                w.hint_ms
            ),
        ),
        (None, _) => (
            Verdict::Fail,
            format!("did not resume after the maintenance window (gave up after {} × 503)", ws.len()),
        ),
        (Some(r), early) => {
            let resumed_ms = r.at_us.saturating_sub(first_503.at_us) as f64 / 1000.0;
            let how = match early {
                None => "backed off as told".to_owned(),
                Some(w) => format!(
                    "backed off with growing gaps, though sooner than Retry-After said ({:.0} ms after a hint of {:.0} ms)",
                    w.waited_ms.unwrap_or_default(),
                    w.hint_ms
                ),
            };
            (
                Verdict::Pass,
                format!(
                    "{how} ({count} during the window) and resumed {resumed_ms:.0} ms after the first 503"
                ),
            )
        }
    };
    CheckResult::new(id, verdict, summary)
        .figure("requests_in_window", ws.len())
        .figure("hints_ms", ws.iter().map(|w| round1(w.hint_ms)).collect::<Vec<_>>())
        .figure("waits_ms", ws.iter().filter_map(|w| w.waited_ms.map(round1)).collect::<Vec<_>>())
        .figure("window_ms", round1(window_ms))
        .figure("resumed", resumed.is_some())
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::Traffic;
    use crate::checks::Verdict;

    fn base() -> Traffic {
        Traffic::new().grant(0.0, "client_credentials", "tok-a", 3_600_000.0)
    }

    #[test]
    fn respecting_both_forms_passes() {
        let t = base()
            .get_ra(10.0, 1, 429, 1000, "seconds")
            .get(1012.0, 1, 3, 200, "tok-a")
            .get_ra(1020.0, 2, 429, 1980, "http-date")
            .get(3001.0, 2, 3, 200, "tok-a")
            .get(3010.0, 3, 3, 200, "tok-a");
        let r = t.judge_exited("ratelimit.retry_after");
        assert_eq!(r.verdict, Verdict::Pass, "{}", r.summary);
        assert_eq!(r.figures["waits_ms"], vec![1002.0, 1981.0].into());
        assert!(r.summary.contains("http-date"), "{}", r.summary);
        assert_eq!(r.figures["seconds_form"], "respected".into());
        assert_eq!(r.figures["http_date_form"], "respected".into());
    }

    /// Item 4: go-retryablehttp honours the seconds form and ignores the HTTP date (it
    /// falls back to its backoff, 2 s here after a 3 s date hint): the verdict fails, the
    /// summary names the form it ignored and says it waited correctly on the other.
    #[test]
    fn each_form_is_judged_apart() {
        let t = base()
            .get_ra(10.0, 1, 429, 1000, "seconds")
            .get(1012.0, 1, 3, 200, "tok-a")
            .get_ra(1020.0, 2, 429, 2980, "http-date")
            .get(3020.0, 2, 3, 200, "tok-a")
            .get(3030.0, 3, 3, 200, "tok-a");
        let r = t.judge_exited("ratelimit.retry_after");
        assert_eq!(r.verdict, Verdict::Fail, "{}", r.summary);
        assert!(r.summary.contains("ignored Retry-After in the http-date form"), "{}", r.summary);
        assert!(r.summary.contains("respected the seconds form (waited 1002 ms"), "{}", r.summary);
        assert_eq!(r.figures["seconds_form"], "respected".into());
        assert_eq!(r.figures["http_date_form"], "ignored".into());

        // The other way round, and both ignored.
        let t = base()
            .get_ra(10.0, 1, 429, 1000, "seconds")
            .get(15.0, 1, 3, 200, "tok-a")
            .get_ra(20.0, 2, 429, 1980, "http-date")
            .get(2010.0, 2, 3, 200, "tok-a");
        let r = t.judge_exited("ratelimit.retry_after");
        assert_eq!(r.verdict, Verdict::Fail, "{}", r.summary);
        assert!(r.summary.contains("in the seconds form:"), "{}", r.summary);
        assert!(r.summary.contains("respected the http-date form"), "{}", r.summary);
        let t = base()
            .get_ra(10.0, 1, 429, 1000, "seconds")
            .get(15.0, 1, 3, 200, "tok-a")
            .get_ra(20.0, 2, 429, 1980, "http-date")
            .get(30.0, 2, 3, 200, "tok-a");
        let r = t.judge_exited("ratelimit.retry_after");
        assert!(r.summary.contains("in the seconds form and the http-date form"), "{}", r.summary);
    }

    #[test]
    fn ignoring_retry_after_fails_within_tolerance_rules() {
        // 960 ms after a 1000 ms hint is inside the 50 ms tolerance; 900 ms is not.
        let ok = base().get_ra(10.0, 1, 429, 1000, "seconds").get(970.0, 1, 3, 200, "tok-a");
        assert_eq!(ok.judge_exited("ratelimit.retry_after").verdict, Verdict::Pass);
        let early = base().get_ra(10.0, 1, 429, 1000, "seconds").get(910.0, 1, 3, 200, "tok-a");
        let r = early.judge_exited("ratelimit.retry_after");
        assert_eq!(r.verdict, Verdict::Fail, "{}", r.summary);
        assert!(r.summary.contains("ignored Retry-After in the seconds form"), "{}", r.summary);
        // An exponential-backoff client that ignores the header (urllib3 without
        // respect_retry_after_header, factor 0.1: immediate retry).
        let urllib3 = base().get_ra(10.0, 1, 429, 1000, "seconds").get(11.5, 1, 3, 200, "tok-a");
        assert_eq!(urllib3.judge_exited("ratelimit.retry_after").verdict, Verdict::Fail);
    }

    #[test]
    fn giving_up_short_fails_long_warns() {
        let short = base().get_ra(10.0, 1, 429, 1000, "seconds");
        let r = short.judge_exited("ratelimit.retry_after");
        assert_eq!(r.verdict, Verdict::Fail, "{}", r.summary);
        let long = base().get_ra(10.0, 1, 429, 3_600_000, "seconds");
        let r = long.judge_exited("ratelimit.retry_after");
        assert_eq!(r.verdict, Verdict::Pass, "{}", r.summary);
        assert!(r.summary.contains("warning"), "{}", r.summary);
    }

    #[test]
    fn maintenance_backoff_resume_and_hammering() {
        let good = base().get_ra(10.0, 1, 503, 2000, "seconds").get(2015.0, 1, 3, 200, "tok-a");
        let r = good.judge_exited("resilience.maintenance");
        assert_eq!(r.verdict, Verdict::Pass, "{}", r.summary);

        let mut hammer = base();
        for i in 0..10 {
            hammer = hammer.get_ra(10.0 + f64::from(i) * 200.0, 1, 503, 2000 - 200 * i as u64, "seconds");
        }
        hammer = hammer.get(2100.0, 1, 3, 200, "tok-a");
        let r = hammer.judge_exited("resilience.maintenance");
        assert_eq!(r.verdict, Verdict::Fail, "{}", r.summary);
        assert!(r.summary.contains("did not back off"), "{}", r.summary);

        // tenacity-style exponential waits that ignore Retry-After still back off.
        let expo = base()
            .get_ra(10.0, 1, 503, 2000, "seconds")
            .get_ra(110.0, 1, 503, 1900, "seconds")
            .get_ra(310.0, 1, 503, 1700, "seconds")
            .get_ra(710.0, 1, 503, 1300, "seconds")
            .get_ra(1510.0, 1, 503, 500, "seconds")
            .get(3110.0, 1, 3, 200, "tok-a");
        let r = expo.judge_exited("resilience.maintenance");
        assert_eq!(r.verdict, Verdict::Pass, "{}", r.summary);
        assert!(r.summary.contains("sooner than Retry-After"), "{}", r.summary);

        let gave_up = base().get_ra(10.0, 1, 503, 2000, "seconds");
        let r = gave_up.judge_exited("resilience.maintenance");
        assert_eq!(r.verdict, Verdict::Fail, "{}", r.summary);
        assert!(r.summary.contains("did not resume"), "{}", r.summary);
    }
}
