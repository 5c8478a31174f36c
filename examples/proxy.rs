//! The evidence API in proxy mode on its own, for the proxy benchmark (`scripts/bench.sh
//! proxy`): stands in front of the upstream URL given as the first argument (no profile, so
//! pagination is followed from upstream's own responses), binds `127.0.0.1:0` (or the address
//! given as the second argument), prints `BASE_URL=…` on stdout and serves until
//! interrupted. Nothing is armed: every request is forwarded and journaled, as in normal
//! traffic between a watch's faults.

use std::io::Write;

use certcockpit::checks::api::EvidenceApi;
use color_eyre::eyre::eyre;

#[tokio::main]
async fn main() -> color_eyre::Result<()> {
    color_eyre::install()?;
    let upstream = std::env::args().nth(1).ok_or_else(|| eyre!("usage: proxy UPSTREAM_URL [LISTEN]"))?;
    let listen = std::env::args().nth(2).unwrap_or_else(|| "127.0.0.1:0".to_owned());
    let api = EvidenceApi::start_proxy(&listen, &upstream, None).await?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "BASE_URL={}", api.base_url())?;
    out.flush()?;
    drop(out);
    tokio::signal::ctrl_c().await?;
    api.shutdown().await;
    Ok(())
}
