//! Records the commit the binary is built from (`CERTCOCKPIT_COMMIT`, read by
//! `dossier::provenance`), unless the builder set it. Outside a git checkout it stays unset and
//! records say "commit unknown".

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

fn main() {
    println!("cargo:rerun-if-env-changed=CERTCOCKPIT_COMMIT");
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var_os("CERTCOCKPIT_COMMIT").is_some() {
        return;
    }
    // Built again when HEAD moves: HEAD itself and the branch it names.
    for path in [
        git(&["rev-parse", "--git-path", "HEAD"]),
        git(&["symbolic-ref", "-q", "HEAD"]).and_then(|r| git(&["rev-parse", "--git-path", &r])),
    ]
    .into_iter()
    .flatten()
    {
        println!("cargo:rerun-if-changed={path}");
    }
    if let Some(commit) = git(&["rev-parse", "--short=12", "HEAD"]) {
        println!("cargo:rustc-env=CERTCOCKPIT_COMMIT={commit}");
    }
}
