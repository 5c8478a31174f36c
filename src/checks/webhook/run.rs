//! Running the checks: plan each check's deliveries, send them one after another (so the
//! out-of-order and duplicate cases arrive exactly as planned), report progress, judge.

use std::sync::Arc;
use std::time::Duration;

use rand::Rng;
use rand::distr::Alphanumeric;

use super::judge;
use super::log::{Delivery, DeliveryLog, redact_headers};
use super::observe::{Case, Observation, Treatment};
use super::send::Sender;
use super::signing::{Message, Signer, Variant};
use super::target::WebhookTarget;
use crate::checks::{
    CheckEvent, CheckFamily, CheckId, CheckResult, Figure, Kept, KeptWebhook, ProgressSink, Run as How,
    Secret, Verdict,
};

/// An id in --only that is not one of the webhook checks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown webhook check '{0}' (expected one of: {list})", list = webhook_check_ids().join(", "))]
pub struct UnknownWebhookCheck(pub String);

/// How a webhook check plans its deliveries and is judged: named by the check's descriptor
/// (`Run::Webhook`), matched exhaustively here, so a new webhook check cannot be left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookPlan {
    /// One signed sample event.
    Delivery,
    /// Forged, missing, wrong-secret (and tampered) signatures, then the genuine one.
    Signature,
    /// Several signatures in one header (a rotating secret), valid or not.
    Rotation,
    /// Stale and future timestamps, then a fresh one.
    Replay,
    /// The same event twice.
    Duplicate,
    /// A resource's three steps out of order.
    Ordering,
    /// N deliveries, each timed against the deadline.
    Deadline,
    /// The URL and one TLS handshake (`tls_probe`), then one signed sample event (a redirect
    /// is reported).
    Transport,
}

/// The webhook checks that only deliver (not `webhook.fallback`, which also needs the
/// evidence API: see `fallback_run.rs`), in registry (run) order.
pub fn webhook_checks() -> Vec<CheckId> {
    CheckId::of_family(CheckFamily::Webhook).filter(|c| plan_of(*c).is_some()).collect()
}

/// The webhook check ids, in registry (run) order.
pub fn webhook_check_ids() -> Vec<&'static str> {
    webhook_checks().into_iter().map(CheckId::as_str).collect()
}

fn plan_of(id: CheckId) -> Option<WebhookPlan> {
    match id.descriptor().run {
        How::Webhook(plan) => Some(plan),
        How::Api { .. } | How::Fallback | How::Record => None,
    }
}

/// The checks `ids` name (empty = all), in registry order; ids that are not webhook checks are
/// left out.
fn selected(ids: &[String]) -> Vec<CheckId> {
    webhook_checks().into_iter().filter(|c| ids.is_empty() || ids.iter().any(|i| *c == i.trim())).collect()
}

/// The checks to run for `ids` (empty = all), in registry order.
pub fn select_checks(ids: &[String]) -> Result<Vec<&'static str>, UnknownWebhookCheck> {
    if let Some(bad) = ids.iter().find(|id| CheckId::parse(id.trim()).and_then(plan_of).is_none()) {
        return Err(UnknownWebhookCheck(bad.clone()));
    }
    Ok(selected(ids).into_iter().map(CheckId::as_str).collect())
}

/// Runs the webhook checks named by `ids` (empty = all; ids that are not webhook checks
/// are skipped — validate them first with [`select_checks`]) against `target`, signing with
/// `secret`. Emits `Started`, a `Progress` per delivery and `Finished` for every check, and
/// returns the results in catalogue order. Never fails: problems become verdicts.
pub async fn run_checks(
    target: &WebhookTarget,
    secret: &Secret,
    ids: &[String],
    sink: &dyn ProgressSink,
) -> Vec<CheckResult> {
    run_checks_logged(target, secret, ids, sink, None).await
}

