//! The portfolio as a terminal table that fits 80 columns: one line per dossier with the
//! figures a team compares, then indented lines with what needs reading (the questionnaire and
//! file, the failed checks, a parse error), wrapped rather than cut. Every value from a dossier
//! goes through `crate::text` first: a dossier is a file someone else wrote.

use std::fmt::Write;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::{Level, Portfolio, Row};
use crate::text;

/// The table's width: a common terminal and shared-window size.
pub const WIDTH: usize = 80;

/// Column widths: readiness, partner · integration, open, needs work, failed, evidence,
/// changed (a date). With the single spaces between them: 79 columns.
const COLUMNS: [usize; 7] = [12, 24, 4, 4, 4, 15, 10];
/// Where the detail lines start: under the partner column.
const INDENT: usize = COLUMNS[0] + 1;

/// `s` cut or padded to exactly `width` columns (a cut text ends in `…`).
fn fit(s: &str, width: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    if s.width() > width {
        for ch in s.chars() {
            let w = ch.width().unwrap_or(0);
            if used + w + 1 > width {
                break;
            }
            out.push(ch);
            used += w;
        }
        out.push('…');
        used += 1;
    } else {
        out.push_str(s);
        used = s.width();
    }
    out.push_str(&" ".repeat(width.saturating_sub(used)));
    out
}

/// `s` right-aligned in `width` columns.
fn right(s: &str, width: usize) -> String {
    format!("{}{s}", " ".repeat(width.saturating_sub(s.width())))
}

/// `s` broken into lines of at most `width` columns, at spaces where it can.
fn wrap(s: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in s.split(' ') {
        let mut word = word.to_owned();
        loop {
            let sep = usize::from(!line.is_empty());
            if line.width() + sep + word.width() <= width {
                if sep == 1 {
                    line.push(' ');
                }
                line.push_str(&word);
                break;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                continue;
            }
            // A word longer than a line: split it.
            let mut head = String::new();
            let mut rest = word.chars().peekable();
            while let Some(ch) = rest.peek() {
                if head.width() + ch.width().unwrap_or(0) > width {
                    break;
                }
                head.push(*ch);
                rest.next();
            }
            if head.is_empty() {
                // One character wider than the line: take it anyway.
                head.extend(rest.next());
            }
            lines.push(head);
            word = rest.collect();
            if word.is_empty() {
                break;
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

fn count(n: Option<usize>) -> String {
    n.map_or_else(|| "–".to_owned(), |n| n.to_string())
}

fn cells(cells: [&str; 7]) -> String {
    let mut line = String::new();
    for (i, (cell, width)) in cells.iter().zip(COLUMNS).enumerate() {
        if i > 0 {
            line.push(' ');
        }
        // The counts read best right-aligned under their heading.
        line.push_str(&if (2..=4).contains(&i) { right(cell, width) } else { fit(cell, width) });
    }
    line.trim_end().to_owned()
}

fn name(r: &Row) -> String {
    match (r.partner.trim().is_empty(), r.integration.trim().is_empty()) {
        (false, false) => format!("{} · {}", r.partner, r.integration),
        (false, true) => r.partner.clone(),
        (true, false) => r.integration.clone(),
        (true, true) => "(no partner named)".into(),
    }
}

fn detail(out: &mut String, s: &str) {
    for l in wrap(&text::line(s), WIDTH - INDENT) {
        let _ = writeln!(out, "{}{l}", " ".repeat(INDENT));
    }
}

fn row(out: &mut String, r: &Row) {
    let failed = if r.level == Level::Error { "–".to_owned() } else { r.failed_checks.len().to_string() };
    let evidence = r.verification.as_ref().map(super::Verification::describe).unwrap_or_default();
    let name = if r.level == Level::Error { String::new() } else { text::short(&name(r)) };
    let cut = name.width() > COLUMNS[1];
    let changed: String = r.changed().chars().take(10).collect();
    let _ = writeln!(
        out,
        "{}",
        cells([
            r.level.label(),
            &name,
            &count(r.open),
            &count(r.needs_work),
            &failed,
            &evidence,
            &text::short(&changed)
        ])
    );
    match &r.error {
        Some(error) => detail(out, error),
        None => {
            let version = if r.questionnaire_version.is_empty() {
                String::new()
            } else {
                format!(" {}", r.questionnaire_version)
            };
            // A name cut in its column is given whole on the line below it.
            if cut {
                detail(out, &name);
            }
            detail(out, &format!("{}{version} · {}", r.questionnaire, r.path));
            if r.level == Level::Unknown {
                detail(out, &r.headline);
            }
            if !r.failed_checks.is_empty() {
                detail(out, &format!("failed: {}", r.failed_checks.join(", ")));
            }
        }
    }
}

/// The whole table, with a footer of counts and the skipped files.
pub fn render(p: &Portfolio) -> String {
    let mut out = String::new();
    if p.rows.is_empty() {
        out.push_str("no dossiers found\n");
    } else {
        let _ = writeln!(
            out,
            "{}",
            cells(["READINESS", "PARTNER · INTEGRATION", "OPEN", "WORK", "FAIL", "EVIDENCE", "CHANGED"])
        );
        for r in &p.rows {
            row(&mut out, r);
        }
        let counts: Vec<String> =
            p.counts().iter().map(|(l, n)| format!("{n} {}", l.name().replace('_', " "))).collect();
        let total = p.rows.len();
        let _ = writeln!(
            out,
            "\n{total} {}: {}",
            if total == 1 { "dossier" } else { "dossiers" },
            counts.join(", ")
        );
    }
    for s in &p.skipped {
        for l in wrap(&text::line(&format!("skipped {}: {}", s.path, s.reason)), WIDTH) {
            let _ = writeln!(out, "{l}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fits_pads_and_wraps_by_columns() {
        assert_eq!(fit("abc", 5), "abc  ");
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("日本語です", 5), "日本…");
        assert_eq!(right("7", 4), "   7");
        assert_eq!(wrap("one two three", 7), ["one two", "three"]);
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(COLUMNS.iter().sum::<usize>() + COLUMNS.len() - 1, 79);
    }
}
