//! What Switchboard's own media endpoint needs to speak and hear on a call, sans-IO: G.711
//! (ITU-T G.711 µ-law and A-law, RTP payload types 0 and 8), the RTP header (RFC 3550), and
//! 16-bit mono WAV files for prompts and recordings.

/// The G.711 variant of a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    Pcmu,
    Pcma,
}

impl Codec {
    pub fn payload_type(self) -> u8 {
        match self {
            Codec::Pcmu => 0,
            Codec::Pcma => 8,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Codec::Pcmu => "PCMU",
            Codec::Pcma => "PCMA",
        }
    }

    /// The first G.711 payload type the caller's SDP offers for audio (its preference order).
    pub fn from_offer(sdp: &[u8]) -> Option<Codec> {
        let text = std::str::from_utf8(sdp).ok()?;
        let m = text
            .lines()
            .find_map(|l| l.trim_end().strip_prefix("m=audio "))?;
        m.split_whitespace().skip(2).find_map(|pt| match pt {
            "0" => Some(Codec::Pcmu),
            "8" => Some(Codec::Pcma),
            _ => None,
        })
    }

    pub fn encode(self, s: i16) -> u8 {
        match self {
            Codec::Pcmu => ulaw_encode(s),
            Codec::Pcma => alaw_encode(s),
        }
    }

    pub fn decode(self, b: u8) -> i16 {
        match self {
            Codec::Pcmu => ulaw_decode(b),
            Codec::Pcma => alaw_decode(b),
        }
    }
}

fn ulaw_encode(s: i16) -> u8 {
    const BIAS: i32 = 0x84;
    const CLIP: i32 = 32_635;
    let mut v = i32::from(s);
    let sign = if v < 0 {
        v = -v;
        0x80
    } else {
        0
    };
    v = v.min(CLIP) + BIAS;
    let exponent = (7 - (v.leading_zeros() as i32 - 17)).clamp(0, 7);
    let mantissa = (v >> (exponent + 3)) & 0x0F;
    !(sign | (exponent << 4) as u8 | mantissa as u8)
}

fn ulaw_decode(b: u8) -> i16 {
    let b = !b;
    let sign = b & 0x80;
    let exponent = i32::from((b >> 4) & 0x07);
    let mantissa = i32::from(b & 0x0F);
    let v = (((mantissa << 3) + 0x84) << exponent) - 0x84;
    (if sign != 0 { -v } else { v }) as i16
}

fn alaw_encode(s: i16) -> u8 {
    let mut v = i32::from(s) >> 3;
    let sign = if v >= 0 {
        0xD5
    } else {
        v = -v - 1;
        0x55
    };
    let v = v.min(0x0FFF);
    let exponent = if v < 0x20 {
        0
    } else {
        (32 - (v as u32).leading_zeros()) as i32 - 5
    };
    let mantissa = if exponent == 0 {
        v >> 1
    } else {
        (v >> exponent) & 0x0F
    };
    ((exponent << 4) as u8 | mantissa as u8) ^ sign
}

fn alaw_decode(b: u8) -> i16 {
    let b = b ^ 0x55;
    let sign = b & 0x80;
    let exponent = i32::from((b >> 4) & 0x07);
    let mantissa = i32::from(b & 0x0F);
    let v = if exponent == 0 {
        (mantissa << 4) + 8
    } else {
        ((mantissa << 4) + 0x108) << (exponent - 1)
    };
    (if sign != 0 { v } else { -v }) as i16
}

/// Whether a packet on an RTP port is RTCP multiplexed onto it (RFC 5761 section 4): its
/// second octet is an RTCP packet type, 192 to 223 (SR 200, RR 201, SDES 202, BYE 203, ...).
pub fn is_rtcp(p: &[u8]) -> bool {
    p.get(1).is_some_and(|b| (192..=223).contains(b))
}

/// The fixed RTP header fields Switchboard reads and writes (no CSRCs or extensions are sent;
/// received ones are skipped).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RtpHeader {
    pub marker: bool,
    pub payload_type: u8,
    pub seq: u16,
    pub timestamp: u32,
    pub ssrc: u32,
}

impl RtpHeader {
    /// The header and the payload of a packet; `None` for anything that is not RTP version 2.
    pub fn parse(p: &[u8]) -> Option<(RtpHeader, &[u8])> {
        let (h, at) = RtpHeader::parse_at(p)?;
        Some((h, &p[at]))
    }