/// [`run_checks`], recording every delivery in `log` (for a HAR file) when one is given.
pub async fn run_checks_logged(
    target: &WebhookTarget,
    secret: &Secret,
    ids: &[String],
    sink: &dyn ProgressSink,
    log: Option<&DeliveryLog>,
) -> Vec<CheckResult> {
    let selected = selected(ids);
    let prepared = Signer::new(target.scheme, target.effective_header(), secret)
        .map_err(|e| format!("cannot sign deliveries: {e}"))
        .and_then(|signer| {
            Sender::new(target.url.clone(), target.deadline, target.ca.as_ref())
                .map(|sender| (signer, sender))
                .map_err(|e| format!("cannot set up the HTTP client: {e}"))
        });
    let redactor = Redactor::new(secret);
    let mut results = Vec::new();
    for check in selected {
        let id = check.as_str();
        sink.send(CheckEvent::Started { id: id.to_owned() });
        let result = match (&prepared, plan_of(check)) {
            (Ok((signer, sender)), Some(plan)) => {
                let run = Run { target, signer, sender, sink, id, plan, redactor: &redactor, log };
                run.check().await
            }
            (Err(reason), _) => CheckResult::new(id, Verdict::Inconclusive, reason.clone()),
            (Ok(_), None) => CheckResult::new(id, Verdict::Inconclusive, "not a webhook check"),
        };
        let result = redactor.result(result).neutralised();
        sink.send(CheckEvent::Finished(result.clone()));
        results.push(result);
    }
    results
}

struct Run<'a> {
    target: &'a WebhookTarget,
    signer: &'a Signer,
    sender: &'a Sender,
    sink: &'a dyn ProgressSink,
    id: &'static str,
    plan: WebhookPlan,
    redactor: &'a Redactor,
    log: Option<&'a DeliveryLog>,
}

