//! The headless path keeps the file's comments: `certcockpit init`, a note typed by hand, then
//! `certcockpit check webhook --dossier` (which saves through `dossier::update`) against a real
//! axum listener on 127.0.0.1. Run as the real binary on a real file.

use std::process::Output;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;

use crate::support;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn certcockpit(args: &[&str]) -> Output {
    support::command().args(args).env("HOOK_SECRET", SECRET).output().expect("run certcockpit")
}

/// Every comment, from its `#` to the end of the line (no value in these files holds a `#`).
fn comment_lines(text: &str) -> Vec<&str> {
    text.lines().filter_map(|l| l.find('#').map(|at| &l[at..])).collect()
}

#[test]
fn check_webhook_files_evidence_without_losing_the_templates_comments() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).expect("bind");
    let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
    let app = Router::new().route("/hook", post(|| async { StatusCode::NO_CONTENT }));
    rt.spawn(async move { axum::serve(listener, app).await });

    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("acme.toml");
    let arg = path.to_str().expect("utf-8 path");
    let out = certcockpit(&["init", arg]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let template = std::fs::read_to_string(&path).expect("init wrote the dossier");
    let hand = template.replacen(
        "[answers.\"overview.use_case\"]\nanswer = \"\"",
        "# Reviewer: ask for the nightly volume.\n[answers.\"overview.use_case\"]\nanswer = \"Sync grades\"  # said on the call",
        1,
    );
    assert_ne!(hand, template, "the template has the use-case answer");
    std::fs::write(&path, &hand).expect("edit by hand");

    let out = certcockpit(&[
        "check",
        "webhook",
        "--url",
        &url,
        "--secret-env",
        "HOOK_SECRET",
        "--only",
        "webhook.delivery",
        "--dossier",
        arg,
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");

    let saved = std::fs::read_to_string(&path).expect("dossier");
    assert_eq!(comment_lines(&saved), comment_lines(&hand), "\n--- saved ---\n{saved}");
    assert!(saved.contains("answer = \"Sync grades\"  # said on the call"), "{saved}");
    assert!(saved.contains(&format!("url = \"{url}\"")), "{saved}");
    assert!(
        saved.contains("secret_env = \"HOOK_SECRET\"  # the NAME of the variable holding the secret"),
        "{saved}"
    );
    assert!(!saved.contains(SECRET), "the secret reached the file");
    let d = certcockpit::dossier::load(&path).expect("the saved dossier parses");
    assert_eq!(d.evidence.len(), 1);
    assert_eq!(d.evidence[0].check, "webhook.delivery");
    assert_eq!(d.answers["overview.use_case"].answer, "Sync grades");
    let q = certcockpit::questionnaire::load("uniwise-wiseflow").expect("builtin");
    assert_eq!(d.answers.len(), q.question_count(), "every blank question kept under its guidance");
}
