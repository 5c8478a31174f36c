//! `certcockpit export DOSSIER --output FILE.tar.gz`: the certification package (`crate::package`),
//! its manifest signed with the reviewer's key when there is one.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::package;
use crate::signing::key;
use crate::text;

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The dossier to package (read only), with its sidecar `NAME.evidence/`.
    pub dossier: PathBuf,
    /// The package to write (`.tar.gz`), replaced atomically if it exists.
    #[arg(long, short)]
    pub output: PathBuf,
}

pub fn run(args: &ExportArgs) -> color_eyre::Result<ExitCode> {
    let reviewer = match key::default_dir() {
        Ok(dir) => key::load(&dir)?,
        Err(_) => None,
    };
    let done = package::export(&args.dossier, &args.output, reviewer.as_ref().map(|r| &r.signing))?;
    for m in &done.missing {
        eprintln!("warning: a record's observations are not on disk, left out: {}", text::line(m));
    }
    eprintln!(
        "package written to {} ({} files, {})",
        args.output.display(),
        done.manifest.files.len(),
        done.signed_by.map_or_else(
            || "manifest unsigned: no reviewer key (certcockpit key init)".to_owned(),
            |f| format!("manifest signed by {f}")
        )
    );
    Ok(ExitCode::SUCCESS)
}
