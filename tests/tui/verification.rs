//! The cockpit marks evidence that does not verify: the runner verifies the evidence the
//! dossier opened with (off the UI task) and hands the states to `update`; the evidence pane
//! says what does not hold and the question list marks the question with `!`. On real filed
//! evidence (`tests/fixtures/verified/`, see its README), tampered by hand.

use std::time::Duration;

use certcockpit::dossier::DossierStore;
use certcockpit::ui::{App, Runner};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::support::{copy_verified_fixture, flip_to_fail};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn evidence_that_does_not_verify_is_marked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = copy_verified_fixture(dir.path());
    // retry.backoff passed; the partner flipped it to fail by hand (a tampered pass would read
    // the same, and that is the case the mark is for).
    flip_to_fail(&path, "retry.backoff");

    let q = certcockpit::questionnaire::load("uniwise-wiseflow").expect("builtin");
    let (store, dossier, created) = DossierStore::open(&path, &q).expect("open");
    let mut app = App::new(q, dossier, "review.toml", created);
    // 6. Rate Limiting & Retries, "Do you have a retry mechanism…" (retry.backoff).
    app.section = 5;
    app.question = 0;
    let mut runner = Runner::new(Terminal::new(TestBackend::new(110, 30)).expect("terminal"), store);
    let paused = tokio::time::timeout(
        Duration::from_secs(20),
        runner.run_until(&mut app, |a| a.verification.unverified() > 0),
    )
    .await
    .expect("verified in time")
    .expect("runner");
    assert!(!paused, "did not quit");
    let screen = runner.terminal().backend().to_string();
    assert!(screen.contains("! ✘ unverified: verdict differs: the record says fail, the"), "{screen}");
    assert!(screen.contains("1 evidence record of this dossier does not verify"), "{screen}");
    insta::assert_snapshot!(screen);
}