impl Run<'_> {
    async fn check(&self) -> CheckResult {
        let t = self.target;
        let transport = match self.plan {
            WebhookPlan::Transport => Some(super::tls_probe::probe(&t.url, t.ca.as_ref(), t.deadline).await),
            _ => None,
        };
        if let Some(tls) = transport.as_ref().and_then(|f| f.tls.as_ref()) {
            let line = super::transport::handshake_line(tls);
            self.sink.send(CheckEvent::Progress { id: self.id.to_owned(), message: line });
        }
        let (deliveries, processed) = self.observe().await;
        let planned = t.deliveries.max(1);
        let kept = KeptWebhook {
            check: self.id.to_owned(),
            scheme: t.scheme,
            deadline: t.deadline,
            tolerance_secs: t.tolerance_secs(),
            planned,
            deliveries,
            processed,
            transport,
        };
        let mut result = judge_deliveries(self.plan, &kept);
        result.kept = Some(Arc::new(Kept::Webhook(kept)));
        result
    }

    /// Sends the plan's deliveries and observes the answers, and what the side-effect observer
    /// says was processed (the I/O half of a check).
    async fn observe(&self) -> (Vec<Observation>, Vec<(String, Result<u64, String>)>) {
        let t = self.target;
        let now = chrono::Utc::now().timestamp();
        match self.plan {
            WebhookPlan::Delivery | WebhookPlan::Transport => {
                let m = self.message(now, 0);
                (self.deliver(&[(Case::Genuine, &m, Variant::Genuine)]).await, Vec::new())
            }
            WebhookPlan::Signature => {
                let m = self.message(now, 1);
                let plan: Vec<_> = judge::signature_cases(t.scheme)
                    .into_iter()
                    .map(|c| (c, &m, signature_variant(c)))
                    .collect();
                (self.deliver(&plan).await, Vec::new())
            }
            WebhookPlan::Rotation => {
                let cases = judge::rotation_cases(t.scheme);
                let msgs: Vec<(Case, Message)> = cases.iter().map(|c| (*c, self.message(now, 1))).collect();
                let plan: Vec<_> = msgs.iter().map(|(c, m)| (*c, m, rotation_variant(*c))).collect();
                (self.deliver(&plan).await, Vec::new())
            }
            WebhookPlan::Replay if !t.scheme.signs_timestamp() => (Vec::new(), Vec::new()),
            WebhookPlan::Replay => {
                // Same id and body; only the signed timestamp differs.
                let fresh = self.message(now, 1);
                let tolerance = t.tolerance_secs();
                let msgs: Vec<(Case, Message)> = judge::replay_cases(tolerance)
                    .into_iter()
                    .map(|c| {
                        let skew = if let Case::Skewed(s) = c { s } else { 0 };
                        (c, Message { timestamp: now + skew, ..fresh.clone() })
                    })
                    .collect();
                let plan: Vec<_> = msgs.iter().map(|(c, m)| (*c, m, Variant::Genuine)).collect();
                (self.deliver(&plan).await, Vec::new())
            }
            WebhookPlan::Duplicate => {
                let m = self.message(now, 1);
                let plan = [(Case::First, &m, Variant::Genuine), (Case::Redelivery, &m, Variant::Genuine)];
                let obs = self.deliver(&plan).await;
                (obs, self.processed(&[&m]).await)
            }
            WebhookPlan::Ordering => {
                let msgs: Vec<(Case, Message)> = judge::ORDERING_CASES
                    .into_iter()
                    .map(|c| {
                        let step = if let Case::Step(n) = c { u64::from(n) } else { 0 };
                        (c, self.message(now, step))
                    })
                    .collect();
                let plan: Vec<_> = msgs.iter().map(|(c, m)| (*c, m, Variant::Genuine)).collect();
                let obs = self.deliver(&plan).await;
                let delivered: Vec<&Message> = msgs.iter().map(|(_, m)| m).collect();
                (obs, self.processed(&delivered).await)
            }
            WebhookPlan::Deadline => {
                let n = t.deliveries.max(1);
                let msgs: Vec<Message> = (0..n).map(|_| self.message(now, 1)).collect();
                let plan: Vec<_> =
                    msgs.iter().enumerate().map(|(i, m)| (Case::Timed(i + 1), m, Variant::Genuine)).collect();
                (self.deliver(&plan).await, Vec::new())
            }
        }
    }

    /// A fresh event at `step` of its resource's life (1-based; 0 = the initial state).
    /// Sequence numbers and times grow with the step, so steps sent out of order really are.
    fn message(&self, now: i64, step: u64) -> Message {
        let id = format!(
            "msg_{}",
            rand::rng().sample_iter(&Alphanumeric).take(24).map(char::from).collect::<String>()
        );
        let base_ms = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or(0);
        let at = chrono::DateTime::from_timestamp(now, 0).unwrap_or_default()
            + chrono::Duration::seconds(i64::try_from(step).unwrap_or(0));
        let occurred = at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let body = self.target.event.render(&id, base_ms * 10 + step, step.saturating_sub(1), &occurred);
        Message { id, timestamp: now, body }
    }

    /// What the side-effect observer (when set) says for each message's id.
    async fn processed(&self, msgs: &[&Message]) -> Vec<(String, Result<u64, String>)> {
        let Some(observer) = &self.target.observer else { return Vec::new() };
        let mut out = Vec::new();
        for m in msgs {
            let r = self.sender.processed(observer, &m.id).await;
            let line = match &r {
                Ok(n) => format!("observer: {} processed {n} time(s)", m.id),
                Err(why) => format!("observer: {why}"),
            };
            self.sink
                .send(CheckEvent::Progress { id: self.id.to_owned(), message: crate::text::line(&line) });
            out.push((m.id.clone(), r));
        }
        out
    }

    /// Sends the plan in order, stopping after a delivery that got no answer at all (the
    /// listener is down or hanging: waiting a deadline for each remaining one tells nothing).
    async fn deliver(&self, plan: &[(Case, &Message, Variant)]) -> Vec<Observation> {
        let mut out = Vec::with_capacity(plan.len());
        for (case, msg, variant) in plan {
            let wire = self.signer.wire(msg, *variant);
            let sent =
                self.log.map(|_| (chrono::Utc::now(), redact_headers(&wire.headers), wire.body.clone()));
            let obs = self.redactor.observation(self.sender.send(*case, wire).await);
            if let (Some(log), Some((started, headers, body))) = (self.log, sent) {
                log.push(Delivery {
                    check: self.id,
                    case: case.key(),
                    url: crate::checks::masked_url(self.target.url.as_str()),
                    started,
                    headers,
                    body,
                    status: obs.status(),
                    latency_ms: obs.latency_ms(),
                    outcome: crate::text::line(&obs.line()),
                });
            }
            // The answer's text reaches the screen as it comes, before the result is neutralised.
            let message = crate::text::line(&obs.line());
            self.sink.send(CheckEvent::Progress { id: self.id.to_owned(), message });
            let stop = obs.treatment(self.target.deadline) == Treatment::NoAnswer;
            out.push(obs);
            if stop {
                break;
            }
        }
        out
    }
}

