//! `auth.refresh` and `auth.token_reuse`.
//!
//! Fair to both refresh styles: authlib and requests-oauthlib refresh *before* expiry (authlib
//! 60 s early, so with tokens under a minute they ask for a new token before every call — not
//! abuse when tokens are that short), other clients refresh after the 401. Both pass
//! `auth.refresh`; re-granting with `client_credentials` counts as much as `refresh_token`.

use std::collections::BTreeSet;
use std::time::Duration;

use super::{JudgeInput, plural};
use crate::checks::api::journal::RequestKind;
use crate::checks::api::profile::AuthKind;
use crate::checks::{CheckId, CheckResult, Verdict};

/// Token lifetimes up to this make a new token per call normal (authlib's leeway is 60 s).
const SHORT_LIFETIME: Duration = Duration::from_secs(120);

/// When a client got a new token, relative to the one it replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Renewal {
    /// Before the old token expired (authlib, requests-oauthlib: proactive refresh).
    BeforeExpiry,
    /// After the old token had expired, by the client's own clock: no 401 came first.
    OwnClock,
    /// After a 401 on the old token.
    After401,
}

impl Renewal {
    fn words(self) -> &'static str {
        match self {
            Renewal::BeforeExpiry => "before it expired (proactively)",
            Renewal::OwnClock => "after it had expired, by its own clock, without waiting for a 401",
            Renewal::After401 => "after the 401",
        }
    }

    fn figure(self) -> &'static str {
        match self {
            Renewal::BeforeExpiry => "before expiry",
            Renewal::OwnClock => "after expiry, no 401",
            Renewal::After401 => "after 401",
        }
    }
}

/// Each token request after the first (or after a 401 on a token from before arming), told
/// apart by what came before it: a 401 on the token in use, that token's expiry, or neither.
fn renewals(input: &JudgeInput<'_>) -> Vec<Renewal> {
    let grants: Vec<_> = input.entries.iter().filter(|e| e.issued_token().is_some()).collect();
    let unauthorized = |from_us: u64, to_us: u64| {
        input.entries.iter().any(|e| e.is_items() && e.status == 401 && e.at_us >= from_us && e.at_us < to_us)
    };
    let mut out = Vec::new();
    for (i, g) in grants.iter().enumerate() {
        let Some(prev) = i.checked_sub(1).map(|p| grants[p]) else {
            // The first grant renews only a token from before arming that got a 401.
            if unauthorized(0, g.at_us) {
                out.push(Renewal::After401);
            }
            continue;
        };
        let expiry = match &prev.kind {
            RequestKind::Token { expires_us: Some(x), .. } => Some(*x),
            _ => None,
        };
        out.push(if unauthorized(prev.at_us, g.at_us) {
            Renewal::After401
        } else if expiry.is_some_and(|x| g.at_us >= x) {
            Renewal::OwnClock
        } else {
            Renewal::BeforeExpiry
        });
    }
    out
}

/// "renewed the token before it expired (proactively)", or with counts when the kinds mix.
fn renewal_words(kinds: &[Renewal]) -> String {
    let distinct: BTreeSet<Renewal> = kinds.iter().copied().collect();
    match distinct.len() {
        0 => "renewed the token".to_owned(),
        1 => format!("renewed the token {}", kinds[0].words()),
        _ => {
            let parts: Vec<String> = distinct
                .iter()
                .map(|k| format!("{} × {}", kinds.iter().filter(|x| *x == k).count(), k.words()))
                .collect();
            format!("renewed the token {}", parts.join(", "))
        }
    }
}

