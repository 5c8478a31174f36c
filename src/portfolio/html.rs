//! The portfolio as one self-contained HTML page for the team's weekly meeting: inline CSS and
//! a small inline script (no external file, font or link, so it works offline and can be mailed
//! or archived), a table whose columns sort when their heading is clicked, and print styles so
//! it reads on paper (colour kept, symbols and words beside every colour).
//!
//! Written with `maud`, which escapes every value it inserts; every value from a dossier also
//! goes through `crate::text` (bounded, controls shown), and the finished page through
//! `text::visible_in_html`, as the report does. A Content-Security-Policy allows nothing but
//! the page's own style and script.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::{Level, Portfolio, Row, Verification};
use crate::text;

const CSS: &str = r#"
:root { --pass: #1a7f37; --fail: #c62828; --unsure: #9a6700; --muted: #57606a; --line: #d0d7de; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
  color: #1f2328; margin: 2rem; line-height: 1.4; }
h1 { font-size: 1.5rem; margin-bottom: .3rem; }
.summary, .muted { color: var(--muted); }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { white-space: nowrap; }
th button { font: inherit; font-weight: 700; background: none; border: 0; padding: 0; cursor: pointer; color: inherit; }
th button::after { content: " ⇅"; color: var(--muted); }
th[aria-sort="ascending"] button::after { content: " ▲"; }
th[aria-sort="descending"] button::after { content: " ▼"; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
code, .path { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85em; }
.level { font-weight: 700; white-space: nowrap; }
.error, .not_ready, .failed { color: var(--fail); } .ready { color: var(--pass); }
.incomplete, .unknown { color: var(--unsure); }
.problem { color: var(--fail); white-space: pre-wrap; }
@media print {
  body { margin: 0; font-size: 9.5pt; }
  th button::after { content: ""; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"#;

/// Sorts the table by the clicked column (its cells' `data-sort`, as numbers or text), again
/// to reverse; ties keep the order the page was written in.
const SCRIPT: &str = r#"
(function () {
  var table = document.getElementById("portfolio");
  if (!table || !table.tHead) return;
  var body = table.tBodies[0];
  var heads = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads, function (th, col) {
    var button = th.querySelector("button");
    if (!button) return;
    button.addEventListener("click", function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var numeric = th.getAttribute("data-type") === "num";
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[col].getAttribute("data-sort") || "";
        var y = b.cells[col].getAttribute("data-sort") || "";
        var c = numeric ? (parseFloat(x) || 0) - (parseFloat(y) || 0) : x.localeCompare(y);
        if (!ascending) c = -c;
        return c || (a.getAttribute("data-order") - b.getAttribute("data-order"));
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
})();
"#;

const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'";

/// A text sort key that orders the evidence column: unverified (most first), no observations,
/// no evidence, verified.
fn verification_key(v: Option<&Verification>) -> String {
    let Some(v) = v else { return "5".into() };
    let rank = match v.state.as_str() {
        "unverified" => 0,
        "no_observations" => 1,
        "no_evidence" => 2,
        "verified" => 3,
        _ => 4,
    };
    format!("{rank}-{:09}", 999_999_999 - v.unverified.min(999_999_999))
}

fn count_cell(n: Option<usize>) -> Markup {
    let key = n.map_or(-1, |n| i64::try_from(n).unwrap_or(i64::MAX));
    html! { td.num data-sort=(key) { (n.map_or_else(|| "–".to_owned(), |n| n.to_string())) } }
}

fn row(order: usize, r: &Row) -> Markup {
    let level = r.level;
    html! {
        tr data-order=(order) {
            td data-sort=(level as u8) { span class=(format!("level {}", level.name())) { (level.label()) } }
            td data-sort=(r.partner.to_lowercase()) { (text::short(&r.partner)) }
            td data-sort=(r.integration.to_lowercase()) { (text::short(&r.integration)) }
            td data-sort=(format!("{} {}", r.questionnaire, r.questionnaire_version)) {
                @if !r.questionnaire.is_empty() {
                    code { (text::short(&r.questionnaire)) } " " (text::short(&r.questionnaire_version))
                }
            }
            (count_cell(r.open))
            (count_cell(r.needs_work))
            td data-sort=(r.failed_checks.len()) {
                @if r.failed_checks.is_empty() {
                    @if r.level != Level::Error { span.muted { "none" } }
                } @else {
                    span.failed { "✘ " (r.failed_checks.len()) } ": "
                    @for (i, c) in r.failed_checks.iter().enumerate() {
                        @if i > 0 { ", " }
                        code { (text::short(c)) }
                    }
                }
            }
            td data-sort=(verification_key(r.verification.as_ref())) {
                @if let Some(v) = &r.verification { (v.describe()) }
            }
            td data-sort=(r.changed()) { (text::short(r.changed())) }
            td data-sort=(r.path) {
                span.path { (text::line(&r.path)) }
                @if let Some(e) = &r.error { div.problem { (text::line(e)) } }
                @if r.level == Level::Unknown { div.muted { (text::line(&r.headline)) } }
            }
        }
    }
}

/// The whole page.
pub fn render(p: &Portfolio) -> String {
    let counts: Vec<String> =
        p.counts().iter().map(|(l, n)| format!("{n} {}", l.name().replace('_', " "))).collect();
    let heads: [(&str, &str); 10] = [
        ("Readiness", "num"),
        ("Partner", "text"),
        ("Integration", "text"),
        ("Questionnaire", "text"),
        ("Open", "num"),
        ("Needs work", "num"),
        ("Failed checks", "num"),
        ("Evidence", "text"),
        ("Last changed", "text"),
        ("File", "text"),
    ];
    let doc = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy" content=(CSP);
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "Certification portfolio" }
                style { (PreEscaped(CSS)) }
            }
            body {
                h1 { "Certification portfolio" }
                p.summary {
                    (p.rows.len()) " " (if p.rows.len() == 1 { "dossier" } else { "dossiers" })
                    @if !counts.is_empty() { ": " (counts.join(", ")) }
                    ". Click a column heading to sort by it."
                }
                table #portfolio {
                    thead { tr {
                        @for (i, (name, kind)) in heads.iter().enumerate() {
                            th data-type=(kind) aria-sort=[(i == 0).then_some("ascending")] {
                                button type="button" { (name) }
                            }
                        }
                    } }
                    tbody { @for (i, r) in p.rows.iter().enumerate() { (row(i, r)) } }
                }
                @if !p.skipped.is_empty() {
                    h2 { "Skipped" }
                    ul { @for s in &p.skipped { li { span.path { (text::line(&s.path)) } ": " (text::line(&s.reason)) } } }
                }
                script { (PreEscaped(SCRIPT)) }
            }
        }
    };
    text::visible_in_html(&doc.into_string())
}
