//! `certcockpit questionnaires` and `certcockpit validate`, run as the real binary.

use std::process::Output;

use crate::support::{certcockpit, repo, text};

const GOOD: &str = r#"[questionnaire]
id = "custom"
title = "Custom"
version = "1"
source = "test"

[[sections]]
id = "a"
title = "A"

[[sections.questions]]
id = "a.one"
text = "Do you retry?"
kind = "yes_no_partial"
checks = ["retry.backoff"]
"#;

/// Writes `src` to a temp file and runs `validate` on it.
fn validate(src: &str) -> (Output, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("q.toml");
    std::fs::write(&path, src).expect("write");
    let shown = path.display().to_string();
    (certcockpit(&["validate", &shown]), shown)
}

#[test]
fn lists_all_five_builtins_with_question_counts() {
    let out = certcockpit(&["questionnaires"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let expected = [
        ("uniwise-wiseflow", 26),
        ("okra-integration", 21),
        ("okhi-webhooks", 14),
        ("cobalt-go-live", 22),
        ("okendo-webhooks", 9),
    ];
    for (name, count) in expected {
        let line = stdout
            .lines()
            .find(|l| l.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("{name} not listed:\n{stdout}"));
        let listed: usize = line.split_whitespace().nth(1).and_then(|n| n.parse().ok()).expect("count");
        assert_eq!(listed, count, "{line}");
    }
    let first = stdout.lines().nth(1).expect("a row");
    assert!(first.starts_with("uniwise-wiseflow"), "the default comes first: {first}");
}

#[test]
fn every_builtin_file_validates() {
    let dir = repo().join("questionnaires");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("questionnaires/") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "toml") {
            let out = certcockpit(&["validate", &path.display().to_string()]);
            assert!(out.status.success(), "{}: {}", path.display(), text(&out.stderr));
            assert!(text(&out.stdout).contains(": ok"), "{}", text(&out.stdout));
            seen += 1;
        }
    }
    assert_eq!(seen, 5);
}

#[test]
fn a_good_custom_file_validates() {
    let (out, _) = validate(GOOD);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("1 questions"), "{}", text(&out.stdout));
}

#[test]
fn unknown_key_is_reported_with_its_position() {
    let (out, file) = validate(&GOOD.replace("kind = ", "colour = \"red\"\nkind = "));
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains(&format!("{file}:14:")), "{err}");
    assert!(err.contains("colour"), "{err}");
}

#[test]
fn duplicate_id_is_reported_with_its_position() {
    let src = format!("{GOOD}\n[[sections.questions]]\nid = \"a.one\"\ntext = \"Again?\"\n");
    let (out, file) = validate(&src);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains(&format!("{file}:18:6: duplicate question id 'a.one'")), "{err}");
}

#[test]
fn unknown_check_id_is_reported_with_its_position() {
    let (out, file) = validate(&GOOD.replace("retry.backoff", "retry.sometimes"));
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains(&format!("{file}:15:11: unknown check id 'retry.sometimes'")), "{err}");
}

#[test]
fn syntax_error_is_reported_with_its_position() {
    let (out, file) = validate(&GOOD.replace("title = \"A\"", "title = \"A"));
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.starts_with(&format!("{file}:9:")), "{err}");
}

#[test]
fn missing_file_is_a_clear_error() {
    let out = certcockpit(&["validate", "/nonexistent/q.toml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("cannot read questionnaire /nonexistent/q.toml"));
}

/// `certcockpit questionnaires | head -0`: the reader closes the pipe before the listing is
/// written. The listing ends quietly (SIGPIPE's default action, as any Unix filter), never
/// with a panic on stderr.
#[test]
fn a_closed_pipe_ends_the_listing_quietly() {
    use std::os::unix::process::ExitStatusExt;
    use std::process::Stdio;
    let mut child = crate::support::command()
        .arg("questionnaires")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    let err = text(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert!(out.status.success() || out.status.signal() == Some(libc::SIGPIPE), "{:?}", out.status);
}
