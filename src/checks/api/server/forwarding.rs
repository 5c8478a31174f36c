//! The forwarding client of proxy mode. Each client connection has **one upstream connection
//! of its own**, driven inside that connection's task, as nginx keeps an upstream connection
//! per request in flight: no pool (its lock and key hashing), no task per upstream connection
//! (two hand-offs between tasks per request). HTTP/1.1 upstream (no ALPN offered, so a TLS
//! upstream speaks HTTP/1.1, as behind nginx's `proxy_http_version 1.1`), since the client side
//! is HTTP/1.1 too; TLS by rustls with the platform's trust (as reqwest's, so `SSL_CERT_FILE`
//! is honoured).
//!
//! Lifecycle. The upstream connection is opened on the client connection's first forwarded
//! request and kept in a task-local slot ([`connection_scope`]) between requests; it closes
//! with the client connection, when upstream closes it (`Connection: close`, its own idle
//! timeout), after [`IDLE`] unused, or when an exchange is cut short (a half-read HTTP/1 answer
//! cannot be reused). A kept connection that upstream closed while it was idle is noticed
//! before the next request; a request hyper could not even start writing on it (the close
//! arrived just then) goes once more on a new connection, as hyper's pooled client retries
//! such requests. So does an idempotent request (RFC 9110 §9.2.2: GET, HEAD, OPTIONS, TRACE,
//! PUT, DELETE) that was written but got no answer because upstream closed the kept connection
//! under it (its keep-alive timeout crossing the request): as nginx's `proxy_next_upstream
//! error` does, it goes once more on a new connection, since upstream may close an idle
//! connection at any moment and the client must not pay for that with a 502. A POST is not
//! sent twice: upstream may have acted on it. Outside a connection task (no scope), each exchange
//! has a connection of its own. What the proxy needs from a client is kept: no redirects followed
//! (a redirect is the client's to follow), no system proxy (loopback sandboxes stay loopback), one
//! deadline for the whole exchange (connecting included), and a cap on the body read.

use std::cell::RefCell;
use std::future::{Future, poll_fn};
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, Method, Request, StatusCode, Uri, header, uri::PathAndQuery};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::client::conn::http1;
use hyper_rustls::{HttpsConnector, MaybeHttpsStream};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioIo;
use rustls_platform_verifier::BuilderVerifierExt;
use tokio::net::TcpStream;
use tokio::time::Instant;
use tokio_rustls::rustls;
use tower_service::Service;

/// A kept upstream connection unused this long is closed rather than reused (upstream has
/// likely closed it by then; nginx's `keepalive_timeout` and hyper's pool use 60 to 90 s).
const IDLE: Duration = Duration::from_secs(90);

type Stream = MaybeHttpsStream<TokioIo<TcpStream>>;
type Connection = http1::Connection<Stream, Full<Bytes>>;

tokio::task_local! {
    /// The upstream connection of the client connection whose task this is.
    static LINK: RefCell<Option<Link>>;
}

/// Runs `serve` (one client connection) with a slot for its upstream connection: the
/// exchanges forwarded for it reuse one upstream connection, which closes with it.
pub async fn connection_scope<F: Future>(serve: F) -> F::Output {
    LINK.scope(RefCell::new(None), serve).await
}

/// What upstream answered: status, headers and the whole body.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// Why upstream gave no usable answer.
pub enum Failure {
    /// No response arrived (refused, reset, bad TLS, no answer within the deadline).
    Unreachable(String),
    /// The response began but its body broke off or was too large.
    BrokeOff(String),
}

/// The client for one upstream origin.
#[derive(Debug, Clone)]
pub struct Forwarder {
    connector: HttpsConnector<HttpConnector>,
    /// `scheme://authority`, what the connector dials (and the TLS server name).
    origin: Uri,
    /// The `Host` every forwarded request carries: upstream's authority.
    host: HeaderValue,
    timeout: Duration,
    max_body: usize,
}

/// One upstream connection: the handle requests are sent on and the connection itself, which
/// the exchange polls alongside (`None` once it has ended).
struct Link {
    send: http1::SendRequest<Full<Bytes>>,
    conn: Option<Pin<Box<Connection>>>,
    idle_since: Instant,
}

