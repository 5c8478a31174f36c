//! Comment-keeping saves: the freshly serialized dossier is merged into the document as it was
//! last read or written, so everything a person wrote into the file that the model does not hold
//! (comments, blank lines, key order, quoting) survives a save.
//!
//! The model is the truth for *values*; the old document is the truth for *layout*. The merge
//! walks both documents (parsed with `toml_edit`, which keeps every byte of decor):
//! - a value equal to the old one keeps its old bytes (also `'literal'` vs `"basic"` quoting);
//! - a changed value is replaced in place and keeps the old key's comments (above and beside);
//! - keys the model no longer has are removed, new keys are appended in the model's order (a
//!   new table goes after its last existing sibling);
//! - arrays of tables (`[[evidence]]`) are matched record by record: an unchanged record keeps
//!   its decor, a record changed in place is merged like a table, anything else is written whole.
//!
//! The merged text is parsed again and compared, value by value, with the fresh serialization;
//! any difference (or any text `toml_edit` cannot parse) makes the caller fall back to the plain
//! serialization. A lost comment is a pity; a lost answer is not acceptable.

use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, TableLike, Value};

/// How far ahead an evidence record is looked for among the old ones (bounds the work when
/// everything changed; records are appended or deleted one at a time in practice).
const MATCH_WINDOW: usize = 64;

/// Merges `fresh` (the model, serialized) into `base` (the file as last read or written) and
/// returns the merged text with its parsed document (the base for the next save), or `None`
/// when the result does not hold exactly the values of `fresh`. `base` is left merged even
/// when `None` is returned; callers pass a document they can discard.
pub(crate) fn merge(base: &mut DocumentMut, fresh: &DocumentMut) -> Option<(String, DocumentMut)> {
    merge_table(base.as_table_mut(), fresh.as_table());
    let text = base.to_string();
    let reparsed: DocumentMut = text.parse().ok()?;
    table_like_eq(reparsed.as_table(), fresh.as_table()).then_some((text, reparsed))
}

pub(super) fn merge_table(old: &mut Table, new: &Table) {
    // An implicit table is not printed when it has no keys of its own; one the model writes
    // with a header must keep it.
    if old.is_implicit() && !new.is_implicit() {
        old.set_implicit(false);
    }
    old.retain(|key, _| new.contains_key(key));
    for (key, new_item) in new.iter() {
        match old.get_mut(key) {
            Some(old_item) => merge_item(old_item, new_item),
            None => {
                let item = detached(new_item);
                match new.key(key) {
                    Some(formatted) => old.insert_formatted(formatted, item),
                    None => old.insert(key, item),
                };
            }
        }
    }
}

pub(super) fn merge_item(old: &mut Item, new: &Item) {
    if item_eq(old, new) {
        return;
    }
    match (old, new) {
        (Item::Table(o), Item::Table(n)) => merge_table(o, n),
        (Item::ArrayOfTables(o), Item::ArrayOfTables(n)) => merge_records(o, n),
        (Item::Value(o), Item::Value(n)) => {
            // The decor holds the comment beside the value (`status = "ok"  # checked`).
            let decor = o.decor().clone();
            *o = n.clone();
            *o.decor_mut() = decor;
        }
        (o, n) => *o = detached(n),
    }
}

/// Matches new records to old ones in order. An equal old record is kept as it is (old ones
/// skipped on the way were deleted). Failing that, an old record with the same identity (see
/// [`IDENTITY`]) is the same record changed, and so is the next old one when as many records
/// remain on both sides; it is merged like a table. Anything else is a new record.
fn merge_records(old: &mut ArrayOfTables, new: &ArrayOfTables) {
    let mut olds: Vec<Option<Table>> = std::mem::take(old).into_iter().map(Some).collect();
    let mut merged = ArrayOfTables::new();
    let mut next = 0;
    for (i, n) in new.iter().enumerate() {
        let end = olds.len().min(next + MATCH_WINDOW);
        let find = |same: &dyn Fn(&Table) -> bool| (next..end).find(|&k| olds[k].as_ref().is_some_and(same));
        let in_step = new.len() - i == olds.len() - next && next < olds.len();
        let found = find(&|o| table_like_eq(o, n))
            .map(|k| (k, false))
            .or_else(|| find(&|o| same_identity(o, n)).map(|k| (k, true)))
            .or_else(|| in_step.then_some((next, true)));
        match found.and_then(|(k, changed)| Some((k, changed, olds[k].take()?))) {
            Some((k, changed, mut o)) => {
                if changed {
                    merge_table(&mut o, n);
                }
                merged.push(o);
                next = k + 1;
            }
            None => merged.push(detached_table(n)),
        }
    }
    *old = merged;
}

/// The keys that name a record: an evidence record is its check and when it ran. Records
/// written by hand often lack keys the model fills with defaults, so they are not equal to
/// their serialization, yet they are the same record.
const IDENTITY: [&str; 2] = ["check", "at"];

fn same_identity(old: &Table, new: &Table) -> bool {
    IDENTITY.iter().all(|key| match (old.get(key), new.get(key)) {
        (Some(a), Some(b)) => item_eq(a, b),
        _ => false,
    })
}

/// A copy of an item from the fresh document without its document positions, so it is placed
/// after its predecessor in the old document rather than at its place in the fresh one.
pub(super) fn detached(item: &Item) -> Item {
    let mut item = item.clone();
    clear_positions(&mut item);
    item
}

pub(super) fn detached_table(table: &Table) -> Table {
    let mut table = table.clone();
    table.set_position(None);
    for (_, item) in table.iter_mut() {
        clear_positions(item);
    }
    table
}

