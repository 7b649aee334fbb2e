//! Real softphones: two baresip instances register as two lines, one calls the other through
//! Switchboard, and the tone one sends is checked by content in what the other received.
//!
//! baresip is driven over its `ctrl_tcp` module (netstring-framed JSON commands and events);
//! its `aufile` source plays a WAV we write, its `sndfile` module dumps the decoded audio.

use crate::kit::*;
use crate::phones::{SipLine, admin_line, free_port, gold_admin_line, sip_line};
use serde_json::Value;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub(crate) fn baresip_available() -> bool {
    let ok = Command::new("baresip")
        .arg("-h")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if !ok {
        assert!(
            std::env::var("SWITCHBOARD_REQUIRE_BARESIP").as_deref() != Ok("1"),
            "baresip is required: apt-get install baresip-core"
        );
    }
    ok
}

/// An 8 kHz mono 16-bit WAV of a sine at `freq` Hz (-9 dBFS), `secs` long.
fn tone_wav(path: &Path, freq: f64, secs: u32) {
    tone_wav_at(path, freq, secs, 8000);
}

/// A mono 16-bit WAV of a `freq` Hz tone at `rate` samples per second.
pub(crate) fn tone_wav_at(path: &Path, freq: f64, secs: u32, rate: u32) {
    let n = rate * secs;
    let mut data = Vec::with_capacity(n as usize * 2);
    for i in 0..n {
        let v =
            (f64::from(i) * freq * std::f64::consts::TAU / f64::from(rate)).sin() * 0.35 * 32767.0;
        data.extend_from_slice(&(v as i16).to_le_bytes());
    }
    let mut out = Vec::new();
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data.len() as u32).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&rate.to_le_bytes());
    out.extend_from_slice(&(rate * 2).to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(&data);
    std::fs::write(path, out).unwrap();
}

/// The 16-bit samples of a PCM WAV and its sample rate.
pub(crate) fn read_wav(path: &Path) -> (Vec<i16>, u32) {
    let b = std::fs::read(path).unwrap();
    assert_eq!(&b[..4], b"RIFF", "{} is not a WAV", path.display());
    let mut i = 12;
    let mut rate = 8000;
    while i + 8 <= b.len() {
        let id = &b[i..i + 4];
        let len = u32::from_le_bytes(b[i + 4..i + 8].try_into().unwrap()) as usize;
        let body = &b[i + 8..(i + 8 + len).min(b.len())];
        if id == b"fmt " {
            rate = u32::from_le_bytes(body[4..8].try_into().unwrap());
        } else if id == b"data" {
            let s = body
                .chunks_exact(2)
                .map(|c| i16::from_le_bytes([c[0], c[1]]))
                .collect();
            return (s, rate);
        }
        i += 8 + len + (len % 2);
    }
    (Vec::new(), rate)
}

/// Share of the signal's power at `freq` (Goertzel) over its whole power: ~1 for a clean tone.
pub fn tone_ratio(samples: &[i16], rate: u32, freq: f64) -> f64 {
    let x: Vec<f64> = samples.iter().map(|s| f64::from(*s) / 32768.0).collect();
    let n = x.len() as f64;
    if x.is_empty() {
        return 0.0;
    }
    let w = std::f64::consts::TAU * freq / f64::from(rate);
    let coeff = 2.0 * w.cos();
    let (mut s1, mut s2) = (0.0, 0.0);
    for v in &x {
        let s0 = v + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    let power_at = (s1 * s1 + s2 * s2 - coeff * s1 * s2) * 2.0 / (n * n);
    let total = x.iter().map(|v| v * v).sum::<f64>() / n;
    if total <= 0.0 { 0.0 } else { power_at / total }
}

/// Root-mean-square level in dBFS.
pub fn level_dbfs(samples: &[i16]) -> f64 {
    if samples.is_empty() {
        return -120.0;
    }
    let ms = samples
        .iter()
        .map(|s| (f64::from(*s) / 32768.0).powi(2))
        .sum::<f64>()
        / samples.len() as f64;
    10.0 * ms.max(1e-12).log10()
}

/// One headless baresip.
pub struct Phone {
    child: Child,
    ctrl: TcpStream,
    dir: PathBuf,
    buf: Vec<u8>,
    events: Vec<Value>,
    token: u32,
}

impl Phone {
    /// Starts baresip for `line`, registering through Switchboard at `sip`, playing `wav`. A
    /// start that does not come up (a port another test took meanwhile) is tried again on
    /// other ports.
    pub fn start(sip: SocketAddr, line: &SipLine, wav: &Path, answer: &str) -> Phone {
        Self::start_over(sip, line, wav, answer, "udp")
    }

    /// [`Phone::start`] over another transport (`tcp`, `tls`) to `sip`.
    pub fn start_over(
        sip: SocketAddr,
        line: &SipLine,
        wav: &Path,
        answer: &str,
        transport: &str,
    ) -> Phone {
        let mut last = String::new();
        for _ in 0..3 {
            match Self::try_start(sip, line, wav, answer, transport) {
                Ok(p) => return p,
                Err(e) => last = e,
            }
        }
        panic!("baresip did not start: {last}");
    }

    fn try_start(
        sip: SocketAddr,
        line: &SipLine,
        wav: &Path,
        answer: &str,
        transport: &str,
    ) -> Result<Phone, String> {
        let dir = std::env::temp_dir().join(format!("sb-baresip-{}-{}", line.user, free_port()));
        std::fs::create_dir_all(&dir).unwrap();
        let sip_port = free_port();
        let ctrl_port = free_port();
        let rtp = free_port();
        let config = format!(
            "poll_method\tepoll\nsip_listen\t127.0.0.1:{sip_port}\nnet_interface\t127.0.0.1\n\
call_local_timeout\t120\ncall_max_calls\t4\naudio_player\talsa,null\naudio_alert\talsa,null\n\
audio_source\taufile,{wav}\naudio_level\tno\nrtp_ports\t{rtp}-{rtp_end}\nrtp_stats\tyes\n\
statmode_default\toff\nmodule_path\t/usr/lib/baresip/modules\nmodule\tg711.so\nmodule\talsa.so\n\
module\taufile.so\nmodule\tsndfile.so\nmodule_tmp\tuuid.so\nmodule_tmp\taccount.so\n\
module\tstdio.so\nmodule_app\tcontact.so\nmodule_app\tmenu.so\nmodule_app\tctrl_tcp.so\n\
ctrl_tcp_listen\t127.0.0.1:{ctrl_port}\nsnd_path\t{dir}\n",
            wav = wav.display(),
            rtp_end = rtp + 8,
            dir = dir.display(),
        );
        std::fs::write(dir.join("config"), config).unwrap();
        // The account is the line in its company domain; requests go to Switchboard's address.
        let account = format!(
            "<sip:{user}@{domain};transport={transport}>;auth_pass={pw};outbound=\"sip:{sip};transport={transport}\";regint=300;answermode={answer}\n",
            user = line.user,
            domain = line.domain,
            pw = line.password,
        );
        std::fs::write(dir.join("accounts"), account).unwrap();
        std::fs::write(dir.join("contacts"), "").unwrap();
        let log = std::fs::File::create(dir.join("baresip.log")).unwrap();
        let mut child = Command::new("baresip")
            .arg("-f")
            .arg(&dir)
            .stdin(Stdio::piped())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        let ctrl = loop {
            match TcpStream::connect(("127.0.0.1", ctrl_port)) {
                Ok(s) => break s,
                Err(_) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(50))
                }
                Err(e) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    let log = std::fs::read_to_string(dir.join("baresip.log")).unwrap_or_default();
                    return Err(format!("{e}; log:\n{log}"));
                }
            }
        };
        ctrl.set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        Ok(Phone {
            child,
            ctrl,
            dir,
            buf: Vec::new(),
            events: Vec::new(),
            token: 0,
        })
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("baresip.log")).unwrap_or_default()
    }

    /// Reads what baresip sent, splitting netstrings into responses and events.
    fn pump(&mut self) {
        let mut chunk = [0u8; 4096];
        match self.ctrl.read(&mut chunk) {
            Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
            Err(_) => return,
        }
        loop {
            let Some(colon) = self.buf.iter().position(|b| *b == b':') else {
                return;
            };
            let Ok(len) = std::str::from_utf8(&self.buf[..colon])
                .unwrap_or("x")
                .parse::<usize>()
            else {
                self.buf.clear();
                return;
            };
            if self.buf.len() < colon + 1 + len + 1 {
                return;
            }
            let frame: Value = serde_json::from_slice(&self.buf[colon + 1..colon + 1 + len])
                .unwrap_or(Value::Null);
            self.buf.drain(..colon + 1 + len + 1);
            self.events.push(frame);
        }
    }

    /// Sends a command and returns its response.
    pub fn command(&mut self, command: &str, params: &str) -> Value {
        self.token += 1;
        let token = format!("t{}", self.token);
        let body =
            serde_json::json!({"command": command, "params": params, "token": token}).to_string();
        self.ctrl
            .write_all(format!("{}:{body},", body.len()).as_bytes())
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            self.pump();
            if let Some(i) = self
                .events
                .iter()
                .position(|e| e["response"] == true && e["token"] == token.as_str())
            {
                return self.events.remove(i);
            }
        }
        panic!("baresip did not answer {command}; log:\n{}", self.log());
    }

    /// Dials `uri`; baresip must take the command.
    pub fn dial(&mut self, uri: &str) {
        let r = self.command("dial", uri);
        assert_eq!(r["ok"], true, "{r}");
    }

    /// Hangs up, waits until both this phone and `other` have closed the call, and gives
    /// baresip a moment to finish writing its recordings.
    pub fn hang_up_with(&mut self, other: &mut Phone) {
        self.command("hangup", "");
        other.wait_event("CALL_CLOSED", 10);
        self.wait_event("CALL_CLOSED", 10);
        std::thread::sleep(Duration::from_millis(300));
    }

    /// Waits until the account shows as registered.
    pub fn wait_registered(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            let r = self.command("reginfo", "");
            if r["data"].as_str().unwrap_or("").contains("OK") {
                return;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        panic!("baresip did not register; log:\n{}", self.log());
    }

    /// Waits for an event of `kind`; returns it.
    pub fn wait_event(&mut self, kind: &str, secs: u64) -> Value {
        let deadline = Instant::now() + Duration::from_secs(secs);
        while Instant::now() < deadline {
            if let Some(i) = self
                .events
                .iter()
                .position(|e| e["event"] == true && e["type"] == kind)
            {
                return self.events.remove(i);
            }
            self.pump();
        }
        panic!(
            "no {kind} event; events {:?}; log:\n{}",
            self.events,
            self.log()
        );
    }

    /// Whether an event of `kind` came within `secs` (taken if so).
    pub fn try_event(&mut self, kind: &str, secs: u64) -> bool {
        let deadline = Instant::now() + Duration::from_secs(secs);
        while Instant::now() < deadline {
            if let Some(i) = self
                .events
                .iter()
                .position(|e| e["event"] == true && e["type"] == kind)
            {
                self.events.remove(i);
                return true;
            }
            self.pump();
        }
        false
    }

    /// WAVs of the audio this phone received (`dec`) or sent (`enc`).
    pub fn recordings(&self, direction: &str) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                let n = p.file_name().unwrap().to_string_lossy().into_owned();
                n.starts_with("dump-") && n.ends_with(&format!("-{direction}.wav"))
            })
            .collect();
        v.sort();
        v
    }
}

