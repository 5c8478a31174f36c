//! Issue 11, item 1 and the sweep: partner-controlled text fed escape sequences, C1 controls,
//! bidi overrides and zero-width characters — a real client's headers and stderr
//! (tests/peers/hostile_text_client.py), a dossier's answers and names written by someone
//! else, a questionnaire's ids — reaches no terminal output (human, `-v`, `report` to stdout,
//! error messages) and no report unneutralised; `--json` stays valid JSON. Before
//! `text::neutralise`, the client's last stderr line reached stdout raw.

use std::process::Output;

use crate::support::{certcockpit, command, python_peer_sh, text};

/// A character that acts on a terminal or hides text.
fn dangerous(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200b}'..='\u{200d}' | '\u{feff}')
}

fn assert_clean(what: &str, s: &str) {
    if let Some((i, c)) = s.char_indices().find(|(_, c)| dangerous(*c)) {
        panic!("{what}: {c:?} at byte {i} reached the output:\n{s}");
    }
}

fn assert_outputs_clean(what: &str, out: &Output) {
    assert_clean(&format!("{what} stdout"), &text(&out.stdout));
    assert_clean(&format!("{what} stderr"), &text(&out.stderr));
}

#[test]
fn a_hostile_client_reaches_no_terminal_and_no_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    let dossier = dir.path().join("d.toml");
    let d = dossier.to_str().expect("utf-8 path");
    let exec = python_peer_sh("hostile_text_client.py");
    let only = "headers.client_name,pagination.complete";
    let human = certcockpit(&[
        "check",
        "api",
        "--timeout",
        "10",
        "--only",
        only,
        "-v",
        "--exec",
        &exec,
        "--dossier",
        d,
    ]);
    assert_outputs_clean("check api -v", &human);
    assert!(
        text(&human.stdout).contains("acme\\u{9b}31m<U+202E>evil"),
        "shown escaped: {}",
        text(&human.stdout)
    );
    let json = certcockpit(&["check", "api", "--timeout", "10", "--only", only, "--json", "--exec", &exec]);
    assert_outputs_clean("check api --json", &json);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("valid JSON");
    let all = v.to_string();
    let decoded: Vec<String> =
        v["checks"].as_array().expect("checks").iter().map(|c| c.to_string()).collect();
    assert!(all.contains("client stderr"), "{all}");
    for c in &decoded {
        let parsed: serde_json::Value = serde_json::from_str(c).expect("json");
        for s in [&parsed["summary"], &parsed["observations"], &parsed["figures"]] {
            let shown = s.to_string();
            assert!(!shown.contains("\\u001b") && !shown.contains("\\u009b"), "{shown}");
            assert_clean("json strings", &serde_json::to_string(s).unwrap_or_default().replace("\\n", ""));
        }
    }
    let filed = std::fs::read_to_string(&dossier).expect("dossier written");
    assert!(filed.contains(r"client stderr: \e]52;c;"), "filed neutralised: {filed}");
    for format in ["md", "html"] {
        let report = certcockpit(&["report", d, "--format", format]);
        assert!(report.status.success(), "{}", text(&report.stderr));
        assert_outputs_clean(&format!("report --format {format}"), &report);
    }
}

#[test]
fn a_dossier_written_by_someone_else_cannot_inject_into_the_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    let dossier = dir.path().join("d.toml");
    let d = dossier.to_str().expect("utf-8 path");
    assert!(certcockpit(&["init", d]).status.success());
    let mut toml_text = std::fs::read_to_string(&dossier).expect("read");
    let evil = r#"Yes\u001b]52;c;ZXZpbA==\u0007\n# Approved by the reviewer\n---\n- all checks passed\r## Remediation\n\u202egnp.exe\u200b\u009b2J"#;
    toml_text.push_str(&format!("\n[answers.\"x\u{202e}y\"]\nanswer = \"{evil}\"\nstatus = \"answered\"\n"));
    std::fs::write(&dossier, &toml_text).expect("write");
    let report = certcockpit(&["report", d]);
    assert_outputs_clean("report of a planted dossier", &report);
    let md = text(&report.stdout);
    assert!(!md.lines().any(|l| l.starts_with("# Approved") || l.starts_with("## Remediation\\")), "{md}");
    assert_eq!(md.lines().filter(|l| l.starts_with("## Remediation")).count(), 1, "{md}");
    let html = certcockpit(&["report", d, "--format", "html"]);
    assert_outputs_clean("html report of a planted dossier", &html);

    // A dossier that does not parse: the error quotes it, neutralised.
    std::fs::write(&dossier, "format = 1\n\u{1b}]52;c;ZXZpbA==\u{7} = \u{202e}\n").expect("write");
    let broken = certcockpit(&["report", d]);
    assert!(!broken.status.success());
    assert_outputs_clean("error on a broken dossier", &broken);
}

#[test]
fn validate_shows_a_hostile_questionnaire_neutralised() {
    let dir = tempfile::tempdir().expect("tempdir");
    let q = dir.path().join("q.toml");
    std::fs::write(&q, "id = \"evil\u{202e}\\u001b[2J\"\ntitle = \"\\u001bc\"\nversion = \"1\u{200b}\"\n[[sections]]\nid = \"s\u{1b}\"\n")
        .expect("write");
    let out = command().args(["validate", q.to_str().expect("utf-8")]).output().expect("run");
    assert_outputs_clean("validate", &out);
}
