//! The accept loop. axum's own `serve` sets no header-read timeout, so this one serves each
//! connection with hyper's HTTP/1 builder directly: headers must arrive within a few seconds
//! and fit in a bounded buffer, and the number of open connections is capped, so a slow or
//! malformed client cannot exhaust the server. At the cap, a new connection displaces the
//! oldest idle one rather than being dropped (see [`super::slots`]), so silent connections
//! cannot starve a client that sends requests. Over TLS the handshake has a deadline of its
//! own, under the same connection cap, before the same HTTP/1 limits apply.

use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;

use super::ServerState;
use super::forwarding::connection_scope;
use super::middleware::journal_and_trace;
use super::slots::{Admission, Slot, Slots};
use crate::checks::api::journal::ConnectionEvent;

/// Request headers must be complete within this.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(5);
/// Request line and headers beyond this are refused with 431.
const MAX_HEADER_BYTES: usize = 32 * 1024;
/// Read buffer cap (hyper's minimum is 8 KiB).
const MAX_BUF_BYTES: usize = 64 * 1024;
/// A TLS handshake must be complete within this (a client that connects and sends nothing
/// holds a slot no longer than one that stalls its headers).
const HANDSHAKE_TIMEOUT: Duration = HEADER_READ_TIMEOUT;

/// Serves the evidence API on `listener` (over TLS with `tls`) until `shutdown` turns true.
/// Connection tasks live in a `JoinSet`, so they end with the loop.
pub(crate) async fn serve(
    listener: TcpListener,
    state: Arc<ServerState>,
    tls: Option<TlsAcceptor>,
    mut shutdown: watch::Receiver<bool>,
) {
    let slots = Arc::new(Slots::default());
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
                let guard = match slots.admit() {
                    Admission::Admitted { guard, displaced } => {
                        if displaced {
                            state.journal.note_connection(ConnectionEvent::Displaced);
                        }
                        guard
                    }
                    Admission::Refused => {
                        state.journal.note_connection(ConnectionEvent::Refused);
                        drop(stream);
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let (state, tls) = (state.clone(), tls.clone());
                conns.spawn(async move {
                    let slot = guard.slot.clone();
                    let serve = async {
                        match tls {
                            None => serve_connection(stream, state, slot.clone()).await,
                            Some(tls) => {
                                // A failed or stalled handshake only ends that connection.
                                let accepted =
                                    tokio::time::timeout(HANDSHAKE_TIMEOUT, tls.accept(stream)).await;
                                if let Ok(Ok(stream)) = accepted {
                                    serve_connection(stream, state, slot.clone()).await;
                                }
                            }
                        }
                    };
                    // Displaced: the connection is dropped (closed) where it stands.
                    tokio::select! {
                        _ = serve => {}
                        _ = guard.slot.displaced() => {}
                    }
                    drop(guard);
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

/// Serves HTTP/1 on one connection, plain or TLS, with the header limits above.
async fn serve_connection<IO>(io: IO, state: Arc<ServerState>, slot: Arc<Slot>)
where
    IO: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = service_fn(move |req| {
        // Busy from complete headers until the response is ready: not displaceable then.
        slot.busy();
        let response = journal_and_trace(&state, req);
        let slot = slot.clone();
        async move {
            let response = response.await;
            slot.idle();
            response
        }
    });
    let mut builder = http1::Builder::new();
    // A client may shut down its sending side once its request is out (`shutdown(SHUT_WR)`);
    // it still gets its answer.
    builder
        .half_close(true)
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .max_header_size(MAX_HEADER_BYTES)
        .max_buf_size(MAX_BUF_BYTES);
    // A connection error (reset, malformed request) only ends that connection. In proxy mode
    // its upstream connection lives (and closes) with it.
    let _ = connection_scope(builder.serve_connection(TokioIo::new(io), service)).await;
}
