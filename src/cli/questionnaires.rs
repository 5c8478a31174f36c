//! `certcockpit questionnaires` and `certcockpit validate FILE`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::questionnaire::{BUILTIN, builtin, parse_file};

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The questionnaire TOML file to check.
    pub file: PathBuf,
}

pub fn list() -> color_eyre::Result<ExitCode> {
    println!("{:<22} {:>9}  {:<10} title", "name", "questions", "version");
    for b in BUILTIN {
        match builtin(b.name) {
            Some(Ok(q)) => {
                println!("{:<22} {:>9}  {:<10} {}", b.name, q.question_count(), q.version, q.title)
            }
            Some(Err(e)) => println!("{:<22} invalid: {e}", b.name),
            None => {}
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn validate(args: &ValidateArgs) -> color_eyre::Result<ExitCode> {
    match parse_file(&args.file) {
        Ok(q) => {
            println!(
                "{}: ok — {} sections, {} questions ({} v{})",
                crate::text::short(&args.file.display().to_string()),
                q.sections.len(),
                q.question_count(),
                crate::text::short(&q.id),
                crate::text::short(&q.version)
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("{}", crate::text::neutralise_lines(&e.to_string(), 8_000));
            Ok(ExitCode::FAILURE)
        }
    }
}
