//! The fast way to a comment-keeping save: apply only what changed since the last save.
//!
//! The full merge (`merge`) serializes and parses the whole dossier, then parses its own
//! output to check it; for a dossier with thousands of answers and evidence records that is
//! several times the 20 ms a save may take. But an autosave usually follows one typed answer or
//! one filed check. Knowing the dossier as last saved (and its document, which holds exactly
//! that), only the cover and settings, the answers that differ and the evidence records added
//! need serializing; each piece is merged into its place with the same rules as the full merge
//! and checked against its serialization. Anything unexpected (a hand-written layout the
//! pieces do not fit, records edited in the middle) returns `None`, and the caller does the
//! full merge instead.

use serde::Serialize;
use toml_edit::{DocumentMut, Item, Table};

use super::merge::{detached, detached_table, item_eq, merge_item, merge_table, table_like_eq};
use super::model::{Agenda, Dossier, Evidence, Meta, Settings};

/// The tables of a dossier that are not answers or evidence, serialized as in the file.
#[derive(Serialize)]
struct Head<'a> {
    dossier: &'a Meta,
    settings: &'a Settings,
    #[serde(skip_serializing_if = "Agenda::is_empty")]
    agenda: &'a Agenda,
    #[serde(flatten)]
    extra: &'a toml::Table,
}

#[derive(Serialize)]
struct Records<'a> {
    evidence: &'a [Evidence],
}

/// Brings `base` (the document of `saved`) up to `d`. `None` when the change does not fit the
/// document's layout or a piece does not read back as serialized; `base` is then in an unknown
/// state and must be discarded.
pub(crate) fn patch(base: &mut DocumentMut, saved: &Dossier, d: &Dossier) -> Option<()> {
    patch_head(base, d)?;
    patch_answers(base, saved, d)?;
    patch_evidence(base, saved, d)
}

fn parse(text: &str) -> Option<DocumentMut> {
    text.parse().ok()
}

fn patch_head(base: &mut DocumentMut, d: &Dossier) -> Option<()> {
    let head = Head { dossier: &d.dossier, settings: &d.settings, agenda: &d.agenda, extra: &d.extra };
    let fresh = parse(&toml::to_string_pretty(&head).ok()?)?;
    let root = base.as_table_mut();
    root.retain(|key, _| fresh.contains_key(key) || key == "answers" || key == "evidence");
    for (key, item) in fresh.iter() {
        match root.get_mut(key) {
            Some(old) => merge_item(old, item),
            None => {
                root.insert(key, detached(item));
            }
        }
        if !root.get(key).is_some_and(|old| item_eq(old, item)) {
            return None;
        }
    }
    Some(())
}

fn patch_answers(base: &mut DocumentMut, saved: &Dossier, d: &Dossier) -> Option<()> {
    let table = match base.as_table_mut().entry("answers") {
        toml_edit::Entry::Occupied(e) => e.into_mut().as_table_mut()?,
        toml_edit::Entry::Vacant(e) => {
            // Implicit: no bare `[answers]` header, only those of the answers themselves.
            let mut answers = Table::new();
            answers.set_implicit(true);
            e.insert(Item::Table(answers)).as_table_mut()?
        }
    };
    if table.is_dotted() {
        return None;
    }
    // Blank answers the file already has stay (with their guidance comments above them).
    table.retain(|id, _| d.answers.contains_key(id));
    for (id, a) in &d.answers {
        let in_file = table.contains_key(id);
        if (a.is_empty() && !in_file) || (in_file && saved.answers.get(id) == Some(a)) {
            continue;
        }
        let fresh = parse(&toml::to_string_pretty(a).ok()?)?;
        match table.get_mut(id) {
            Some(Item::Table(old)) => merge_table(old, fresh.as_table()),
            Some(_) => return None,
            None => {
                let mut new = detached_table(fresh.as_table());
                new.set_implicit(false);
                table.insert(id, Item::Table(new));
            }
        }
        if !table.get(id).and_then(Item::as_table).is_some_and(|t| table_like_eq(t, fresh.as_table())) {
            return None;
        }
    }
    let written = d.answers.iter().filter(|(id, a)| !a.is_empty() || table.contains_key(id)).count();
    (table.len() == written).then_some(())
}

