//! Partner text in Markdown: neutralised first ([`super::neutralise`]), then quoted so that
//! nothing a partner wrote turns into Markdown structure. An answer is a block quote whose
//! every line is escaped at its start too (`#`, `-`, `+`, `=`, `>`, `1.`), so it cannot open a
//! heading, a rule, a list or a nested quote even inside its own quote, and a line break
//! CommonMark knows (`\r` alone) cannot end the quote early because it is shown escaped.

use std::fmt::Write;

use super::neutralise;

/// The bound for one partner text in a report (an answer, a note, an observation).
pub const REPORT_TEXT: usize = 20_000;

/// User text on one line: newlines folded, neutralised, and the characters that would turn
/// into Markdown structure, links or HTML escaped, so an answer can never inject markup into
/// the report. Backslash escapes (CommonMark) rather than entities, so the plain text stays
/// readable. `_`, `>` and `&` stay as they are: intraword `_` is not emphasis in CommonMark,
/// `>` only matters at a line start (see [`quote`]), and an escaped `&` would make the plain
/// text (pasted into an email) hard to read.
pub fn inline(s: &str) -> String {
    let folded: String =
        s.trim().split(['\n']).map(|l| l.strip_suffix('\r').unwrap_or(l)).collect::<Vec<_>>().join(" ");
    let safe = neutralise(&folded, REPORT_TEXT);
    let mut out = String::with_capacity(safe.len());
    for ch in safe.chars() {
        match ch {
            '\\' | '`' | '*' | '[' | ']' | '|' | '<' => {
                out.push('\\');
                out.push(ch);
            }
            _ => out.push(ch),
        }
    }
    out
}

/// An id as a code span. Ids come from files a user edits; one that is not a plain id (letters,
/// digits, `.`, `_`, `-`) could break out of the span, so it is shown as escaped text instead.
pub fn code(id: &str) -> String {
    let plain =
        !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if plain { format!("`{id}`") } else { inline(id) }
}

/// Multi-line user text as a block quote: each line neutralised, escaped, and escaped at its
/// start, so the text stays inside the quote and is shown as the text it is.
pub fn quote(out: &mut String, s: &str) -> std::fmt::Result {
    for line in s.trim().split('\n').take(2_000) {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            writeln!(out, ">")?;
        } else {
            writeln!(out, "> {}", line_start(&inline(line)))?;
        }
    }
    Ok(())
}

/// `s` with a leading block marker escaped: ATX headings (`#`), rules and setext underlines
/// (`-`, `=`, `_`, `*`), list bullets (`+`, `-`), ordered list numbers (`1.`, `1)`), nested
/// quotes (`>`), fences (`~`). Leading spaces are dropped (four would open a code block).
fn line_start(s: &str) -> String {
    let s = s.trim_start();
    let mut chars = s.chars();
    match chars.next() {
        Some(c @ ('#' | '-' | '+' | '=' | '>' | '~' | '_')) => format!("\\{c}{}", chars.as_str()),
        Some(c) if c.is_ascii_digit() => {
            let digits = s.chars().take_while(|c| c.is_ascii_digit()).count();
            match s[digits..].chars().next() {
                Some(m @ ('.' | ')')) => format!("{}\\{m}{}", &s[..digits], &s[digits + 1..]),
                _ => s.to_owned(),
            }
        }
        _ => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_text_cannot_inject_markup() {
        assert_eq!(inline("a | b\n<script>*x*"), "a \\| b \\<script>\\*x\\*");
        assert_eq!(code("webhook.signature"), "`webhook.signature`");
        assert_eq!(code("x`<b>"), "x\\`\\<b>");
        assert_eq!(inline("token_required & [link](u)"), "token_required & \\[link\\](u)");
        assert_eq!(inline("a\u{1b}[2Jb\u{202e}"), "a\\\\e\\[2Jb\\<U+202E>");
    }

    #[test]
    fn a_quote_cannot_open_structure() {
        let mut out = String::new();
        let answer = "Yes.\n# Approved\n---\n- item\n1. first\n2) second\n> nested\n===\n    code\nend\rof quote\n## x";
        quote(&mut out, answer).expect("write");
        for l in out.lines() {
            assert!(l == ">" || l.starts_with("> "), "{l:?}");
            let body = l.trim_start_matches('>').trim_start();
            let starts_structure = body.starts_with('#')
                || body.starts_with('-')
                || body.starts_with('>')
                || body.starts_with('=')
                || body.starts_with(' ')
                || body.starts_with("1.")
                || body.starts_with("2)");
            assert!(!starts_structure, "{l:?}");
        }
        assert!(out.contains("end\\\\rof quote"), "{out}");
        assert!(out.contains("> 1\\. first") && out.contains("> \\# Approved"), "{out}");
    }
}
