//! The accept loop. axum's own `serve` sets no header-read timeout, so this one serves each
//! connection with hyper's HTTP/1 builder directly: headers must arrive within a few seconds
//! and fit in a bounded buffer, and the number of open connections is capped, so a slow or
//! malformed client cannot exhaust the server.

use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;

use super::middleware::journal_and_trace;
use super::{ServerState, router};

/// Request headers must be complete within this.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(5);
/// Request line and headers beyond this are refused with 431.
const MAX_HEADER_BYTES: usize = 32 * 1024;
/// Read buffer cap (hyper's minimum is 8 KiB).
const MAX_BUF_BYTES: usize = 64 * 1024;
/// Connections beyond this are closed on accept.
const MAX_CONNECTIONS: usize = 256;

/// Serves `router` on `listener` until `shutdown` turns true. Connection tasks live in a
/// `JoinSet`, so they end with the loop.
pub(crate) async fn serve(
    listener: TcpListener,
    state: Arc<ServerState>,
    mut shutdown: watch::Receiver<bool>,
) {
    let router = router(state.clone());
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    // Out of file descriptors or a reset during accept: pause, keep serving.
                    Err(_) => {
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        continue;
                    }
                };
                let Ok(permit) = slots.clone().try_acquire_owned() else {
                    drop(stream);
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let (state, router) = (state.clone(), router.clone());
                let service = service_fn(move |req| journal_and_trace(&state, &router, req));
                conns.spawn(async move {
                    let _permit = permit;
                    let mut builder = http1::Builder::new();
                    // A client may shut down its sending side once its request is out
                    // (`shutdown(SHUT_WR)`); it still gets its answer.
                    builder
                        .half_close(true)
                        .timer(TokioTimer::new())
                        .header_read_timeout(HEADER_READ_TIMEOUT)
                        .max_header_size(MAX_HEADER_BYTES)
                        .max_buf_size(MAX_BUF_BYTES);
                    // A connection error (reset, malformed request) only ends that connection.
                    let _ = builder.serve_connection(TokioIo::new(stream), service).await;
                });
            }
            changed = shutdown.changed() => {
                if changed.is_err() || *shutdown.borrow() {
                    break;
                }
            }
        }
        while conns.try_join_next().is_some() {}
    }
    conns.abort_all();
}
