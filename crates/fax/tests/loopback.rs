//! A spandsp sender and Switchboard's receiver connected sample to sample in memory, through
//! G.711 µ-law both ways (the passthrough a PCMU call carries), as fast as the processor goes:
//! the sample count is the clock, 8000 a second.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly by design

use std::path::{Path, PathBuf};

use sb_fax::document::{Page, Resolution, write_tiff};
use sb_fax::pdf::PageSize;
use sb_fax::{FaxError, Outcome, Receiver, SAMPLE_RATE, Sender};
use sb_media::codec::Codec;

mod common;
use common::{A4, Dir, close, page, rendered};

/// One RTP packet's worth: 20 ms.
const FRAME: usize = 160;
/// The terminals' identities (T.30's TSI and CSI).
const SENDER: &str = "+15550001111";
const RECEIVER: &str = "+15550002222";

/// Through a PCMU channel: encoded and decoded again, in place.
fn pcmu(frame: &mut [i16]) {
    g711(Codec::Pcmu, frame);
}

fn g711(codec: Codec, frame: &mut [i16]) {
    for s in frame {
        *s = codec.decode(codec.encode(*s));
    }
}

/// Runs a sender of `pages` pages against `receiver` for at most `seconds` of audio, each
/// direction through `line`; the seconds of audio it took.
fn connect(
    sender: &mut Sender,
    receiver: &mut Receiver,
    seconds: u32,
    mut line: impl FnMut(u64, &mut [i16]),
) -> f64 {
    let mut to_receiver = [0i16; FRAME];
    let mut to_sender = [0i16; FRAME];
    let frames = u64::from(seconds * SAMPLE_RATE) / FRAME as u64;
    for n in 0..frames {
        to_receiver.fill(0);
        to_sender.fill(0);
        sender.tx(&mut to_receiver);
        receiver.tx(&mut to_sender);
        line(n * FRAME as u64, &mut to_receiver);
        line(n * FRAME as u64, &mut to_sender);
        receiver.rx(&to_receiver);
        sender.rx(&to_sender);
        if receiver.outcome().is_some() && sender.outcome().is_some() {
            return (n + 1) as f64 * FRAME as f64 / f64::from(SAMPLE_RATE);
        }
    }
    f64::from(seconds)
}

fn document(dir: &Path, pages: u32) -> PathBuf {
    let path = dir.join("document.tif");
    let pages: Vec<Page> = (0..pages).map(page).collect();
    write_tiff(&path, &pages, Resolution::Fine).unwrap();
    path
}

/// Runs a receiver alone, hearing `line` (the sample count to fill from) until the session
/// ends or `seconds` pass; the seconds it took.
fn listen(receiver: &mut Receiver, seconds: u32, mut line: impl FnMut(u64, &mut [i16])) -> f64 {
    let mut heard = [0i16; FRAME];
    let mut said = [0i16; FRAME];
    let frames = u64::from(seconds * SAMPLE_RATE) / FRAME as u64;
    for n in 0..frames {
        receiver.tx(&mut said);
        line(n * FRAME as u64, &mut heard);
        pcmu(&mut heard);
        receiver.rx(&heard);
        if receiver.outcome().is_some() {
            return (n + 1) as f64 * FRAME as f64 / f64::from(SAMPLE_RATE);
        }
    }
    f64::from(seconds)
}

#[test]
fn a_two_page_fax_over_pcmu_arrives_as_a_two_page_a4_pdf_showing_the_pages_sent() {
    let dir = Dir::new("two-pages");
    let doc = document(&dir.0, 2);
    let mut sender = Sender::new(&doc, SENDER).unwrap();
    let mut receiver = Receiver::new(&dir.0, RECEIVER).unwrap();
    let took = connect(&mut sender, &mut receiver, 300, |_, f| pcmu(f));
    eprintln!("two pages took {took:.1} s of audio");
    assert_eq!(
        receiver.outcome(),
        Some(Outcome {
            pages: 2,
            result: Ok(())
        })
    );
    assert_eq!(
        sender.outcome(),
        Some(Outcome {
            pages: 2,
            result: Ok(())
        })
    );
    let fax = receiver.finish().unwrap();
    eprintln!("two pages at {} bit/s", fax.bit_rate);
    assert_eq!(fax.pages, 2);
    assert_eq!(fax.remote_ident.as_deref(), Some(SENDER));
    assert!(fax.bit_rate >= 9600, "{}", fax.bit_rate);
    assert!(fax.error_correction);
    assert_eq!(fax.page_sizes.len(), 2);
    for size in &fax.page_sizes {
        assert!(close(*size, A4), "{size:?}");
    }
    // Only the document sent is left: the receiver's file is gone.
    assert_eq!(dir.files(), [doc]);
    let Some(rasters) = rendered(&dir.0, &fax.pdf) else {
        return;
    };
    assert_eq!(rasters.len(), 2, "poppler sees two pages");
    for (n, raster) in rasters.iter().enumerate() {
        assert!(
            raster == page(n as u32).bits(),
            "page {} shows what was sent",
            n + 1
        );
    }
}

