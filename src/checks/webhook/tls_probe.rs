//! The I/O half of `webhook.transport`: one TCP connection to the listener's host and one TLS
//! handshake, bounded by the deadline, that records what was negotiated and what the presented
//! certificate is, whether or not it verifies. Nothing is sent over the connection: it is
//! closed as soon as the handshake ends.
//!
//! To learn the version and cipher suite of a listener whose certificate does not verify, the
//! verifier here records the standard verifier's verdict (webpki against [`trust::roots`]) and
//! lets the handshake finish; the signatures of the handshake are still checked. The direct
//! connection goes around any HTTP proxy of the environment (the delivery itself uses it).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::Url;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::client::WebPkiServerVerifier;
use tokio_rustls::rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use tokio_rustls::rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use tokio_rustls::rustls::{
    self, AlertDescription, CertificateError, ClientConfig, DigitallySignedStruct, PeerIncompatible,
    SignatureScheme,
};

use super::transport::{CertFacts, CertProblem, Handshake, TlsFacts, TransportFacts, Verification};
use super::trust::{self, TrustedCa};

/// Probes `url`: for `https://` one handshake (see the module doc), for `http://` nothing
/// but the facts of the URL itself.
pub async fn probe(url: &Url, ca: Option<&TrustedCa>, deadline: Duration) -> TransportFacts {
    let observed_at = chrono::Utc::now().timestamp();
    let loopback = super::send::is_loopback(url);
    let tls = if url.scheme() == "https" { Some(handshake(url, ca, deadline).await) } else { None };
    TransportFacts { url: crate::checks::masked_url(url.as_str()), loopback, observed_at, tls }
}

async fn handshake(url: &Url, ca: Option<&TrustedCa>, deadline: Duration) -> TlsFacts {
    let extra_ca = ca.map(|c| c.path.display().to_string());
    let facts = |handshake, recorder: Option<&Recorder>| {
        let (certificate, verification) = recorder.map_or((None, Verification::NotReached), Recorder::take);
        TlsFacts { handshake, certificate, verification, extra_ca: extra_ca.clone() }
    };
    let port = url.port_or_known_default().unwrap_or(443);
    let Some(host) = url.host_str().map(|h| h.trim_start_matches('[').trim_end_matches(']').to_owned())
    else {
        return facts(Handshake::Unreachable { reason: "the URL has no host".into() }, None);
    };
    let (addr, name) = match host.parse::<std::net::IpAddr>() {
        Ok(ip) => (ip.to_string(), Ok(ServerName::from(ip))),
        Err(_) => (host.clone(), ServerName::try_from(host)),
    };
    let Ok(name) = name else {
        return facts(Handshake::Failed { reason: format!("'{addr}' is not a name TLS can verify") }, None);
    };
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let recorder = Arc::new(Recorder::new(ca, provider.clone()));
    let config =
        match ClientConfig::builder_with_provider(provider).with_protocol_versions(rustls::ALL_VERSIONS) {
            Ok(b) => b.dangerous().with_custom_certificate_verifier(recorder.clone()).with_no_client_auth(),
            Err(e) => return facts(Handshake::Failed { reason: format!("cannot set up TLS: {e}") }, None),
        };
    let start = Instant::now();
    let tcp = match tokio::time::timeout(deadline, TcpStream::connect((addr.as_str(), port))).await {
        Err(_) => return facts(Handshake::TimedOut, None),
        Ok(Err(e)) => {
            return facts(Handshake::Unreachable { reason: format!("could not connect: {e}") }, None);
        }
        Ok(Ok(tcp)) => tcp,
    };
    let remaining = deadline.saturating_sub(start.elapsed());
    let connector = TlsConnector::from(Arc::new(config));
    match tokio::time::timeout(remaining, connector.connect(name, tcp)).await {
        Err(_) => facts(Handshake::TimedOut, Some(&recorder)),
        Ok(Err(e)) => facts(failure(&e), Some(&recorder)),
        Ok(Ok(mut stream)) => {
            let conn = stream.get_ref().1;
            let version = conn.protocol_version().map_or_else(|| "unknown".into(), |v| format!("{v:?}"));
            let cipher_suite = conn
                .negotiated_cipher_suite()
                .map_or_else(|| "unknown".into(), |s| format!("{:?}", s.suite()));
            let done = facts(Handshake::Completed { version, cipher_suite }, Some(&recorder));
            let _ = tokio::time::timeout(Duration::from_millis(200), {
                use tokio::io::AsyncWriteExt;
                stream.shutdown()
            })
            .await;
            done
        }
    }
}