/// `auth.refresh`: once a token expired, did the client get a new one and carry on?
///
/// With a 401 (`invalid_token`) in the run: pass when a later call succeeds with another
/// token (refresh after the 401). The 401 may hit a token issued before the scenario was
/// armed (the TUI arms while the partner's job runs), so it does not need a grant first.
/// Without a 401: pass when a call after the first token's expiry succeeds with a newer
/// token; inconclusive when the run ended before that expiry. The summary says truly when
/// each renewal came: before the old token expired (proactive), after it expired by the
/// client's own clock with no 401 first, or after the 401. All three pass.
///
/// An API-key or static-token profile has no token that expires: not applicable, with the
/// reason, never a fail.
pub fn refresh(input: &JudgeInput<'_>) -> CheckResult {
    let id = CheckId::AuthRefresh.as_str();
    let kind = input.scenario.auth;
    if !kind.has_tokens() {
        return CheckResult::new(
            id,
            Verdict::NotApplicable,
            format!(
                "not applicable: the profile authenticates with {} ({}), so no token expires and there is nothing to refresh",
                match kind {
                    AuthKind::ApiKey => "an API key",
                    _ => "a static bearer token",
                },
                kind.as_str()
            ),
        )
        .figure("auth", kind.as_str());
    }
    let lifetime = input.scenario.token_lifetime.as_secs_f64();
    let grants: Vec<_> = input.entries.iter().filter(|e| e.issued_token().is_some()).collect();
    let gets = input.items();
    let unauthorized: Vec<_> = gets.iter().filter(|e| e.status == 401 && e.token.is_some()).collect();
    let grant_types: BTreeSet<&str> = grants
        .iter()
        .filter_map(|e| match &e.kind {
            RequestKind::Token { grant_type, .. } => Some(grant_type.as_str()),
            _ => None,
        })
        .collect();
    let how = grant_types.into_iter().collect::<Vec<_>>().join(" + ");
    let succeeded_after = |at_us: u64, old: Option<&str>| {
        gets.iter()
            .any(|e| e.at_us > at_us && e.status == 200 && e.token.is_some() && e.token.as_deref() != old)
    };
    let tokens = |n: usize| format!("{n} {}", plural(n, "token", "tokens"));
    let kinds = renewals(input);
    let renewed = renewal_words(&kinds);

    let (verdict, summary) = if let Some(first_401) = unauthorized.first() {
        if succeeded_after(first_401.at_us, first_401.token.as_deref()) {
            (
                Verdict::Pass,
                format!(
                    "{renewed} ({} via {how}) and carried on ({} × 401 in all)",
                    tokens(grants.len()),
                    unauthorized.len()
                ),
            )
        } else {
            let asked = grants.iter().any(|g| g.at_us > first_401.at_us);
            let why = if asked {
                "got a new token but never succeeded with it"
            } else {
                "never asked for a new token"
            };
            (
                Verdict::Fail,
                format!(
                    "the token expired after {lifetime:.0} s; the client got {} × 401 invalid_token and {why}",
                    unauthorized.len()
                ),
            )
        }
    } else if let Some(first) = grants.first() {
        let expiry = match &first.kind {
            RequestKind::Token { expires_us: Some(x), .. } => *x,
            _ => first.at_us,
        };
        if input.entries.iter().all(|e| e.at_us < expiry) {
            (
                Verdict::Inconclusive,
                format!(
                    "the run ended before the first token expired (tokens live {lifetime:.0} s): nothing to judge"
                ),
            )
        } else if succeeded_after(expiry, first.issued_token()) {
            let per_call = if grants.len() >= gets.len() && gets.len() > 1 {
                format!(
                    "; a new token per call is expected with {lifetime:.0} s tokens and an early-refresh leeway"
                )
            } else {
                String::new()
            };
            (
                Verdict::Pass,
                format!("{renewed} ({} via {how}) and carried on{per_call}", tokens(grants.len())),
            )
        } else {
            (
                Verdict::Fail,
                format!("no successful call with a new token after the first one expired ({lifetime:.0} s)"),
            )
        }
    } else {
        (Verdict::Inconclusive, "the client neither obtained a token nor had one expire".to_owned())
    };
    let kinds_seen: BTreeSet<&str> = kinds.iter().map(|k| k.figure()).collect();
    CheckResult::new(id, verdict, summary)
        .figure("token_lifetime_s", lifetime)
        .figure("tokens_issued", grants.len())
        .figure("grant_types", how)
        .figure("unauthorized_401", unauthorized.len())
        .figure("calls", gets.len())
        .figure("refresh", kinds_seen.into_iter().collect::<Vec<_>>().join(" + "))
}