    /// The header and where the payload lies in the packet (for a caller that keeps the
    /// packet's buffer and decodes the payload later). RTCP sent on the same port (RFC 5761)
    /// is not RTP: it is `None` too, so a report is never played or taken for a key press.
    pub fn parse_at(p: &[u8]) -> Option<(RtpHeader, std::ops::Range<usize>)> {
        if p.len() < 12 || p[0] >> 6 != 2 || is_rtcp(p) {
            return None;
        }
        let csrcs = usize::from(p[0] & 0x0F);
        let mut start = 12 + 4 * csrcs;
        if p[0] & 0x10 != 0 {
            let ext = p.get(start + 2..start + 4)?;
            start += 4 + 4 * usize::from(u16::from_be_bytes([ext[0], ext[1]]));
        }
        let mut end = p.len();
        if p[0] & 0x20 != 0 {
            end = end.checked_sub(usize::from(*p.last()?))?;
        }
        if start > end || end > p.len() {
            return None;
        }
        Some((
            RtpHeader {
                marker: p[1] & 0x80 != 0,
                payload_type: p[1] & 0x7F,
                seq: u16::from_be_bytes([p[2], p[3]]),
                timestamp: u32::from_be_bytes([p[4], p[5], p[6], p[7]]),
                ssrc: u32::from_be_bytes([p[8], p[9], p[10], p[11]]),
            },
            start..end,
        ))
    }

    /// Writes the 12-byte header into `out`.
    pub fn write(&self, out: &mut [u8; 12]) {
        out[0] = 0x80;
        out[1] = (u8::from(self.marker) << 7) | (self.payload_type & 0x7F);
        out[2..4].copy_from_slice(&self.seq.to_be_bytes());
        out[4..8].copy_from_slice(&self.timestamp.to_be_bytes());
        out[8..12].copy_from_slice(&self.ssrc.to_be_bytes());
    }
}

/// Why a WAV file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WavError {
    #[error("not a WAV file")]
    NotWav,
    #[error("only uncompressed 16-bit PCM WAV is read here")]
    Format,
    #[error("the WAV file has no audio")]
    Empty,
}

/// The key an RFC 4733 telephone-event payload names (events 0-9, `*` and `#`); other events
/// (flash, tones) and short payloads name none.
pub fn dtmf_key(payload: &[u8]) -> Option<char> {
    match *payload.first()? {
        e @ 0..=9 => Some(char::from(b'0' + e)),
        10 => Some('*'),
        11 => Some('#'),
        _ => None,
    }
}

/// A 16-bit PCM WAV file's samples (channels averaged into one) and its sample rate.
pub fn read_wav(b: &[u8]) -> Result<(Vec<i16>, u32), WavError> {
    if b.len() < 12 || &b[0..4] != b"RIFF" || &b[8..12] != b"WAVE" {
        return Err(WavError::NotWav);
    }
    let mut at = 12;
    let mut format: Option<(u16, u32, u16)> = None;
    while at + 8 <= b.len() {
        let id = &b[at..at + 4];
        let len = u32::from_le_bytes([b[at + 4], b[at + 5], b[at + 6], b[at + 7]]) as usize;
        let body = &b[at + 8..(at + 8).saturating_add(len).min(b.len())];
        if id == b"fmt " {
            if body.len() < 16 {
                return Err(WavError::NotWav);
            }
            let tag = u16::from_le_bytes([body[0], body[1]]);
            let channels = u16::from_le_bytes([body[2], body[3]]);
            let rate = u32::from_le_bytes([body[4], body[5], body[6], body[7]]);
            let bits = u16::from_le_bytes([body[14], body[15]]);
            // 1 is PCM; 0xFFFE (extensible) carries PCM too when the bits say 16.
            if !matches!(tag, 1 | 0xFFFE) || bits != 16 || channels == 0 || rate == 0 {
                return Err(WavError::Format);
            }
            format = Some((channels, rate, bits));
        } else if id == b"data" {
            let (channels, rate, _) = format.ok_or(WavError::NotWav)?;
            let frame = 2 * usize::from(channels);
            let samples: Vec<i16> = body
                .chunks_exact(frame)
                .map(|f| {
                    let sum: i32 = f
                        .chunks_exact(2)
                        .map(|s| i32::from(i16::from_le_bytes([s[0], s[1]])))
                        .sum();
                    (sum / i32::from(channels)) as i16
                })
                .collect();
            if samples.is_empty() {
                return Err(WavError::Empty);
            }
            return Ok((samples, rate));
        }
        // Chunks are padded to an even length.
        at = at.saturating_add(8 + len + len % 2);
    }
    Err(WavError::NotWav)
}

/// A 16-bit mono PCM WAV file of `samples` at `rate`.
pub fn write_wav(samples: &[i16], rate: u32) -> Vec<u8> {
    let data = u32::try_from(samples.len() * 2).unwrap_or(u32::MAX);
    let mut out = Vec::with_capacity(44 + samples.len() * 2);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&data.saturating_add(36).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&rate.to_le_bytes());
    out.extend_from_slice(&rate.saturating_mul(2).to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data.to_le_bytes());
    for s in samples {
        out.extend_from_slice(&s.to_le_bytes());
    }
    out
}

/// A frame's level in dBFS (RMS); silence is very negative.
pub fn level_dbfs(frame: &[i16]) -> f64 {
    if frame.is_empty() {
        return -120.0;
    }
    let power: f64 = frame.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / frame.len() as f64;
    10.0 * (power.max(1e-12) / f64::from(i16::MAX).powi(2)).log10()
}

