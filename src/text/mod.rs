//! Partner text, made safe to show. Everything the partner controls — its client's stderr,
//! header values (`X-Client-Name`, `User-Agent`), request paths and query strings, listener
//! bodies and reason phrases, dossier and questionnaire strings — can carry terminal escape
//! sequences (`ESC ] 52` sets the reviewer's clipboard, `ESC c` resets the terminal), bidi
//! overrides that make a line read differently from what it holds ("Trojan Source"), and
//! zero-width characters that hide text. [`neutralise`] is the one function every such text
//! goes through before it reaches a terminal, a report or an observation; [`markdown`] quotes
//! it for Markdown on top.
//!
//! Why escaped rather than dropped: the reviewer must see that the partner sent something odd
//! (an `\x1b]52;` in a client's stderr is evidence in itself), and a dropped character could
//! turn `pa\u{200b}ss` into a convincing `pass`.

pub mod markdown;

use std::borrow::Cow;
use std::fmt::Write;

/// The bound for one line of partner text in an observation, a summary or an error message.
pub const LINE: usize = 300;
/// The bound for a short field (a header value, a name, an id).
pub const SHORT: usize = 120;

/// `s` with every character that could act on a terminal or hide text shown visibly, cut to at
/// most `max_chars` characters of output (an ellipsis and the count of what was cut end a cut
/// text; the escapes count toward the bound, so the output is bounded whatever the input).
///
/// - C0 controls, DEL and C1 controls (U+0080–U+009F, which some terminals read as ESC +
///   letter): `\n`, `\r`, `\t`, `\e` for ESC, `\x07`-style for the rest (`\u{9b}` for C1).
/// - Bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069, LRM/RLM/ALM),
///   zero-width characters (U+200B–U+200D, U+2060–U+2064, U+FEFF), line and paragraph
///   separators (U+2028, U+2029) and interlinear annotation marks: `<U+202E>`.
///
/// Everything else (letters of any script, emoji, backslashes) is kept as it is. Borrowed
/// when nothing needed changing, so the common case costs a scan.
pub fn neutralise(s: &str, max_chars: usize) -> Cow<'_, str> {
    let clean = !s.chars().any(needs_escape);
    if clean {
        let mut chars = s.char_indices();
        match chars.nth(max_chars) {
            None => return Cow::Borrowed(s),
            Some((cut, _)) => {
                let more = s[cut..].chars().count();
                return Cow::Owned(cut_note(&s[..cut], more));
            }
        }
    }
    let mut out = String::with_capacity(s.len() + 16);
    let mut used = 0usize;
    for (i, ch) in s.char_indices() {
        let piece = escaped(ch);
        let len = piece.as_ref().map_or(1, |p| p.chars().count());
        if used + len > max_chars {
            let more = s[i..].chars().count();
            return Cow::Owned(cut_note(&out, more));
        }
        used += len;
        match piece {
            Some(p) => out.push_str(&p),
            None => out.push(ch),
        }
    }
    Cow::Owned(out)
}

/// [`neutralise`] with the [`LINE`] bound, as an owned string (for observations and messages).
pub fn line(s: &str) -> String {
    neutralise(s, LINE).into_owned()
}

/// [`neutralise`] with the [`SHORT`] bound, as an owned string.
pub fn short(s: &str) -> String {
    neutralise(s, SHORT).into_owned()
}

/// [`neutralise`] for text that may keep its line breaks (an answer, a note): each line is
/// neutralised on its own (so `\r`, ESC and the rest are still shown escaped) and the lines
/// are joined with `\n`. `max_chars` bounds the whole text.
pub fn neutralise_lines(s: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(s.len());
    let mut left = max_chars;
    for (n, l) in s.split('\n').enumerate() {
        if n > 0 {
            if left == 0 {
                out.push('…');
                break;
            }
            out.push('\n');
            left -= 1;
        }
        let piece = neutralise(l, left);
        left = left.saturating_sub(piece.chars().count());
        out.push_str(&piece);
    }
    out
}

/// True when `s` holds nothing [`neutralise`] would change (ignoring length).
pub fn is_plain(s: &str) -> bool {
    !s.chars().any(needs_escape)
}