impl Drop for Phone {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_baresip_phones_call_each_other_and_the_tone_arrives() {
    if !baresip_available() {
        return;
    }
    let w = world().await;
    let sip = w.srv.running.as_ref().unwrap().sip_addr;
    let ada = admin_line(&w.srv, &w.t1).await;
    let callee = sip_line(&w.srv, &w.t1.admin_token, &w.t1.line_id).await;
    let caller = sip_line(&w.srv, &w.t1.admin_token, &ada).await;
    let dir = std::env::temp_dir().join(format!("sb-tones-{}", free_port()));
    std::fs::create_dir_all(&dir).unwrap();
    let (tone, quiet) = (dir.join("tone1k.wav"), dir.join("tone400.wav"));
    tone_wav(&tone, 1000.0, 20);
    tone_wav(&quiet, 400.0, 20);
    let callee_line = callee.clone();
    let received = tokio::task::spawn_blocking(move || {
        // The callee answers by itself and sends 400 Hz; the caller sends 1 kHz.
        let mut b = Phone::start(sip, &callee_line, &quiet, "auto");
        b.wait_registered();
        let mut a = Phone::start(sip, &caller, &tone, "manual");
        a.wait_registered();
        a.dial(&format!("sip:{}@{}", callee_line.extension, caller.domain));
        a.wait_event("CALL_ESTABLISHED", 10);
        b.wait_event("CALL_ESTABLISHED", 10);
        std::thread::sleep(Duration::from_secs(3));
        a.hang_up_with(&mut b);
        (b.recordings("dec"), a.recordings("dec"), b, a)
    })
    .await
    .unwrap();
    let (at_callee, at_caller, _b, _a) = received;
    let (samples, rate) = read_wav(at_callee.last().expect("the callee recorded audio"));
    // Skip the first half second (jitter buffer start).
    let body = &samples[(rate as usize / 2).min(samples.len())..];
    assert!(
        body.len() > rate as usize,
        "at least a second of audio arrived"
    );
    assert!(
        level_dbfs(body) > -20.0,
        "audio is not silence: {} dBFS",
        level_dbfs(body)
    );
    let r = tone_ratio(body, rate, 1000.0);
    assert!(
        r > 0.8,
        "the caller's 1 kHz tone arrives at the callee (ratio {r})"
    );
    let (samples, rate) = read_wav(at_caller.last().expect("the caller recorded audio"));
    let body = &samples[(rate as usize / 2).min(samples.len())..];
    let r = tone_ratio(body, rate, 400.0);
    assert!(
        r > 0.8,
        "the callee's 400 Hz tone arrives at the caller (ratio {r})"
    );
    w.srv.stop().await;
}

/// SIP over TLS on the operator's certificate: a phone registers over TLS, is called on its
/// connection by a phone on UDP, and the audio goes both ways through the relay.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_registered_over_tls_is_called_on_its_connection_and_the_tone_arrives() {
    if !baresip_available() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("sb-tls-{}", free_port()));
    std::fs::create_dir_all(&dir).unwrap();
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let made = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        ])
        .args(["-subj", "/CN=localhost", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("openssl makes a test certificate");
    assert!(made.success());
    let srv = start_tuned(&|f| {
        f.sip_tls_listen = Some("127.0.0.1:0".into());
        f.sip_tls_cert = Some(cert.clone());
        f.sip_tls_key = Some(key.clone());
    })
    .await;
    let sys = srv.admin().await;
    let t = tenant(&srv, &sys, "tls").await;
    let running = srv.running.as_ref().unwrap();
    let (sip, tls) = (running.sip_addr, running.sip_tls_addr.expect("TLS listens"));
    let ada = admin_line(&srv, &t).await;
    let callee = sip_line(&srv, &t.admin_token, &t.line_id).await;
    let caller = sip_line(&srv, &t.admin_token, &ada).await;
    let (tone, quiet) = (dir.join("tone1k.wav"), dir.join("tone400.wav"));
    tone_wav(&tone, 1000.0, 20);
    tone_wav(&quiet, 400.0, 20);
    let (at_callee, at_caller) = tokio::task::spawn_blocking(move || {
        let mut b = Phone::start_over(tls, &callee, &quiet, "auto", "tls");
        b.wait_registered();
        let mut a = Phone::start(sip, &caller, &tone, "manual");
        a.wait_registered();
        a.dial(&format!("sip:{}@{}", callee.extension, caller.domain));
        b.wait_event("CALL_ESTABLISHED", 10);
        a.wait_event("CALL_ESTABLISHED", 10);
        std::thread::sleep(Duration::from_secs(3));
        a.hang_up_with(&mut b);
        (
            read_wav(
                b.recordings("dec")
                    .last()
                    .expect("the TLS phone heard audio"),
            ),
            read_wav(
                a.recordings("dec")
                    .last()
                    .expect("the UDP phone heard audio"),
            ),
        )
    })
    .await
    .unwrap();
    for ((samples, rate), freq, who) in [
        (at_callee, 1000.0, "TLS phone"),
        (at_caller, 400.0, "UDP phone"),
    ] {
        let body = &samples[(rate as usize / 2).min(samples.len())..];
        let r = tone_ratio(body, rate, freq);
        assert!(r > 0.8, "the {who} hears the other's tone (ratio {r})");
    }
    srv.stop().await;
}

/// The bytes of a GET, for files the API serves.
async fn download(srv: &Srv, path: &str, token: &str) -> (u16, Vec<u8>) {
    let r = srv
        .http
        .get(format!("{}{path}", srv.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.bytes().await.unwrap().to_vec())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caller_hears_the_greeting_leaves_a_message_with_its_tone_and_the_lamp_follows() {
    if !baresip_available() {
        return;
    }
    let w = world().await;
    let sip = w.srv.running.as_ref().unwrap().sip_addr;
    let ada = admin_line(&w.srv, &w.t1).await;
    let callee = sip_line(&w.srv, &w.t1.admin_token, &w.t1.line_id).await;
    let caller = sip_line(&w.srv, &w.t1.admin_token, &ada).await;
    // Ulf has no phone registered: his calls go to voicemail at once.
    all_to_voicemail(&w.srv, &w.t1.admin_token, &w.t1.line_id).await;
    // Ulf's own lamp: off, then on with one new message, then off once it is heard.
    let lamp = crate::phones::subscriber(
        sip,
        &callee,
        &callee.extension,
        "message-summary",
        &[
            "Messages-Waiting: no",
            "Messages-Waiting: yes[^V]*Voice-Message: 1/0",
            "Messages-Waiting: no[^V]*Voice-Message: 0/1",
        ],
    );
    let dir = std::env::temp_dir().join(format!("sb-vm-{}", free_port()));
    std::fs::create_dir_all(&dir).unwrap();
    let tone = dir.join("tone1k.wav");
    tone_wav(&tone, 1000.0, 30);
    let heard =
        tokio::task::spawn_blocking(move || talk(sip, &caller, &callee.extension, &tone, "", 10))
            .await
            .unwrap();
    // What the caller heard: the spoken greeting, then the beep.
    let (samples, rate) = heard;
    let greeting =
        &samples[(rate as usize / 2).min(samples.len())..(rate as usize * 3).min(samples.len())];
    assert!(
        level_dbfs(greeting) > -40.0,
        "the caller hears a greeting: {} dBFS",
        level_dbfs(greeting)
    );
    let mut list = serde_json::Value::Null;
    for _ in 0..50 {
        let r = w
            .srv
            .get(
                &format!("/api/v1/lines/{}/voicemails", w.t1.line_id),
                &w.t1.admin_token,
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        if r.body["items"].as_array().is_some_and(|a| !a.is_empty()) {
            list = r.body;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let m = &list["items"][0];
    assert_eq!(m["caller_number"], "202", "{list}");
    assert_eq!(m["heard"], false);
    assert!(m["duration_secs"].as_i64().unwrap() >= 2, "{m}");
    // The mailbox as CSV: a header and the message.
    let (status, csv) = download(
        &w.srv,
        &format!("/api/v1/lines/{}/voicemails?format=csv", w.t1.line_id),
        &w.t1.user_token,
    )
    .await;
    assert_eq!(status, 200);
    let csv = String::from_utf8(csv).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(
        rows[0],
        "id,received_at,caller_number,caller_name,duration_secs,heard"
    );
    assert_eq!(rows.len(), 2, "{csv}");
    assert!(
        rows[1].starts_with(&format!("{},", m["id"].as_str().unwrap())),
        "{csv}"
    );
    assert!(rows[1].ends_with(",false"), "{csv}");
    // The whole box at the contract's path counts it as new, for its user.
    let mailbox = format!("/api/v1/lines/{}/voicemail", w.t1.line_id);
    let r = w.srv.get(&mailbox, &w.t1.user_token).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        (&r.body["new_messages"], &r.body["heard_messages"]),
        (&serde_json::json!(1), &serde_json::json!(0)),
        "{}",
        r.text
    );
    assert_eq!(r.body["messages"][0]["id"], m["id"]);
    let (status, wav) = download(&w.srv, m["audio_url"].as_str().unwrap(), &w.t1.admin_token).await;
    assert_eq!(status, 200);
    let path = dir.join("message.wav");
    std::fs::write(&path, &wav).unwrap();
    let (samples, rate) = read_wav(&path);
    assert_eq!(rate, 8000);
    let body = &samples[(rate as usize / 5).min(samples.len())..];
    let ratio = tone_ratio(body, rate, 1000.0);
    assert!(
        ratio > 0.8,
        "the caller's 1 kHz tone is in the message (ratio {ratio})"
    );
    // Another company's administrator cannot reach it.
    let (other, _) = download(&w.srv, m["audio_url"].as_str().unwrap(), &w.t2.admin_token).await;
    assert_eq!(other, 404);
    let r = w
        .srv
        .patch(
            &format!("/api/v1/voicemails/{}", m["id"].as_str().unwrap()),
            &w.t1.admin_token,
            serde_json::json!({"heard": true}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = w.srv.get(&mailbox, &w.t1.user_token).await;
    assert_eq!(
        (&r.body["new_messages"], &r.body["heard_messages"]),
        (&serde_json::json!(0), &serde_json::json!(1)),
        "{}",
        r.text
    );
    lamp.done()
        .await
        .expect("the lamp went on with the message and off once heard");
    let r = w
        .srv
        .delete(
            &format!("/api/v1/voicemails/{}", m["id"].as_str().unwrap()),
            &w.t1.admin_token,
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    w.srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_is_mailed_with_its_audio_and_left_out_of_the_mailbox_when_asked() {
    if !baresip_available() {
        return;
    }
    let Some(sink) = SmtpSink::start().await else {
        return;
    };
    let srv = start_with_smtp(&sink.url).await;
    let sys = srv.admin().await;
    let t = tenant(&srv, &sys, "vmmail").await;
    let sip = srv.running.as_ref().unwrap().sip_addr;
    let ada = admin_line(&srv, &t).await;
    let callee = sip_line(&srv, &t.admin_token, &t.line_id).await;
    let caller = sip_line(&srv, &t.admin_token, &ada).await;
    all_to_voicemail(&srv, &t.admin_token, &t.line_id).await;
    let settings = format!("/api/v1/lines/{}/voicemail-settings", t.line_id);
    let bad = srv
        .put(
            &settings,
            &t.admin_token,
            serde_json::json!({"email_to": ["ulf@vmmail.example.com", "not an address"]}),
        )
        .await;
    assert_eq!(
        (bad.status.as_u16(), bad.body["field"].as_str()),
        (422, Some("email_to.1"))
    );
    let r = srv
        .put(
            &settings,
            &t.admin_token,
            serde_json::json!({"email_to": ["ulf@vmmail.example.com"], "keep_after_email": false}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        srv.get(&settings, &t.user_token).await.body["keep_after_email"],
        false
    );
    // Ulf also wants to hear of missed calls and new voicemail, at his own address.
    let r = srv
        .patch(
            &format!("/api/v1/users/{}", t.user_id),
            &t.admin_token,
            serde_json::json!({"email": "ulf.self@vmmail.example.com"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = srv
        .put(
            &format!("/api/v1/lines/{}/notifications", t.line_id),
            &t.user_token,
            serde_json::json!({"missed_calls": true, "new_voicemail": true}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let dir = std::env::temp_dir().join(format!("sb-vmmail-{}", free_port()));
    std::fs::create_dir_all(&dir).unwrap();
    let tone = dir.join("tone1k.wav");
    tone_wav(&tone, 1000.0, 30);
    tokio::task::spawn_blocking(move || talk(sip, &caller, &callee.extension, &tone, "", 9))
        .await
        .unwrap();
    // The whole mail: its attachment closed by the last boundary (the sink writes as it reads).
    // (The tenant's seeded conference mailed Ada an invitation before: start at the message.)
    let mut text = String::new();
    for _ in 0..100 {
        text = sink.wait_for("Subject: New voicemail from").await;
        text = text[text.find("Subject: New voicemail from").unwrap()..].to_owned();
        if let Some(at) = text.find("Content-Disposition: attachment")
            && text[at..].contains("--=_switchboard_")
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let notes = sink.wait_for("Subject: Missed call from").await;
    let notes = if notes.contains("Subject: New voicemail from") {
        notes
    } else {
        sink.wait_for("Subject: New voicemail from").await
    };
    assert!(notes.contains("ulf.self@vmmail.example.com"), "{notes}");
    assert!(text.contains("Subject: New voicemail from"), "{text}");
    assert!(text.contains("for extension 201"), "{text}");
    let wav = first_attachment(&text);
    let path = dir.join("mailed.wav");
    std::fs::write(&path, &wav).unwrap();
    let (samples, rate) = read_wav(&path);
    let ratio = tone_ratio(
        &samples[(rate as usize / 5).min(samples.len())..],
        rate,
        1000.0,
    );
    assert!(
        ratio > 0.8,
        "the mailed recording holds the caller's tone (ratio {ratio})"
    );
    let list = srv
        .get(
            &format!("/api/v1/lines/{}/voicemails", t.line_id),
            &t.admin_token,
        )
        .await;
    assert_eq!(
        list.body["items"],
        serde_json::json!([]),
        "not kept: {}",
        list.text
    );
    srv.stop().await;
}

/// A PUT whose body is a file.
/// On a connection of its own: the server closes one whose body it refused unread (413), and a
/// pooled connection could then fail the next request.
pub(crate) async fn upload(
    srv: &Srv,
    path: &str,
    token: &str,
    file: Vec<u8>,
) -> (u16, serde_json::Value) {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let r = client
        .put(format!("{}{path}", srv.base))
        .bearer_auth(token)
        .header("content-type", "application/octet-stream")
        .body(file)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(serde_json::Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_uploaded_greeting_is_what_callers_hear_and_bad_files_change_nothing() {
    if !baresip_available() {
        return;
    }
    let w = world().await;
    let sip = w.srv.running.as_ref().unwrap().sip_addr;
    let ada = admin_line(&w.srv, &w.t1).await;
    let callee = sip_line(&w.srv, &w.t1.admin_token, &w.t1.line_id).await;
    let caller = sip_line(&w.srv, &w.t1.admin_token, &ada).await;
    all_to_voicemail(&w.srv, &w.t1.admin_token, &w.t1.line_id).await;
    let dir = std::env::temp_dir().join(format!("sb-greet-{}", free_port()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = format!("/api/v1/lines/{}/voicemail-greeting", w.t1.line_id);
    // The user's own greeting: 3 s of 600 Hz, as a 16 kHz WAV file.
    let greeting = dir.join("greeting.wav");
    tone_wav_at(&greeting, 600.0, 3, 16_000);
    let (status, body) = upload(
        &w.srv,
        &path,
        &w.t1.user_token,
        std::fs::read(&greeting).unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["duration_secs"], 3);
    // An MP3 is taken too; then the WAV again.
    let mp3 = include_bytes!("../../../app/testdata/tone600-22k-stereo.mp3").to_vec();
    let (status, body) = upload(&w.srv, &path, &w.t1.user_token, mp3).await;
    // 2 s of tone, and the encoder's padding.
    let secs = body["duration_secs"].as_i64().unwrap_or(0);
    assert!(status == 200 && (2..=3).contains(&secs), "{status} {body}");
    let (status, _) = upload(
        &w.srv,
        &path,
        &w.t1.user_token,
        std::fs::read(&greeting).unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    // Bad files: a clear reason each, and the greeting stays.
    for (file, code) in [
        (b"just some text".to_vec(), "unsupported_audio"),
        (Vec::new(), "empty_file"),
    ] {
        let (status, body) = upload(&w.srv, &path, &w.t1.user_token, file).await;
        assert_eq!((status, body["code"].as_str()), (422, Some(code)), "{body}");
    }
    let (status, body) = upload(&w.srv, &path, &w.t1.user_token, vec![0; 11 * 1024 * 1024]).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (413, Some("file_too_large")),
        "{body}"
    );
    let (status, kept) = download(&w.srv, &path, &w.t1.user_token).await;
    assert_eq!(status, 200);
    assert_eq!(kept.len(), 44 + 3 * 8000 * 2, "the 3 s greeting, at 8 kHz");
    // Another company cannot replace it.
    let (status, _) = upload(
        &w.srv,
        &path,
        &w.t2.admin_token,
        std::fs::read(&greeting).unwrap(),
    )
    .await;
    assert_eq!(status, 404);
    let tone = dir.join("quiet.wav");
    tone_wav(&tone, 1000.0, 20);
    let heard =
        tokio::task::spawn_blocking(move || talk(sip, &caller, &callee.extension, &tone, "", 4))
            .await
            .unwrap();
    let (samples, rate) = heard;
    let start = (rate as usize / 2).min(samples.len());
    let end = (rate as usize * 5 / 2).min(samples.len());
    let r = tone_ratio(&samples[start..end], rate, 600.0);
    assert!(
        r > 0.8,
        "the caller hears the uploaded 600 Hz greeting (ratio {r})"
    );
    let r = w.srv.delete(&path, &w.t1.user_token).await;
    assert_eq!(r.status, 204);
    assert_eq!(download(&w.srv, &path, &w.t1.user_token).await.0, 404);
    w.srv.stop().await;
}

/// Presses `keys` one by one on the phone's call (RFC 4733 events).
fn press(phone: &mut Phone, keys: &str) {
    for k in keys.chars() {
        let r = phone.command("sndcode", &k.to_string());
        assert_eq!(r["ok"], true, "{r}");
        std::thread::sleep(Duration::from_millis(300));
    }
}

/// `caller` (sending `wav`) dials `to`, keys in `keys` once answered, and hangs up after
/// `secs` unless the far end hangs up first; returns what the caller heard and its rate.
fn talk(
    sip: SocketAddr,
    caller: &SipLine,
    to: &str,
    wav: &Path,
    keys: &str,
    secs: u64,
) -> (Vec<i16>, u32) {
    let mut a = Phone::start(sip, caller, wav, "manual");
    a.wait_registered();
    a.dial(&format!("sip:{to}@{}", caller.domain));
    a.wait_event("CALL_ESTABLISHED", 10);
    std::thread::sleep(Duration::from_millis(500));
    press(&mut a, keys);
    let until = Instant::now() + Duration::from_secs(secs);
    let mut closed = false;
    while Instant::now() < until && !closed {
        closed = a.try_event("CALL_CLOSED", 1);
    }
    if !closed {
        a.command("hangup", "");
        a.wait_event("CALL_CLOSED", 10);
    }
    std::thread::sleep(Duration::from_millis(300));
    read_wav(
        a.recordings("dec")
            .last()
            .expect("the caller recorded audio"),
    )
}

/// A new user Lou of the tenant's company (with `package`, else the company's default) and a
/// line at `extension` for her; the line's id.
async fn user_line(
    srv: &Srv,
    t: &Tenant,
    username: &str,
    extension: &str,
    package: Option<&str>,
) -> String {
    let mut user = serde_json::json!({"name": "Lou", "username": username, "password": PW});
    if let Some(p) = package {
        user["package_id"] = p.into();
    }
    let lou = srv
        .post(
            &format!("/api/v1/companies/{}/users", t.company_id),
            &t.admin_token,
            user,
        )
        .await;
    assert_eq!(lou.status, 201, "{}", lou.text);
    let line = srv
        .post(
            &format!("/api/v1/companies/{}/lines", t.company_id),
            &t.admin_token,
            serde_json::json!({"extension": extension, "calling_name": "Lou",
                "user_id": lou.body["user"]["id"]}),
        )
        .await;
    assert_eq!(line.status, 201, "{}", line.text);
    line.id()
}

/// Ada dials `*97` and keys in `keys`; returns what she heard.
fn portal_call(sip: SocketAddr, ada: &SipLine, keys: &str, secs: u64) -> Vec<i16> {
    let dir = std::env::temp_dir().join(format!("sb-portal-{}", free_port()));
    std::fs::create_dir_all(&dir).unwrap();
    let quiet = dir.join("quiet.wav");
    tone_wav(&quiet, 300.0, 60);
    talk(sip, ada, "*97", &quiet, keys, secs).0
}

/// Every call to `line` goes to its voicemail (it has no phone, so at once).
async fn all_to_voicemail(srv: &Srv, token: &str, line: &str) {
    let r = srv
        .put(
            &format!("/api/v1/lines/{line}/call-handling"),
            token,
            serde_json::json!({"forward_all": null, "no_answer": {"action": "divert", "seconds": 20,
                "divert": {"action": "voicemail"}}, "busy": {"action": "engaged"}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_pins_by_phone_lock_the_mailbox_until_unlocked_and_the_right_one_opens_it() {
    if !baresip_available() {
        return;
    }
    let w = world().await;
    let sip = w.srv.running.as_ref().unwrap().sip_addr;
    let ada_line = admin_line(&w.srv, &w.t1).await;
    let ada = sip_line(&w.srv, &w.t1.admin_token, &ada_line).await;
    let pin_path = format!("/api/v1/lines/{ada_line}/voice-pin");
    // Without a PIN the portal says so and hangs up.
    let heard = {
        let ada = ada.clone();
        tokio::task::spawn_blocking(move || portal_call(sip, &ada, "", 12))
            .await
            .unwrap()
    };
    assert!(level_dbfs(&heard) > -40.0, "the caller hears why");
    let r = w
        .srv
        .put(
            &pin_path,
            &w.t1.admin_token,
            serde_json::json!({"pin": "135790"}),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text);
    // Three wrong PINs in one call, two more in the next: locked.
    for keys in ["111111#222222#333333#", "444444#555555#"] {
        let ada = ada.clone();
        tokio::task::spawn_blocking(move || portal_call(sip, &ada, keys, 20))
            .await
            .unwrap();
    }
    let view = w.srv.get(&pin_path, &w.t1.admin_token).await;
    assert_eq!(view.body["locked"], true, "{}", view.text);
    let audit = w
        .srv
        .get(
            &format!(
                "/api/v1/companies/{}/audit?kind=mailbox_locked",
                w.t1.company_id
            ),
            &w.t1.admin_token,
        )
        .await;
    assert_eq!(
        audit.body["items"].as_array().map(Vec::len),
        Some(1),
        "{}",
        audit.text
    );
    // Locked: even the right PIN does not open it.
    {
        let ada = ada.clone();
        tokio::task::spawn_blocking(move || portal_call(sip, &ada, "135790#", 12))
            .await
            .unwrap();
    }
    assert_eq!(
        w.srv.get(&pin_path, &w.t1.admin_token).await.body["locked"],
        true
    );
    let r = w
        .srv
        .post(
            &format!("{pin_path}/unlock"),
            &w.t1.admin_token,
            serde_json::json!({}),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert_eq!(
        w.srv.get(&pin_path, &w.t1.admin_token).await.body["locked"],
        false
    );
    // The right PIN opens the mailbox; 4 and a new PIN change it, star says goodbye.
    {
        let ada = ada.clone();
        tokio::task::spawn_blocking(move || portal_call(sip, &ada, "135790#4246813#*", 25))
            .await
            .unwrap();
    }
    let audit = w
        .srv
        .get(
            &format!("/api/v1/companies/{}/audit?kind=changed", w.t1.company_id),
            &w.t1.admin_token,
        )
        .await;
    assert!(audit.text.contains("set by phone"), "{}", audit.text);
    w.srv.stop().await;
}

/// Guessing access codes: a phone that keyed in more wrong codes than code entry allows (10 from
/// its address, three a call) is refused even the right code of a conference under way, and
/// the bridge hangs up on it as on any wrong code, instead of letting it in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conference_code_entry_locks_after_repeated_wrong_codes() {
    if !baresip_available() {
        return;
    }
    let w = world().await;
    let t = &w.t1;
    let sip = w.srv.running.as_ref().unwrap().sip_addr;
    let now_ms = {
        use sb_domain::clock::Clock as _;
        sb_domain::clock::SystemClock.now().as_millisecond()
    };
    let r = w
        .srv
        .post(
            &format!("/api/v1/companies/{}/conferences", t.company_id),
            &t.user_token,
            serde_json::json!({"title": "Stand-up", "starts_at": sb_domain::clock::rfc3339(now_ms),
                "duration_minutes": 15}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let code = r.body["dial_in"]["access_code"]
        .as_str()
        .unwrap()
        .to_owned();
    let wrong = if code == "111111" { "222222" } else { "111111" };
    let line = sip_line(&w.srv, &t.admin_token, &t.line_id).await;
    let joined = tokio::task::spawn_blocking(move || {
        let dir = std::env::temp_dir().join(format!("sb-confguess-{}", free_port()));
        std::fs::create_dir_all(&dir).unwrap();
        let wav = dir.join("quiet.wav");
        tone_wav(&wav, 300.0, 60);
        let mut p = Phone::start(sip, &line, &wav, "manual");
        p.wait_registered();
        // Each call: three codes, each keyed in over the prompt before it; the bridge says
        // goodbye and hangs up after the third.
        let mut call = |keys: &str| -> bool {
            p.dial(&format!("sip:*88@{}", line.domain));
            p.wait_event("CALL_ESTABLISHED", 10);
            for _ in 0..3 {
                std::thread::sleep(Duration::from_millis(500));
                press(&mut p, &format!("{keys}#"));
                std::thread::sleep(Duration::from_millis(2500));
            }
            let closed = p.try_event("CALL_CLOSED", 20);
            if !closed {
                p.command("hangup", "");
                p.wait_event("CALL_CLOSED", 10);
            }
            !closed
        };
        for _ in 0..4 {
            assert!(!call(wrong), "a wrong code let the phone in");
        }
        call(&code)
    })
    .await
    .unwrap();
    assert!(
        !joined,
        "after 12 wrong codes the right one still opened the conference"
    );
    w.srv.stop().await;
}

/// Three phones call `*88`, key in the access code of a conference under way and talk: each
/// sends its own tone and hears the other two, never its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_callers_in_a_conference_each_hear_the_others_but_not_themselves() {
    if !baresip_available() {
        return;
    }
    let w = world().await;
    let t = &w.t1;
    let sip = w.srv.running.as_ref().unwrap().sip_addr;
    let ada_line = admin_line(&w.srv, t).await;
    let third = user_line(&w.srv, t, "louconf", "203", None).await;
    let now_ms = {
        use sb_domain::clock::Clock as _;
        sb_domain::clock::SystemClock.now().as_millisecond()
    };
    let r = w
        .srv
        .post(
            &format!("/api/v1/companies/{}/conferences", t.company_id),
            &t.user_token,
            serde_json::json!({"title": "Stand-up", "starts_at": sb_domain::clock::rfc3339(now_ms),
                "duration_minutes": 15}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let code = r.body["dial_in"]["access_code"]
        .as_str()
        .unwrap()
        .to_owned();
    let lines = [
        sip_line(&w.srv, &t.admin_token, &t.line_id).await,
        sip_line(&w.srv, &t.admin_token, &ada_line).await,
        sip_line(&w.srv, &t.admin_token, &third.clone()).await,
    ];
    let freqs = [500.0, 1100.0, 1700.0];
    let heard = tokio::task::spawn_blocking(move || {
        let dir = std::env::temp_dir().join(format!("sb-conf-{}", free_port()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut phones = Vec::new();
        for (line, f) in lines.iter().zip(freqs) {
            let wav = dir.join(format!("tone{f}.wav"));
            tone_wav(&wav, f, 60);
            let mut p = Phone::start(sip, line, &wav, "manual");
            p.wait_registered();
            p.dial(&format!("sip:*88@{}", line.domain));
            p.wait_event("CALL_ESTABLISHED", 10);
            std::thread::sleep(Duration::from_millis(500));
            press(&mut p, &format!("{code}#"));
            phones.push(p);
        }
        // Everyone is in (the last one after the prompt it cut short): talk a while.
        std::thread::sleep(Duration::from_secs(5));
        for p in &mut phones {
            p.command("hangup", "");
        }
        for p in &mut phones {
            p.wait_event("CALL_CLOSED", 10);
        }
        std::thread::sleep(Duration::from_millis(300));
        phones
            .iter()
            .map(|p| read_wav(p.recordings("dec").last().expect("audio was received")))
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    for (i, (samples, rate)) in heard.iter().enumerate() {
        // The last seconds, with all three in the room.
        let n = samples.len();
        let window = &samples[n.saturating_sub(*rate as usize * 4)..n - *rate as usize / 2];
        for (j, f) in freqs.iter().enumerate() {
            let ratio = tone_ratio(window, *rate, *f);
            if i == j {
                assert!(ratio < 0.02, "caller {i} hears its own tone ({ratio})");
            } else {
                assert!(ratio > 0.2, "caller {i} hears caller {j}'s tone ({ratio})");
            }
        }
    }
    w.srv.stop().await;
}

/// A 20 ms energy envelope in dB (floored, so that silence does not dominate).
fn envelope(samples: &[i16]) -> Vec<f64> {
    samples
        .chunks_exact(160)
        .map(|f| level_dbfs(f).max(-60.0))
        .collect()
}

/// How well `prompt` is found in `heard`: the best correlation of their envelopes over every
/// offset (1 for the same audio).
fn found_in(heard: &[i16], prompt: &[i16]) -> f64 {
    found_after(heard, prompt, 0).0
}

/// [`found_in`] from the 20 ms frame `from` on, and the frame where it is best found.
fn found_after(heard: &[i16], prompt: &[i16], from: usize) -> (f64, usize) {
    let (h, p) = (envelope(heard), envelope(prompt));
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let mp = mean(&p);
    let sp = p.iter().map(|x| (x - mp).powi(2)).sum::<f64>().sqrt();
    let (mut best, mut at) = (-1.0f64, 0);
    for off in from..h.len().saturating_sub(p.len()) {
        let w = &h[off..off + p.len()];
        let mw = mean(w);
        let sw = w.iter().map(|x| (x - mw).powi(2)).sum::<f64>().sqrt();
        if sw == 0.0 || sp == 0.0 {
            continue;
        }
        let cov: f64 = w.iter().zip(&p).map(|(a, b)| (a - mw) * (b - mp)).sum();
        if cov / (sw * sp) > best {
            (best, at) = (cov / (sw * sp), off);
        }
    }
    (best, at)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callers_may_take_the_companys_second_language_and_hear_the_greeting_in_it() {
    if !baresip_available() {
        return;
    }
    let w = world().await;
    let t = &w.t1;
    let sip = w.srv.running.as_ref().unwrap().sip_addr;
    let r = w
        .srv
        .patch(
            &format!("/api/v1/companies/{}", t.company_id),
            &t.admin_token,
            serde_json::json!({"second_language": "fr"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    all_to_voicemail(&w.srv, &t.admin_token, &t.line_id).await;
    let ada_line = admin_line(&w.srv, t).await;
    let ada = sip_line(&w.srv, &t.admin_token, &ada_line).await;
    let dir = std::env::temp_dir().join(format!("sb-lang-{}", free_port()));
    std::fs::create_dir_all(&dir).unwrap();
    let quiet = dir.join("quiet.wav");
    tone_wav(&quiet, 300.0, 60);
    let (stay, take) = {
        let quiet = quiet.clone();
        tokio::task::spawn_blocking(move || {
            let stay = talk(sip, &ada, "201", &quiet, "", 10).0;
            let take = talk(sip, &ada, "201", &quiet, "*", 10).0;
            (stay, take)
        })
        .await
        .unwrap()
    };
    let prompt = |lang: &str| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../prompts");
        read_wav(&root.join(lang).join("vm-greeting.wav")).0
    };
    let (en, fr) = (prompt("en"), prompt("fr"));
    let scores = [
        found_in(&stay, &en),
        found_in(&stay, &fr),
        found_in(&take, &fr),
        found_in(&take, &en),
    ];
    eprintln!("greeting scores (en, fr without a key; fr, en with *): {scores:?}");
    assert!(
        scores[0] > 0.9 && scores[1] < 0.8,
        "without a key the greeting is English: {scores:?}"
    );
    assert!(
        scores[2] > 0.9 && scores[3] < 0.8,
        "with * the greeting is French: {scores:?}"
    );
    w.srv.stop().await;
}

/// A line that records calls gets each answered call in its inbox, both sides mixed; lines
/// that do not record get nothing, and a package without call recording cannot switch it on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recorded_call_lands_in_the_inbox_with_both_sides_and_only_where_the_package_allows() {
    if !baresip_available() {
        return;
    }
    let w = world().await;
    let t = &w.t1;
    let sip = w.srv.running.as_ref().unwrap().sip_addr;
    // Ulf's package has call recording; Lou's does not.
    let package = |name: &str, features: serde_json::Value| {
        let srv = &w.srv;
        let token = t.reseller_token.clone();
        let body = serde_json::json!({"name": name, "features": features});
        async move {
            let r = srv.post("/api/v1/packages", &token, body).await;
            assert_eq!(r.status, 201, "{}", r.text);
            r.id()
        }
    };
    let rec = package(
        "Recorded",
        serde_json::json!(["user_portal", "call_recording"]),
    )
    .await;
    let basic = package("Unrecorded", serde_json::json!(["user_portal"])).await;
    let co = w
        .srv
        .get(
            &format!("/api/v1/companies/{}", t.company_id),
            &t.admin_token,
        )
        .await;
    let mut offered: Vec<serde_json::Value> =
        co.body["offered_packages"].as_array().unwrap().clone();
    offered.extend([serde_json::json!(rec), serde_json::json!(basic)]);
    let r = w
        .srv
        .put(
            &format!("/api/v1/companies/{}/packages", t.company_id),
            &t.reseller_token,
            serde_json::json!({"offered": offered, "default": co.body["default_package_id"]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = w
        .srv
        .patch(
            &format!("/api/v1/users/{}", t.user_id),
            &t.admin_token,
            serde_json::json!({"package_id": rec}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let setting = format!("/api/v1/lines/{}/recording", t.line_id);
    assert_eq!(
        w.srv.get(&setting, &t.user_token).await.body["record_calls"],
        false
    );
    let r = w
        .srv
        .put(
            &setting,
            &t.user_token,
            serde_json::json!({"record_calls": true}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let lou_line = user_line(&w.srv, t, "lourec", "204", Some(basic.as_str())).await;
    let lou_setting = format!("/api/v1/lines/{}/recording", lou_line.clone());
    let r = w
        .srv
        .put(
            &lou_setting,
            &t.admin_token,
            serde_json::json!({"record_calls": true}),
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert_eq!(
        w.srv.get(&lou_setting, &t.admin_token).await.body["record_calls"],
        false,
        "refused: nothing changed"
    );

    let ada_line = admin_line(&w.srv, t).await;
    let callee = sip_line(&w.srv, &t.admin_token, &t.line_id).await;
    let caller = sip_line(&w.srv, &t.admin_token, &ada_line).await;
    let dir = std::env::temp_dir().join(format!("sb-rec-{}", free_port()));
    std::fs::create_dir_all(&dir).unwrap();
    let (high, low) = (dir.join("tone1k.wav"), dir.join("tone400.wav"));
    tone_wav(&high, 1000.0, 20);
    tone_wav(&low, 400.0, 20);
    tokio::task::spawn_blocking(move || {
        let mut b = Phone::start(sip, &callee, &low, "auto");
        b.wait_registered();
        let mut a = Phone::start(sip, &caller, &high, "manual");
        a.wait_registered();
        a.dial(&format!("sip:{}@{}", callee.extension, caller.domain));
        a.wait_event("CALL_ESTABLISHED", 10);
        std::thread::sleep(Duration::from_secs(4));
        a.command("hangup", "");
        a.wait_event("CALL_CLOSED", 10);
        b.wait_event("CALL_CLOSED", 10);
    })
    .await
    .unwrap();
    let list_path = format!("/api/v1/lines/{}/recordings", t.line_id);
    let mut list = serde_json::Value::Null;
    for _ in 0..50 {
        list = w.srv.get(&list_path, &t.user_token).await.body;
        if list["items"].as_array().is_some_and(|a| !a.is_empty()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let rec = &list["items"][0];
    assert_eq!(rec["direction"], "incoming", "{list}");
    assert_eq!(rec["other_number"], "202", "{list}");
    assert!(rec["duration_secs"].as_i64().unwrap() >= 3, "{rec}");
    let (status, wav) = download(&w.srv, rec["audio_url"].as_str().unwrap(), &t.user_token).await;
    assert_eq!(status, 200);
    let path = dir.join("recording.wav");
    std::fs::write(&path, &wav).unwrap();
    let (samples, rate) = read_wav(&path);
    let body = &samples[(rate as usize).min(samples.len())..];
    let (r1, r2) = (
        tone_ratio(body, rate, 1000.0),
        tone_ratio(body, rate, 400.0),
    );
    eprintln!(
        "recording: 1 kHz {r1}, 400 Hz {r2}, {} s",
        samples.len() / rate as usize
    );
    assert!(
        r1 > 0.3 && r2 > 0.3,
        "both sides are in the recording (1 kHz {r1}, 400 Hz {r2})"
    );
    assert_eq!(
        w.srv
            .get(
                &format!("/api/v1/lines/{ada_line}/recordings"),
                &t.admin_token
            )
            .await
            .body["items"],
        serde_json::json!([]),
        "Ada's line does not record"
    );
    // Another tenant cannot reach it; its owner marks it heard (saved), then deletes it.
    assert_eq!(rec["heard"], false, "{rec}");
    let audio = rec["audio_url"].as_str().unwrap();
    assert_eq!(download(&w.srv, audio, &w.t2.admin_token).await.0, 404);
    let id = rec["id"].as_str().unwrap();
    let r = w
        .srv
        .patch(
            &format!("/api/v1/recordings/{id}"),
            &t.user_token,
            serde_json::json!({"heard": true}),
        )
        .await;
    assert_eq!(
        (r.status.as_u16(), &r.body["heard"]),
        (200, &serde_json::json!(true))
    );
    let again = w.srv.get(&list_path, &t.user_token).await;
    assert_eq!(again.body["items"][0]["heard"], true, "{}", again.text);
    let r = w
        .srv
        .delete(&format!("/api/v1/recordings/{id}"), &t.user_token)
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert_eq!(download(&w.srv, audio, &t.user_token).await.0, 404);
    // The deletion is in the company's audit (ARCHITECTURE rule 3).
    let audit = w
        .srv
        .get(
            &format!("/api/v1/companies/{}/audit?kind=deleted", t.company_id),
            &t.admin_token,
        )
        .await;
    let deleted = audit.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["target_type"] == "recording")
        .unwrap_or_else(|| panic!("no audit record of the deletion: {}", audit.text));
    assert_eq!(deleted["target_id"], id, "{deleted}");
    w.srv.stop().await;
}

/// How much of what was heard is the built-in music on hold: over each audible tenth of a
/// second, the power share of its strongest note (the notes change every quarter second),
/// averaged.
fn hold_music_ratio(samples: &[i16], rate: u32) -> f64 {
    let shares: Vec<f64> = samples
        .chunks_exact(rate as usize / 10)
        .filter(|c| level_dbfs(c) > -40.0)
        .map(|c| {
            [523.25, 659.25, 783.99]
                .iter()
                .map(|f| tone_ratio(c, rate, *f))
                .fold(0.0, f64::max)
        })
        .collect();
    if shares.len() < 5 {
        return 0.0;
    }
    shares.iter().sum::<f64>() / shares.len() as f64
}

/// A caller to a top-down queue hears music on hold while the first agent's phone rings
/// unanswered; then the next agent's phone rings and answers, and the caller is put through.
/// With nobody logged in, a caller overflows after the maximum wait. The figures count both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queue_plays_music_rings_agents_top_down_and_overflows_when_nobody_answers() {
    if !baresip_available() {
        return;
    }
    let w = world().await;
    let t = &w.t1;
    let sip = w.srv.running.as_ref().unwrap().sip_addr;
    let ada_line = gold_admin_line(&w.srv, t).await;
    let lou_line = user_line(&w.srv, t, "louqueue", "203", None).await;
    let queue = format!("/api/v1/queues/{}", t.queue_id);
    let settings = |max_wait: u32| {
        serde_json::json!({"name": "Help", "extension": "600", "strategy": "top_down",
            "ring_seconds": 5, "max_wait_seconds": max_wait,
            "agents": [{"line_id": t.line_id}, {"line_id": ada_line}]})
    };
    let r = w.srv.put(&queue, &t.admin_token, settings(30)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let status = format!("{queue}/agent-status");
    let r = w
        .srv
        .put(
            &status,
            &t.user_token,
            serde_json::json!({"line_id": t.line_id, "logged_in": true}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = w
        .srv
        .put(
            &status,
            &t.user_token,
            serde_json::json!({"line_id": ada_line, "logged_in": true}),
        )
        .await;
    assert_eq!(r.status, 422, "Ulf cannot log Ada in: {}", r.text);
    let r = w
        .srv
        .put(
            &status,
            &t.admin_token,
            serde_json::json!({"line_id": ada_line, "logged_in": true}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(
        r.body["agents"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["logged_in"] == true)
    );

    let ulf = sip_line(&w.srv, &t.admin_token, &t.line_id).await;
    let ada = sip_line(&w.srv, &t.admin_token, &ada_line).await;
    let caller = sip_line(&w.srv, &t.admin_token, &lou_line.clone()).await;
    let dir = std::env::temp_dir().join(format!("sb-queue-{}", free_port()));
    std::fs::create_dir_all(&dir).unwrap();
    let (high, low) = (dir.join("tone1k.wav"), dir.join("tone400.wav"));
    tone_wav(&high, 1000.0, 30);
    tone_wav(&low, 400.0, 30);
    let (heard, rate, ulf_rang) = {
        let caller = caller.clone();
        let high = high.clone();
        tokio::task::spawn_blocking(move || {
            // Ulf's phone rings but he does not answer; Ada's answers as soon as it rings.
            let mut u = Phone::start(sip, &ulf, &low, "manual");
            u.wait_registered();
            let mut a = Phone::start(sip, &ada, &low, "auto");
            a.wait_registered();
            let mut c = Phone::start(sip, &caller, &high, "manual");
            c.wait_registered();
            c.dial(&format!("sip:600@{}", caller.domain));
            c.wait_event("CALL_ESTABLISHED", 10);
            let ulf_rang = u.try_event("CALL_INCOMING", 3);
            a.wait_event("CALL_ESTABLISHED", 10);
            std::thread::sleep(Duration::from_secs(3));
            c.hang_up_with(&mut a);
            let (s, rate) = read_wav(c.recordings("dec").last().expect("the caller heard audio"));
            (s, rate, ulf_rang)
        })
        .await
        .unwrap()
    };
    assert!(ulf_rang, "the first agent's phone rang first");
    let second = rate as usize;
    let waiting = &heard[second / 2..(3 * second).min(heard.len())];
    let m = hold_music_ratio(waiting, rate);
    assert!(
        m > 0.5,
        "the caller hears music on hold while waiting ({m})"
    );
    let end = heard.len() - second / 2;
    let talking = &heard[end - 2 * second..end];
    let r = tone_ratio(talking, rate, 400.0);
    assert!(r > 0.8, "then the agent who answered (ratio {r})");

    // Nobody logged in: the caller waits the maximum and is let go.
    let r = w.srv.put(&queue, &t.admin_token, settings(10)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    for (token, line) in [(&t.user_token, &t.line_id), (&t.admin_token, &ada_line)] {
        let r = w
            .srv
            .put(
                &status,
                token,
                serde_json::json!({"line_id": line, "logged_in": false}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    let (caller_again, high_again) = (caller.clone(), high.clone());
    let call = tokio::task::spawn_blocking(move || {
        let mut c = Phone::start(sip, &caller, &high, "manual");
        c.wait_registered();
        c.dial(&format!("sip:600@{}", caller.domain));
        c.wait_event("CALL_ESTABLISHED", 10);
        let started = Instant::now();
        c.wait_event("CALL_CLOSED", 20);
        started.elapsed()
    });
    tokio::time::sleep(Duration::from_secs(5)).await;
    let live = w.srv.get(&format!("{queue}/figures"), &t.admin_token).await;
    assert_eq!(live.body["waiting"], 1, "{}", live.text);
    assert_eq!(live.body["agents_logged_in"], 0, "{}", live.text);
    let waited = call.await.unwrap();
    assert!(
        waited >= Duration::from_secs(8) && waited <= Duration::from_secs(14),
        "let go after the maximum wait ({waited:?})"
    );
    let mut figures = serde_json::Value::Null;
    for _ in 0..20 {
        figures = w
            .srv
            .get(&format!("{queue}/figures"), &t.admin_token)
            .await
            .body;
        if figures["offered"] == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(figures["offered"], 2, "{figures}");
    assert_eq!(figures["answered"], 1, "{figures}");
    assert_eq!(figures["overflowed"], 1, "{figures}");
    assert_eq!(figures["waiting"], 0, "{figures}");
    assert!(
        figures["longest_wait_secs"].as_i64().unwrap() >= 9,
        "{figures}"
    );

    // Overflow to voicemail: after the wait the caller hears the greeting and leaves a message
    // in Ada's mailbox, which is the queue's group inbox: Ulf, an agent, reads it too.
    let mut with_voicemail = settings(10);
    with_voicemail["overflow"] = serde_json::json!({"action": "voicemail", "line_id": ada_line});
    let r = w.srv.put(&queue, &t.admin_token, with_voicemail).await;
    assert_eq!(r.status, 200, "{}", r.text);
    tokio::task::spawn_blocking(move || talk(sip, &caller_again, "600", &high_again, "", 22))
        .await
        .unwrap();
    let inbox = format!("{queue}/voicemails");
    let mut list = serde_json::Value::Null;
    for _ in 0..50 {
        list = w.srv.get(&inbox, &t.user_token).await.body;
        if list["items"].as_array().is_some_and(|a| !a.is_empty()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let m = &list["items"][0];
    assert_eq!(m["caller_number"], "203", "{list}");
    let (status, wav) = download(&w.srv, m["audio_url"].as_str().unwrap(), &t.user_token).await;
    assert_eq!(status, 200, "an agent plays the group's message");
    let path = dir.join("overflow.wav");
    std::fs::write(&path, &wav).unwrap();
    let (samples, rate) = read_wav(&path);
    let r = tone_ratio(
        &samples[(rate as usize / 2).min(samples.len())..],
        rate,
        1000.0,
    );
    assert!(r > 0.8, "the message holds the caller's tone (ratio {r})");
    // Lou is no agent: neither the inbox nor its messages.
    let lou_token = w.srv.login("louqueue", PW).await;
    assert_eq!(w.srv.get(&inbox, &lou_token).await.status, 403);
    assert_eq!(
        download(&w.srv, m["audio_url"].as_str().unwrap(), &lou_token)
            .await
            .0,
        404
    );
    w.srv.stop().await;
}

/// a redirect to a number that is announced tells the caller the call is being
/// forwarded, and the phone that answers first hears who is calling ("call from two zero
/// three"), without the caller, before the two are connected.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_announced_redirect_tells_the_caller_and_then_the_answering_phone_who_is_calling() {
    if !baresip_available() {
        return;
    }
    let w = world().await;
    let t = &w.t1;
    let sip = w.srv.running.as_ref().unwrap().sip_addr;
    let ada_line = admin_line(&w.srv, t).await;
    let lou_line = user_line(&w.srv, t, "louannounce", "203", None).await;
    // Ulf has no phone: his calls go on at once to Ada's extension, announced.
    let r = w
        .srv
        .put(
            &format!("/api/v1/lines/{}/call-handling", t.line_id),
            &t.admin_token,
            serde_json::json!({"forward_all": null, "no_answer": {"action": "divert", "seconds": 20,
                "divert": {"action": "redirect_to_number", "number": "202", "announce": true}},
                "busy": {"action": "engaged"}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let ada = sip_line(&w.srv, &t.admin_token, &ada_line).await;
    let caller = sip_line(&w.srv, &t.admin_token, &lou_line.clone()).await;
    let dir = std::env::temp_dir().join(format!("sb-announce-{}", free_port()));
    std::fs::create_dir_all(&dir).unwrap();
    let (high, low) = (dir.join("tone1k.wav"), dir.join("tone400.wav"));
    tone_wav(&high, 1000.0, 30);
    tone_wav(&low, 400.0, 30);
    let ((heard, rate), (ada_heard, ada_rate)) = tokio::task::spawn_blocking(move || {
        let mut a = Phone::start(sip, &ada, &low, "manual");
        a.wait_registered();
        let mut c = Phone::start(sip, &caller, &high, "manual");
        c.wait_registered();
        c.dial(&format!("sip:201@{}", caller.domain));
        a.wait_event("CALL_INCOMING", 10);
        // Ada takes the call once the announcement is over.
        std::thread::sleep(Duration::from_secs(5));
        let r = a.command("accept", "");
        assert_eq!(r["ok"], true, "{r}");
        c.wait_event("CALL_ESTABLISHED", 10);
        std::thread::sleep(Duration::from_secs(3));
        c.hang_up_with(&mut a);
        (
            read_wav(c.recordings("dec").last().expect("the caller heard audio")),
            read_wav(a.recordings("dec").last().expect("Ada heard audio")),
        )
    })
    .await
    .unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../prompts");
    let prompt = read_wav(&root.join("en/redirecting.wav")).0;
    // The answering phone is told "call from" and the caller's extension, digit by digit:
    // each part is looked for after the one before (on its own, as the phone's jitter buffer
    // may stretch the pauses between them).
    let mut next = 0;
    for name in ["call-from", "n2", "n0", "n3"] {
        let part = read_wav(&root.join(format!("en/{name}.wav"))).0;
        let (found, at) = found_after(&ada_heard, &part, next);
        assert!(
            found > 0.95,
            "Ada hears {name} after what came before ({found})"
        );
        next = at + part.len() / 160 - 5;
    }
    let other = found_in(&ada_heard, &prompt);
    assert!(
        other < 0.8,
        "what the caller is told is not Ada's ({other})"
    );
    let before = &ada_heard[..ada_rate as usize * 2];
    let r = tone_ratio(before, ada_rate, 1000.0);
    assert!(r < 0.2, "and not the caller meanwhile (ratio {r})");
    let n = ada_heard.len();
    let r = tone_ratio(
        &ada_heard[n - ada_rate as usize * 2..n - ada_rate as usize / 2],
        ada_rate,
        1000.0,
    );
    assert!(r > 0.8, "then the caller (ratio {r})");
    let found = found_in(&heard, &prompt);
    assert!(
        found > 0.9,
        "the caller hears that the call is forwarded ({found})"
    );
    let n = heard.len();
    let talking = &heard[n - rate as usize * 2..n - rate as usize / 2];
    let r = tone_ratio(talking, rate, 400.0);
    assert!(r > 0.8, "then Ada (ratio {r})");
    w.srv.stop().await;
}

/// The phone that hears who is calling may decline by hanging up: the caller is never
/// connected to it. And a caller who gives up meanwhile ends the call on that phone too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hanging_up_while_told_who_is_calling_declines_and_a_caller_giving_up_ends_it_there() {
    if !baresip_available() {
        return;
    }
    let w = world().await;
    let t = &w.t1;
    let sip = w.srv.running.as_ref().unwrap().sip_addr;
    let ada_line = admin_line(&w.srv, t).await;
    let lou_line = user_line(&w.srv, t, "loudecline", "203", None).await;
    let handling = |no_answer: serde_json::Value| serde_json::json!({"forward_all": null, "no_answer": no_answer, "busy": {"action": "engaged"}});
    let r = w
        .srv
        .put(
            &format!("/api/v1/lines/{}/call-handling", t.line_id),
            &t.admin_token,
            handling(serde_json::json!({"action": "divert", "seconds": 20,
                "divert": {"action": "redirect_to_number", "number": "202", "announce": true}})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    // Ada's own calls only ring: once she declines there is nothing more to try.
    let r = w
        .srv
        .put(
            &format!("/api/v1/lines/{ada_line}/call-handling"),
            &t.admin_token,
            handling(serde_json::json!({"action": "keep_ringing"})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let ada = sip_line(&w.srv, &t.admin_token, &ada_line).await;
    let caller = sip_line(&w.srv, &t.admin_token, &lou_line).await;
    let dir = std::env::temp_dir().join(format!("sb-decline-{}", free_port()));
    std::fs::create_dir_all(&dir).unwrap();
    let tone = dir.join("tone.wav");
    tone_wav(&tone, 1000.0, 30);
    tokio::task::spawn_blocking(move || {
        let mut a = Phone::start(sip, &ada, &tone, "manual");
        a.wait_registered();
        let mut c = Phone::start(sip, &caller, &tone, "manual");
        c.wait_registered();
        let target = format!("sip:201@{}", caller.domain);
        // Ada answers, and while she hears "call from ..." one of the two hangs up: the call
        // ends on both phones and the caller was never connected.
        for ada_hangs_up in [true, false] {
            c.dial(&target);
            a.wait_event("CALL_INCOMING", 10);
            assert_eq!(a.command("accept", "")["ok"], true);
            a.wait_event("CALL_ESTABLISHED", 10);
            std::thread::sleep(Duration::from_millis(800));
            let (first, second) = if ada_hangs_up {
                (&mut a, &mut c)
            } else {
                (&mut c, &mut a)
            };
            first.command("hangup", "");
            first.wait_event("CALL_CLOSED", 10);
            second.wait_event("CALL_CLOSED", 10);
            assert!(
                !c.try_event("CALL_ESTABLISHED", 1),
                "the caller was never connected (Ada hung up: {ada_hangs_up})"
            );
        }
    })
    .await
    .unwrap();
    // Neither call was answered: Ada's log has two calls she did not take.
    let mut rows = Vec::new();
    for _ in 0..50 {
        let r = w
            .srv
            .get(&format!("/api/v1/lines/{ada_line}/calls"), &t.admin_token)
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        rows = r.body["items"].as_array().cloned().unwrap_or_default();
        if rows.len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(rows.len(), 2, "{rows:?}");
    for row in rows {
        assert_ne!(row["direction"], "received", "{row}");
        assert_eq!(row["duration_secs"], 0, "{row}");
    }
    w.srv.stop().await;
}

/// A call-in agent dials the queue's call-in extension and stays on: between callers they hear
/// music on hold, each caller is put through at once (the agent hears a beep first), and when
/// the caller hangs up the agent is still there for the next one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_in_agent_stays_on_and_takes_callers_one_after_another() {
    if !baresip_available() {
        return;
    }
    let w = world().await;
    let t = &w.t1;
    let sip = w.srv.running.as_ref().unwrap().sip_addr;
    let ada_line = gold_admin_line(&w.srv, t).await;
    let queue = format!("/api/v1/queues/{}", t.queue_id);
    let mut body = serde_json::json!({"name": "Desk", "extension": "600", "strategy": "ring_all",
        "call_in_extension": "601", "call_in_hold": "music",
        "agents": [{"line_id": ada_line, "kind": "call_in"}]});
    let r = w.srv.put(&queue, &t.admin_token, body.clone()).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(r.body["code"], "call_in_with_ring_all", "{}", r.text);
    body["strategy"] = "top_down".into();
    let r = w.srv.put(&queue, &t.admin_token, body).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["agents"][0]["kind"], "call_in", "{}", r.text);

    let agent = sip_line(&w.srv, &t.admin_token, &ada_line).await;
    let caller = sip_line(&w.srv, &t.admin_token, &t.line_id).await;
    let dir = std::env::temp_dir().join(format!("sb-callin-{}", free_port()));
    std::fs::create_dir_all(&dir).unwrap();
    let (voice, low) = (dir.join("tone1300.wav"), dir.join("tone400.wav"));
    tone_wav(&voice, 1300.0, 60);
    tone_wav(&low, 400.0, 60);
    let (agent_heard, caller_heard) = tokio::task::spawn_blocking(move || {
        let mut a = Phone::start(sip, &agent, &low, "manual");
        a.wait_registered();
        a.dial(&format!("sip:601@{}", agent.domain));
        a.wait_event("CALL_ESTABLISHED", 10);
        let mut c = Phone::start(sip, &caller, &voice, "manual");
        c.wait_registered();
        // The agent waits a little with music before the first caller.
        std::thread::sleep(Duration::from_secs(2));
        for _ in 0..2 {
            c.dial(&format!("sip:600@{}", caller.domain));
            c.wait_event("CALL_ESTABLISHED", 10);
            std::thread::sleep(Duration::from_secs(3));
            c.command("hangup", "");
            c.wait_event("CALL_CLOSED", 10);
            std::thread::sleep(Duration::from_millis(500));
        }
        assert!(
            !a.try_event("CALL_CLOSED", 1),
            "the agent is still on the line"
        );
        a.command("hangup", "");
        a.wait_event("CALL_CLOSED", 10);
        std::thread::sleep(Duration::from_millis(300));
        let agent_heard = read_wav(a.recordings("dec").last().expect("the agent heard audio"));
        let caller_heard = c
            .recordings("dec")
            .iter()
            .map(|p| read_wav(p))
            .collect::<Vec<_>>();
        (agent_heard, caller_heard)
    })
    .await
    .unwrap();
    assert_eq!(caller_heard.len(), 2, "two calls");
    for (samples, rate) in &caller_heard {
        let n = samples.len();
        let r = tone_ratio(&samples[n / 3..n - *rate as usize / 2], *rate, 400.0);
        assert!(r > 0.8, "each caller talks with the agent (ratio {r})");
    }
    let (samples, rate) = agent_heard;
    let waiting = &samples[rate as usize / 2..(2 * rate as usize).min(samples.len())];
    let m = hold_music_ratio(waiting, rate);
    assert!(m > 0.5, "the agent hears music between callers ({m})");
    let chunks: Vec<&[i16]> = samples.chunks_exact(rate as usize / 10).collect();
    let beeps = chunks
        .iter()
        .filter(|c| tone_ratio(c, rate, 1000.0) > 0.8)
        .count();
    let voice = chunks
        .iter()
        .filter(|c| tone_ratio(c, rate, 1300.0) > 0.8)
        .count();
    assert!(beeps >= 4, "a beep before each caller ({beeps} tenths)");
    assert!(voice >= 40, "the agent hears both callers ({voice} tenths)");
    let figures = w.srv.get(&format!("{queue}/figures"), &t.admin_token).await;
    assert_eq!(figures.body["answered"], 2, "{}", figures.text);
    w.srv.stop().await;
}

/// Round-robin gives each new caller to the agent after the one who took the last call;
/// ring-progressively rings the first agent, then adds the next after the delay while the
/// first keeps ringing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn round_robin_and_ring_progressively_ring_agents_in_their_order() {
    if !baresip_available() {
        return;
    }
    let w = world().await;
    let t = &w.t1;
    let sip = w.srv.running.as_ref().unwrap().sip_addr;
    let ada_line = gold_admin_line(&w.srv, t).await;
    let lou_line = user_line(&w.srv, t, "louorder", "203", None).await;
    let queue = format!("/api/v1/queues/{}", t.queue_id);
    let settings = |strategy: &str| {
        serde_json::json!({"name": "Order", "extension": "600", "strategy": strategy,
            "ring_seconds": 5, "progressive_delay_seconds": 2, "max_wait_seconds": 30,
            "agents": [{"line_id": t.line_id}, {"line_id": ada_line}]})
    };
    let r = w
        .srv
        .put(&queue, &t.admin_token, settings("round_robin"))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    for (token, line) in [(&t.user_token, &t.line_id), (&t.admin_token, &ada_line)] {
        let r = w
            .srv
            .put(
                &format!("{queue}/agent-status"),
                token,
                serde_json::json!({"line_id": line, "logged_in": true}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    let ulf = sip_line(&w.srv, &t.admin_token, &t.line_id).await;
    let ada = sip_line(&w.srv, &t.admin_token, &ada_line).await;
    let caller = sip_line(&w.srv, &t.admin_token, &lou_line).await;
    let dir = std::env::temp_dir().join(format!("sb-order-{}", free_port()));
    std::fs::create_dir_all(&dir).unwrap();
    let tone = dir.join("tone.wav");
    tone_wav(&tone, 500.0, 30);
    // Round-robin: Ulf takes the first caller, Ada the second.
    let answered_by = {
        let (ulf, ada, caller, tone) = (ulf.clone(), ada.clone(), caller.clone(), tone.clone());
        tokio::task::spawn_blocking(move || {
            let mut u = Phone::start(sip, &ulf, &tone, "auto");
            u.wait_registered();
            let mut a = Phone::start(sip, &ada, &tone, "auto");
            a.wait_registered();
            let mut c = Phone::start(sip, &caller, &tone, "manual");
            c.wait_registered();
            let mut who = Vec::new();
            for _ in 0..2 {
                c.dial(&format!("sip:600@{}", caller.domain));
                c.wait_event("CALL_ESTABLISHED", 10);
                let (by_ulf, by_ada) = loop {
                    let (x, y) = (
                        u.try_event("CALL_ESTABLISHED", 1),
                        a.try_event("CALL_ESTABLISHED", 1),
                    );
                    if x || y {
                        break (x, y);
                    }
                };
                who.push(if by_ulf && !by_ada { "ulf" } else { "ada" });
                std::thread::sleep(Duration::from_secs(1));
                c.command("hangup", "");
                c.wait_event("CALL_CLOSED", 10);
                std::thread::sleep(Duration::from_millis(500));
            }
            who
        })
        .await
        .unwrap()
    };
    assert_eq!(answered_by, vec!["ulf", "ada"]);

    // Ring-progressively: Ulf rings first, Ada joins two seconds later while Ulf still rings.
    let r = w
        .srv
        .put(&queue, &t.admin_token, settings("ring_progressively"))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let (first_alone, gap, ulf_still_ringing) = tokio::task::spawn_blocking(move || {
        let mut u = Phone::start(sip, &ulf, &tone, "manual");
        u.wait_registered();
        let mut a = Phone::start(sip, &ada, &tone, "manual");
        a.wait_registered();
        let mut c = Phone::start(sip, &caller, &tone, "manual");
        c.wait_registered();
        c.dial(&format!("sip:600@{}", caller.domain));
        u.wait_event("CALL_INCOMING", 5);
        let ulf_at = Instant::now();
        let first_alone = !a.try_event("CALL_INCOMING", 1);
        a.wait_event("CALL_INCOMING", 5);
        let gap = ulf_at.elapsed();
        let ulf_still_ringing = !u.try_event("CALL_CLOSED", 1);
        c.command("hangup", "");
        c.wait_event("CALL_CLOSED", 10);
        (first_alone, gap, ulf_still_ringing)
    })
    .await
    .unwrap();
    assert!(first_alone, "Ulf's phone rings alone at first");
    assert!(
        gap >= Duration::from_millis(1500) && gap <= Duration::from_secs(4),
        "Ada's joins after the delay ({gap:?})"
    );
    assert!(ulf_still_ringing, "and Ulf's keeps ringing");
    w.srv.stop().await;
}
