//! Uploaded audio (voicemail greetings): a WAV or MP3 file of any common rate and
//! channel count becomes 8 kHz mono 16-bit, what a G.711 call carries, or a clear error.

use crate::{AppError, AppResult};
use sb_media::codec::{level_dbfs, read_wav};

/// The largest file accepted.
pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;
/// The longest greeting.
pub const MAX_GREETING_SECS: usize = 120;

/// An 8 kHz WAV file of the samples: how audio is kept (decision 16) and mailed.
pub(crate) fn wav(samples: &[i16]) -> Vec<u8> {
    sb_media::codec::write_wav(samples, 8000)
}

fn bad(code: &'static str, message: &str) -> AppError {
    AppError::invalid(code, "file", message)
}

/// The file's audio as 8 kHz mono samples. WAV (16-bit PCM) and MP3 are read; anything else,
/// an empty or silent file, or one over [`MAX_UPLOAD_BYTES`] or [`MAX_GREETING_SECS`] is refused.
pub fn decode_upload(bytes: &[u8]) -> AppResult<Vec<i16>> {
    if bytes.is_empty() {
        return Err(bad("empty_file", "The file is empty."));
    }
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(bad(
            "file_too_large",
            "The file is larger than 10 MB; send a shorter greeting.",
        ));
    }
    let (mono, rate) = if bytes.starts_with(b"RIFF") {
        read_wav_any(bytes)?
    } else if looks_like_mp3(bytes) {
        decode_mp3(bytes)?
    } else {
        return Err(bad(
            "unsupported_audio",
            "Send a WAV (16-bit PCM) or MP3 file.",
        ));
    };
    if mono.is_empty() {
        return Err(bad("empty_file", "The file holds no audio."));
    }
    if mono.len() / rate as usize > MAX_GREETING_SECS {
        return Err(bad("too_long", "A greeting may last at most 2 minutes."));
    }
    let out = resample(&mono, rate, 8000);
    if level_dbfs(&out) < -60.0 {
        return Err(bad("silent_file", "The file is silent."));
    }
    Ok(out)
}

/// An MP3 starts with an ID3 tag or a frame sync.
fn looks_like_mp3(b: &[u8]) -> bool {
    b.starts_with(b"ID3") || (b.len() > 1 && b[0] == 0xFF && b[1] & 0xE0 == 0xE0)
}

/// A WAV file of any rate and channel count (channels averaged by `read_wav`).
fn read_wav_any(b: &[u8]) -> AppResult<(Vec<f32>, u32)> {
    let (samples, rate) = read_wav(b).map_err(|e| bad("unsupported_audio", &format!("{e}.")))?;
    if !(4000..=192_000).contains(&rate) {
        return Err(bad("unsupported_audio", "The sample rate is not usable."));
    }
    Ok((samples.iter().map(|&s| f32::from(s)).collect(), rate))
}

fn decode_mp3(bytes: &[u8]) -> AppResult<(Vec<f32>, u32)> {
    use symphonia::core::audio::SampleBuffer;
    use symphonia::core::codecs::DecoderOptions;
    use symphonia::core::errors::Error;
    use symphonia::core::formats::FormatOptions;
    use symphonia::core::io::MediaSourceStream;
    use symphonia::core::meta::MetadataOptions;
    use symphonia::core::probe::Hint;

    let unreadable = || bad("unsupported_audio", "The MP3 file cannot be read.");
    let source = MediaSourceStream::new(
        Box::new(std::io::Cursor::new(bytes.to_vec())),
        Default::default(),
    );
    let mut hint = Hint::new();
    hint.with_extension("mp3");
    let probed = symphonia::default::get_probe()
        .format(
            &hint,
            source,
            &FormatOptions::default(),
            &MetadataOptions::default(),
        )
        .map_err(|_| unreadable())?;
    let mut format = probed.format;
    let track = format.default_track().ok_or_else(unreadable)?;
    let track_id = track.id;
    let mut decoder = symphonia::default::get_codecs()
        .make(&track.codec_params, &DecoderOptions::default())
        .map_err(|_| unreadable())?;
    let mut rate = track.codec_params.sample_rate.unwrap_or(0);
    let mut mono: Vec<f32> = Vec::new();
    loop {
        let packet = match format.next_packet() {
            Ok(p) => p,
            Err(Error::IoError(_)) | Err(Error::ResetRequired) => break,
            Err(_) => return Err(unreadable()),
        };
        if packet.track_id() != track_id {
            continue;
        }
        match decoder.decode(&packet) {
            Ok(decoded) => {
                let spec = *decoded.spec();
                rate = spec.rate;
                let channels = spec.channels.count().max(1);
                let mut buf = SampleBuffer::<f32>::new(decoded.capacity() as u64, spec);
                buf.copy_interleaved_ref(decoded);
                mono.extend(
                    buf.samples()
                        .chunks_exact(channels)
                        .map(|f| f.iter().sum::<f32>() / channels as f32 * 32767.0),
                );
                if rate > 0 && mono.len() / rate as usize > MAX_GREETING_SECS {
                    break;
                }
            }
            // A damaged frame is skipped, as players do.
            Err(Error::DecodeError(_)) => continue,
            Err(_) => return Err(unreadable()),
        }
    }
    if !(4000..=192_000).contains(&rate) {
        return Err(unreadable());
    }
    Ok((mono, rate))
}