/// `auth.token_reuse`: with long-lived tokens, does the client reuse one across calls? With an
/// API key (or static token): [`key_reuse`].
pub fn token_reuse(input: &JudgeInput<'_>) -> CheckResult {
    let id = CheckId::AuthTokenReuse.as_str();
    if !input.scenario.auth.has_tokens() {
        return key_reuse(input);
    }
    let lifetime = input.scenario.token_lifetime;
    let calls: Vec<_> = input.items().into_iter().filter(|e| e.token.is_some()).collect();
    let grants = input.entries.iter().filter(|e| e.issued_token().is_some()).count();
    let distinct: BTreeSet<&str> = calls.iter().filter_map(|e| e.token.as_deref()).collect();
    let per_token = if grants == 0 { 0.0 } else { calls.len() as f64 / grants as f64 };
    let verdict_summary = if calls.len() < 2 {
        (
            Verdict::Inconclusive,
            format!(
                "only {} authorised {}: nothing to reuse a token for",
                calls.len(),
                plural(calls.len(), "call", "calls")
            ),
        )
    } else if grants == 0 && distinct.len() == 1 {
        // A running service (watched, or a TUI session) got its token before the scenario
        // was armed and kept using it: that is reuse.
        (
            Verdict::Pass,
            format!("reused one token, obtained before the run began, for all {} calls", calls.len()),
        )
    } else if grants == 0 {
        (
            Verdict::Inconclusive,
            "no token was issued during the run (a token from an earlier run?)".to_owned(),
        )
    } else if per_token >= 2.0 {
        (
            Verdict::Pass,
            format!(
                "reused its token: {grants} {} for {} calls",
                plural(grants, "token", "tokens"),
                calls.len()
            ),
        )
    } else if lifetime <= SHORT_LIFETIME {
        (
            Verdict::Pass,
            format!(
                "{grants} tokens for {} calls, which is normal with tokens living only {} s (early refresh)",
                calls.len(),
                lifetime.as_secs()
            ),
        )
    } else {
        (
            Verdict::Fail,
            format!(
                "asked for a new token per call: {grants} tokens for {} calls, though tokens live {} s",
                calls.len(),
                lifetime.as_secs()
            ),
        )
    };
    CheckResult::new(id, verdict_summary.0, verdict_summary.1)
        .figure("tokens_issued", grants)
        .figure("calls", calls.len())
        .figure("distinct_tokens_used", distinct.len())
        .figure("calls_per_token", (per_token * 10.0).round() / 10.0)
        .figure("token_lifetime_s", lifetime.as_secs())
}

/// After a refused key, this many further calls with the same key inside
/// [`HAMMER_WINDOW_MS`] is a client hammering the 401 (urllib3's `Retry` does not retry a
/// 401 at all; a bounded retry or two is fine).
const MAX_CALLS_AFTER_401: usize = 3;
const HAMMER_WINDOW_MS: u64 = 1000;

/// `auth.token_reuse` for a key profile: the key reused and the 401 path. Every call carries
/// the key, one key throughout (a client cannot "ask for a key per call", but a missing or
/// changing key is a broken credential setup); and the call whose key was refused once (the
/// scenario's 401) is not hammered: at most [`MAX_CALLS_AFTER_401`] calls with that key in the
/// following second. Stopping at the 401 or retrying it a bounded number of times both pass.
pub fn key_reuse(input: &JudgeInput<'_>) -> CheckResult {
    let id = CheckId::AuthTokenReuse.as_str();
    let calls = input.items();
    let keyed: Vec<_> = calls.iter().filter(|e| e.token.is_some()).collect();
    let keys: BTreeSet<&str> = keyed.iter().filter_map(|e| e.token.as_deref()).collect();
    let refused = calls.iter().find(|e| e.status == 401 && e.token.is_some());
    let after_401 = refused.map_or(0, |r| {
        calls
            .iter()
            .filter(|e| {
                e.at_us > r.at_us && e.at_us <= r.at_us + HAMMER_WINDOW_MS * 1000 && e.token == r.token
            })
            .count()
    });
    let unkeyed = calls.len() - keyed.len();
    let (verdict, summary) = if calls.len() < 2 {
        (
            Verdict::Inconclusive,
            format!(
                "only {} {}: nothing to judge key reuse on",
                calls.len(),
                plural(calls.len(), "call", "calls")
            ),
        )
    } else if unkeyed == calls.len() {
        (Verdict::Fail, format!("none of {} calls carried the API key", calls.len()))
    } else if unkeyed > 0 {
        (Verdict::Fail, format!("{unkeyed} of {} calls carried no API key", calls.len()))
    } else if keys.len() > 1 {
        (Verdict::Fail, format!("the calls carried {} different keys", keys.len()))
    } else if after_401 > MAX_CALLS_AFTER_401 {
        (
            Verdict::Fail,
            format!(
                "hammered the 401: {after_401} more calls with the refused key within {HAMMER_WINDOW_MS} ms (at most {MAX_CALLS_AFTER_401})"
            ),
        )
    } else {
        let path = match refused {
            None => " (no call reached the scripted 401)".to_owned(),
            Some(_) if after_401 == 0 => "; stopped after the 401 without retrying it in a loop".to_owned(),
            Some(_) => format!("; {after_401} {} after the 401, bounded", plural(after_401, "call", "calls")),
        };
        (Verdict::Pass, format!("one API key on all {} calls{path}", calls.len()))
    };
    CheckResult::new(id, verdict, summary)
        .figure("auth", input.scenario.auth.as_str())
        .figure("calls", calls.len())
        .figure("calls_without_key", unkeyed)
        .figure("distinct_keys", keys.len())
        .figure("calls_after_401", after_401)
}

