//! `certcockpit verify DOSSIER|PACKAGE.tar.gz [--key PUBLIC]…`: every evidence record's judge
//! run again on its kept observations (`dossier::verify`), each record's signature checked
//! against the keys given, and for a certification package (`crate::package`) first every
//! file against its manifest and the manifest's signature. Exit 0 when everything verifies,
//! 1 otherwise.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use super::Exit;
use crate::dossier::{self, verify};
use crate::package::{self, FileState};
use crate::signing::PublicKey;
use crate::text;

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The dossier to verify (read only; its sidecar `NAME.evidence/` beside it), or a
    /// certification package (`.tar.gz`, from `certcockpit export`), checked offline.
    pub dossier: PathBuf,
    /// A reviewer's public key to check signatures with (a PEM file, or the key's text as
    /// `--key="$(cat key.pub.pem)"`); may be given more than once. Without it signatures are
    /// not checked.
    #[arg(long = "key", value_name = "PUBLIC")]
    pub keys: Vec<String>,
}

/// A package by its name (`.tar.gz`, `.tgz`) or by its first bytes (gzip's magic number).
fn is_package(path: &Path) -> bool {
    let name = path.to_string_lossy();
    if name.ends_with(".tar.gz") || name.ends_with(".tgz") {
        return true;
    }
    let mut magic = [0u8; 2];
    std::fs::File::open(path).and_then(|mut f| std::io::Read::read_exact(&mut f, &mut magic)).is_ok()
        && magic == [0x1f, 0x8b]
}

pub fn run(args: &VerifyArgs) -> color_eyre::Result<ExitCode> {
    let keys = args.keys.iter().map(|k| PublicKey::from_arg(k)).collect::<Result<Vec<_>, _>>()?;
    let keys = (!args.keys.is_empty()).then_some(keys.as_slice());
    let mut unverified = 0;
    let checked = if is_package(&args.dossier) {
        let p = package::verify(&args.dossier, keys)?;
        for (name, state) in &p.files {
            if *state != FileState::Matches {
                unverified += 1;
                println!("✘ file {}: {}", text::short(name), state.describe());
            }
        }
        let good = p.files.iter().filter(|(_, s)| *s == FileState::Matches).count();
        println!("{good} of {} files match the manifest", p.files.len());
        let mark = if p.signature.is_verified() { "✔" } else { "✘" };
        if !p.signature.is_verified() {
            unverified += 1;
        }
        println!("{mark} manifest: {}", text::line(&p.signature.describe()));
        records(&p.dossier, keys)?
    } else {
        records(&args.dossier, keys)?
    };
    unverified += checked;
    Ok(if unverified == 0 { Exit::Pass.into() } else { Exit::Fail.into() })
}

/// Verifies the records of the dossier at `path`, prints one line each and a total; returns
/// how many did not verify.
fn records(path: &Path, keys: Option<&[PublicKey]>) -> color_eyre::Result<usize> {
    let d = dossier::load(path)?;
    let states = verify::verify_signed(path, &d, keys);
    let mut unverified = 0;
    for checked in &states {
        let e = &d.evidence[checked.index];
        let mark = if checked.is_verified() { "✔" } else { "✘" };
        if !checked.is_verified() {
            unverified += 1;
        }
        let signature = match keys {
            Some(_) => format!("; {}", checked.signature.describe()),
            None => String::new(),
        };
        println!(
            "{mark} #{} {} at {}: {}{}",
            checked.index + 1,
            text::short(&e.check),
            text::short(&e.at),
            text::line(&checked.state.describe()),
            text::line(&signature)
        );
    }
    println!(
        "{} of {} records verified{}",
        states.len() - unverified,
        states.len(),
        if unverified > 0 { format!(", {unverified} not") } else { String::new() }
    );
    Ok(unverified)
}
