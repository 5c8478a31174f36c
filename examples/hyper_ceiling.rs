//! The ceiling for the evidence API load test (`scripts/bench.sh`): the least a Rust HTTP/1
//! server on this machine can do per request. Plain hyper 1 on tokio, one task per connection
//! like the evidence API's accept loop, answering every request with a fixed JSON body of the
//! same shape and size as the evidence API's first `GET /items` page (five items and a `next`
//! link) — no routing, no token check, no journal, no trace id.
//!
//! Binds `127.0.0.1:0` (or the address given as the first argument), prints `BASE_URL=…` on
//! stdout and serves until interrupted. On tokio's default multi-threaded runtime, as hyper's
//! own examples do; with `current_thread` as the second argument on a single thread, like the
//! evidence API (which runs on a thread of its own), so both ceilings can be shown.

use std::convert::Infallible;
use std::io::Write;

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

fn main() -> color_eyre::Result<()> {
    color_eyre::install()?;
    let listen = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:0".to_owned());
    let runtime = match std::env::args().nth(2).as_deref() {
        Some("current_thread") => tokio::runtime::Builder::new_current_thread().enable_all().build()?,
        _ => tokio::runtime::Builder::new_multi_thread().enable_all().build()?,
    };
    runtime.block_on(serve(&listen))
}

async fn serve(listen: &str) -> color_eyre::Result<()> {
    let listener = TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    let items: Vec<String> =
        (1..=5).map(|n| format!(r#"{{"id":"item-{n:04}","name":"Sample item {n}"}}"#)).collect();
    let body =
        Bytes::from(format!(r#"{{"data":[{}],"next":"http://{addr}/items?page=2"}}"#, items.join(",")));
    let mut out = std::io::stdout().lock();
    writeln!(out, "BASE_URL=http://{addr}")?;
    out.flush()?;
    drop(out);

    let serve = async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { continue };
            let _ = stream.set_nodelay(true);
            let body = body.clone();
            tokio::spawn(async move {
                let service = service_fn(move |_req: Request<hyper::body::Incoming>| {
                    let mut resp = Response::new(Full::new(body.clone()));
                    resp.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                    async move { Ok::<_, Infallible>(resp) }
                });
                let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
            });
        }
    };
    tokio::select! {
        () = serve => {}
        r = tokio::signal::ctrl_c() => r?,
    }
    Ok(())
}
