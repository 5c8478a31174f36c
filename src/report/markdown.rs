//! The report as Markdown: readable as plain text (the remediation list pastes straight into an
//! email) and rendered well by any Markdown viewer.

use std::fmt::Write;

use crate::text::markdown::{code, inline, quote};

use super::model::{CheckEvidence, Remediation, RemediationSource, Report, figure_pairs};
use super::verification::{Verification, ran_label};

/// Renders the report as Markdown.
pub fn render(r: &Report) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = write_report(&mut out, r);
    out
}

fn write_report(out: &mut String, r: &Report) -> std::fmt::Result {
    let c = &r.cover;
    writeln!(out, "# Certification review: {}", inline(or_dash(&c.integration)))?;
    writeln!(out)?;
    writeln!(out, "| | |")?;
    writeln!(out, "|---|---|")?;
    for (k, v) in [
        ("Integration", c.integration.as_str()),
        ("Partner", &c.partner),
        ("Reviewer", &c.reviewer),
        ("Partner engineer", &c.partner_engineer),
        ("Date", &c.date),
    ] {
        writeln!(out, "| {k} | {} |", cell(or_dash(v)))?;
    }
    writeln!(
        out,
        "| Questionnaire | {} ({}), version {} |",
        cell(&c.questionnaire_title),
        code(&c.questionnaire_id),
        cell(&c.questionnaire_version)
    )?;
    if let Some(v) = &c.dossier_questionnaire_version {
        writeln!(out, "| Dossier started with | version {} |", cell(v))?;
    }
    writeln!(out, "| Source | {} |", cell(&c.source))?;
    if !c.updated.is_empty() {
        writeln!(out, "| Last changed | {} |", cell(&c.updated))?;
    }
    writeln!(out, "| Evidence | {} |", c.ran.line())?;
    if let Some(v) = &r.verification {
        writeln!(out, "| Verification | {} {} |", v.mark(), v.headline())?;
    }
    writeln!(out)?;
    let rd = &r.readiness;
    writeln!(out, "**Readiness: {} {}**", rd.symbol(), rd.headline())?;
    writeln!(out)?;
    writeln!(out, "{}", rd.progress())?;

    for (i, s) in r.sections.iter().enumerate() {
        writeln!(out, "\n## {}. {}", i + 1, inline(&s.title))?;
        for q in &s.questions {
            writeln!(out, "\n### {} {} — {}", q.status.symbol(), q.status.label(), inline(&q.text))?;
            writeln!(out, "\n{}\n", code(&q.id))?;
            if q.answer.trim().is_empty() {
                writeln!(out, "*No answer.*")?;
            } else {
                quote(out, &q.answer)?;
            }
            if !q.note.trim().is_empty() {
                writeln!(out, "\n**Reviewer's note:**\n")?;
                quote(out, &q.note)?;
            }
            if !q.evidence.is_empty() {
                writeln!(out, "\nEvidence:\n")?;
                for e in &q.evidence {
                    evidence_item(out, e)?;
                }
            }
        }
    }

    if !r.other_evidence.is_empty() {
        writeln!(out, "\n## Other evidence\n")?;
        writeln!(out, "Checks run for this dossier that no question of this questionnaire links to.\n")?;
        for e in &r.other_evidence {
            evidence_item(out, e)?;
        }
    }
    if !r.orphan_answers.is_empty() {
        writeln!(out, "\n## Answers to questions not in this questionnaire version\n")?;
        for (id, answer) in &r.orphan_answers {
            writeln!(out, "- {}: {}", code(id), inline(or_dash(answer)))?;
        }
    }

    if let Some(v) = r.verification.as_ref().filter(|v| !v.records.is_empty()) {
        verification_table(out, v)?;
    }

    writeln!(out, "\n## Remediation\n")?;
    if r.remediation.is_empty() {
        writeln!(out, "Nothing to remediate: no question is marked needs work and no check failed.")?;
    } else {
        writeln!(out, "The following requirements must be met before production access is granted.\n")?;
        for (i, item) in r.remediation.iter().enumerate() {
            remediation_item(out, i + 1, item)?;
        }
    }
    Ok(())
}

