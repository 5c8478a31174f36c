//! The report as one self-contained HTML file: inline CSS, no scripts, no external links,
//! fonts or images, so it opens anywhere, can be archived with the dossier, and prints to PDF.
//!
//! Written with `maud`, which escapes every interpolated value unless told otherwise: answers,
//! notes and evidence are user or peer text, and none of it can become markup.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::markdown::MAX_OBSERVATIONS;
use super::model::{CheckEvidence, ReadinessLevel, Remediation, RemediationSource, Report, figure_pairs};
use super::svg::timeline_svg;
use super::verification::{Verification, ran_label};
use crate::checks::{RetryTimeline, Verdict};
use crate::dossier::ReviewStatus;

/// Verdicts and statuses carry colour *and* a symbol and a word, so they survive a black and
/// white printer. `print-color-adjust` keeps the colours when printing to PDF.
const CSS: &str = r#"
:root { --pass: #1a7f37; --fail: #c62828; --unsure: #9a6700; --muted: #57606a; --line: #d0d7de; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
  line-height: 1.45; color: #1f2328; max-width: 60rem; margin: 2rem auto; padding: 0 1.5rem; }
h1 { font-size: 1.6rem; margin-bottom: .5rem; }
h2 { font-size: 1.25rem; border-bottom: 2px solid var(--line); padding-bottom: .2rem; margin-top: 2rem; }
h3 { font-size: 1rem; margin: 0 0 .3rem; }
table.cover { border-collapse: collapse; margin: 1rem 0; }
table.cover th { text-align: left; color: var(--muted); font-weight: 600; padding: .15rem 1.2rem .15rem 0; }
table.cover td { padding: .15rem 0; }
.readiness { font-size: 1.15rem; font-weight: 700; padding: .6rem .9rem; border-radius: 6px;
  border: 2px solid; display: inline-block; }
.readiness.ready { color: var(--pass); } .readiness.not-ready { color: var(--fail); }
.readiness.incomplete { color: var(--unsure); }
.progress { color: var(--muted); }
.question { border: 1px solid var(--line); border-radius: 6px; padding: .7rem .9rem; margin: .8rem 0;
  break-inside: avoid; page-break-inside: avoid; }
.qid, code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85em; }
.qid { color: var(--muted); }
.answer { white-space: pre-wrap; border-left: 3px solid var(--line); padding-left: .7rem; margin: .4rem 0; }
.empty { color: var(--muted); font-style: italic; }
.note { white-space: pre-wrap; background: #fff8c5; padding: .3rem .6rem; border-radius: 4px; margin: .4rem 0; }
.badge { font-weight: 700; white-space: nowrap; }
.st-ok, .v-pass { color: var(--pass); } .st-needs_work, .v-fail { color: var(--fail); }
.st-open, .st-answered, .st-na, .v-none { color: var(--muted); } .v-inconclusive { color: var(--unsure); }
ul.evidence { list-style: none; padding-left: 0; margin: .4rem 0 0; }
ul.evidence li { margin: .25rem 0; }
.figures, .when { color: var(--muted); font-size: .9em; }
.chart { margin: .4rem 0; break-inside: avoid; page-break-inside: avoid; }
.chart svg { max-width: 100%; height: auto; }
table.records { border-collapse: collapse; font-size: .9em; margin: .6rem 0; }
table.records th, table.records td { border: 1px solid var(--line); padding: .2rem .45rem; text-align: left;
  vertical-align: top; }
.verification { font-size: .9em; }
.vs-ok { color: var(--pass); } .vs-bad { color: var(--fail); font-weight: 700; } .vs-old { color: var(--unsure); }
.vs-none { color: var(--muted); }
ol.remediation > li { margin: .9rem 0; break-inside: avoid; page-break-inside: avoid; }
ol.remediation .req { font-weight: 700; }
ol.remediation ul { margin: .3rem 0; }
@media print {
  body { margin: 0; max-width: none; font-size: 10.5pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  .remediation-section { break-before: page; page-break-before: always; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"#;

/// Renders the report as a complete HTML document.
pub fn render(r: &Report) -> String {
    let c = &r.cover;
    let title = format!("Certification review: {}", or_dash(&c.integration));
    let doc = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                style { (PreEscaped(CSS)) }
            }
            body {
                h1 { (title) }
                table.cover {
                    tr { th { "Integration" } td { (or_dash(&c.integration)) } }
                    tr { th { "Partner" } td { (or_dash(&c.partner)) } }
                    tr { th { "Reviewer" } td { (or_dash(&c.reviewer)) } }
                    tr { th { "Partner engineer" } td { (or_dash(&c.partner_engineer)) } }
                    tr { th { "Date" } td { (or_dash(&c.date)) } }
                    tr {
                        th { "Questionnaire" }
                        td { (c.questionnaire_title) " (" code { (c.questionnaire_id) } "), version " (c.questionnaire_version) }
                    }
                    @if let Some(v) = &c.dossier_questionnaire_version {
                        tr { th { "Dossier started with" } td { "version " (v) } }
                    }
                    tr { th { "Source" } td { (c.source) } }
                    @if !c.updated.is_empty() {
                        tr { th { "Last changed" } td { (c.updated) } }
                    }
                    tr { th { "Evidence" } td { (c.ran.line()) } }
                    @if let Some(v) = &r.verification {
                        tr { th { "Verification" } td {
                            span class=(format!("badge {}", mark_class(v.mark()))) { (v.mark()) } " " (v.headline())
                        } }
                    }
                }
                @let rd = &r.readiness;
                @let level = match rd.level() {
                    ReadinessLevel::Ready => "ready",
                    ReadinessLevel::NotReady => "not-ready",
                    ReadinessLevel::Incomplete => "incomplete",
                };
                p { span class=(format!("readiness {level}")) { "Readiness: " (rd.symbol()) " " (rd.headline()) } }
                p.progress { (rd.progress()) }
                @for (i, s) in r.sections.iter().enumerate() {
                    h2 { (i + 1) ". " (s.title) }
                    @for q in &s.questions {
                        div.question {
                            h3 {
                                span class=(format!("badge st-{}", status_class(q.status))) {
                                    (q.status.symbol()) " " (q.status.label())
                                }
                                " " (q.text)
                            }
                            div.qid { (q.id) }
                            @if q.answer.trim().is_empty() {
                                p.empty { "No answer." }
                            } @else {
                                div.answer { (q.answer.trim()) }
                            }
                            @if !q.note.trim().is_empty() {
                                div.note { strong { "Reviewer's note: " } (q.note.trim()) }
                            }
                            @if !q.evidence.is_empty() {
                                ul.evidence { @for e in &q.evidence { (evidence_item(e)) } }
                            }
                        }
                    }
                }
                @if !r.other_evidence.is_empty() {
                    h2 { "Other evidence" }
                    p { "Checks run for this dossier that no question of this questionnaire links to." }
                    ul.evidence { @for e in &r.other_evidence { (evidence_item(e)) } }
                }
                @if !r.orphan_answers.is_empty() {
                    h2 { "Answers to questions not in this questionnaire version" }
                    ul { @for (id, answer) in &r.orphan_answers { li { code { (id) } ": " (or_dash(answer)) } } }
                }
                @if let Some(v) = r.verification.as_ref().filter(|v| !v.records.is_empty()) {
                    (verification_table(v))
                }
                section.remediation-section {
                    h2 { "Remediation" }
                    @if r.remediation.is_empty() {
                        p { "Nothing to remediate: no question is marked needs work and no check failed." }
                    } @else {
                        p { "The following requirements must be met before production access is granted." }
                        ol.remediation { @for item in &r.remediation { (remediation_item(item)) } }
                    }
                }
            }
        }
    };
    crate::text::visible_in_html(&doc.into_string())
}

fn status_class(s: ReviewStatus) -> &'static str {
    match s {
        ReviewStatus::Open => "open",
        ReviewStatus::Answered => "answered",
        ReviewStatus::Ok => "ok",
        ReviewStatus::NeedsWork => "needs_work",
        ReviewStatus::NotApplicable => "na",
    }
}

fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "v-pass",
        Verdict::Fail => "v-fail",
        Verdict::Inconclusive => "v-inconclusive",
        Verdict::NotApplicable => "v-na",
    }
}

fn evidence_item(e: &CheckEvidence) -> Markup {
    html! {
        li {
            @match &e.latest {
                None => {
                    span.badge.v-none { "○ not run" } " " code { (e.check) } " (" (e.title) ")"
                }
                Some(ev) => {
                    span class=(format!("badge {}", verdict_class(ev.verdict))) {
                        (ev.verdict.symbol()) " " (ev.verdict)
                    }
                    " " code { (e.check) } " (" (e.title) "): " (ev.summary) " "
                    span.when {
                        "— " (ev.at) ", " (ran_label(ev.ran))
                        @if e.runs > 1 { ", latest of " (e.runs) " runs" }
                    }
                    @if let Some(v) = &e.verification {
                        div.verification {
                            "Verification: " span class=(format!("badge {}", mark_class(v.mark()))) { (v.mark()) } " " (v.describe)
                        }
                    }
                    @let chart = RetryTimeline::from_figures(&ev.figures);
                    // The timeline's figures are drawn as the chart, not listed.
                    @let figures: Vec<String> = ev.figures
                        .iter()
                        .filter(|(k, _)| chart.is_none() || !RetryTimeline::is_figure(k))
                        .map(|(k, v)| format!("{k} = {v}"))
                        .collect();
                    @if !figures.is_empty() {
                        div.figures { (figures.join(", ")) }
                    }
                    @if let Some(t) = &chart {
                        // Built from numbers and fixed words; the label is escaped in it.
                        div.chart { (PreEscaped(timeline_svg(t, &format!("{}, {}", e.check, ev.at)))) }
                    }
                }
            }
        }
    }
}

