//! `certcockpit report DOSSIER [--format md|html] [--output FILE]`: the readable report.
//! Each record is verified first (its judge run again on the observations in the sidecar), and
//! the report shows the result.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use color_eyre::eyre::WrapErr;

use crate::dossier::save_atomic;
use crate::report;

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
}

pub fn run(args: &ReportArgs) -> color_eyre::Result<ExitCode> {
    let (q, d) = report::load(&args.dossier, args.questionnaire.as_deref())?;
    let r = report::verified(&args.dossier, &q, &d);
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
