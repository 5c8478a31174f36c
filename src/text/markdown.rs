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
/// into Markdown structure, formatting, links, HTML or entities escaped, so an answer can
/// never inject markup into the report. Backslash escapes (CommonMark) rather than entities,
/// so the plain text stays readable, and only where the character would do something:
/// - `_` only at a word's edge (`_x_` is emphasis; intraword `token_required` is not);
/// - `~` only when the text holds two or more (GFM strikes through `~x~` and `~~x~~`; a lone
///   `~5 s` stays as typed);
/// - `&` only where it opens a character reference (`&#x202E;`, `&lt;`), which a renderer
///   would turn into the very character the neutraliser made visible; `A & B` stays;
/// - `>` is left alone: it only matters at a line start (see [`quote`]).
pub fn inline(s: &str) -> String {
    let folded: String =
        s.trim().split(['\n']).map(|l| l.strip_suffix('\r').unwrap_or(l)).collect::<Vec<_>>().join(" ");
    let safe = neutralise(&folded, REPORT_TEXT);
    let strikes = safe.matches('~').nth(1).is_some();
    let chars: Vec<char> = safe.chars().collect();
    let word = |i: Option<usize>| i.and_then(|i| chars.get(i)).is_some_and(|c| c.is_alphanumeric());
    let mut out = String::with_capacity(safe.len());
    for (i, &ch) in chars.iter().enumerate() {
        let escape = match ch {
            '\\' | '`' | '*' | '[' | ']' | '|' | '<' => true,
            '_' => !(word(i.checked_sub(1)) && word(Some(i + 1))),
            '~' => strikes,
            '&' => opens_reference(&chars[i + 1..]),
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

/// Whether the text after an `&` makes it a character reference: `#` and digits or `x` and
/// hex digits, or a name, then `;`.
fn opens_reference(after: &[char]) -> bool {
    let body = match after.first() {
        Some('#') => &after[1..],
        _ => after,
    };
    let run = body.iter().take(32).take_while(|c| c.is_ascii_alphanumeric()).count();
    run > 0 && body.get(run) == Some(&';')
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
        // Emphasis, strikethrough and character references, escaped only where they would act.
        assert_eq!(inline("_approved_ by token_required"), "\\_approved\\_ by token_required");
        assert_eq!(inline("~~not~~ compliant"), "\\~\\~not\\~\\~ compliant");
        assert_eq!(inline("retries after ~5 s"), "retries after ~5 s");
        assert_eq!(inline("R&D &#x202E;x &lt;b&gt; A & B"), "R&D \\&#x202E;x \\&lt;b\\&gt; A & B");
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