#[test]
fn a_one_page_standard_resolution_fax_over_pcma_keeps_its_page_size() {
    let dir = Dir::new("standard");
    let path = dir.0.join("document.tif");
    let mut p = Page::blank(1146);
    p.fill(0, 0, 1728, 40);
    write_tiff(&path, &[p], Resolution::Standard).unwrap();
    let mut sender = Sender::new(&path, SENDER).unwrap();
    let mut receiver = Receiver::new(&dir.0, RECEIVER).unwrap();
    connect(&mut sender, &mut receiver, 300, |_, f| g711(Codec::Pcma, f));
    let fax = receiver.finish().unwrap();
    assert_eq!(fax.pages, 1);
    let size = fax.page_sizes[0];
    let expected = PageSize {
        width: 1728.0 * 72.0 / 204.0,
        height: 1146.0 * 72.0 / 98.0,
    };
    assert!(close(size, expected), "{size:?}");
    assert!(fax.pdf.starts_with(b"%PDF-"));
}

#[test]
fn silence_instead_of_a_fax_fails_after_the_t30_timeout_with_no_document() {
    let dir = Dir::new("silence");
    let mut receiver = Receiver::new(&dir.0, RECEIVER).unwrap();
    let took = listen(&mut receiver, 120, |_, f| f.fill(0));
    eprintln!("silence: given up after {took:.1} s of audio");
    let outcome = receiver.outcome().expect("the session ended by itself");
    assert_eq!(outcome.pages, 0);
    let failure = outcome.result.unwrap_err();
    // The answering terminal repeats its DIS every T4 (3 s) a few times, then disconnects
    // (T.30), within T1, 35 s ± 5 s, the time two terminals have to recognise
    // each other.
    assert!((9.0..=40.5).contains(&took), "{took} s: {failure}");
    match receiver.finish() {
        Err(FaxError::Failed {
            pages: 0,
            failure: f,
        }) => assert_eq!(f, failure),
        other => panic!("{other:?}"),
    }
    assert!(dir.files().is_empty(), "{:?}", dir.files());
}

#[test]
fn noise_instead_of_a_fax_fails_after_the_t30_timeout_with_no_document() {
    let dir = Dir::new("noise");
    let mut receiver = Receiver::new(&dir.0, RECEIVER).unwrap();
    // A linear congruential generator (Numerical Recipes' constants): loud white-ish noise.
    let mut seed = 12345u32;
    let took = listen(&mut receiver, 120, |_, f| {
        for s in f.iter_mut() {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            *s = ((seed >> 16) as i16) / 4;
        }
    });
    eprintln!("noise: given up after {took:.1} s of audio");
    let outcome = receiver.outcome().expect("the session ended by itself");
    assert!(outcome.result.is_err(), "{outcome:?}");
    // spandsp keeps listening to energy on the line; T.30's T1 (40 s at most) ends it.
    assert!((35.0..=40.5).contains(&took), "{took} s");
    assert!(matches!(
        receiver.finish(),
        Err(FaxError::Failed { pages: 0, .. })
    ));
    assert!(dir.files().is_empty(), "{:?}", dir.files());
}

#[test]
fn a_voice_call_instead_of_a_fax_fails_after_the_t30_timeout_with_no_document() {
    let dir = Dir::new("voice");
    let mut receiver = Receiver::new(&dir.0, RECEIVER).unwrap();
    // "Hello? Hello?": bursts of a few tones, as a caller speaking, with pauses between.
    let speech: Vec<i16> = [300.0, 450.0, 700.0, 0.0, 520.0, 380.0, 0.0, 0.0]
        .iter()
        .flat_map(|&f| {
            if f == 0.0 {
                vec![0; 2400]
            } else {
                sb_media::codec::tone(f, 300)
            }
        })
        .collect();
    let took = listen(&mut receiver, 120, |at, f| {
        for (i, s) in f.iter_mut().enumerate() {
            *s = speech[(at as usize + i) % speech.len()];
        }
    });
    eprintln!("voice: given up after {took:.1} s of audio");
    assert!(took <= 40.5, "{took} s");
    assert!(matches!(
        receiver.finish(),
        Err(FaxError::Failed { pages: 0, .. })
    ));
    assert!(dir.files().is_empty(), "{:?}", dir.files());
}

#[test]
fn a_far_end_that_sends_no_packets_at_all_still_times_out() {
    let dir = Dir::new("no-packets");
    let mut receiver = Receiver::new(&dir.0, RECEIVER).unwrap();
    let mut said = [0i16; FRAME];
    let mut seconds = 0.0;
    while !receiver.is_over() && seconds < 120.0 {
        receiver.tx(&mut said);
        receiver.lost(FRAME);
        seconds += FRAME as f64 / f64::from(SAMPLE_RATE);
    }
    eprintln!("no packets: given up after {seconds:.1} s");
    assert!(seconds <= 40.5, "{seconds} s");
    assert!(matches!(
        receiver.finish(),
        Err(FaxError::Failed { pages: 0, .. })
    ));
}

