//! `certcockpit report DOSSIER [--format md|html] [--output FILE] [--key PUBLIC]…`: the
//! readable report. Each record is verified first (its judge run again on the observations in
//! the sidecar; with `--key`, its signature checked as `verify --key` does), and the report
//! shows the result.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use color_eyre::eyre::WrapErr;

use crate::dossier::save_atomic;
use crate::report;
use crate::signing::PublicKey;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// Markdown (the remediation list pastes straight into an email).
    #[default]
    Md,
    /// One self-contained HTML file (no scripts, no external links), printable to PDF.
    Html,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The dossier to report on (read only; never modified).
    pub dossier: PathBuf,
    #[arg(long, short, value_enum, default_value = "md")]
    pub format: Format,
    /// Write the report to this file (atomically) instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Built-in questionnaire name or path to a questionnaire TOML; by default the built-in
    /// questionnaire the dossier names.
    #[arg(long, short)]
    pub questionnaire: Option<String>,
    /// A reviewer's public key to check the records' signatures with, as for `verify --key`
    /// (a PEM file or the key's text); may be given more than once. Without it signatures are
    /// not checked.
    #[arg(long = "key", value_name = "PUBLIC")]
    pub keys: Vec<String>,
}

pub fn run(args: &ReportArgs) -> color_eyre::Result<ExitCode> {
    let keys = args.keys.iter().map(|k| PublicKey::from_arg(k)).collect::<Result<Vec<_>, _>>()?;
    let keys = (!args.keys.is_empty()).then_some(keys.as_slice());
    let (q, d) = report::load(&args.dossier, args.questionnaire.as_deref())?;
    let r = report::verified_signed(&args.dossier, &q, &d, keys);
    let text = match args.format {
        Format::Md => report::markdown::render(&r),
        Format::Html => report::html::render(&r),
    };
    match &args.output {
        None => print!("{text}"),
        Some(path) => {
            save_atomic(path, text.as_bytes())
                .wrap_err_with(|| format!("cannot write the report to {}", path.display()))?;
            eprintln!("report written to {} ({})", path.display(), r.readiness.headline());
        }
    }
    Ok(ExitCode::SUCCESS)
}