#[cfg(test)]
mod tests {
    use super::super::RunOutcome;
    use super::super::fixtures::Traffic;
    use crate::checks::Verdict;

    /// authlib with its 60 s leeway and 2 s tokens: a refresh_token grant before every call.
    #[test]
    fn proactive_refresh_before_every_call_passes_refresh() {
        let mut t = Traffic::new().grant(0.0, "client_credentials", "t0", 2000.0).get(5.0, 1, 4, 200, "t0");
        for (i, at) in [710.0, 1420.0, 2130.0].iter().enumerate() {
            let tok = format!("t{}", i + 1);
            t = t.grant(*at, "refresh_token", &tok, 2000.0).get(at + 5.0, i as u32 + 2, 4, 200, &tok);
        }
        let r = t.judge_exited("auth.refresh");
        assert_eq!(r.verdict, Verdict::Pass, "{}", r.summary);
        assert!(r.summary.contains("before it expired (proactively)"), "{}", r.summary);
        assert!(r.summary.contains("new token per call is expected"), "{}", r.summary);
        assert_eq!(r.figures["refresh"], "before expiry".into());
        assert_eq!(r.figures["tokens_issued"], 4usize.into());
    }

    /// A client that keeps its token until the 401, then re-grants and retries.
    #[test]
    fn refresh_after_the_401_passes() {
        let t = Traffic::new()
            .grant(0.0, "client_credentials", "t0", 2000.0)
            .get(5.0, 1, 4, 200, "t0")
            .get(710.0, 2, 4, 200, "t0")
            .get(1420.0, 3, 4, 200, "t0")
            .get(2130.0, 4, 4, 401, "t0")
            .grant(2135.0, "client_credentials", "t1", 2000.0)
            .get(2140.0, 4, 4, 200, "t1");
        let r = t.judge_exited("auth.refresh");
        assert_eq!(r.verdict, Verdict::Pass, "{}", r.summary);
        assert!(r.summary.contains("renewed the token after the 401"), "{}", r.summary);
        assert!(!r.summary.contains("proactively"), "{}", r.summary);
        assert_eq!(r.figures["unauthorized_401"], 1usize.into());
        assert_eq!(r.figures["refresh"], "after 401".into());
    }

    /// Item 3: issued at +322 ms, renewed at +2,452 ms, lifetime 2 s, no 401: after expiry by
    /// its own clock, not "proactively, before expiry".
    #[test]
    fn renewal_after_expiry_without_a_401_says_so() {
        let t = Traffic::new()
            .grant(322.0, "client_credentials", "t0", 2000.0)
            .get(330.0, 1, 4, 200, "t0")
            .get(1040.0, 2, 4, 200, "t0")
            .get(1750.0, 3, 4, 200, "t0")
            .grant(2452.0, "client_credentials", "t1", 2000.0)
            .get(2460.0, 4, 4, 200, "t1");
        let r = t.judge_exited("auth.refresh");
        assert_eq!(r.verdict, Verdict::Pass, "{}", r.summary);
        assert!(r.summary.contains("after it had expired, by its own clock"), "{}", r.summary);
        assert!(!r.summary.contains("proactively"), "{}", r.summary);
        assert_eq!(r.figures["refresh"], "after expiry, no 401".into());
    }

