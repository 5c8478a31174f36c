//! `certcockpit check` as a CI gate, from real runs on loopback: the exit codes (an
//! unreachable listener 3, `--exec false` 4, a failing client 1, a bad flag 2, Ctrl-C 130),
//! JUnit validated against the Jenkins xUnit schema with `xmllint --schema` (Debian's
//! libxml2-utils, which `scripts/test` installs; without it the schema test says so and
//! skips), the baseline cases, the HAR file (HAR 1.2, every entry tagged with its check, no
//! secret of the session in it), `check --dossier` from the settings alone, and colour.
//!
//! Peers: tests/peers/webhook_listener.py (the `standardwebhooks` package; `accept-all` mode
//! accepts every delivery, so it passes webhook.delivery and fails webhook.signature),
//! naive_client.py (plain requests: no X-Client-Name, one token per run) and leaky_client.py
//! (spills every secret it holds, and writes them to LEAK_FILE so the test knows them).

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

use crate::support::{self, Listening};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn listener(mode: &str) -> Listening {
    let mut cmd = support::python_peer("webhook_listener.py");
    cmd.arg(mode).env("PEER_SECRET", SECRET);
    support::listening(cmd, "is standardwebhooks installed? scripts/test installs it")
}

fn run(args: &[&str]) -> Output {
    support::command()
        .args(args)
        .env("HOOK_SECRET", SECRET)
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("CERTCOCKPIT_TRUST_DOSSIER")
        .output()
        .expect("run certcockpit")
}

fn show(out: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        support::text(&out.stdout),
        support::text(&out.stderr)
    )
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", show(out)))
}

/// A webhook run against `url` of `only` (comma separated), plus `extra` flags.
fn hook(url: &str, only: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "check",
        "webhook",
        "--url",
        url,
        "--secret-env",
        "HOOK_SECRET",
        "--deadline",
        "2",
        "--only",
        only,
    ];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn exit_codes_from_real_runs() {
    // 3: nothing listens there (the environment, not the partner).
    let url = format!("http://127.0.0.1:{}/hook", support::free_loopback_port());
    let out = hook(&url, "webhook.delivery,webhook.signature", &[]);
    assert_eq!(out.status.code(), Some(3), "{}", show(&out));
    assert!(support::text(&out.stderr).contains("exit 3, the environment failed"), "{}", show(&out));

    // 4: a client that exits at once gives nothing to judge, and says why.
    let out = run(&["check", "api", "--exec", "false", "--only", "auth.token_reuse,headers.client_name"]);
    assert_eq!(out.status.code(), Some(4), "{}", show(&out));
    let err = support::text(&out.stderr);
    assert!(err.contains("nothing could be judged") && err.contains("exited with status 1"), "{err}");

    // 1: a real client that fails a check.
    let naive = support::python_peer_sh("naive_client.py");
    let out = run(&["check", "api", "--exec", &naive, "--only", "headers.client_name"]);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));

    // 2: a flag that does not exist, an id that does not, a missing client command.
    assert_eq!(run(&["check", "api", "--exec", "true", "--no-such-flag"]).status.code(), Some(2));
    assert_eq!(run(&["check", "api", "--exec", "true", "--only", "webhook.nope"]).status.code(), Some(2));
    assert_eq!(run(&["check", "api"]).status.code(), Some(2));
    assert_eq!(run(&["check"]).status.code(), Some(2));

    // 0: a listener that passes what was asked.
    let good = listener("standard-webhooks");
    let out = hook(&good.url, "webhook.delivery,webhook.signature", &[]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
}

