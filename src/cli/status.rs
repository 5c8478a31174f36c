//! `certcockpit status [DIR…] [--json | --format table|json|html] [--sort …] [--output FILE]`:
//! the portfolio, every dossier under the folders (`crate::portfolio`). Read only: no dossier
//! is written or locked; only `--output` writes, atomically.
//!
//! Exit 0 whatever the dossiers say, a broken one included (it is listed with its error: the
//! listing worked); 2 for a folder that is not there (an input error, `exit.rs`).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use color_eyre::eyre::WrapErr;

use crate::dossier::save_atomic;
use crate::portfolio::{self, SortBy};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// A table that fits 80 columns.
    #[default]
    Table,
    /// JSON with stable field names (README, "The portfolio").
    Json,
    /// One self-contained HTML page with sortable columns, printable.
    Html,
}

#[derive(Debug, Args)]
#[command(after_help = super::Exit::HELP)]
pub struct StatusArgs {
    /// Folders to search recursively for dossiers (`.toml` files with a `[dossier]` table), or
    /// dossier files; by default the current folder.
    #[arg(value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// How to lay the portfolio out.
    #[arg(long, short, value_enum, default_value = "table", conflicts_with = "json")]
    pub format: Format,
    /// The same as `--format json`.
    #[arg(long)]
    pub json: bool,
    /// The order of the rows (each ends by partner and integration).
    #[arg(long, value_enum, default_value = "readiness")]
    pub sort: SortBy,
    /// Write to this file (atomically) instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

pub fn run(args: &StatusArgs) -> color_eyre::Result<ExitCode> {
    let dirs = if args.dirs.is_empty() { vec![PathBuf::from(".")] } else { args.dirs.clone() };
    let mut p = portfolio::collect(&dirs)?;
    p.sort(args.sort);
    let format = if args.json { Format::Json } else { args.format };
    let text = match format {
        Format::Table => portfolio::table::render(&p),
        Format::Json => portfolio::json::render(&p).wrap_err("cannot write the portfolio as JSON")?,
        Format::Html => portfolio::html::render(&p),
    };
    match &args.output {
        None => print!("{text}"),
        Some(path) => {
            save_atomic(path, text.as_bytes())
                .wrap_err_with(|| format!("cannot write the portfolio to {}", path.display()))?;
            eprintln!("portfolio of {} dossiers written to {}", p.rows.len(), path.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
