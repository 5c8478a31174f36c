//! Saving a dossier keeps what people wrote into the file: the comments `certcockpit init`
//! writes, notes typed by hand, blank lines, key order and quoting. Real files, the real store.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use certcockpit::checks::{CheckResult, Verdict};
use certcockpit::dossier::{self, Answer, Dossier, DossierStore, ReviewStatus};
use certcockpit::questionnaire::{self, Questionnaire};
use proptest::prelude::*;

fn uniwise() -> Questionnaire {
    questionnaire::load("uniwise-wiseflow").expect("builtin")
}

fn at() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339("2026-11-22T10:20:31Z").expect("time").to_utc()
}

/// The answers that say something (empty ones are not written, or written blank).
fn said(d: &Dossier) -> BTreeMap<String, Answer> {
    d.answers.iter().filter(|(_, a)| !a.is_empty()).map(|(k, a)| (k.clone(), a.clone())).collect()
}

/// Whether the file at `path` holds exactly `d` (apart from the `updated` stamp).
fn assert_holds(path: &Path, d: &Dossier) {
    let back = dossier::load(path).expect("the saved file parses");
    let mut meta = back.dossier.clone();
    meta.updated = d.dossier.updated.clone();
    assert_eq!(meta, d.dossier);
    assert_eq!(back.settings, d.settings);
    assert_eq!(back.agenda, d.agenda);
    assert_eq!(said(&back), said(d));
    assert_eq!(back.evidence, d.evidence);
    assert_eq!(back.extra, d.extra);
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).expect("read dossier")
}

#[test]
fn the_init_template_keeps_every_comment_through_an_edit_and_new_evidence() {
    let q = uniwise();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("acme.toml");
    let template = dossier::template(&q, at());
    fs::write(&path, &template).expect("write template");

    let (mut store, mut d, created) = DossierStore::open(&path, &q).expect("open");
    assert!(!created);
    let a = d.answer_mut("overview.use_case");
    a.answer = "Sync grades \"nightly\"".into();
    a.status = ReviewStatus::Answered;
    d.dossier.partner = "Acme".into();
    d.file_evidence(
        CheckResult::new("retry.backoff", Verdict::Pass, "gaps grow")
            .figure("attempts", 4usize)
            .figure("gaps_ms", vec![1.5f64, 400.0])
            .observe("GET /items -> 503 at 0.000 s"),
        at(),
    );
    store.save(&d).expect("save");
    let out = read(&path);

    // Everything before the evidence is the template, but for the changed lines and the stamp.
    let (body, tail) = out.split_at(out.find("[[evidence]]").expect("evidence appended"));
    let expected = template
        .replace(
            "partner = \"\"           # the partner company",
            "partner = \"Acme\"           # the partner company",
        )
        .replace(
            "[answers.\"overview.use_case\"]\nanswer = \"\"\nstatus = \"open\"\n",
            "[answers.\"overview.use_case\"]\nanswer = 'Sync grades \"nightly\"'\nstatus = \"answered\"\n",
        );
    let updated = body.lines().find(|l| l.starts_with("updated = ")).expect("updated stamped");
    let body_without_stamp = body.replacen(&format!("{updated}\n"), "", 1);
    assert_eq!(body_without_stamp.trim_end(), expected.trim_end(), "\n--- got ---\n{out}");
    assert!(tail.contains("check = \"retry.backoff\""), "{tail}");
    assert!(!tail.contains('#'), "no comment moved into the appended evidence: {tail}");
    let comments = |t: &str| t.lines().filter(|l| l.contains('#')).count();
    assert_eq!(comments(&out), comments(&template));
    assert_holds(&path, &d);

    // A second save, after another edit, still keeps them (the store's cached document).
    d.answer_mut("overview.use_case").status = ReviewStatus::Ok;
    store.save(&d).expect("save again");
    let again = read(&path);
    assert_eq!(comments(&again), comments(&template));
    assert!(again.contains("status = \"ok\""), "{again}");
    assert_holds(&path, &d);
}

