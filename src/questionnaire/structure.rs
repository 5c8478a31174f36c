//! Every structural problem of a questionnaire file, not just the first.
//!
//! serde stops at the first unknown key or wrong type, so a strict parse can only ever name one
//! structural mistake. When it fails on a file that is valid TOML, this pass reads the file
//! loosely — the header, each section and each question as a plain table with its location —
//! and runs the same strict structs (`T`, `S`, `Q` from `parse.rs`) over each piece on its own,
//! so an author sees every bad key and every wrong type in one `validate` run. Each problem is
//! located at the offending key when it can be found inside the piece, else at the piece.

use std::ops::Range;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use toml::{Spanned, Table};

/// The file read loosely: only the shape that lets each piece be checked on its own.
#[derive(Deserialize)]
struct LooseFile {
    questionnaire: Option<Spanned<Table>>,
    #[serde(default)]
    sections: Vec<Spanned<LooseSection>>,
    #[serde(flatten)]
    other: Table,
}

#[derive(Deserialize)]
struct LooseSection {
    #[serde(default)]
    questions: Vec<Spanned<Table>>,
    #[serde(flatten)]
    rest: Table,
}

/// A problem: where (a byte range of the file) and what.
pub(super) type Problem = (Option<Range<usize>>, String);

/// The structural problems of `src` (valid TOML that a strict parse rejected), each checked
/// against `H` (the header), `S` (a section without its questions) and `Q` (a question).
/// Empty when the loose reading itself fails; the caller then reports the strict error.
pub(super) fn problems<H, S, Q>(src: &str) -> Vec<Problem>
where
    H: DeserializeOwned,
    S: DeserializeOwned,
    Q: DeserializeOwned,
{
    let Ok(file) = toml::from_str::<LooseFile>(src) else { return Vec::new() };
    let mut out = Vec::new();
    for key in file.other.keys() {
        let at = find_key(src, 0..src.len(), key);
        out.push((
            at,
            format!("unknown key `{key}` at the top level (expected `questionnaire` and `sections`)"),
        ));
    }
    match &file.questionnaire {
        None => out.push((None, "the [questionnaire] table is missing".to_owned())),
        Some(header) => check::<H>(src, header.span(), header.get_ref(), "in [questionnaire]", &mut out),
    }
    for (n, section) in file.sections.iter().enumerate() {
        let s = section.get_ref();
        let name = label("section", n, &s.rest);
        check::<S>(src, section.span(), &s.rest, &format!("in {name}"), &mut out);
        for (m, question) in s.questions.iter().enumerate() {
            let qname = label("question", m, question.get_ref());
            check::<Q>(src, question.span(), question.get_ref(), &format!("in {qname} of {name}"), &mut out);
        }
    }
    out
}

/// `section 'auth'` or, without a usable id, `section 3`.
fn label(kind: &str, index: usize, table: &Table) -> String {
    match table.get("id").and_then(toml::Value::as_str) {
        Some(id) if !id.trim().is_empty() => format!("{kind} '{id}'"),
        _ => format!("{kind} {}", index + 1),
    }
}

/// Runs the strict struct `T` over one piece (written back out as TOML, so `Spanned` fields
/// work and the message names the key), and records its problem, if any.
fn check<T: DeserializeOwned>(
    src: &str,
    piece: Range<usize>,
    table: &Table,
    context: &str,
    out: &mut Vec<Problem>,
) {
    let Ok(text) = toml::to_string(table) else { return };
    if let Err(e) = toml::from_str::<T>(&text) {
        // The offending key inside this piece: the key of the line the error points at in the
        // piece's text, or the name the message quotes (serde's "unknown field `x`").
        let key = e.span().and_then(|s| key_of_line(&text, s.start));
        let at = key
            .and_then(|k| find_key(src, piece.clone(), k))
            .or_else(|| quoted_key(e.message()).and_then(|k| find_key(src, piece.clone(), k)))
            .or(Some(piece));
        let message = e.message().trim();
        // serde names an unknown key but not the key whose value has the wrong type.
        let message = match key {
            Some(k) if !message.contains(&format!("`{k}`")) => format!("{context}, `{k}`: {message}"),
            _ => format!("{context}: {message}"),
        };
        out.push((at, message));
    }
}

/// The key of the `key = value` line of `text` that holds byte `at`.
fn key_of_line(text: &str, at: usize) -> Option<&str> {
    let start = text.get(..at)?.rfind('\n').map_or(0, |n| n + 1);
    let line = text[start..].lines().next()?;
    let (key, _) = line.split_once('=')?;
    Some(key.trim().trim_matches('"')).filter(|k| !k.is_empty())
}

/// The first backquoted name in `message`.
fn quoted_key(message: &str) -> Option<&str> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(&message[start..start + len]).filter(|k| !k.is_empty())
}

/// Where `key` is written as a key (`key =` at the start of a line) from the start of `within`
/// to the end of the file (a piece's span may cover only its header).
fn find_key(src: &str, within: Range<usize>, key: &str) -> Option<Range<usize>> {
    let from = within.start.min(src.len());
    let mut offset = from;
    for line in src.get(from..)?.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let bare = trimmed.strip_prefix(key).is_some_and(|rest| rest.trim_start().starts_with('='));
        let quoted = trimmed
            .strip_prefix('"')
            .and_then(|t| t.strip_prefix(key))
            .is_some_and(|rest| rest.starts_with('"'));
        if bare || quoted {
            let len = if bare { key.len() } else { key.len() + 2 };
            return Some(offset + indent..offset + indent + len);
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_keys_and_quoted_names() {
        let src = "[a]\nx = 1\n  colour = 2\n\"odd key\" = 3\n";
        assert_eq!(find_key(src, 0..3, "colour"), Some(12..18));
        assert_eq!(find_key(src, 0..3, "odd key"), Some(23..32));
        assert_eq!(find_key(src, 0..3, "nope"), None);
        assert_eq!(find_key(src, 100..200, "x"), None, "a span past the end is not a panic");
        assert_eq!(quoted_key("unknown field `colour`, expected one of `id`"), Some("colour"));
        assert_eq!(quoted_key("no quotes"), None);
        assert_eq!(key_of_line("id = \"x\"\nkind = 3\n", 15), Some("kind"));
        assert_eq!(key_of_line("\"odd key\" = 3\n", 12), Some("odd key"));
        assert_eq!(key_of_line("[t]\n", 1), None);
    }
}
