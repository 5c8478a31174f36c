//! Issue 11, item 9: silent connections must not starve a well-behaved client. An attacker
//! holds N connections that never send a byte (and, in the sustained case, keeps opening more
//! throughout); meanwhile a well-behaved client makes 80 requests, each on a new connection.
//! The figure is how many of the 80 were served. Before slots displaced idle connections, 256
//! silent ones held every slot and a sustained attacker let 4 of 80 through in 20 s.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use certcockpit::checks::api::EvidenceApi;

use crate::support;

const PROBES: usize = 80;

/// One request on a fresh connection; whether a response came back.
fn probe(addr: SocketAddr) -> bool {
    let Ok(mut s) = TcpStream::connect_timeout(&addr, Duration::from_secs(2)) else { return false };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    let request = format!("GET /items HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    if s.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 12];
    s.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/1.1 ")
}

/// Opens `n` connections that send nothing.
fn silent(addr: SocketAddr, n: usize) -> Vec<TcpStream> {
    (0..n).filter_map(|_| TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()).collect()
}

/// Probes served of `PROBES`, 25 ms apart, while `held` silent connections are open and, when
/// `sustained`, an attacker opens another every 5 ms (keeping its newest 512).
fn served_while_held(addr: SocketAddr, held: usize, sustained: bool) -> usize {
    let _held = silent(addr, held);
    let stop = Arc::new(AtomicBool::new(false));
    let attacker = sustained.then(|| {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut open = std::collections::VecDeque::new();
            while !stop.load(Ordering::Relaxed) {
                if let Ok(s) = TcpStream::connect_timeout(&addr, Duration::from_secs(1)) {
                    open.push_back(s);
                }
                if open.len() > 512 {
                    open.pop_front();
                }
                std::thread::sleep(Duration::from_millis(5));
            }
        })
    });
    // Let the server accept the held connections first.
    std::thread::sleep(Duration::from_millis(300));
    let mut served = 0;
    for _ in 0..PROBES {
        served += usize::from(probe(addr));
        std::thread::sleep(Duration::from_millis(25));
    }
    stop.store(true, Ordering::Relaxed);
    if let Some(a) = attacker {
        let _ = a.join();
    }
    served
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[expect(clippy::await_holding_lock, reason = "held for the whole test; no other task here takes it")]
async fn silent_connections_do_not_starve_a_well_behaved_client() {
    let _alone = support::serial();
    let api = EvidenceApi::start("127.0.0.1:0").await.expect("start");
    api.arm("polling.rate").expect("arm");
    let addr = api.local_addr();
    let mut figures = Vec::new();
    for (held, sustained) in [(256, false), (1024, false), (256, true)] {
        let served = tokio::task::spawn_blocking(move || served_while_held(addr, held, sustained))
            .await
            .expect("join");
        eprintln!(
            "well-behaved requests served while {held} idle connections are held{}: {served} of {PROBES}",
            if sustained { ", the attacker opening one more every 5 ms" } else { "" }
        );
        figures.push((held, sustained, served));
    }
    let conns = api.connections();
    eprintln!("journal: {conns:?}");
    for (held, sustained, served) in figures {
        assert!(
            served >= PROBES - 2,
            "{served} of {PROBES} served with {held} held (sustained: {sustained})"
        );
    }
    assert!(conns.window_displaced > 0, "displacements are journaled: {conns:?}");
    let result = api.finish().expect("finish");
    assert!(
        result.observations.iter().any(|o| o.contains("idle connections were closed to serve new ones")),
        "{:?}",
        result.observations
    );
}
