//! `certcockpit init DOSSIER [--questionnaire NAME|PATH]`: a new dossier to fill in by hand.

use std::fs::OpenOptions;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::dossier::{save_atomic, template};
use crate::questionnaire::{self, BUILTIN};

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The dossier file to create; an existing file is never overwritten.
    pub dossier: PathBuf,
    /// Built-in questionnaire name (see `certcockpit questionnaires`) or path to a questionnaire
    /// TOML; the default is the first built-in.
    #[arg(long, short)]
    pub questionnaire: Option<String>,
}

pub fn run(args: &InitArgs) -> color_eyre::Result<ExitCode> {
    let name = args.questionnaire.as_deref().unwrap_or(BUILTIN[0].name);
    let q = questionnaire::load(name)?;
    let text = template(&q, chrono::Utc::now());
    let path = &args.dossier;
    // Claim the name first: `create_new` fails if the file exists, with no window in which
    // another process's file could be replaced. The content then goes in atomically.
    match OpenOptions::new().write(true).create_new(true).open(path) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            eprintln!(
                "certcockpit: {} already exists; not overwriting it. Open it with `certcockpit review {}` or choose another name.",
                path.display(),
                path.display()
            );
            return Ok(ExitCode::FAILURE);
        }
        Err(e) => color_eyre::eyre::bail!("cannot create {}: {e}", path.display()),
    }
    if let Err(e) = save_atomic(path, text.as_bytes()) {
        let _ = std::fs::remove_file(path);
        color_eyre::eyre::bail!("cannot write {}: {e}", path.display());
    }
    println!(
        "{}: new dossier for {} ({} v{}), {} questions to answer. Edit it by hand, or open it with `certcockpit review {}`.",
        path.display(),
        q.title,
        q.id,
        q.version,
        q.question_count(),
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}