#[test]
fn a_hand_written_note_beside_an_answer_survives_a_status_change() {
    let q = uniwise();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("d.toml");
    let text = "\
[dossier]
questionnaire = 'uniwise-wiseflow'
integration = \"Acme\"

# Asked twice on the call; the partner was unsure.
[answers.\"auth.method\"]
answer = \"OAuth 2.0 client credentials\"  # from the kickoff mail
status = \"answered\"      # reviewer: check the token lifetime
note = '''
Token lives 1 h.'''

[answers.\"overview.use_case\"]
answer = \"Sync grades\"
status = \"open\"
";
    fs::write(&path, text).expect("write");
    let (mut store, mut d, _) = DossierStore::open(&path, &q).expect("open");
    d.answer_mut("auth.method").status = ReviewStatus::NeedsWork;
    store.save(&d).expect("save");
    let out = read(&path);
    // The model's defaults the file lacked are appended to their tables (`format`, `updated`,
    // `[settings.*]`); the hand-written part is there byte for byte, but for the status.
    let answers = |t: &str| t[t.find("\n# Asked").expect("answers")..].to_owned();
    let expected = answers(text).replace(
        "status = \"answered\"      # reviewer: check the token lifetime",
        "status = \"needs_work\"      # reviewer: check the token lifetime",
    );
    assert!(answers(&out).starts_with(&expected), "\n--- got ---\n{out}");
    assert!(
        out.starts_with(
            "[dossier]\nquestionnaire = 'uniwise-wiseflow'\nintegration = \"Acme\"\nformat = 1\n"
        )
    );
    assert_holds(&path, &d);
}

#[test]
fn removed_answers_and_evidence_go_and_new_ones_come_after_the_old() {
    let q = uniwise();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("d.toml");
    let text = "\
[dossier]
questionnaire = \"uniwise-wiseflow\"

# about the use case
[answers.\"overview.use_case\"]
answer = \"Sync grades\"
status = \"ok\"

# about auth, to be removed
[answers.\"auth.method\"]
answer = \"OAuth\"
status = \"answered\"

# first run
[[evidence]]
check = \"webhook.delivery\"
at = \"2026-11-22T10:00:00Z\"
verdict = \"fail\"
summary = \"timeout\"

# second run, to be removed
[[evidence]]
check = \"webhook.delivery\"
at = \"2026-11-22T10:05:00Z\"
verdict = \"pass\"
summary = \"202 in 3 ms\"

# third run, kept
[[evidence]]
check = \"retry.limit\"
at = \"2026-11-22T10:06:00Z\"
verdict = \"pass\"
summary = \"gave up after 4 attempts\"
origin = \"ci\"
";
    fs::write(&path, text).expect("write");
    let (mut store, mut d, _) = DossierStore::open(&path, &q).expect("open");
    assert_eq!(d.evidence.len(), 3);
    d.answers.remove("auth.method");
    d.evidence.remove(1);
    d.answer_mut("retries.retry_after").answer = "We wait".into();
    d.file_evidence(CheckResult::new("webhook.replay", Verdict::Pass, "rejected"), at());
    store.save(&d).expect("save");
    let out = read(&path);
    for gone in ["auth.method", "about auth", "second run", "10:05:00"] {
        assert!(!out.contains(gone), "{gone} still there:\n{out}");
    }
    for kept in ["# about the use case", "# first run", "# third run, kept", "origin = \"ci\""] {
        assert!(out.contains(kept), "{kept} lost:\n{out}");
    }
    let pos = |s: &str| out.find(s).unwrap_or_else(|| panic!("{s} missing:\n{out}"));
    assert!(pos("[answers.\"overview.use_case\"]") < pos("[answers.\"retries.retry_after\"]"));
    assert!(pos("[answers.\"retries.retry_after\"]") < pos("# first run"), "{out}");
    assert!(pos("# third run, kept") < pos("webhook.replay"), "{out}");
    assert_holds(&path, &d);
}

/// The agenda's time per section (`[agenda]`, new in this version): a dossier from before it
/// loads with none spent and gets the table on the first save; a comment written by hand in
/// it, and everywhere else, survives the saves that add time (the patcher and the full merge).
#[test]
fn agenda_time_is_kept_with_the_hand_comments_around_it() {
    let q = uniwise();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("d.toml");
    let old = "\
# review of Acme, by hand
[dossier]
questionnaire = \"uniwise-wiseflow\"
partner = \"Acme\"  # the legal name

[answers.\"auth.method\"]
answer = \"OAuth\"  # confirmed on the call
";
    fs::write(&path, old).expect("write");
    let (mut store, mut d, created) = DossierStore::open(&path, &q).expect("an old dossier opens");
    assert!(!created);
    assert!(d.agenda.is_empty(), "an old dossier has no time recorded: {:?}", d.agenda);
    d.agenda.seconds.insert("overview".into(), 95);
    store.save(&d).expect("save");
    let out = read(&path);
    assert!(out.contains("[agenda.seconds]\noverview = 95\n"), "{out}");
    for kept in ["# review of Acme, by hand\n", "# the legal name", "# confirmed on the call"] {
        assert!(out.contains(kept), "{kept:?} lost:\n{out}");
    }
    assert_holds(&path, &d);

    // A comment typed into the agenda table itself stays as the time grows.
    let hand = out.replace("overview = 95\n", "overview = 95  # the intro ran long\n");
    fs::write(&path, &hand).expect("write");
    drop(store);
    let (mut store, mut d, _) = DossierStore::open(&path, &q).expect("reopen");
    assert_eq!(d.agenda.spent("overview"), 95);
    *d.agenda.seconds.entry("overview".into()).or_default() += 30;
    d.agenda.seconds.insert("auth".into(), 12);
    store.save(&d).expect("save");
    let out = read(&path);
    assert!(out.contains("overview = 125  # the intro ran long\n"), "{out}");
    for kept in ["# review of Acme, by hand\n", "# the legal name", "# confirmed on the call"] {
        assert!(out.contains(kept), "{kept:?} lost:\n{out}");
    }
    assert_holds(&path, &d);
}

#[test]
fn unknown_keys_and_their_comments_are_kept_through_a_change() {
    let q = uniwise();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("d.toml");
    let text = "\
# written by certcockpit 9
future_top = \"kept\"  # a newer version's key

[dossier]
questionnaire = \"uniwise-wiseflow\"
colour = \"blue\"   # nobody knows why

[settings.webhook]
url = \"http://127.0.0.1:9/hook\"
tls_pin = \"abc\"

[answers.\"auth.method\"]
answer = \"OAuth\"
confidence = 3  # out of 5

# a table from the future
[custom]
x = [1, 2]
";
    fs::write(&path, text).expect("write");
    let (mut store, mut d, _) = DossierStore::open(&path, &q).expect("open");
    d.settings.webhook.url = "http://127.0.0.1:8080/hook".into();
    store.save(&d).expect("save");
    let out = read(&path);
    for kept in [
        "# written by certcockpit 9\nfuture_top = \"kept\"  # a newer version's key\n",
        "colour = \"blue\"   # nobody knows why\n",
        "url = \"http://127.0.0.1:8080/hook\"\ntls_pin = \"abc\"\n",
        "confidence = 3  # out of 5\n",
        "# a table from the future\n[custom]\nx = [1, 2]\n",
    ] {
        assert!(out.contains(kept), "{kept:?} lost:\n{out}");
    }
    assert_holds(&path, &d);
}

#[test]
fn a_save_that_changes_nothing_rewrites_the_same_bytes() {
    let q = uniwise();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("d.toml");
    let template = dossier::template(&q, at());
    fs::write(&path, &template).expect("write");
    let (mut store, d, _) = DossierStore::open(&path, &q).expect("open");
    store.save(&d).expect("save");
    assert_eq!(read(&path), template);
}

/// One generated dossier: answers with awkward text, evidence with figures, unknown keys.
fn arb_dossier() -> impl Strategy<Value = Dossier> {
    let text = "[a-zA-Z0-9 '\"\\\\#=\\[\\]é✔\n\t]{0,24}";
    let answer = (text, 0usize..5, "[a-z #'\n]{0,12}", proptest::option::of(0i64..100));
    let answers = proptest::collection::btree_map("[a-z]{1,5}(\\.[a-z_]{1,6})?", answer, 0..8);
    let record = (
        prop::sample::select(vec!["webhook.delivery", "retry.backoff", "auth.refresh"]),
        0usize..3,
        text,
        0u32..10,
        proptest::collection::vec(0.0f64..5000.0, 0..4),
        proptest::collection::vec("[a-zA-Z0-9 />-]{0,20}", 0..3),
    );
    let evidence = proptest::collection::vec(record, 0..6);
    (answers, evidence, text, proptest::option::of("[a-z]{1,8}")).prop_map(
        |(answers, evidence, integration, extra)| {
            let mut d = Dossier::new(&uniwise());
            d.dossier.created = "2026-11-22T10:00:00Z".into();
            d.dossier.integration = integration;
            if let Some(v) = extra {
                d.dossier.extra.insert("colour".into(), toml::Value::String(v));
            }
            for (id, (text, status, note, confidence)) in answers {
                let a = d.answer_mut(&id);
                a.answer = text;
                a.status = ReviewStatus::ALL[status];
                a.note = note;
                if let Some(c) = confidence {
                    a.extra.insert("confidence".into(), toml::Value::Integer(c));
                }
            }
            for (check, verdict, summary, attempts, gaps, observations) in evidence {
                let verdict = [Verdict::Pass, Verdict::Fail, Verdict::Inconclusive][verdict];
                let mut r = CheckResult::new(check, verdict, summary)
                    .figure("attempts", attempts as usize)
                    .figure("gaps_ms", gaps);
                r.observations = observations;
                d.file_evidence(r, at());
            }
            d
        },
    )
}

/// Comments in every place a person might put one: above tables and keys, beside values.
fn decorate(plain: &str, mask: u64) -> String {
    let mut doc: toml_edit::DocumentMut = plain.parse().expect("serialized text parses");
    let mut n = 0u32;
    let on = |n: &mut u32| {
        *n += 1;
        mask & (1 << (*n % 64)) != 0
    };
    fn tables(t: &mut toml_edit::Table, f: &mut dyn FnMut(&mut toml_edit::Table)) {
        f(t);
        for (_, item) in t.iter_mut() {
            match item {
                toml_edit::Item::Table(t) => tables(t, f),
                toml_edit::Item::ArrayOfTables(a) => a.iter_mut().for_each(|t| tables(t, f)),
                _ => {}
            }
        }
    }
    tables(doc.as_table_mut(), &mut |t| {
        if on(&mut n) {
            t.decor_mut().set_prefix(format!("\n# table note {n}\n"));
        }
        let keys: Vec<String> = t.iter().map(|(k, _)| k.to_owned()).collect();
        for k in keys {
            let first = on(&mut n);
            let second = on(&mut n);
            if let Some((mut key, toml_edit::Item::Value(v))) = t.get_key_value_mut(&k) {
                if first {
                    key.leaf_decor_mut().set_prefix(format!("# about {k} ({n})\n"));
                }
                if second {
                    v.decor_mut().set_suffix(format!("   # beside {n}"));
                }
            }
        }
    });
    doc.to_string()
}

/// The comments `decorate` wrote (and any line of a string value that looks like one).
fn comment_lines(text: &str) -> Vec<&str> {
    text.lines()
        .filter_map(|l| match l.find("   # beside") {
            Some(at) => Some(&l[at..]),
            None => l.trim_start().starts_with('#').then_some(l),
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Load → save without a change gives the same bytes; a change to one answer's status keeps
    /// every comment and gives back the changed model; changing it back gives the original
    /// bytes again, but for the `updated` stamp. With `full`, every save goes through the full
    /// merge (the store has forgotten the dossier it saved last) instead of the patch.
    #[test]
    fn saves_keep_the_file(
        d in arb_dossier(),
        mask in any::<u64>(),
        pick in any::<prop::sample::Index>(),
        full in any::<bool>(),
    ) {
        let q = uniwise();
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("d.toml");
        let text = decorate(&d.to_toml().expect("serialize"), mask);
        fs::write(&path, &text).expect("write");
        let (mut store, mut loaded, _) = DossierStore::open(&path, &q).expect("open");
        if full {
            store.save_bytes(text.clone().into_bytes()).expect("same bytes");
        } else {
            store.save(&loaded).expect("save unchanged");
        }
        prop_assert_eq!(read(&path), text.clone());

        let ids: Vec<String> = said(&loaded).into_keys().collect();
        let id = if ids.is_empty() { "overview.use_case".to_owned() } else { pick.get(&ids).clone() };
        let original = loaded.answer(&id).cloned();
        let a = loaded.answer_mut(&id);
        a.status = a.status.next();
        if a.is_empty() {
            a.answer = "now said".into();
        }
        store.save(&loaded).expect("save changed");
        let out = read(&path);
        prop_assert_eq!(comment_lines(&out), comment_lines(&text));
        assert_holds(&path, &loaded);

        match original {
            Some(a) => *loaded.answer_mut(&id) = a,
            None => drop(loaded.answers.remove(&id)),
        }
        if full {
            store.save_bytes(out.into_bytes()).expect("same bytes");
        }
        store.save(&loaded).expect("save reverted");
        let stamp = dossier::load(&path).expect("load").dossier.updated;
        prop_assert!(!stamp.is_empty());
        let expected = text.replacen("updated = \"\"", &format!("updated = \"{stamp}\""), 1);
        prop_assert_eq!(read(&path), expected);
    }
}
