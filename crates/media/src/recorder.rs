//! Call recording: the relay copies each packet of a recorded call into a bounded queue (see
//! [`crate::relay::Relay::tap`]); a blocking task here decodes both sides and mixes them into one
//! 8 kHz track, each packet placed by its RTP timestamp from where its side's first packet
//! arrived. The packet path itself only copies bytes.

use crate::codec::{Codec, RtpHeader};
use crate::relay::{Relay, Side, Tapped};
use std::sync::mpsc::{Receiver, sync_channel};
use tokio::time::Instant;

/// The longest recording kept (an hour of 8 kHz audio, 57.6 MB while the call lasts).
const MAX_SAMPLES: usize = 8000 * 3600;
/// Packets the relay may queue ahead of the recorder (about 2.5 s of a call's two sides).
const QUEUE: usize = 256;

/// Starts recording the call on `relay`; the task ends with the mixed audio when the relay
/// stops (the call ended).
pub fn start(relay: &Relay) -> tokio::task::JoinHandle<Vec<i16>> {
    let (tx, rx) = sync_channel(QUEUE);
    relay.tap(tx);
    tokio::task::spawn_blocking(move || mix(rx, Instant::now()))
}

/// Where one side's stream sits in the recording: its source, its first timestamp and the
/// sample that timestamp lands on.
#[derive(Clone, Copy)]
struct Base {
    ssrc: u32,
    timestamp: u32,
    at: usize,
}

fn mix(rx: Receiver<Tapped>, started: Instant) -> Vec<i16> {
    let mut out: Vec<i16> = Vec::new();
    let mut bases: [Option<Base>; 2] = [None, None];
    for p in rx {
        let Some((h, payload)) = RtpHeader::parse(&p.data[..p.len]) else {
            continue;
        };
        let codec = match h.payload_type {
            0 => Codec::Pcmu,
            8 => Codec::Pcma,
            // DTMF events, comfort noise: not audio to mix.
            _ => continue,
        };
        let side = usize::from(p.from == Side::B);
        let now = usize::try_from(started.elapsed().as_millis()).unwrap_or(usize::MAX) * 8;
        // A new source (a re-INVITE, a transfer) starts again from its arrival.
        let base = match bases[side] {
            Some(b) if b.ssrc == h.ssrc => b,
            _ => {
                let b = Base {
                    ssrc: h.ssrc,
                    timestamp: h.timestamp,
                    at: now,
                };
                bases[side] = Some(b);
                b
            }
        };
        let delta = h.timestamp.wrapping_sub(base.timestamp);
        if delta > u32::MAX / 2 {
            // Older than the stream's first packet.
            continue;
        }
        let at = base.at.saturating_add(delta as usize);
        let end = at.saturating_add(payload.len());
        if end > MAX_SAMPLES {
            continue;
        }
        if out.len() < end {
            out.resize(end, 0);
        }
        for (slot, b) in out[at..end].iter_mut().zip(payload) {
            *slot = slot.saturating_add(codec.decode(*b));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packet(from: Side, pt: u8, ssrc: u32, ts: u32, byte: u8) -> Tapped {
        let mut data = [0u8; crate::relay::TAP_BYTES];
        let h = RtpHeader {
            marker: false,
            payload_type: pt,
            seq: 1,
            timestamp: ts,
            ssrc,
        };
        let mut head = [0u8; 12];
        h.write(&mut head);
        data[..12].copy_from_slice(&head);
        data[12..172].fill(byte);
        Tapped {
            from,
            len: 172,
            data,
        }
    }

    #[test]
    fn both_sides_are_mixed_by_timestamp_and_dtmf_and_stale_packets_are_left_out() {
        let (tx, rx) = sync_channel(16);
        let loud = Codec::Pcmu.encode(1000);
        let soft = Codec::Pcmu.encode(200);
        tx.send(packet(Side::A, 0, 7, 1000, loud)).unwrap();
        tx.send(packet(Side::A, 0, 7, 1160, loud)).unwrap();
        // Older than A's first packet: nowhere to put it.
        tx.send(packet(Side::A, 0, 7, 840, soft)).unwrap();
        tx.send(packet(Side::B, 0, 9, 50, soft)).unwrap();
        tx.send(packet(Side::B, 101, 9, 50, 0xff)).unwrap();
        drop(tx);
        let out = mix(rx, Instant::now());
        let (one, other) = (Codec::Pcmu.decode(loud), Codec::Pcmu.decode(soft));
        assert!(out.len() >= 320, "{}", out.len());
        assert_eq!(out[100], one + other, "both sides at once");
        assert_eq!(out[250], one, "A's second packet, after its first");
    }
}