/// A failed handshake, told apart: a listener that offers only TLS older than 1.2 (it answered
/// with an older version, or refused ours with a `protocol_version` alert) or anything else.
fn failure(e: &std::io::Error) -> Handshake {
    let Some(tls) = e.get_ref().and_then(|inner| inner.downcast_ref::<rustls::Error>()) else {
        return Handshake::Failed { reason: e.to_string() };
    };
    match tls {
        rustls::Error::PeerIncompatible(
            PeerIncompatible::ServerDoesNotSupportTls12Or13
            | PeerIncompatible::ServerTlsVersionIsDisabledByOurConfig,
        )
        | rustls::Error::AlertReceived(AlertDescription::ProtocolVersion) => {
            Handshake::OldProtocol { reason: tls.to_string() }
        }
        other => Handshake::Failed { reason: other.to_string() },
    }
}

/// Records the presented chain and the standard verifier's verdict on it, and lets the
/// handshake go on so its version and suite are known (see the module doc).
#[derive(Debug)]
struct Recorder {
    verifier: Result<Arc<WebPkiServerVerifier>, String>,
    provider: Arc<CryptoProvider>,
    seen: Mutex<Option<(CertFacts, Verification)>>,
}

impl Recorder {
    fn new(ca: Option<&TrustedCa>, provider: Arc<CryptoProvider>) -> Self {
        let verifier =
            WebPkiServerVerifier::builder_with_provider(Arc::new(trust::roots(ca)), provider.clone())
                .build()
                .map_err(|e| format!("no trusted roots to verify against ({e}); give the CA with --ca FILE"));
        Self { verifier, provider, seen: Mutex::new(None) }
    }

    fn take(&self) -> (Option<CertFacts>, Verification) {
        match self.seen.lock().map(|mut s| s.take()) {
            Ok(Some((cert, v))) => (Some(cert), v),
            _ => (None, Verification::NotReached),
        }
    }
}

fn problem_of(e: &rustls::Error) -> CertProblem {
    use CertificateError as C;
    match e {
        rustls::Error::InvalidCertificate(c) => match c {
            C::Expired | C::ExpiredContext { .. } => CertProblem::Expired,
            C::NotValidYet | C::NotValidYetContext { .. } => CertProblem::NotYetValid,
            C::UnknownIssuer => CertProblem::UntrustedIssuer,
            C::NotValidForName | C::NotValidForNameContext { .. } => CertProblem::WrongName,
            _ => CertProblem::Other,
        },
        _ => CertProblem::Other,
    }
}

/// The leaf's subject, issuer and validity (x509-parser); a certificate it cannot parse is
/// described as such rather than dropped.
fn describe(leaf: &CertificateDer<'_>, chain_len: usize) -> CertFacts {
    match x509_parser::parse_x509_certificate(leaf.as_ref()) {
        Ok((_, cert)) => CertFacts {
            subject: cert.subject().to_string(),
            issuer: cert.issuer().to_string(),
            not_before: cert.validity().not_before.timestamp(),
            not_after: cert.validity().not_after.timestamp(),
            chain_len,
        },
        Err(e) => CertFacts {
            subject: format!("(unparsable certificate: {e})"),
            issuer: String::new(),
            not_before: 0,
            not_after: 0,
            chain_len,
        },
    }
}

impl ServerCertVerifier for Recorder {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verification = match &self.verifier {
            Ok(v) => match v.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now) {
                Ok(_) => Verification::Verified,
                Err(e) => Verification::Failed { problem: problem_of(&e), reason: e.to_string() },
            },
            Err(why) => Verification::Failed { problem: CertProblem::UntrustedIssuer, reason: why.clone() },
        };
        if let Ok(mut seen) = self.seen.lock() {
            *seen = Some((describe(end_entity, 1 + intermediates.len()), verification));
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}
