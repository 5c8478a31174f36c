//! GitHub Actions' job summary: when `GITHUB_STEP_SUMMARY` names a file, a Markdown table of
//! the run (verdicts, figures, remediation lines) is appended to it. GitHub refuses a step's
//! summary over 1 MiB, so the table is cut to stay under that, saying so. Partner text goes
//! through `text::markdown`, so no summary line can open Markdown structure.

use std::fmt::Write;
use std::io::Write as _;
use std::path::Path;

use super::GateRun;
use super::baseline::Judgement;
use crate::checks::Verdict;
use crate::text::markdown;

/// GitHub's limit for one step's summary.
pub const MAX_BYTES: usize = 1024 * 1024;

/// The Markdown, at most [`MAX_BYTES`] long.
pub fn render(run: &GateRun, judgement: Option<&Judgement>, exit: u8) -> String {
    let mut out = format!(
        "### certcockpit check: exit {exit}\n\n| | check | verdict | summary | figures |\n| --- | --- | --- | --- | --- |\n"
    );
    let mut remediation = String::new();
    let tail_room = 64 * 1024;
    let mut cut = false;
    for t in &run.checks {
        let r = &t.result;
        let known = judgement.is_some_and(|j| j.known.iter().any(|(k, _)| *k == r.id));
        let verdict = if known { "fail (known)".to_owned() } else { r.verdict.to_string() };
        let figures: Vec<String> = r.figures.iter().map(|(k, v)| format!("{k} = {v}")).collect();
        let row = format!(
            "| {} | {} | {verdict} | {} | {} |\n",
            r.verdict.symbol(),
            markdown::code(&r.id),
            markdown::inline(&r.summary),
            markdown::inline(&figures.join(", "))
        );
        if out.len() + row.len() + tail_room > MAX_BYTES {
            cut = true;
            break;
        }
        out.push_str(&row);
        if r.verdict == Verdict::Fail && !known {
            let _ = writeln!(remediation, "- {}", markdown::inline(t.requirement()));
        }
    }
    if cut {
        out.push_str("\n(the table was cut to stay under GitHub's 1 MiB summary limit)\n");
    }
    for e in run.environment_errors() {
        let _ = writeln!(out, "\n**Environment:** {}", markdown::inline(&e));
    }
    if !remediation.is_empty() {
        let _ = write!(out, "\n#### Remediation\n\n{remediation}");
    }
    out.push('\n');
    if out.len() > MAX_BYTES {
        let mut end = MAX_BYTES;
        while !out.is_char_boundary(end) {
            end -= 1;
        }
        out.truncate(end);
    }
    out
}

/// Appends the summary to `path` (the file GitHub names in `GITHUB_STEP_SUMMARY`).
pub fn append(path: &Path, markdown: &str) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
    f.write_all(markdown.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::CheckResult;
    use crate::ci::Timed;

    #[test]
    fn bounded_and_quoted() {
        let big = "x|y ".repeat(5_000);
        let checks = (0..400)
            .map(|i| Timed {
                result: CheckResult::new("webhook.signature", Verdict::Fail, format!("{i} {big}"))
                    .figure("note", big.as_str()),
                duration_ms: 0,
            })
            .collect();
        let md = render(&GateRun { checks, ..GateRun::default() }, None, 1);
        assert!(md.len() <= MAX_BYTES);
        assert!(md.contains("cut to stay under"));
        assert!(md.contains("x\\|y"), "pipes escaped");
        assert!(md.contains("#### Remediation"));
    }
}