/// Verification marks carry a symbol and words; the colour only repeats them.
fn mark_class(mark: &str) -> &'static str {
    match mark {
        "✔" => "vs-ok",
        "✘" => "vs-bad",
        "◐" | "○" => "vs-old",
        _ => "vs-none",
    }
}

/// Every record, in file order, with where it ran and its verification state.
fn verification_table(v: &Verification) -> Markup {
    html! {
        h2 { "Verification of each record" }
        p {
            "Each record's judge was run again on the observations kept beside the dossier ("
            code { "certcockpit verify" } "). ✔ verified, ✘ does not hold, ◐ judge changed since, "
            "○ no observations kept, – nothing to re-judge."
        }
        table.records {
            tr { th { "#" } th { "Check" } th { "Run at" } th { "Verdict" } th { "Ran" } th { "Verification" } }
            @for r in &v.records {
                tr {
                    td { (r.number) }
                    td { code { (r.check) } }
                    td { (r.at) }
                    td { span class=(format!("badge {}", verdict_class(r.verdict))) { (r.verdict.symbol()) " " (r.verdict) } }
                    td { (ran_label(r.ran)) }
                    td { span class=(format!("badge {}", mark_class(r.mark()))) { (r.mark()) } " " (r.describe) }
                }
            }
        }
    }
}

fn remediation_item(item: &Remediation) -> Markup {
    html! {
        li {
            div.req { (item.requirement) }
            ul {
                @match &item.source {
                    RemediationSource::Question { id, section, text, answer, note } => {
                        li { "Question (" (section) ", " code { (id) } "): " (text) }
                        li { span.badge.st-needs_work { "✘ needs work" } " — marked by the reviewer"
                            @if note.trim().is_empty() { " (no note)" } }
                        li { "Answer given: " (or_dash(answer)) }
                    }
                    RemediationSource::Check { evidence, title, questions } => {
                        li {
                            span.badge.v-fail { "✘ fail" } " " code { (evidence.check) } " (" (title) ") on "
                            (evidence.at) ": " (evidence.summary)
                        }
                        @let figures = figure_pairs(evidence);
                        @if !figures.is_empty() { li { "Measured: " (figures.join(", ")) } }
                        @for o in evidence.observations.iter().take(MAX_OBSERVATIONS) { li { "Observed: " code { (o) } } }
                        @if !questions.is_empty() {
                            li { "Concerns: " @for (i, q) in questions.iter().enumerate() {
                                @if i > 0 { ", " } code { (q) }
                            } }
                        }
                    }
                }
            }
        }
    }
}

fn or_dash(s: &str) -> &str {
    if s.trim().is_empty() { "—" } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::timeline::Attempt;
    use crate::checks::{CheckId, CheckResult};
    use crate::dossier::Dossier;

    /// The report of a dossier with `retry.backoff` evidence draws its timeline inline, as SVG,
    /// with no outside reference, and lists the other figures but not the timeline's lists.
    #[test]
    fn retry_backoff_evidence_is_charted_inline() {
        let q = crate::questionnaire::load("uniwise-wiseflow").expect("builtin");
        let mut d = Dossier::new(&q);
        let timeline = RetryTimeline {
            attempts: [(0.0, 503), (210.0, 500), (620.0, 503), (1450.0, 500), (3050.0, 200)]
                .into_iter()
                .map(|(at_ms, status)| Attempt { at_ms, status, hint_ms: 0 })
                .collect(),
        };
        let result =
            CheckResult::new(CheckId::RetryBackoff, Verdict::Pass, "gaps grow").figure("attempts", 5usize);
        d.file_evidence(timeline.file_in(result), chrono::Utc::now());
        let html = render(&Report::build(&q, &d));
        let start = html.find("<svg").expect("an inline svg chart");
        let svg = &html[start..html[start..].find("</svg>").expect("closed") + start];
        assert!(svg.contains("Retry timeline (retry.backoff"), "{svg}");
        assert_eq!(svg.matches("<path").count(), 5, "four 5xx crosses and the legend's");
        assert!(html.contains("attempts = 5"));
        assert!(!html.contains("timeline_at_ms"), "drawn, not listed");
        assert!(!html.contains("src=") && !html.contains("href="), "self-contained");
    }
}
