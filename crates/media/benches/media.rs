//! Switchboard's media endpoint (and its conference mixer and music player) under load, for bench/media/run.sh: N sessions at once, fed by a
//! generator thread sending one G.711 frame every 20 ms to every session, as phones do. Modes:
//! `voicemail` (each deposit plays a greeting for the first half of the run, then records the
//! second half), `conference` (rooms of ten participants, each mixed for the nine others) and
//! `music` (queue callers hearing music on hold, from the one player all of them share). Prints the endpoint's CPU per stream and the
//! share of frames that reached the generator late (more than 20 ms after the frame before it
//! from the same session).
//! Usage: media --bench N SECONDS [voicemail|conference|music]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a benchmark fails loudly
#![allow(
    clippy::too_many_lines,
    clippy::cognitive_complexity,
    reason = "a benchmark sets up, runs and reports in one place"
)]

use sb_media::endpoint::{self as media, Io, Limits};
use sb_media::relay::Ports;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr, UdpSocket};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// CPU seconds (user + system) from a /proc stat line.
fn cpu_secs(stat: &str) -> f64 {
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = f[11].parse::<f64>().unwrap() + f[12].parse::<f64>().unwrap();
    ticks / 100.0
}

/// CPU time the hypervisor gave to others while this machine's vCPUs wanted it (the `steal`
/// column of /proc/stat), in seconds summed over all CPUs: a noisy neighbour makes frames late
/// that no code of ours delayed, so the bench reports it next to the late frames.
fn steal_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    stat.lines()
        .next()
        .and_then(|l| l.split_whitespace().nth(8))
        .and_then(|v| v.parse::<f64>().ok())
        .map_or(0.0, |t| t / 100.0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // `cargo test --all-targets` runs benches without --bench: nothing to do then.
    if !args.iter().any(|a| a == "--bench") {
        return;
    }
    let rest: Vec<&String> = args.iter().skip(1).filter(|a| *a != "--bench").collect();
    let n: usize = rest.first().map_or(100, |s| s.parse().unwrap());
    let secs: u64 = rest.get(1).map_or(20, |s| s.parse().unwrap());
    let mode = rest.get(2).map_or("voicemail", |s| s.as_str()).to_owned();
    let rooms = Arc::new(sb_media::mixer::Rooms::<String>::default());
    let hold = Arc::new(sb_media::hold::Hold::default());
    let music: Arc<[i16]> = media::hold_music().into();
    let ip: IpAddr = "127.0.0.1".parse().unwrap();
    // The generator: a few sockets, as several phones behind one address would be.
    let gens: Vec<UdpSocket> = (0..4).map(|_| UdpSocket::bind((ip, 0)).unwrap()).collect();
    for g in &gens {
        g.set_nonblocking(true).unwrap();
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let ports = Ports::new(ip, (40000, 49999), sb_media::reach::MediaReach::default());
    let greeting: Arc<[i16]> = media::beep()
        .into_iter()
        .cycle()
        .take(8 * 500 * usize::try_from(secs).unwrap())
        .collect::<Vec<_>>()
        .into();
    let mut targets = Vec::with_capacity(n);
    let mut stops = Vec::with_capacity(n);
    let mut done = Vec::with_capacity(n);
    let _guard = rt.enter();
    for i in 0..n {
        let (sock, port) = ports.media_socket().expect("free media ports");
        let at = SocketAddr::new(ip, port.port);
        let g = &gens[i % gens.len()];
        let (stop, stopped) = tokio::sync::oneshot::channel();
        let io = Io::new(
            sock,
            sb_media::latch::Latch::exact(g.local_addr().unwrap()),
            sb_media::codec::Codec::Pcmu,
            stopped,
        );
        let greeting = greeting.clone();
        let limits = Limits {
            max: Duration::from_secs(secs * 2),
            silence: Duration::from_secs(secs * 2),
        };
        let (mode, rooms, music, hold) = (mode.clone(), rooms.clone(), music.clone(), hold.clone());
        done.push(rt.spawn(async move {
            let mut io = io;
            let recorded = match mode.as_str() {
                "conference" => {
                    let room = format!("room{}", i / 10);
                    let _ = rooms.join(&room).talk(&mut io).await;
                    0
                }
                "music" => {
                    let _ = hold
                        .play_until(&mut io, &music, std::future::pending::<()>())
                        .await;
                    0
                }
                _ => sb_media::dialogue::deposit(
                    &mut io,
                    sb_media::dialogue::Greeting::Own(greeting),
                    limits,
                )
                .await
                .samples
                .len(),
            };
            drop(port);
            recorded
        }));
        targets.push((at, i % gens.len()));
        stops.push(stop);
    }
    let cpu0 = cpu_secs(&std::fs::read_to_string("/proc/self/stat").unwrap());
    let steal0 = steal_secs();
    let started = Instant::now();
    // The generator runs on this thread; its own CPU is subtracted from the process's.
    let gen_cpu0 = cpu_secs(&std::fs::read_to_string("/proc/thread-self/stat").unwrap());
    let frame = [0xFFu8; 160];
    let mut seq = 0u16;
    let mut ts = 0u32;
    let mut packet = vec![0u8; 172];
    let mut last: HashMap<SocketAddr, Instant> = HashMap::new();
    let (mut received, mut late) = (0u64, 0u64);
    let mut buf = [0u8; 2048];
    let mut next = Instant::now();
    let end = started + Duration::from_secs(secs);
    while Instant::now() < end {
        for (k, (to, g)) in targets.iter().enumerate() {
            let h = sb_media::codec::RtpHeader {
                marker: false,
                payload_type: 0,
                seq,
                timestamp: ts,
                ssrc: u32::try_from(k).unwrap(),
            };
            let mut head = [0u8; 12];
            h.write(&mut head);
            packet[..12].copy_from_slice(&head);
            packet[12..].copy_from_slice(&frame);
            let _ = gens[*g].send_to(&packet, to);
        }
        seq = seq.wrapping_add(1);
        ts = ts.wrapping_add(160);
        next += Duration::from_millis(20);
        // Drain what the sessions sent until the next tick.
        while Instant::now() < next {
            let mut any = false;
            for g in &gens {
                while let Ok((_, from)) = g.recv_from(&mut buf) {
                    any = true;
                    let now = Instant::now();
                    received += 1;
                    if let Some(prev) = last.insert(from, now)
                        && now.duration_since(prev) > Duration::from_millis(40)
                    {
                        late += 1;
                    }
                }
            }
            if !any {
                std::thread::sleep(Duration::from_micros(500));
            }
        }
    }
    let gen_cpu = cpu_secs(&std::fs::read_to_string("/proc/thread-self/stat").unwrap()) - gen_cpu0;
    let cpu = cpu_secs(&std::fs::read_to_string("/proc/self/stat").unwrap()) - cpu0 - gen_cpu;
    let wall = started.elapsed().as_secs_f64();
    let cores = std::thread::available_parallelism().map_or(1.0, |n| n.get() as f64);
    let steal = (steal_secs() - steal0) / (wall * cores) * 100.0;
    for s in stops {
        let _ = s.send(());
    }
    let recorded: usize = rt.block_on(async {
        let mut total = 0;
        for d in done {
            total += d.await.unwrap();
        }
        total
    });
    // Frames the endpoint handled: the half it played (sent) and every one it received.
    let frames = received as f64 + (n as f64 * wall * 50.0);
    println!(
        "mode {mode} streams {n} seconds {wall:.1} endpoint_cpu_pct {:.1} us_per_frame {:.2} frames_out {received} late_pct {:.3} recorded_s {:.0} steal_pct {steal:.1}",
        cpu / wall * 100.0,
        cpu * 1e6 / frames,
        if received > 0 {
            late as f64 * 100.0 / received as f64
        } else {
            100.0
        },
        recorded as f64 / 8000.0,
    );
}