fn signature_variant(case: Case) -> Variant {
    match case {
        Case::Forged => Variant::ForgedSignature,
        Case::Missing => Variant::MissingSignature,
        Case::WrongSecret => Variant::WrongSecret,
        Case::Tampered => Variant::TamperedBody,
        Case::Malformed(m) => Variant::Malformed(m),
        _ => Variant::Genuine,
    }
}

fn rotation_variant(case: Case) -> Variant {
    match case {
        Case::ValidAmong(n) => Variant::ValidAmong(n),
        Case::UnknownVersion => Variant::UnknownVersion,
        Case::AllInvalid => Variant::AllInvalid,
        _ => Variant::Genuine,
    }
}

/// Removes the secret from everything a check says, in case a listener echoed it back in an
/// answer body: the secret, its bare key (`whsec_` secrets) and its near miss (what the
/// `static-header` wrong-secret case sends).
pub(super) struct Redactor {
    forms: Vec<Secret>,
}

impl Redactor {
    pub(super) fn new(secret: &Secret) -> Self {
        let mut forms = vec![secret.clone(), super::signing::near_miss(secret)];
        if let Some(bare) = secret.expose().strip_prefix(super::signing::STANDARD_SECRET_PREFIX) {
            forms.push(Secret::new(bare));
        }
        Self { forms }
    }

    fn text(&self, s: &str) -> String {
        self.forms.iter().fold(s.to_owned(), |acc, f| f.redact(&acc))
    }

    /// Redacts what a listener sent back before anything shortens or shows it (a secret cut
    /// in half by a shortened line would no longer be recognised).
    pub(super) fn observation(&self, mut o: Observation) -> Observation {
        match &mut o.outcome {
            super::Outcome::Answered { detail, .. } => *detail = self.text(detail),
            super::Outcome::Unreachable(reason) | super::Outcome::Broken(reason) => {
                *reason = self.text(reason)
            }
            super::Outcome::TimedOut => {}
        }
        o
    }

    pub(super) fn result(&self, mut r: CheckResult) -> CheckResult {
        r.summary = self.text(&r.summary);
        r.observations = r.observations.iter().map(|o| self.text(o)).collect();
        for fig in r.figures.values_mut() {
            self.figure(fig);
        }
        r
    }

    fn figure(&self, f: &mut Figure) {
        match f {
            Figure::Text(s) => *s = self.text(s),
            Figure::List(items) => items.iter_mut().for_each(|i| self.figure(i)),
            _ => {}
        }
    }
}

/// Judges a webhook check's deliveries: the pure half of a check, and what `certcockpit verify`
/// runs again on the deliveries kept in the dossier's sidecar.
pub fn judge_deliveries(plan: WebhookPlan, kept: &KeptWebhook) -> CheckResult {
    let (obs, deadline, scheme) = (kept.deliveries.as_slice(), kept.deadline, kept.scheme);
    match plan {
        WebhookPlan::Delivery => judge::delivery(obs, deadline),
        WebhookPlan::Signature => judge::signature(obs, deadline, scheme),
        WebhookPlan::Rotation => judge::rotation(obs, deadline, scheme),
        WebhookPlan::Replay if !scheme.signs_timestamp() => judge::replay_unsupported(scheme, deadline),
        WebhookPlan::Replay => judge::replay(obs, deadline, scheme, kept.tolerance_secs),
        WebhookPlan::Duplicate => judge::observed(judge::duplicate(obs, deadline), &kept.processed),
        WebhookPlan::Ordering => judge::observed(judge::ordering(obs, deadline), &kept.processed),
        WebhookPlan::Deadline => judge::deadline(obs, deadline, kept.planned),
        WebhookPlan::Transport => super::transport::transport(kept.transport.as_ref(), obs, deadline),
    }
}