impl Forwarder {
    /// A client for `origin` (`scheme://authority`) whose exchanges (connecting, sending,
    /// reading the whole body) must end within `timeout` and whose response bodies may be at
    /// most `max_body` bytes.
    pub fn new(origin: Uri, timeout: Duration, max_body: usize) -> Result<Self, String> {
        let authority = origin.authority().ok_or_else(|| format!("{origin} names no host"))?;
        let host = HeaderValue::from_str(authority.as_str())
            .map_err(|e| format!("{origin}: its authority cannot be a Host header: {e}"))?;
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .and_then(|b| b.with_platform_verifier())
            .map_err(|e| format!("cannot set up TLS for the upstream: {e}"))?
            .with_no_client_auth();
        let mut http = HttpConnector::new();
        // The connector also carries https:// (the TLS layer wraps it).
        http.enforce_http(false);
        http.set_nodelay(true);
        http.set_connect_timeout(Some(timeout));
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        Ok(Self { connector, origin, host, timeout, max_body })
    }

    /// Sends one request for `path` (origin-form) with upstream's `Host` and reads the answer
    /// whole, on this client connection's upstream connection.
    pub async fn exchange(
        &self,
        method: Method,
        path: PathAndQuery,
        mut headers: HeaderMap,
        body: Bytes,
    ) -> Result<Answer, Failure> {
        headers.insert(header::HOST, self.host.clone());
        let deadline = Instant::now() + self.timeout;
        let secs = self.timeout.as_secs();
        let sent =
            tokio::time::timeout_at(deadline, self.send(Outgoing { method, path, headers, body })).await;
        let Ok(sent) = sent else { return Err(Failure::Unreachable(format!("no answer within {secs} s"))) };
        let (mut link, resp) = sent?;
        let (parts, body) = resp.into_parts();
        let read =
            tokio::time::timeout_at(deadline, drive(&mut link.conn, read_limited(body, self.max_body)));
        let body = match read.await {
            Ok(Ok(body)) => body,
            Ok(Err(e)) => return Err(Failure::BrokeOff(e)),
            Err(_) => return Err(Failure::BrokeOff(format!("the body was not complete within {secs} s"))),
        };
        // The upstream connection goes back to the slot only when the exchange ended cleanly
        // and upstream keeps it open.
        if link.conn.is_some() && !link.send.is_closed() {
            link.idle_since = Instant::now();
            // Outside a connection scope there is no slot, and the connection closes here.
            let _ = LINK.try_with(|slot| *slot.borrow_mut() = Some(link));
        }
        Ok(Answer { status: parts.status, headers: parts.headers, body })
    }

    /// Sends the request on this client connection's upstream connection (or a new one) and
    /// waits for the answer's head.
    async fn send(&self, out: Outgoing) -> Result<(Link, hyper::Response<Incoming>), Failure> {
        let kept = LINK.try_with(|slot| slot.borrow_mut().take()).ok().flatten();
        let (mut link, reused) = match kept.and_then(Link::usable) {
            Some(link) => (link, true),
            None => (Box::pin(self.connect()).await?, false),
        };
        // On a kept connection an idempotent request keeps a copy (its body is shared, not
        // copied), in case upstream closes the connection under it.
        let again = (reused && out.method.is_idempotent()).then(|| out.clone());
        let sent = drive(&mut link.conn, link.send.try_send_request(out.request())).await;
        let resp = match sent {
            Ok(resp) => resp,
            Err(mut e) => {
                let retry = match (e.take_message(), again) {
                    // Upstream closed the kept connection before hyper began writing the
                    // request: it has not seen it, so it goes once more on a new connection.
                    (Some(req), _) if reused => req,
                    // Written, and the connection closed or was reset before any answer: an
                    // idempotent request may go again. An answer upstream garbled is upstream's
                    // to answer for, not a race, and is not asked twice.
                    (None, Some(copy)) if closed_under(e.error()) => copy.request(),
                    _ => return Err(no_answer(e.error())),
                };
                link = Box::pin(self.connect()).await?;
                drive(&mut link.conn, link.send.send_request(retry)).await.map_err(|e| no_answer(&e))?
            }
        };
        Ok((link, resp))
    }