/// A sine tone of `freq` Hz at 8 kHz, `ms` long, at about -12 dBFS (the beep before recording).
pub fn tone(freq: f64, ms: u32) -> Vec<i16> {
    let n = 8 * ms as usize;
    (0..n)
        .map(|i| {
            let t = i as f64 / 8000.0;
            (8000.0 * (2.0 * std::f64::consts::PI * freq * t).sin()) as i16
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn g711_round_trips_within_its_quantisation_step() {
        for codec in [Codec::Pcmu, Codec::Pcma] {
            for s in (-32_000i32..32_000).step_by(37) {
                let s = s as i16;
                let back = codec.decode(codec.encode(s));
                // G.711's steps grow with the level: about 1/16 of the value, 16 at least.
                let tolerance = (i32::from(s).abs() / 16).max(16) + 8;
                assert!(
                    (i32::from(back) - i32::from(s)).abs() <= tolerance,
                    "{codec:?} {s} came back {back}"
                );
            }
        }
        // Known code points: µ-law silence is 0xFF, A-law silence is 0xD5.
        assert_eq!(Codec::Pcmu.encode(0), 0xFF);
        assert_eq!(Codec::Pcma.encode(0), 0xD5);
    }

    #[test]
    fn the_callers_first_g711_codec_is_chosen() {
        let sdp = b"v=0\r\nm=audio 4000 RTP/AVP 9 8 0 101\r\n";
        assert_eq!(Codec::from_offer(sdp), Some(Codec::Pcma));
        assert_eq!(
            Codec::from_offer(b"m=audio 4000 RTP/AVP 0 8\r\n"),
            Some(Codec::Pcmu)
        );
        assert_eq!(Codec::from_offer(b"m=audio 4000 RTP/AVP 9 18\r\n"), None);
    }

    #[test]
    fn rtp_headers_round_trip_and_padding_and_extensions_are_skipped() {
        let h = RtpHeader {
            marker: true,
            payload_type: 8,
            seq: 65_535,
            timestamp: 123_456,
            ssrc: 0xDEAD_BEEF,
        };
        let mut head = [0u8; 12];
        h.write(&mut head);
        let mut p = head.to_vec();
        p.extend_from_slice(&[1, 2, 3]);
        assert_eq!(RtpHeader::parse(&p), Some((h, &[1u8, 2, 3][..])));
        // One extension word and two bytes of padding.
        let mut q = head.to_vec();
        q[0] |= 0x30;
        q.extend_from_slice(&[0xBE, 0xDE, 0, 1, 9, 9, 9, 9, 7, 0, 2]);
        assert_eq!(RtpHeader::parse(&q).unwrap().1, &[7u8]);
        assert!(RtpHeader::parse(&[0u8; 12]).is_none(), "version 0");
        assert!(RtpHeader::parse(&p[..5]).is_none());
    }

    #[test]
    fn rtcp_sent_on_the_rtp_port_is_never_read_as_audio_or_keys() {
        // A sender report and a BYE as a phone multiplexes them onto its RTP port.
        let sr = [
            0x80, 200, 0, 6, 0x12, 0x34, 0xab, 0xcd, 0xe1, 0xa2, 0xb3, 0xc4, 0, 0, 0, 5, 0, 0, 3,
            0xe8, 0, 0, 0, 50, 0, 0, 0x1f, 0x40,
        ];
        let bye = [0x81, 203, 0, 1, 0x12, 0x34, 0xab, 0xcd, 0, 0, 0, 0];
        for p in [&sr[..], &bye[..]] {
            assert!(is_rtcp(p));
            assert_eq!(RtpHeader::parse(p), None);
        }
        // RTP with the marker set and a dynamic payload type stays RTP.
        let rtp = [
            0x80,
            0x80 | 101,
            0,
            1,
            0,
            0,
            0,
            160,
            0,
            0,
            0,
            7,
            1,
            0x8a,
            0,
            160,
        ];
        assert!(!is_rtcp(&rtp));
        assert!(RtpHeader::parse(&rtp).is_some());
    }

    #[test]
    fn any_rate_a_wav_file_names_is_written_back_without_overflow() {
        // Found by fuzzing: a file at 4 GHz read, then written (its byte rate overflowed).
        let (samples, rate) = read_wav(&write_wav(&[1, 2], u32::MAX)).unwrap();
        assert_eq!((samples, rate), (vec![1, 2], u32::MAX));
    }

    #[test]
    fn wav_files_are_written_and_read_back_and_others_refused() {
        let samples = tone(1000.0, 100);
        let (back, rate) = read_wav(&write_wav(&samples, 8000)).unwrap();
        assert_eq!((back, rate), (samples, 8000));
        assert_eq!(read_wav(b"ID3\x03 not a wav"), Err(WavError::NotWav));
        let mut eight_bit = write_wav(&[0, 0], 8000);
        eight_bit[34] = 8;
        assert_eq!(read_wav(&eight_bit), Err(WavError::Format));
        assert_eq!(read_wav(&write_wav(&[], 8000)), Err(WavError::Empty));
    }
}
