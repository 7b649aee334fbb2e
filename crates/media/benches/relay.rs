//! The RTP relay under load, for bench/media-relay/run.sh: starts N calls' relays exactly as the
//! SIP engine does (two sockets each from the port pool, peers set from the SDP), writes the
//! port map the anchor's generator (rtpgen -m) reads, prints its PID and relays until killed.
//! Usage: relay --bench N MAPFILE A_BASE B_BASE SOCKETS
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a benchmark fails loudly

use sb_media::relay::{Ports, Relay, Side};
use std::io::Write;
use std::net::{IpAddr, SocketAddr};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // `cargo test --all-targets` runs benches without --bench: nothing to do then.
    if !args.iter().any(|a| a == "--bench") {
        return;
    }
    let rest: Vec<&String> = args.iter().skip(1).filter(|a| *a != "--bench").collect();
    let n: usize = rest.first().map_or(100, |s| s.parse().unwrap());
    let map = rest
        .get(1)
        .map_or("/tmp/relay-map.txt".to_owned(), |s| (*s).clone());
    let a_base: u16 = rest.get(2).map_or(20000, |s| s.parse().unwrap());
    let b_base: u16 = rest.get(3).map_or(21000, |s| s.parse().unwrap());
    let sockets: usize = rest.get(4).map_or(4, |s| s.parse().unwrap());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        // The generator is on loopback: trusted, as the e2e kit trusts it.
        let trusted = vec!["127.0.0.0/8".parse().unwrap()];
        let reach = sb_media::reach::MediaReach::new(trusted, [ip]);
        let ports = Ports::new(ip, (30000, 39999), reach);
        let mut relays = Vec::with_capacity(n);
        let mut out = std::fs::File::create(&map).unwrap();
        for i in 0..n {
            let r = Relay::start(&ports).await.expect("free relay ports");
            let k = u16::try_from(i % sockets).unwrap();
            r.set_peer(Side::A, SocketAddr::new(ip, a_base + k), None);
            r.set_peer(Side::B, SocketAddr::new(ip, b_base + k), None);
            // The generator's A sends to the A-facing port, B to the B-facing one.
            writeln!(out, "{i} {} {}", r.a_addr.port(), r.b_addr.port()).unwrap();
            relays.push(r);
        }
        out.flush().unwrap();
        println!("{}", std::process::id());
        std::future::pending::<()>().await;
    });
}