#[test]
fn ctrl_c_exits_130_with_the_checks_finished_so_far() {
    let child = support::command()
        .args(["check", "api", "--exec", "exec sleep 30", "--only", "auth.token_reuse"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let pid = libc::pid_t::try_from(child.id()).expect("pid");
    // SAFETY: kill only sends SIGINT to the child this test spawned.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(130), "{}", show(&out));
    assert!(support::text(&out.stderr).contains("interrupted"), "{}", show(&out));
}

/// A webhook-only run stops on SIGTERM (a CI job's timeout) as it does on Ctrl-C: exit 130,
/// saying so, rather than dying by the default action with nothing printed. The listener
/// accepts the connection and never answers, so the run is mid-delivery when the signal comes.
#[test]
fn sigterm_stops_a_webhook_run_like_ctrl_c() {
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/hook", silent.local_addr().expect("addr"));
    let child = support::command()
        .args(["check", "webhook", "--url", &url, "--secret-env", "HOOK_SECRET"])
        .args(["--deadline", "20", "--only", "webhook.delivery"])
        .env("HOOK_SECRET", SECRET)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    // Wait until the delivery is in flight (the connection arrives), bounded.
    silent.set_nonblocking(true).expect("nonblocking");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    let _held = loop {
        match silent.accept() {
            Ok((conn, _)) => break conn,
            Err(_) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(50))
            }
            Err(e) => panic!("no delivery arrived within 15 s: {e}"),
        }
    };
    let pid = libc::pid_t::try_from(child.id()).expect("pid");
    // SAFETY: kill only sends SIGTERM to the child this test spawned.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(130), "{}", show(&out));
    assert!(support::text(&out.stderr).contains("interrupted by SIGTERM"), "{}", show(&out));
}

fn xmllint() -> Option<()> {
    let ok = Command::new("xmllint").arg("--version").output().is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!(
            "SKIPPED: xmllint is not installed, so the JUnit file is not validated against the Jenkins schema; install Debian's libxml2-utils (scripts/test does, as root)"
        );
    }
    ok.then_some(())
}

/// A dossier whose settings configure both families, for `check --dossier`.
fn dossier_with_settings(dir: &Path, hook_url: &str, exec: &str) -> String {
    let path = dir.join("review.toml");
    let exec = toml::Value::String(exec.to_owned());
    std::fs::write(
        &path,
        format!(
            "[dossier]\nquestionnaire = \"uniwise-wiseflow\"\n\n[settings.webhook]\nurl = \"{hook_url}\"\nsecret_env = \"HOOK_SECRET\"\ndeadline_secs = 2.0\n\n[settings.api]\nexec = {exec}\n"
        ),
    )
    .expect("write dossier");
    path.to_string_lossy().into_owned()
}