/// The default per-check budget, for callers that want to show a bound: the number of
/// deliveries a check may send times the deadline.
pub fn worst_case(target: &WebhookTarget, id: &str) -> Duration {
    let n = match CheckId::parse(id).and_then(plan_of) {
        // Transport: the handshake and one delivery, each bounded by the deadline.
        Some(WebhookPlan::Delivery) => 1,
        Some(WebhookPlan::Transport) => 2,
        Some(WebhookPlan::Signature) => judge::signature_cases(target.scheme).len(),
        Some(WebhookPlan::Rotation) => judge::rotation_cases(target.scheme).len(),
        Some(WebhookPlan::Replay) => judge::replay_cases(target.tolerance_secs()).len(),
        Some(WebhookPlan::Duplicate) => judge::DUPLICATE_CASES.len(),
        Some(WebhookPlan::Ordering) => judge::ORDERING_CASES.len(),
        Some(WebhookPlan::Deadline) => target.deliveries.max(1),
        None => 0,
    };
    target.deadline * u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selects_in_catalogue_order_and_names_unknown_ids() {
        assert_eq!(select_checks(&[]).expect("all").len(), 8);
        let ids = vec!["webhook.deadline".to_owned(), "webhook.delivery".to_owned()];
        assert_eq!(select_checks(&ids).expect("two"), vec!["webhook.delivery", "webhook.deadline"]);
        let err = select_checks(&["auth.refresh".to_owned()]).expect_err("not webhook");
        assert!(err.to_string().contains("auth.refresh") && err.to_string().contains("webhook.replay"));
    }

    /// A listener's answer reaches the TUI and stderr as progress before any result is
    /// neutralised: its bidi overrides and zero-width characters must already be escaped.
    #[tokio::test]
    async fn progress_lines_neutralise_what_the_listener_answered() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
        tokio::spawn(async move {
            while let Ok((mut sock, _)) = listener.accept().await {
                let mut buf = vec![0u8; 64 * 1024];
                let _ = tokio::time::timeout(Duration::from_millis(300), sock.read(&mut buf)).await;
                let body = "bad\u{202e}gis\u{200b}";
                let head = format!(
                    "HTTP/1.1 400 Bad Request\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = sock.write_all(format!("{head}{body}").as_bytes()).await;
            }
        });
        let target = WebhookTarget::new(&url, super::super::Scheme::HmacSha256, None, 2.0).expect("target");
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let ids = vec!["webhook.delivery".to_owned()];
        let _ = run_checks(&target, &Secret::new("s3cr3t-for-the-test"), &ids, &tx).await;
        drop(tx);
        let mut seen = Vec::new();
        while let Some(ev) = rx.recv().await {
            if let CheckEvent::Progress { message, .. } = ev {
                seen.push(message);
            }
        }
        assert!(seen.iter().any(|m| m.contains("<U+202E>")), "{seen:?}");
        assert!(seen.iter().all(|m| !m.contains('\u{202e}') && !m.contains('\u{200b}')), "{seen:?}");
    }

    #[test]
    fn redaction_covers_summary_observations_and_figures() {
        let secret = Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        let r =
            CheckResult::new("webhook.signature", Verdict::Fail, "echoed MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
                .figure("x", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
                .observe("forged: 500 in 1 ms (whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw)");
        let text = format!("{:?}", Redactor::new(&secret).result(r));
        assert!(!text.contains("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), "{text}");
    }
}
