//! Hostile input to the parsers: random text and mutated real files. Neither the questionnaire
//! nor the dossier parser may panic, and every rejection is located (file, line, column).
//! Case counts are set explicitly so the README's figures stay true.

use std::path::Path;

use certcockpit::questionnaire::{self, BUILTIN};
use proptest::prelude::*;

const CASES: u32 = 1500;

fn uniwise() -> &'static str {
    BUILTIN[0].source
}

const DOSSIER: &str = r#"[dossier]
questionnaire = "uniwise-wiseflow"
integration = "Acme"

[settings.webhook]
url = "http://127.0.0.1:9/hook"
deadline_secs = 15.0

[answers."auth.method"]
answer = "OAuth 2.0"
status = "ok"

[[evidence]]
check = "retry.backoff"
at = "2026-11-22T10:00:00Z"
verdict = "pass"
summary = "gaps grow"
figures = { attempts = 4, gaps_ms = [1.0, 400.0] }
"#;

/// A mutation of `src`: cut it, or overwrite a slice with arbitrary text.
fn mutate(src: &'static str) -> impl Strategy<Value = String> {
    (0..src.len(), 0usize..40, ".{0,12}", any::<bool>()).prop_map(move |(at, len, junk, cut)| {
        let at = (0..=at).rev().find(|i| src.is_char_boundary(*i)).unwrap_or(0);
        if cut {
            return src[..at].to_owned();
        }
        let end = (at + len..=src.len()).find(|i| src.is_char_boundary(*i)).unwrap_or(src.len());
        format!("{}{}{}", &src[..at], junk, &src[end..])
    })
}

fn check_questionnaire(text: &str) {
    if let Err(e) = questionnaire::parse("fuzz.toml", text) {
        let diags = e.diagnostics();
        assert!(!diags.is_empty(), "an invalid questionnaire must say why");
        for d in diags {
            assert_eq!(d.file, "fuzz.toml");
            assert!(!d.message.is_empty());
        }
    }
}

fn check_dossier(text: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("d.toml");
    std::fs::write(&path, text).expect("write");
    if let Err(e) = certcockpit::dossier::load(&path) {
        let msg = e.to_string();
        assert!(msg.contains("d.toml"), "error names the file: {msg}");
    }
    assert_eq!(std::fs::read_to_string(Path::new(&path)).expect("read"), text, "loading never writes");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn questionnaire_random_text(text in "\\PC{0,400}") {
        check_questionnaire(&text);
    }

    #[test]
    fn questionnaire_mutated(text in mutate(uniwise())) {
        check_questionnaire(&text);
    }

    #[test]
    fn dossier_mutated(text in mutate(DOSSIER)) {
        check_dossier(&text);
    }

    #[test]
    fn dossier_random_text(text in "\\PC{0,300}") {
        check_dossier(&text);
    }
}

#[test]
fn syntax_errors_carry_line_and_column() {
    let broken = uniwise().replacen("title = \"Integration Overview\"", "title = \"Integration Overview", 1);
    let e = questionnaire::parse("u.toml", &broken).expect_err("broken");
    let d = &e.diagnostics()[0];
    assert!(d.line > 1 && d.column >= 1, "{d}");
}