    /// Opens a new upstream connection (TCP, TLS when `https`, the HTTP/1.1 handshake).
    async fn connect(&self) -> Result<Link, Failure> {
        let mut connector = self.connector.clone();
        let refused = |e: Box<dyn std::error::Error + Send + Sync>| Failure::Unreachable(error_chain(&*e));
        poll_fn(|cx| connector.poll_ready(cx)).await.map_err(refused)?;
        let io = connector.call(self.origin.clone()).await.map_err(refused)?;
        let (send, conn) = http1::handshake(io).await.map_err(|e| no_answer(&e))?;
        Ok(Link { send, conn: Some(Box::pin(conn)), idle_since: Instant::now() })
    }
}

/// A request to forward, in the parts it is built from (so an idempotent one can be built
/// again for a second connection).
#[derive(Clone)]
struct Outgoing {
    method: Method,
    path: PathAndQuery,
    headers: HeaderMap,
    body: Bytes,
}

impl Outgoing {
    fn request(self) -> Request<Full<Bytes>> {
        let mut req = Request::new(Full::new(self.body));
        *req.method_mut() = self.method;
        *req.uri_mut() = Uri::from(self.path);
        *req.headers_mut() = self.headers;
        req
    }
}

/// Whether a request's failure is its connection going away under it (closed or reset before
/// an answer), rather than an answer upstream sent that hyper could not read.
fn closed_under(e: &hyper::Error) -> bool {
    !(e.is_parse() || e.is_parse_status() || e.is_parse_too_large() || e.is_user() || e.is_timeout())
}

impl Link {
    /// The kept connection if it can take the next request: not idle too long, and not closed
    /// by upstream meanwhile (polling it once reads the close, if one came).
    fn usable(mut self) -> Option<Self> {
        if self.idle_since.elapsed() >= IDLE {
            return None;
        }
        let conn = self.conn.as_mut()?;
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        if conn.as_mut().poll(&mut cx).is_ready() || self.send.is_closed() {
            return None;
        }
        Some(self)
    }
}

/// Runs `fut` (a request or its body, which the connection feeds) while polling the connection
/// that carries it, in this task. When the connection ends, the request's future resolves by
/// itself (with what arrived, or the connection's error), and `conn` becomes `None`.
async fn drive<T>(conn: &mut Option<Pin<Box<Connection>>>, fut: impl Future<Output = T>) -> T {
    let mut fut = pin!(fut);
    poll_fn(|cx| {
        if let Poll::Ready(v) = fut.as_mut().poll(cx) {
            return Poll::Ready(v);
        }
        if let Some(c) = conn.as_mut()
            && c.as_mut().poll(cx).is_ready()
        {
            *conn = None;
            return fut.as_mut().poll(cx);
        }
        Poll::Pending
    })
    .await
}

fn no_answer(e: &hyper::Error) -> Failure {
    Failure::Unreachable(error_chain(e))
}

/// Reads a response body up to `max` bytes. A body that arrives in one chunk (most do) is
/// kept as it came, not copied.
async fn read_limited(mut body: Incoming, max: usize) -> Result<Bytes, String> {
    let mut whole: Option<Bytes> = None;
    let mut joined: Vec<u8> = Vec::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| error_chain(&e))?;
        let Ok(chunk) = frame.into_data() else { continue };
        let len = whole.as_ref().map_or(joined.len(), Bytes::len) + chunk.len();
        if len > max {
            return Err(format!("more than {} MiB", max / (1024 * 1024)));
        }
        match whole.take() {
            None if joined.is_empty() => whole = Some(chunk),
            None => joined.extend_from_slice(&chunk),
            Some(first) => {
                joined.reserve(len);
                joined.extend_from_slice(&first);
                joined.extend_from_slice(&chunk);
            }
        }
    }
    Ok(whole.unwrap_or_else(|| Bytes::from(joined)))
}

/// An error and its causes on one line (hyper's top error alone often says only "client
/// error (Connect)").
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cause = c.source();
    }
    out
}
