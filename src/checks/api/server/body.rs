//! Why a request body could not be read, told apart: only a body past the limit is "too
//! large" (413); one that broke off or was malformed (a bad chunk size, the client gone
//! mid-body) is the client's malformed request (400), said as such. Answering 413 to every
//! read error told a client whose body broke off to send less, which is not what went wrong.

use axum::http::StatusCode;
use http_body_util::LengthLimitError;

/// The status and the description for a body that `axum::body::to_bytes` could not read.
pub fn read_error(e: &axum::Error, too_large: &'static str) -> (StatusCode, String) {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        if c.is::<LengthLimitError>() {
            return (StatusCode::PAYLOAD_TOO_LARGE, too_large.to_owned());
        }
        cause = c.source();
    }
    (
        StatusCode::BAD_REQUEST,
        format!("the request body could not be read: {}", crate::text::short(&chain(e))),
    )
}

/// An error and its causes on one line.
fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cause = c.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use axum::body::{Body, Bytes};

    use super::*;

    /// Real bodies through `to_bytes`: one past the limit, one whose stream fails midway.
    #[tokio::test]
    async fn too_large_and_broken_off_are_told_apart() {
        let big = Body::from(vec![b'a'; 100]);
        let e = axum::body::to_bytes(big, 10).await.expect_err("over the limit");
        assert_eq!(read_error(&e, "too large").0, StatusCode::PAYLOAD_TOO_LARGE);

        let parts: Vec<Result<Bytes, std::io::Error>> = vec![
            Ok(Bytes::from_static(b"grant_type=")),
            Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "connection closed mid-body")),
        ];
        let broken = Body::from_stream(futures_util::stream::iter(parts));
        let e = axum::body::to_bytes(broken, 1024).await.expect_err("broken off");
        let (status, why) = read_error(&e, "too large");
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(why.contains("connection closed mid-body"), "{why}");
    }
}