/// A rendered HTML document with every character [`neutralise`] would escape shown visibly,
/// except the line breaks and tabs an answer keeps (`white-space: pre-wrap` shows them): the
/// last pass of the HTML report, so no partner text in it can carry a bidi override, a
/// zero-width character or a control character to the reader. The markers are HTML-escaped
/// (`&lt;U+202E&gt;`). Unbounded: the renderer bounds nothing and the document is a file.
pub fn visible_in_html(doc: &str) -> String {
    if !doc.chars().any(|c| needs_escape(c) && !matches!(c, '\n' | '\t')) {
        return doc.to_owned();
    }
    let mut out = String::with_capacity(doc.len() + 64);
    for ch in doc.chars() {
        match escaped(ch) {
            Some(_) if matches!(ch, '\n' | '\t') => out.push(ch),
            Some(p) => out.push_str(&p.replace('<', "&lt;").replace('>', "&gt;")),
            None => out.push(ch),
        }
    }
    out
}

fn cut_note(kept: &str, more: usize) -> String {
    format!("{kept}… ({more} more characters)")
}

fn needs_escape(ch: char) -> bool {
    ch.is_control() || is_invisible(ch)
}

/// Format characters that change how text around them reads or hide it.
fn is_invisible(ch: char) -> bool {
    matches!(
        ch,
        '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{206A}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
    )
}

fn escaped(ch: char) -> Option<String> {
    let s = match ch {
        '\n' => "\\n".to_owned(),
        '\r' => "\\r".to_owned(),
        '\t' => "\\t".to_owned(),
        '\u{1b}' => "\\e".to_owned(),
        c if (c as u32) < 0x20 || c == '\u{7f}' => format!("\\x{:02x}", c as u32),
        c if c.is_control() => format!("\\u{{{:x}}}", c as u32),
        c if is_invisible(c) => {
            let mut s = String::with_capacity(8);
            let _ = write!(s, "<U+{:04X}>", c as u32);
            s
        }
        _ => return None,
    };
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_controls() {
        let attack = "boom\u{1b}]52;c;ZXZpbA==\u{7}\u{1b}[2J\u{1b}c\u{1b}#8\u{1b}P+q\u{1b}\\\u{9b}31m";
        let n = neutralise(attack, 1000);
        assert!(!n.chars().any(|c| c.is_control()), "{n:?}");
        assert_eq!(n, "boom\\e]52;c;ZXZpbA==\\x07\\e[2J\\ec\\e#8\\eP+q\\e\\\\u{9b}31m");
        assert_eq!(neutralise("a\r\nb\tc\0", 100), "a\\r\\nb\\tc\\x00");
    }

    #[test]
    fn makes_bidi_and_zero_width_visible() {
        let n = neutralise("pa\u{200b}ss \u{202e}lia\u{2066}f\u{2069}\u{feff}", 100);
        assert_eq!(n, "pa<U+200B>ss <U+202E>lia<U+2066>f<U+2069><U+FEFF>");
        for c in
            ['\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{2067}', '\u{2068}', '\u{200c}', '\u{200d}']
        {
            assert!(neutralise(&c.to_string(), 100).starts_with("<U+"), "{c:?}");
        }
    }

    #[test]
    fn plain_text_is_borrowed_and_kept() {
        let s = "GET /items?page=2 — Zoë's client 日本 \\path";
        assert!(matches!(neutralise(s, 1000), Cow::Borrowed(_)));
        assert!(is_plain(s));
    }

    #[test]
    fn output_is_bounded_whatever_the_input() {
        let long = "x".repeat(10_000);
        let n = neutralise(&long, 50);
        assert_eq!(n, format!("{}… (9950 more characters)", "x".repeat(50)));
        let escapes = "\u{1b}".repeat(10_000);
        let n = neutralise(&escapes, 50);
        assert!(n.starts_with("\\e\\e") && n.ends_with("(9975 more characters)"), "{n}");
        assert!(n.chars().count() < 90);
        assert_eq!(neutralise("", 0), "");
    }

    #[test]
    fn html_keeps_breaks_and_shows_the_rest() {
        assert_eq!(visible_in_html("<p>a\n\u{202e}b\u{1b}[0m</p>"), "<p>a\n&lt;U+202E&gt;b\\e[0m</p>");
    }

    #[test]
    fn lines_keep_their_breaks_but_nothing_else() {
        assert_eq!(neutralise_lines("one\r\ntwo\u{1b}[1m\nthree", 100), "one\\r\ntwo\\e[1m\nthree");
        let many = "a\n".repeat(1000);
        assert!(neutralise_lines(&many, 20).chars().count() < 60);
    }
}