/// A dossier from someone else names a webhook URL (where the secret would go) and a client
/// command: `check --dossier` runs neither without --trust-dossier, says which setting and
/// why, and exits 2; the collector receives nothing and the command leaves no trace. Given
/// on the command line (or trusted), the same settings run.
#[test]
fn a_dossier_from_someone_else_neither_gets_the_secret_nor_runs_its_command() {
    let dir = tempfile::tempdir().expect("tempdir");
    let collector = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    collector.set_nonblocking(true).expect("nonblocking");
    let url = format!("http://127.0.0.1:{}/steal", collector.local_addr().expect("addr").port());
    let pwned = dir.path().join("PWNED");
    let d = dossier_with_settings(dir.path(), &url, &format!("touch {}", pwned.display()));

    let out = run(&["check", "--dossier", &d]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    let err = support::text(&out.stderr);
    assert!(err.contains("[settings.webhook] url") && err.contains("--trust-dossier"), "{err}");
    assert!(collector.accept().is_err(), "the dossier's target was contacted");

    let out = run(&["check", "--dossier", &d, "--only", "auth.token_reuse"]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(support::text(&out.stderr).contains("[settings.api] exec"), "{}", show(&out));
    assert!(!pwned.exists(), "the dossier's command ran");

    // The user's own choice on the command line is used.
    let out = run(&["check", "--dossier", &d, "--only", "auth.token_reuse", "--exec", "true"]);
    assert_ne!(out.status.code(), Some(2), "{}", show(&out));
    assert!(!pwned.exists(), "the dossier's command ran instead of --exec");
    let out = run(&["check", "--dossier", &d, "--only", "auth.token_reuse", "--trust-dossier"]);
    assert_ne!(out.status.code(), Some(2), "{}", show(&out));
    assert!(pwned.exists(), "--trust-dossier runs the dossier's own command");
}

#[test]
fn junit_of_a_pass_a_fail_an_inconclusive_and_an_environment_error_validates() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Nothing listens at the webhook URL: webhook.delivery is the environment's error.
    let url = format!("http://127.0.0.1:{}/hook", support::free_loopback_port());
    let d = dossier_with_settings(dir.path(), &url, &support::python_peer_sh("naive_client.py"));
    let junit = dir.path().join("junit.xml");
    let out = run(&[
        "check",
        "--dossier",
        &d,
        "--trust-dossier",
        "--only",
        "webhook.delivery,auth.token_reuse,headers.client_name",
        "--junit",
        junit.to_str().expect("utf-8"),
        "--json",
    ]);
    // A failure is definite, so it wins over the environment's error.
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    let v = json(&out);
    let verdicts: Vec<(String, String)> = v["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .map(|c| (c["id"].as_str().unwrap_or("").to_owned(), c["verdict"].as_str().unwrap_or("").to_owned()))
        .collect();
    let has = |id: &str, verdict: &str| verdicts.iter().any(|(i, v)| i == id && v == verdict);
    assert!(has("webhook.delivery", "inconclusive"), "{verdicts:?}");
    assert!(has("headers.client_name", "fail"), "{verdicts:?}");
    assert!(has("auth.token_reuse", "inconclusive"), "{verdicts:?}");
    assert!(has("api.endpoints", "pass"), "{verdicts:?}");
    assert_eq!(v["schema_version"], 2);
    assert!(v["environment"][0].as_str().is_some_and(|e| e.starts_with("webhook.delivery: ")), "{v}");
    for c in v["checks"].as_array().expect("checks") {
        assert!(c["family"].is_string() && c["duration_ms"].is_u64() && c["requirement"].is_string(), "{c}");
    }

    let xml = std::fs::read_to_string(&junit).expect("junit written");
    assert_eq!(xml.matches("<testcase ").count(), verdicts.len(), "one testcase per check: {xml}");
    assert!(xml.contains("<error message=\"the listener could not be reached"), "{xml}");
    assert!(xml.contains("<failure message=\"no X-Client-Name"), "{xml}");
    assert!(xml.contains("<skipped message=\"inconclusive: "), "{xml}");
    assert!(xml.contains("classname=\"api\" name=\"headers.client_name\""), "{xml}");
    assert!(!xml.contains(SECRET) && !xml.contains("HOOK_SECRET"), "no secret, not even its name");
    if xmllint().is_some() {
        let schema = support::repo().join("tests/schemas/jenkins-junit-10.xsd");
        let lint = Command::new("xmllint")
            .arg("--noout")
            .arg("--schema")
            .arg(&schema)
            .arg(&junit)
            .output()
            .expect("xmllint");
        assert!(lint.status.success(), "xmllint: {}\n{xml}", support::text(&lint.stderr));
    }
}

#[test]
fn baseline_known_new_stale_expired_and_unknown() {
    // accept-all passes webhook.delivery and fails webhook.signature (it accepts forgeries).
    let p = listener("accept-all");
    let dir = tempfile::tempdir().expect("tempdir");
    let base = dir.path().join("baseline.toml");
    let b = base.to_str().expect("utf-8").to_owned();
    let with = |entries: &str| {
        std::fs::write(&base, entries).expect("write baseline");
        hook(&p.url, "webhook.delivery,webhook.signature", &["--baseline", &b])
    };
    let sig = "[[expected]]\ncheck = \"webhook.signature\"\nreason = \"verification lands next sprint\"\n";

    let known = with(sig);
    assert_eq!(known.status.code(), Some(0), "known failure: {}", show(&known));
    assert!(support::text(&known.stdout).contains("known failure"), "{}", show(&known));

    let new = with("[[expected]]\ncheck = \"webhook.replay\"\nreason = \"not run here\"\n");
    assert_eq!(new.status.code(), Some(1), "new failure: {}", show(&new));

    let stale = with(&format!("{sig}\n[[expected]]\ncheck = \"webhook.delivery\"\nreason = \"was down\"\n"));
    assert_eq!(stale.status.code(), Some(1), "stale entry: {}", show(&stale));
    assert!(support::text(&stale.stderr).contains("stale baseline"), "{}", show(&stale));

    let expired = with(&format!("{sig}until = \"2020-01-31\"\n"));
    assert_eq!(expired.status.code(), Some(1), "expired entry: {}", show(&expired));
    assert!(support::text(&expired.stderr).contains("expired"), "{}", show(&expired));

    let unknown = with("[[expected]]\ncheck = \"webhook.nope\"\nreason = \"x\"\n");
    assert_eq!(unknown.status.code(), Some(2), "unknown id: {}", show(&unknown));
    let err = support::text(&unknown.stderr);
    assert!(err.contains("baseline.toml:2:") && err.contains("webhook.nope"), "{err}");

    // --update-baseline writes the current failures; the next run knows them.
    std::fs::remove_file(&base).expect("rm");
    let update = hook(&p.url, "webhook.delivery,webhook.signature", &["--baseline", &b, "--update-baseline"]);
    assert_eq!(update.status.code(), Some(0), "{}", show(&update));
    let written = std::fs::read_to_string(&base).expect("written");
    assert!(
        written.contains("check = \"webhook.signature\"") && !written.contains("webhook.delivery"),
        "{written}"
    );
    assert_eq!(
        hook(&p.url, "webhook.delivery,webhook.signature", &["--baseline", &b]).status.code(),
        Some(0)
    );
}

fn har_entries(path: &Path) -> (String, Vec<Value>) {
    let text = std::fs::read_to_string(path).expect("har written");
    let v: Value = serde_json::from_str(&text).expect("HAR is JSON");
    assert_eq!(v["log"]["version"], "1.2");
    assert_eq!(v["log"]["creator"]["name"], "certcockpit");
    assert!(v["log"]["creator"]["version"].is_string());
    let entries = v["log"]["entries"].as_array().expect("entries").clone();
    for e in &entries {
        assert!(
            e["startedDateTime"].as_str().is_some_and(|t| chrono::DateTime::parse_from_rfc3339(t).is_ok()),
            "{e}"
        );
        assert!(e["time"].is_number(), "{e}");
        for k in ["method", "url", "httpVersion"] {
            assert!(e["request"][k].is_string(), "request.{k}: {e}");
        }
        for k in ["cookies", "headers", "queryString"] {
            assert!(e["request"][k].is_array(), "request.{k}: {e}");
        }
        assert!(e["response"]["status"].is_u64() && e["response"]["content"]["mimeType"].is_string(), "{e}");
        for k in ["send", "wait", "receive"] {
            assert!(e["timings"][k].is_number(), "timings.{k}: {e}");
        }
        assert!(e["_scenario"].is_string(), "{e}");
    }
    (text, entries)
}

#[test]
fn har_holds_every_request_tagged_with_its_check_and_no_secret() {
    let dir = tempfile::tempdir().expect("tempdir");

    // The evidence API, with a client that puts every secret it has on the wire.
    let leak = dir.path().join("leaked.txt");
    let exec = format!("LEAK_FILE={} {}", leak.display(), support::python_peer_sh("leaky_client.py"));
    let har = dir.path().join("api.har");
    let only = "auth.refresh,headers.client_name";
    let out = run(&[
        "check",
        "api",
        "--exec",
        &exec,
        "--timeout",
        "10",
        "--only",
        only,
        "--har",
        har.to_str().expect("utf-8"),
    ]);
    assert!(matches!(out.status.code(), Some(0 | 1 | 4)), "{}", show(&out));
    let (text, entries) = har_entries(&har);
    assert!(!entries.is_empty(), "{text}");
    for e in &entries {
        let check = e["_check"].as_str().unwrap_or_default();
        assert!(only.split(',').any(|c| c == check), "entry without its check: {e}");
    }
    assert!(entries.iter().any(|e| e["request"]["url"].as_str().is_some_and(|u| u.contains("/items"))));
    let leaked = std::fs::read_to_string(&leak).expect("the leaky client wrote what it held");
    let mut secrets = 0;
    for line in leaked.lines() {
        let Some((_, value)) = line.split_once(' ') else { continue };
        if value.len() >= 8 {
            secrets += 1;
            assert!(!text.contains(value), "a secret of the session is in the HAR: {line}");
        }
    }
    assert!(secrets > 0, "the client leaked nothing to look for: {leaked}");

    // Webhook deliveries: signatures and the static secret header are redacted.
    let p = {
        let mut cmd = support::python_peer("webhook_listener.py");
        cmd.args(["static-header", "--header", "X-OkHi-Token"]).env("PEER_SECRET", SECRET);
        support::listening(cmd, "scripts/test installs the peers' packages")
    };
    let har = dir.path().join("hook.har");
    let out = run(&[
        "check",
        "webhook",
        "--url",
        &p.url,
        "--scheme",
        "static-header",
        "--header",
        "X-OkHi-Token",
        "--secret-env",
        "HOOK_SECRET",
        "--deadline",
        "2",
        "--only",
        "webhook.delivery,webhook.signature",
        "--har",
        har.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let (text, entries) = har_entries(&har);
    assert!(entries.len() >= 4, "{text}");
    assert!(
        entries.iter().all(|e| e["_check"] == "webhook.delivery" || e["_check"] == "webhook.signature"),
        "{text}"
    );
    assert!(entries.iter().any(|e| e["_scenario"] == "forged"), "{text}");
    assert!(!text.contains(SECRET), "the webhook secret is in the HAR");
    assert!(!text.contains(&SECRET[..SECRET.len() - 1]), "the near-miss secret is in the HAR");
}

/// A listener URL carrying its shared secret in the query (`?token=`) is filed masked in the
/// HAR (url and queryString) and the JUnit properties, and the delivery still reaches it.
#[test]
fn a_token_in_the_listener_url_reaches_neither_har_nor_junit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = listener("standard-webhooks");
    let token = "PartnerQueryToken4711";
    let url = format!("{}?token={token}&tenant=acme", p.url);
    let (har, junit) = (dir.path().join("hook.har"), dir.path().join("junit.xml"));
    let out = hook(
        &url,
        "webhook.delivery",
        &["--har", har.to_str().expect("utf-8"), "--junit", junit.to_str().expect("utf-8")],
    );
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let (text, entries) = har_entries(&har);
    assert!(!entries.is_empty(), "{text}");
    assert!(!text.contains(token), "the listener's token is in the HAR: {text}");
    let url = entries[0]["request"]["url"].as_str().unwrap_or_default();
    assert!(url.ends_with("/hook?token=***&tenant=acme"), "{url}");
    let xml = std::fs::read_to_string(&junit).expect("junit written");
    assert!(!xml.contains(token), "the listener's token is in the JUnit file: {xml}");
    assert!(xml.contains("token=***"), "{xml}");
}

#[test]
fn colour_follows_no_color_and_color_always() {
    let p = listener("standard-webhooks");
    let args =
        ["check", "webhook", "--url", &p.url, "--secret-env", "HOOK_SECRET", "--only", "webhook.delivery"];
    let plain = support::command()
        .args(args)
        .env("HOOK_SECRET", SECRET)
        .env("NO_COLOR", "1")
        .env("FORCE_COLOR", "1")
        .output()
        .expect("run");
    assert_eq!(plain.status.code(), Some(0), "{}", show(&plain));
    assert!(
        !plain.stdout.contains(&0x1b) && !plain.stderr.contains(&0x1b),
        "NO_COLOR output has an escape: {}",
        show(&plain)
    );
    let always = support::command()
        .args(args)
        .args(["--color", "always"])
        .env("HOOK_SECRET", SECRET)
        .env("NO_COLOR", "1")
        .output()
        .expect("run");
    assert!(
        support::text(&always.stdout).contains("\x1b[32m✔"),
        "--color always into a pipe: {}",
        show(&always)
    );
    // A pipe without either: no colour.
    let piped = support::command()
        .args(args)
        .env("HOOK_SECRET", SECRET)
        .env_remove("NO_COLOR")
        .env_remove("FORCE_COLOR")
        .output()
        .expect("run");
    assert!(!piped.stdout.contains(&0x1b), "{}", show(&piped));
}

#[test]
fn list_and_github_step_summary() {
    let out = run(&["check", "--list"]);
    assert_eq!(out.status.code(), Some(0));
    let list = support::text(&out.stdout);
    assert!(
        list.lines()
            .any(|l| l.starts_with("webhook.signature") && l.contains("webhook") && l.contains("rejected")),
        "{list}"
    );
    assert!(list.lines().any(|l| l.starts_with("retry.backoff") && l.contains(" api ")), "{list}");

    let dir = tempfile::tempdir().expect("tempdir");
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "earlier step\n").expect("write");
    let p = listener("accept-all");
    let out = support::command()
        .args([
            "check",
            "webhook",
            "--url",
            &p.url,
            "--secret-env",
            "HOOK_SECRET",
            "--only",
            "webhook.delivery,webhook.signature",
        ])
        .env("HOOK_SECRET", SECRET)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    let md = std::fs::read_to_string(&summary).expect("summary");
    assert!(md.starts_with("earlier step\n"), "appended, not overwritten: {md}");
    assert!(md.contains("| ✘ | `webhook.signature` | fail |") && md.contains("#### Remediation"), "{md}");
    assert!(md.contains("The webhook listener must reject"), "{md}");
}