fn clear_positions(item: &mut Item) {
    match item {
        Item::Table(t) => {
            t.set_position(None);
            for (_, child) in t.iter_mut() {
                clear_positions(child);
            }
        }
        Item::ArrayOfTables(a) => {
            for t in a.iter_mut() {
                t.set_position(None);
                for (_, child) in t.iter_mut() {
                    clear_positions(child);
                }
            }
        }
        Item::Value(_) | Item::None => {}
    }
}

pub(super) fn item_eq(a: &Item, b: &Item) -> bool {
    match (a, b) {
        (Item::None, Item::None) => true,
        (Item::Value(x), Item::Value(y)) => value_eq(x, y),
        (Item::ArrayOfTables(x), Item::ArrayOfTables(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(s, t)| table_like_eq(s, t))
        }
        (Item::ArrayOfTables(x), Item::Value(Value::Array(y)))
        | (Item::Value(Value::Array(y)), Item::ArrayOfTables(x)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y.iter())
                    .all(|(s, t)| t.as_inline_table().is_some_and(|t| table_like_eq(s, t)))
        }
        _ => match (a.as_table_like(), b.as_table_like()) {
            (Some(x), Some(y)) => table_like_eq(x, y),
            _ => false,
        },
    }
}

pub(super) fn table_like_eq(a: &dyn TableLike, b: &dyn TableLike) -> bool {
    a.len() == b.len() && a.iter().all(|(key, x)| b.get(key).is_some_and(|y| item_eq(x, y)))
}

fn value_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(x), Value::String(y)) => x.value() == y.value(),
        (Value::Integer(x), Value::Integer(y)) => x.value() == y.value(),
        (Value::Float(x), Value::Float(y)) => {
            let (x, y) = (*x.value(), *y.value());
            x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan())
        }
        (Value::Boolean(x), Value::Boolean(y)) => x.value() == y.value(),
        (Value::Datetime(x), Value::Datetime(y)) => x.value() == y.value(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(s, t)| value_eq(s, t))
        }
        (Value::InlineTable(x), Value::InlineTable(y)) => table_like_eq(x, y),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> DocumentMut {
        text.parse().expect("test TOML parses")
    }

    fn merged(base: &str, fresh: &str) -> Option<String> {
        merge(&mut doc(base), &doc(fresh)).map(|(text, _)| text)
    }

    #[test]
    fn a_changed_value_keeps_the_comments_around_it() {
        let base = "# head\n[t]\n# above\nk = 'one'   # beside\nother = 1\n";
        let out = merged(base, "[t]\nk = \"two\"\nother = 1\n").expect("merges");
        assert_eq!(out, "# head\n[t]\n# above\nk = \"two\"   # beside\nother = 1\n");
    }

    #[test]
    fn removed_keys_go_and_new_ones_come_last_in_the_models_order() {
        let base = "[t]\na = 1  # a\ngone = 2  # gone\n\n[u]\nx = 1\n";
        let out = merged(base, "[t]\na = 1\nz = 3\nb = 4\n\n[u]\nx = 1\n\n[v]\ny = 5\n").expect("merges");
        assert_eq!(out, "[t]\na = 1  # a\nz = 3\nb = 4\n\n[u]\nx = 1\n\n[v]\ny = 5\n");
    }

    #[test]
    fn records_are_matched_one_by_one() {
        let base = "[[r]]  # one\nn = 1\n\n# two\n[[r]]\nn = 2\nk = 'x'  # kept\n\n# three\n[[r]]\nn = 3\n";
        // The first deleted, the others kept, a fourth appended.
        let out = merged(base, "[[r]]\nn = 2\nk = 'x'\n[[r]]\nn = 3\n[[r]]\nn = 4\n").expect("merges");
        assert_eq!(out, "\n# two\n[[r]]\nn = 2\nk = 'x'  # kept\n\n# three\n[[r]]\nn = 3\n[[r]]\nn = 4\n");
        // The second changed in place: merged like a table, its comments kept.
        let out = merged(base, "[[r]]\nn = 1\n[[r]]\nn = 2\nk = 'y'\n[[r]]\nn = 3\n").expect("merges");
        assert_eq!(out, base.replace("k = 'x'", "k = 'y'"));
    }

    #[test]
    fn an_implicit_table_the_model_writes_with_a_header_keeps_it() {
        let out = merged("[a.b]\nx = 1\n", "[a]\n").expect("merges");
        assert_eq!(doc(&out).get("a").and_then(Item::as_table).map(Table::len), Some(0), "{out}");
    }

    #[test]
    fn a_result_that_does_not_read_back_as_the_model_is_refused() {
        // A model table that would not be printed (implicit and empty) cannot be kept.
        let mut fresh = doc("[a.b]\n");
        if let Some(a) = fresh.get_mut("a").and_then(Item::as_table_mut) {
            a.remove("b");
        }
        assert!(merge(&mut doc("a = 1\n"), &fresh).is_none());
    }

    fn same_values(a: &DocumentMut, b: &DocumentMut) -> bool {
        table_like_eq(a.as_table(), b.as_table())
    }

    #[test]
    fn equal_values_compare_across_forms() {
        let a = doc("s = 'x'\nf = 1.0\nt = { k = [1, 2] }\n[[r]]\nn = 1\n");
        let b = doc("s = \"x\"\nf = 1e0\nr = [{ n = 1 }]\n[t]\nk = [ 1, 2, ]\n");
        assert!(same_values(&a, &b));
        assert!(!same_values(&a, &doc("s = 'x'\nf = 1\nt = { k = [1, 2] }\n[[r]]\nn = 1\n")));
    }
}