#[test]
fn a_packet_lost_within_the_page_is_sent_again_and_the_page_arrives_exact() {
    let dir = Dir::new("lossy");
    let doc = document(&dir.0, 1);
    let mut sender = Sender::new(&doc, SENDER).unwrap();
    let mut receiver = Receiver::new(&dir.0, RECEIVER).unwrap();
    let mut to_receiver = [0i16; FRAME];
    let mut to_sender = [0i16; FRAME];
    // This page's image data runs from about 12 s to 17 s; without a loss the session takes
    // 21.3 s. The packet at 14 s never reaches the receiver: error correction (T.30 Annex A)
    // asks for the frames it spoiled again, which takes a few seconds more.
    let lost = u64::from(14 * SAMPLE_RATE) / FRAME as u64;
    let mut took = 0.0;
    for n in 0..u64::from(120 * SAMPLE_RATE) / FRAME as u64 {
        sender.tx(&mut to_receiver);
        receiver.tx(&mut to_sender);
        pcmu(&mut to_receiver);
        pcmu(&mut to_sender);
        if n == lost {
            receiver.lost(FRAME);
        } else {
            receiver.rx(&to_receiver);
        }
        sender.rx(&to_sender);
        if receiver.is_over() && sender.is_over() {
            took = (n + 1) as f64 * FRAME as f64 / f64::from(SAMPLE_RATE);
            break;
        }
    }
    eprintln!("a packet lost: the page took {took:.1} s");
    assert!(took > 23.0, "the spoiled frames were sent again: {took} s");
    let fax = receiver.finish().unwrap();
    assert_eq!(fax.pages, 1);
    assert!(fax.error_correction);
    if let Some(rasters) = rendered(&dir.0, &fax.pdf) {
        assert!(rasters[0] == page(0).bits(), "the page shows what was sent");
    }
}

#[test]
fn a_transmission_cut_off_after_its_first_page_yields_no_pdf() {
    let dir = Dir::new("cut");
    let doc = document(&dir.0, 2);
    let mut sender = Sender::new(&doc, SENDER).unwrap();
    let mut receiver = Receiver::new(&dir.0, RECEIVER).unwrap();
    // The whole document takes about 30 s of audio; the line goes dead at 20 s, within the
    // second page.
    let cut = u64::from(20 * SAMPLE_RATE);
    connect(&mut sender, &mut receiver, 300, |at, f| {
        if at >= cut {
            f.fill(0);
        }
        pcmu(f);
    });
    let outcome = receiver.outcome().expect("the receiver gave up");
    assert!(outcome.result.is_err(), "{outcome:?}");
    match receiver.finish() {
        Err(FaxError::Failed { pages, failure }) => {
            eprintln!("cut off: {pages} page(s), {failure}");
            assert!(pages <= 1, "{pages}");
        }
        other => panic!("a cut-off fax is no fax: {other:?}"),
    }
    assert_eq!(dir.files(), [doc], "the partial file is removed");
}

#[test]
fn a_call_hung_up_during_the_fax_yields_no_pdf() {
    let dir = Dir::new("hang-up");
    let doc = document(&dir.0, 2);
    let mut sender = Sender::new(&doc, SENDER).unwrap();
    let mut receiver = Receiver::new(&dir.0, RECEIVER).unwrap();
    connect(&mut sender, &mut receiver, 15, |_, f| pcmu(f));
    assert_eq!(receiver.outcome(), None, "still receiving at 15 s");
    match receiver.finish() {
        Err(FaxError::Failed { failure, .. }) => {
            eprintln!("hung up: {failure}");
            assert!(!failure.reason.is_empty(), "{failure:?}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(dir.files(), [doc], "the partial file is removed");
}

#[test]
fn a_receiver_dropped_unfinished_leaves_no_file() {
    let dir = Dir::new("dropped");
    let receiver = Receiver::new(&dir.0, RECEIVER).unwrap();
    assert_eq!(dir.files().len(), 1, "its file is taken at once");
    drop(receiver);
    assert!(dir.files().is_empty());
}

#[test]
fn a_sender_of_a_missing_document_is_refused_at_once() {
    let dir = Dir::new("missing");
    assert!(matches!(
        Sender::new(&dir.0.join("nothing.tif"), SENDER),
        Err(FaxError::Io(_))
    ));
}

#[test]
fn an_identity_t30_cannot_carry_is_refused() {
    let dir = Dir::new("ident");
    for ident in ["Acme Fax", "+1555000111122223333444", "555\0"] {
        assert!(
            matches!(Receiver::new(&dir.0, ident), Err(FaxError::Start(_))),
            "{ident}"
        );
    }
    assert!(dir.files().is_empty());
}

#[test]
fn receivers_and_senders_can_move_to_another_thread() {
    // A call's task may run on any of the runtime's threads between two packets.
    fn send<T: Send>() {}
    send::<Receiver>();
    send::<Sender>();
    let dir = Dir::new("thread");
    let receiver = Receiver::new(&dir.0, RECEIVER).unwrap();
    let receiver = std::thread::spawn(move || {
        let mut r = receiver;
        r.rx(&[0; FRAME]);
        r
    })
    .join()
    .unwrap();
    assert!(!receiver.is_over());
}
