//! `certcockpit check api` against a real Go client: hashicorp/go-retryablehttp with
//! golang.org/x/oauth2's client credentials (tests/peers/go/retryablehttp_client.go), built
//! offline in GOPATH mode from Debian's packages (`scripts/test` installs golang-go,
//! golang-github-hashicorp-go-retryablehttp-dev and golang-golang-x-oauth2-dev with apt, as it
//! does tmux). Without Go or those sources the tests skip, saying so on stderr.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::check_api::verdicts;
use crate::support;

/// Where Debian puts the Go sources its `golang-*-dev` packages ship.
const GOPATH: &str = "/usr/share/gocode";
const SOURCES: [&str; 2] = ["github.com/hashicorp/go-retryablehttp", "golang.org/x/oauth2/clientcredentials"];

/// The peer, built once per test run into `target/peers/go/`; `None` (the test skips) without
/// Go or the packages' sources. A build that fails with them present fails the test.
fn go_peer(test: &str) -> Option<PathBuf> {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let built = BUILT.get_or_init(|| {
        let go = Command::new("go").arg("version").output().is_ok_and(|o| o.status.success());
        let missing: Vec<&str> =
            SOURCES.iter().copied().filter(|s| !Path::new(GOPATH).join("src").join(s).is_dir()).collect();
        if !go || !missing.is_empty() {
            return Err(format!(
                "needs go and the Go sources of {} under {GOPATH} (scripts/test installs golang-go, golang-github-hashicorp-go-retryablehttp-dev and golang-golang-x-oauth2-dev with apt-get)",
                SOURCES.join(", ")
            ));
        }
        let out_dir = support::repo().join("target/peers/go");
        std::fs::create_dir_all(&out_dir).expect("target/peers/go");
        let bin = out_dir.join("retryablehttp_client");
        let out = Command::new("go")
            .args(["build", "-o"])
            .arg(&bin)
            .arg(support::peer("go").join("retryablehttp_client.go"))
            .env("GO111MODULE", "off")
            .env("GOPATH", GOPATH)
            .output()
            .expect("run go build");
        assert!(out.status.success(), "go build failed:\n{}", String::from_utf8_lossy(&out.stderr));
        Ok(bin)
    });
    match built {
        Ok(bin) => Some(bin.clone()),
        Err(why) => {
            eprintln!("{test}: skipped: {why}");
            None
        }
    }
}

fn sh(bin: &Path, args: &str) -> String {
    format!("{} {args}", support::sh_quote(bin))
}

/// Stock go-retryablehttp (RetryMax 4: 1, 2, 4, 8 s) and oauth2's ReuseTokenSource pass every
/// check but one: the library waits a Retry-After in seconds and ignores the HTTP-date form,
/// and the summary says which (issue 13, item 4).
#[test]
fn go_retryablehttp_with_oauth2_passes_all_but_the_http_date_retry_after() {
    let Some(bin) = go_peer("go_retryablehttp_with_oauth2_passes_all_but_the_http_date_retry_after") else {
        return;
    };
    let out = support::command()
        .args(["check", "api", "--json", "--exec", &sh(&bin, "")])
        .output()
        .expect("run certcockpit");
    let v = verdicts(&out);
    assert_eq!(v.len(), 12, "11 checks and api.endpoints: {v:#?}");
    for (id, (verdict, summary, _)) in &v {
        let want = match id.as_str() {
            "trace.echo" => "inconclusive",
            "ratelimit.retry_after" => "fail",
            _ => "pass",
        };
        assert_eq!(verdict, want, "{id}: {summary}");
    }
    let ra = &v["ratelimit.retry_after"].1;
    assert!(
        ra.contains("ignored Retry-After in the http-date form") && ra.contains("respected the seconds form"),
        "{ra}"
    );
    assert_eq!(v["retry.backoff"].2["attempts"], 5, "{}", v["retry.backoff"].1);
    assert_eq!(v["retry.limit"].2["attempts"], 5, "RetryMax 4: {}", v["retry.limit"].1);
    assert!(v["auth.refresh"].1.contains("before it expired"), "{}", v["auth.refresh"].1);
    assert_eq!(out.status.code(), Some(1));
}

/// Issue 13, item 1: a service that gives up after go-retryablehttp's stock 1, 2, 4, 8 s and
/// idles until its next cycle passes `retry.limit` at the default timeout (it needs 16 s of
/// quiet, twice its longest gap), the run ending once the quiet has been seen.
#[test]
fn a_service_idling_after_go_retryablehttp_retries_passes_retry_limit_at_the_default_timeout() {
    let Some(bin) =
        go_peer("a_service_idling_after_go_retryablehttp_retries_passes_retry_limit_at_the_default_timeout")
    else {
        return;
    };
    let started = std::time::Instant::now();
    let out = support::command()
        .args(["check", "api", "--json", "--only", "retry.limit", "--exec", &sh(&bin, "-service")])
        .output()
        .expect("run certcockpit");
    let v = verdicts(&out);
    let (verdict, summary, figures) = &v["retry.limit"];
    assert_eq!(verdict, "pass", "{summary}");
    assert!(summary.contains("then stayed quiet for"), "{summary}");
    assert_eq!(figures["attempts"], 5, "{summary}");
    assert!(started.elapsed().as_secs() < 45, "ended at the quiet: {:?}", started.elapsed());
}
