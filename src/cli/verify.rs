//! `certcockpit verify DOSSIER`: every evidence record's judge run again on its kept
//! observations (`dossier::verify`); exit 0 when every record verifies, 1 otherwise.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::Exit;
use crate::dossier::{self, verify};
use crate::text;

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The dossier to verify (read only; its sidecar `NAME.evidence/` beside it).
    pub dossier: PathBuf,
}

pub fn run(args: &VerifyArgs) -> color_eyre::Result<ExitCode> {
    let d = dossier::load(&args.dossier)?;
    let states = verify::verify(&args.dossier, &d);
    let mut unverified = 0;
    for checked in &states {
        let e = &d.evidence[checked.index];
        let mark = if checked.is_verified() { "✔" } else { "✘" };
        if !checked.is_verified() {
            unverified += 1;
        }
        println!(
            "{mark} #{} {} at {}: {}",
            checked.index + 1,
            text::short(&e.check),
            text::short(&e.at),
            text::line(&checked.state.describe())
        );
    }
    println!(
        "{} of {} records verified{}",
        states.len() - unverified,
        states.len(),
        if unverified > 0 { format!(", {unverified} not") } else { String::new() }
    );
    Ok(if unverified == 0 { Exit::Pass.into() } else { Exit::Fail.into() })
}