fn patch_evidence(base: &mut DocumentMut, saved: &Dossier, d: &Dossier) -> Option<()> {
    let root = base.as_table_mut();
    let on_file = match root.get("evidence") {
        None => 0,
        Some(Item::ArrayOfTables(a)) => a.len(),
        Some(_) => return None,
    };
    if on_file != saved.evidence.len() {
        return None;
    }
    if d.evidence == saved.evidence {
        return Some(());
    }
    if d.evidence.is_empty() {
        root.remove("evidence");
        return Some(());
    }
    let appended = d.evidence.starts_with(&saved.evidence);
    let new = if appended { &d.evidence[saved.evidence.len()..] } else { &d.evidence[..] };
    let fresh = parse(&toml::to_string_pretty(&Records { evidence: new }).ok()?)?;
    let fresh = fresh.get("evidence")?.as_array_of_tables()?;
    match root.get_mut("evidence") {
        Some(Item::ArrayOfTables(old)) if appended => {
            fresh.iter().for_each(|t| old.push(detached_table(t)));
            let added = old.iter().skip(saved.evidence.len());
            added.zip(fresh.iter()).all(|(o, n)| table_like_eq(o, n)).then_some(())
        }
        Some(old) => {
            let fresh = Item::ArrayOfTables(fresh.clone());
            merge_item(old, &fresh);
            item_eq(old, &fresh).then_some(())
        }
        None => {
            root.insert("evidence", detached(&Item::ArrayOfTables(fresh.clone())));
            Some(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::{CheckResult, Verdict};
    use crate::dossier::ReviewStatus;

    fn dossier() -> Dossier {
        let q = crate::questionnaire::load("uniwise-wiseflow").expect("builtin");
        let mut d = Dossier::new(&q);
        d.answer_mut("a.one").answer = "first".into();
        d.answer_mut("a.two").answer = "second".into();
        d
    }

    /// Patching gives the same values as serializing the whole dossier.
    fn check(saved: &Dossier, d: &Dossier, decorate: impl Fn(String) -> String) -> String {
        let text = decorate(saved.to_toml().expect("ser"));
        let mut base: DocumentMut = text.parse().expect("parse");
        patch(&mut base, saved, d).expect("patches");
        let out = base.to_string();
        let back: Dossier = toml::from_str(&out).expect("reparse");
        let mut want = d.clone();
        want.answers.retain(|_, a| !a.is_empty());
        assert_eq!(back, want, "\n{out}");
        out
    }

    #[test]
    fn a_changed_answer_is_merged_in_place_with_its_comment() {
        let saved = dossier();
        let mut d = saved.clone();
        d.answer_mut("a.one").status = ReviewStatus::Ok;
        let out = check(&saved, &d, |t| t.replace("answer = \"first\"", "answer = \"first\"  # typed"));
        assert!(out.contains("answer = \"first\"  # typed\nstatus = \"ok\"\n"), "{out}");
    }

    #[test]
    fn answers_come_and_go_and_evidence_is_appended() {
        let saved = dossier();
        let mut d = saved.clone();
        d.answers.remove("a.one");
        d.answer_mut("a.zero").answer = "new".into();
        d.dossier.partner = "Acme".into();
        d.file_evidence(CheckResult::new("retry.limit", Verdict::Pass, "4 attempts"), chrono::Utc::now());
        let out = check(&saved, &d, |t| t);
        assert!(out.find("a.two").expect("kept") < out.find("a.zero").expect("added"), "{out}");

        // Then one more record, and then one taken out of the middle.
        let mut more = d.clone();
        more.file_evidence(CheckResult::new("retry.backoff", Verdict::Fail, "flat"), chrono::Utc::now());
        check(&d, &more, |t| t);
        let mut fewer = more.clone();
        fewer.evidence.remove(0);
        check(&more, &fewer, |t| t);
    }

    #[test]
    fn a_layout_the_pieces_do_not_fit_is_refused() {
        let saved = dossier();
        let mut d = saved.clone();
        d.answer_mut("a.one").status = ReviewStatus::Ok;
        let inline = "answers = { \"a.one\" = { answer = 'first' }, \"a.two\" = { answer = 'second' } }\n";
        let mut base: DocumentMut =
            format!("{inline}[dossier]\nquestionnaire = 'q'\n").parse().expect("parse");
        assert!(patch(&mut base, &saved, &d).is_none());
    }
}