fn evidence_item(out: &mut String, e: &CheckEvidence) -> std::fmt::Result {
    match &e.latest {
        None => writeln!(out, "- ○ {} ({}): not run", code(&e.check), inline(&e.title)),
        Some(ev) => {
            let runs = if e.runs > 1 { format!(", latest of {} runs", e.runs) } else { String::new() };
            writeln!(
                out,
                "- {} **{}** {} ({}): {} — {}, {}{runs}",
                ev.verdict.symbol(),
                ev.verdict,
                code(&e.check),
                inline(&e.title),
                inline(&ev.summary),
                inline(&ev.at),
                ran_label(ev.ran)
            )?;
            let figures = figure_pairs(ev);
            if !figures.is_empty() {
                writeln!(out, "  - figures: {}", inline(&figures.join(", ")))?;
            }
            if let Some(v) = &e.verification {
                writeln!(out, "  - verification: {} {}", v.mark(), inline(&v.describe))?;
            }
            Ok(())
        }
    }
}

/// Every record, in file order, with where it ran and its verification state.
fn verification_table(out: &mut String, v: &Verification) -> std::fmt::Result {
    writeln!(out, "\n## Verification of each record\n")?;
    writeln!(
        out,
        "Each record's judge was run again on the observations kept beside the dossier \
         (`certcockpit verify`). ✔ verified, ✘ does not hold, ◐ judge changed since, ○ no \
         observations kept, – nothing to re-judge.\n"
    )?;
    writeln!(out, "| # | Check | Run at | Verdict | Ran | Verification |")?;
    writeln!(out, "|---|---|---|---|---|---|")?;
    for r in &v.records {
        writeln!(
            out,
            "| {} | {} | {} | {} {} | {} | {} {} |",
            r.number,
            code(&r.check),
            cell(&r.at),
            r.verdict.symbol(),
            r.verdict,
            ran_label(r.ran),
            r.mark(),
            cell(&r.describe)
        )?;
    }
    Ok(())
}

fn remediation_item(out: &mut String, n: usize, item: &Remediation) -> std::fmt::Result {
    match &item.source {
        RemediationSource::Question { id, section, text, answer, note } => {
            writeln!(out, "{n}. **{}**", inline(&item.requirement))?;
            writeln!(out, "   - Question ({}, {}): {}", inline(section), code(id), inline(text))?;
            writeln!(out, "   - Marked needs work by the reviewer.")?;
            if note.trim().is_empty() {
                writeln!(out, "   - No reviewer's note.")?;
            }
            writeln!(out, "   - Answer given: {}", inline(or_dash(answer)))?;
        }
        RemediationSource::Check { evidence, title, questions } => {
            writeln!(out, "{n}. **{}**", inline(&item.requirement))?;
            writeln!(
                out,
                "   - Check {} ({}) failed on {}: {}",
                code(&evidence.check),
                inline(title),
                inline(&evidence.at),
                inline(&evidence.summary)
            )?;
            let figures = figure_pairs(evidence);
            if !figures.is_empty() {
                writeln!(out, "   - Measured: {}", inline(&figures.join(", ")))?;
            }
            for o in evidence.observations.iter().take(MAX_OBSERVATIONS) {
                writeln!(out, "   - Observed: {}", inline(o))?;
            }
            if !questions.is_empty() {
                let ids: Vec<String> = questions.iter().map(|q| code(q)).collect();
                writeln!(out, "   - Concerns: {}", ids.join(", "))?;
            }
        }
    }
    Ok(())
}

/// Observations quoted per failed check in the remediation list: enough to show the gap,
/// few enough for an email.
pub const MAX_OBSERVATIONS: usize = 5;

fn or_dash(s: &str) -> &str {
    if s.trim().is_empty() { "—" } else { s }
}

/// Inline text inside a table cell.
fn cell(s: &str) -> String {
    inline(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partner_text_is_quoted() {
        assert_eq!(cell("a | b\u{1b}]52;c;x\u{7}"), "a \\| b\\\\e\\]52;c;x\\\\x07");
    }
}