    #[test]
    fn stopping_at_the_401_fails_and_a_short_run_is_inconclusive() {
        let t = Traffic::new()
            .grant(0.0, "client_credentials", "t0", 2000.0)
            .get(5.0, 1, 4, 200, "t0")
            .get(2130.0, 2, 4, 401, "t0")
            .get(2140.0, 2, 4, 401, "t0");
        let r = t.judge_exited("auth.refresh");
        assert_eq!(r.verdict, Verdict::Fail, "{}", r.summary);
        assert!(r.summary.contains("never asked for a new token"), "{}", r.summary);

        let short = Traffic::new().grant(0.0, "client_credentials", "t0", 2000.0).get(5.0, 1, 4, 200, "t0");
        assert_eq!(short.judge("auth.refresh", 20.0, RunOutcome::Exited(0)).verdict, Verdict::Inconclusive);
    }

    /// Armed while the job ran: its old token was cut short, got a 401, and it re-granted.
    #[test]
    fn a_token_from_before_arming_that_expires_counts() {
        let t = Traffic::new()
            .get(5.0, 2, 4, 401, "old")
            .grant(9.0, "client_credentials", "t1", 2000.0)
            .get(12.0, 2, 4, 200, "t1");
        let r = t.judge_exited("auth.refresh");
        assert_eq!(r.verdict, Verdict::Pass, "{}", r.summary);
    }

    #[test]
    fn token_reuse_tells_reuse_from_a_token_per_call() {
        let reuse = Traffic::new()
            .grant(0.0, "client_credentials", "t0", 3_600_000.0)
            .get(5.0, 1, 3, 200, "t0")
            .get(10.0, 2, 3, 200, "t0")
            .get(15.0, 3, 3, 200, "t0");
        let r = reuse.judge_exited("auth.token_reuse");
        assert_eq!(r.verdict, Verdict::Pass, "{}", r.summary);

        let mut per_call = Traffic::new();
        for i in 0..3u32 {
            let tok = format!("t{i}");
            let at = f64::from(i) * 10.0;
            per_call = per_call.grant(at, "client_credentials", &tok, 3_600_000.0).get(
                at + 2.0,
                i + 1,
                3,
                200,
                &tok,
            );
        }
        let r = per_call.judge_exited("auth.token_reuse");
        assert_eq!(r.verdict, Verdict::Fail, "{}", r.summary);
        assert!(r.summary.contains("3 tokens for 3 calls"), "{}", r.summary);
    }

    /// A watched service got its token before the fault began and keeps using it: reuse.
    #[test]
    fn a_token_from_before_the_run_used_throughout_is_reuse() {
        let t =
            Traffic::new().get(5.0, 1, 3, 200, "old").get(10.0, 2, 3, 200, "old").get(15.0, 3, 3, 200, "old");
        let r = t.judge("auth.token_reuse", 20.0, RunOutcome::Watched);
        assert_eq!(r.verdict, Verdict::Pass, "{}", r.summary);
        assert!(r.summary.contains("obtained before the run began"), "{}", r.summary);
        let two = Traffic::new().get(5.0, 1, 3, 200, "a").get(10.0, 2, 3, 200, "b");
        assert_eq!(two.judge("auth.token_reuse", 20.0, RunOutcome::Watched).verdict, Verdict::Inconclusive);
    }

    /// An API-key client: refresh is not applicable; key reuse and the 401 path are judged.
    #[test]
    fn api_key_clients_get_not_applicable_refresh_and_a_judged_401_path() {
        use crate::checks::api::profile::AuthKind;
        let keyed = |statuses: &[(f64, u16)]| {
            let mut t = Traffic::new().auth(AuthKind::ApiKey);
            for (i, (at, st)) in statuses.iter().enumerate() {
                t = t.get(*at, i as u32 + 1, 4, *st, "key");
            }
            t
        };
        let r = keyed(&[(5.0, 200), (10.0, 200)]).judge_exited("auth.refresh");
        assert_eq!(r.verdict, Verdict::NotApplicable, "{}", r.summary);
        assert!(r.summary.contains("no token expires"), "{}", r.summary);

        let r = keyed(&[(5.0, 200), (10.0, 401)]).judge_exited("auth.token_reuse");
        assert_eq!(r.verdict, Verdict::Pass, "{}", r.summary);
        assert!(r.summary.contains("stopped after the 401"), "{}", r.summary);

        let hammer: Vec<(f64, u16)> =
            (0..8).map(|i| (10.0 + f64::from(i) * 20.0, if i == 0 { 401 } else { 200 })).collect();
        let r = keyed(&hammer).judge_exited("auth.token_reuse");
        assert_eq!(r.verdict, Verdict::Fail, "{}", r.summary);
        assert!(r.summary.contains("hammered"), "{}", r.summary);
    }
}