/// `input` at `from` Hz as 16-bit samples at `to` Hz: a windowed-sinc low-pass at the lower
/// Nyquist frequency, evaluated at each output instant (no aliasing from 44.1 or 48 kHz music).
pub fn resample(input: &[f32], from: u32, to: u32) -> Vec<i16> {
    let clamp = |v: f32| v.round().clamp(-32768.0, 32767.0) as i16;
    if from == to {
        return input.iter().map(|&v| clamp(v)).collect();
    }
    let ratio = f64::from(from) / f64::from(to);
    // Cutoff in cycles per input sample, a little under the lower Nyquist frequency.
    let cutoff = 0.45 * f64::from(from.min(to)) / f64::from(from);
    let half = (16.0 * ratio.max(1.0)).ceil() as i64;
    let out_len = (input.len() as f64 / ratio).floor() as usize;
    let mut out = Vec::with_capacity(out_len);
    for n in 0..out_len {
        let t = n as f64 * ratio;
        let centre = t.floor() as i64;
        let mut acc = 0.0f64;
        for k in (centre - half + 1)..=(centre + half) {
            let Some(&x) = usize::try_from(k).ok().and_then(|k| input.get(k)) else {
                continue;
            };
            let d = t - k as f64;
            let arg = 2.0 * cutoff * d;
            let sinc = if arg.abs() < 1e-9 {
                1.0
            } else {
                (std::f64::consts::PI * arg).sin() / (std::f64::consts::PI * arg)
            };
            let w = 0.5 + 0.5 * (std::f64::consts::PI * d / half as f64).cos();
            acc += f64::from(x) * 2.0 * cutoff * sinc * w;
        }
        out.push(clamp(acc as f32));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use sb_media::codec::write_wav;

    fn sine(freq: f64, rate: u32, secs: f64) -> Vec<i16> {
        (0..(f64::from(rate) * secs) as usize)
            .map(|i| {
                (9000.0 * (2.0 * std::f64::consts::PI * freq * i as f64 / f64::from(rate)).sin())
                    as i16
            })
            .collect()
    }

    /// Share of the power at `freq` (Goertzel).
    fn ratio(s: &[i16], rate: u32, freq: f64) -> f64 {
        let w = 2.0 * std::f64::consts::PI * freq / f64::from(rate);
        let (mut a, mut b) = (0.0, 0.0);
        let mut total = 0.0;
        for &x in s {
            let x = f64::from(x);
            total += x * x;
            let c = x + 2.0 * w.cos() * a - b;
            b = a;
            a = c;
        }
        let p = a * a + b * b - 2.0 * w.cos() * a * b;
        2.0 * p / (s.len() as f64 * total)
    }

    #[test]
    fn a_44_khz_stereo_wav_becomes_8_khz_mono_with_its_tone() {
        let left = sine(600.0, 44_100, 1.0);
        let stereo: Vec<i16> = left.iter().flat_map(|&s| [s, s]).collect();
        let mut wav = write_wav(&stereo, 44_100);
        // Two channels: fmt channels, byte rate and block align.
        wav[22] = 2;
        wav[28..32].copy_from_slice(&(44_100u32 * 4).to_le_bytes());
        wav[32] = 4;
        let out = decode_upload(&wav).unwrap();
        assert!((7_990..=8_000).contains(&out.len()), "{}", out.len());
        let r = ratio(&out[800..], 8000, 600.0);
        assert!(r > 0.9, "600 Hz kept: {r}");
    }

    #[test]
    fn an_mp3_greeting_is_decoded_to_8_khz_with_its_tone() {
        // 2 s of 600 Hz, 22.05 kHz stereo, 48 kbit/s (sox + lame).
        let out = decode_upload(include_bytes!("../testdata/tone600-22k-stereo.mp3")).unwrap();
        assert!((15_000..=17_000).contains(&out.len()), "{}", out.len());
        let r = ratio(&out[2000..14_000], 8000, 600.0);
        assert!(r > 0.9, "600 Hz kept: {r}");
    }

    #[test]
    fn tones_above_the_telephone_band_do_not_alias_into_it() {
        // 6 kHz at 48 kHz would fold to 2 kHz without the low-pass.
        let out = resample(
            &sine(6000.0, 48_000, 0.5)
                .iter()
                .map(|&s| f32::from(s))
                .collect::<Vec<_>>(),
            48_000,
            8000,
        );
        assert!(
            level_dbfs(&out[400..]) < -30.0,
            "{}",
            level_dbfs(&out[400..])
        );
    }

    #[test]
    fn bad_empty_silent_long_and_foreign_files_are_refused_with_their_reason() {
        let code = |b: &[u8]| match decode_upload(b) {
            Err(AppError::Invalid(i)) => i.code,
            other => panic!("{other:?}"),
        };
        assert_eq!(code(b""), "empty_file");
        assert_eq!(code(b"%PDF-1.4 not audio"), "unsupported_audio");
        assert_eq!(code(&write_wav(&[0; 8000], 8000)), "silent_file");
        assert_eq!(code(&write_wav(&[], 8000)), "unsupported_audio");
        let long = sine(400.0, 8000, 121.0);
        assert_eq!(code(&write_wav(&long, 8000)), "too_long");
        assert_eq!(code(&vec![0u8; MAX_UPLOAD_BYTES + 1]), "file_too_large");
        assert_eq!(
            code(b"ID3\x04\x00\x00\x00\x00\x00\x00garbage"),
            "unsupported_audio"
        );
    }
}
