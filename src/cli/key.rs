//! `certcockpit key init [--force]` and `certcockpit key show`: the reviewer's Ed25519 key
//! (`crate::signing::key`), with which evidence filed afterwards is signed.

use std::process::ExitCode;

use clap::{Args, Subcommand};

use crate::signing::key;

#[derive(Debug, Args)]
pub struct KeyArgs {
    #[command(subcommand)]
    pub command: KeyCommand,
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Make the reviewer's key in the config folder (private key 0600); evidence filed from
    /// now on is signed with it.
    Init {
        /// Replace an existing key (records signed with it then verify only with its old
        /// public key).
        #[arg(long)]
        force: bool,
    },
    /// Print the reviewer's public key (PEM) and its fingerprint, to hand to whoever verifies.
    Show,
}

pub fn run(args: &KeyArgs) -> color_eyre::Result<ExitCode> {
    let dir = key::default_dir()?;
    let reviewer = match args.command {
        KeyCommand::Init { force } => {
            let r = key::init(&dir, force)?;
            eprintln!(
                "reviewer key written: {} (private, 0600) and {} (public)",
                r.private_path.display(),
                r.public_path.display()
            );
            r
        }
        KeyCommand::Show => key::load(&dir)?.ok_or(key::KeyError::Missing(dir))?,
    };
    print!("{}", reviewer.public.pem());
    println!("fingerprint {}", reviewer.public.fingerprint);
    Ok(ExitCode::SUCCESS)
}

/// For the commands that file evidence: installs the reviewer key when there is one, so what
/// they file is signed. A key that is there but cannot be used is an error (evidence would
/// otherwise go unsigned without anyone noticing); no config folder at all means no key.
pub fn install_signer() -> color_eyre::Result<()> {
    let Ok(dir) = key::default_dir() else { return Ok(()) };
    if let Some(r) = key::load(&dir)? {
        crate::signing::install(r.signing);
    }
    Ok(())
}
