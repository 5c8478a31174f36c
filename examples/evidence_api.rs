//! Starts the evidence API on its own so a load tool in another process can call it
//! (`scripts/bench.sh`): binds `127.0.0.1:0` (or the address given as the first argument),
//! fetches one access token through the token endpoint like a partner's client would, prints
//! `BASE_URL=…` and `TOKEN=…` on stdout, then serves until interrupted.
//!
//! The token is printed on purpose: it belongs to a throwaway API on loopback that lives only
//! as long as this process, and the load tool needs it for `Authorization: Bearer …`. The
//! client secret is never printed.

use std::io::Write;

use certcockpit::checks::api::EvidenceApi;
use color_eyre::eyre::{WrapErr, eyre};

#[tokio::main]
async fn main() -> color_eyre::Result<()> {
    color_eyre::install()?;
    let listen = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:0".to_owned());
    let api = EvidenceApi::start(&listen).await?;
    if let Some(w) = api.exposure_warning() {
        eprintln!("{w}");
    }
    let (id, secret) = api.credentials();
    let form = [("grant_type", "client_credentials"), ("client_id", id), ("client_secret", secret.expose())];
    // Loopback: no proxy from the environment may stand in between.
    let http = reqwest::Client::builder().no_proxy().build()?;
    let resp = http.post(api.token_url()).form(&form).send().await.wrap_err("token request")?;
    if !resp.status().is_success() {
        return Err(eyre!("the token endpoint answered {}", resp.status()));
    }
    let body: serde_json::Value = resp.json().await.wrap_err("token response")?;
    let token = body["access_token"].as_str().ok_or_else(|| eyre!("no access_token in {body}"))?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "BASE_URL={}", api.base_url())?;
    writeln!(out, "TOKEN={token}")?;
    out.flush()?;
    drop(out);
    tokio::signal::ctrl_c().await?;
    api.shutdown().await;
    Ok(())
}
