//! The floor under the evidence API in the load benchmark (`scripts/bench.sh`): the same
//! framework and hardening with none of the work. axum routing `GET /items` to a handler that
//! returns a fixed JSON body (the same as `hyper_ceiling`), wrapped like the evidence API wraps
//! its router (a `service_fn` around `Router::call`), served by the same hyper HTTP/1 settings
//! (header-read timeout on tokio's timer) on the same single-threaded runtime of its own. (The
//! evidence API's 10 s request timeout is only on its token route, which reads a body.) What the evidence API costs beyond this is its own work: the
//! journal, token checks, trace ids, building the page.
//!
//! Binds `127.0.0.1:0` (or the address given as the first argument), prints `BASE_URL=…` on
//! stdout and serves until interrupted.

use std::io::Write;
use std::time::Duration;

use std::convert::Infallible;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, header};
use axum::response::Response;
use axum::routing::get;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tower_service::Service;

fn routed(mut router: Router, req: Request<Incoming>) -> impl Future<Output = Result<Response, Infallible>> {
    router.call(req.map(Body::new))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> color_eyre::Result<()> {
    color_eyre::install()?;
    let listen = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:0".to_owned());
    let listener = TcpListener::bind(&listen).await?;
    let addr = listener.local_addr()?;
    let items: Vec<String> =
        (1..=5).map(|n| format!(r#"{{"id":"item-{n:04}","name":"Sample item {n}"}}"#)).collect();
    let body = format!(r#"{{"data":[{}],"next":"http://{addr}/items?page=2"}}"#, items.join(","));
    let router = Router::new().route(
        "/items",
        get(move || {
            let body = body.clone();
            async move { ([(header::CONTENT_TYPE, "application/json")], body) }
        }),
    );
    let mut out = std::io::stdout().lock();
    writeln!(out, "BASE_URL=http://{addr}")?;
    out.flush()?;
    drop(out);

    let serve = async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { continue };
            let _ = stream.set_nodelay(true);
            let router = router.clone();
            let service = service_fn(move |req| routed(router.clone(), req));
            tokio::spawn(async move {
                let mut builder = http1::Builder::new();
                builder.timer(TokioTimer::new()).header_read_timeout(Duration::from_secs(5));
                let _ = builder.serve_connection(TokioIo::new(stream), service).await;
            });
        }
    };
    tokio::select! {
        () = serve => {}
        r = tokio::signal::ctrl_c() => r?,
    }
    Ok(())
}
