//! Stream connections against a fake (`Peers`), the peer at the other end of an in-memory pipe,
//! tokio's clock paused and moved by hand; and framing by Content-Length. Each test is named
//! after the rule it proves.

use super::*;
use crate::fake::addr;
use parking_lot::Mutex;
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};

const PHONE: &str = "192.0.2.10:40000";

/// The engine as a connection sees it: room or not, what was opened and closed, the messages
/// received as text, and the way to the peer it was given.
struct Peers {
    room: bool,
    closed: Mutex<Vec<SocketAddr>>,
    received: Mutex<Vec<String>>,
    to_peer: Mutex<Option<mpsc::Sender<Vec<u8>>>>,
}

impl Connections for Peers {
    fn limits(&self) -> Limits {
        Limits {
            total: 10,
            per_ip: 10,
            first_message: Duration::from_secs(10),
            idle: Duration::from_secs(60),
        }
    }
    fn open(&self, _: SocketAddr, tx: mpsc::Sender<Vec<u8>>, _: &'static str) -> bool {
        *self.to_peer.lock() = Some(tx);
        self.room
    }
    fn close(&self, peer: SocketAddr) {
        self.closed.lock().push(peer);
    }
    async fn receive(self: &Arc<Self>, message: &[u8], _: SocketAddr) {
        let text = String::from_utf8_lossy(message).into_owned();
        self.received.lock().push(text);
    }
}

/// A connection from [`PHONE`] being served; the phone's end of it.
fn connect(room: bool) -> (Arc<Peers>, DuplexStream, tokio::task::JoinHandle<()>) {
    let peers = Arc::new(Peers {
        room,
        closed: Mutex::default(),
        received: Mutex::default(),
        to_peer: Mutex::default(),
    });
    let (phone, ours) = tokio::io::duplex(64 * 1024);
    let task = tokio::spawn(stream_connection(peers.clone(), ours, addr(PHONE), "TCP"));
    (peers, phone, task)
}

async fn settle() {
    for _ in 0..50 {
        tokio::task::yield_now().await;
    }
}

const OPTIONS: &str = "OPTIONS sip:a SIP/2.0\r\nContent-Length: 5\r\n\r\nhello";
const BYE: &str = "BYE sip:b SIP/2.0\r\nl: 0\r\n\r\n";

#[tokio::test(start_paused = true)]
async fn messages_are_cut_at_their_length_and_keep_alive_line_breaks_skipped_rfc_5626_4_4_1() {
    let (peers, mut phone, _task) = connect(true);
    let stream = format!("\r\n\r\n{OPTIONS}\r\n{BYE}");
    let (first, rest) = stream.split_at(30);
    phone.write_all(first.as_bytes()).await.unwrap();
    settle().await;
    assert!(peers.received.lock().is_empty(), "half a message");
    phone.write_all(rest.as_bytes()).await.unwrap();
    settle().await;
    assert_eq!(*peers.received.lock(), vec![OPTIONS, BYE]);
}

#[tokio::test(start_paused = true)]
async fn a_connection_without_a_first_message_in_time_is_closed_even_when_dribbling() {
    let (peers, mut phone, task) = connect(true);
    for _ in 0..3 {
        phone.write_all(b"O").await.unwrap();
        settle().await;
        tokio::time::advance(Duration::from_secs(3)).await;
        settle().await;
    }
    assert!(peers.closed.lock().is_empty(), "9 s of the 10");
    phone.write_all(b"P").await.unwrap();
    tokio::time::advance(Duration::from_secs(2)).await;
    settle().await;
    assert_eq!(*peers.closed.lock(), vec![addr(PHONE)]);
    assert!(task.is_finished());
}

#[tokio::test(start_paused = true)]
async fn a_connection_that_spoke_stays_until_silent_past_the_idle_time() {
    let (peers, mut phone, task) = connect(true);
    phone.write_all(BYE.as_bytes()).await.unwrap();
    settle().await;
    tokio::time::advance(Duration::from_secs(59)).await;
    settle().await;
    assert!(peers.closed.lock().is_empty());
    tokio::time::advance(Duration::from_secs(2)).await;
    settle().await;
    assert_eq!(*peers.closed.lock(), vec![addr(PHONE)]);
    assert!(task.is_finished());
}

#[tokio::test(start_paused = true)]
async fn a_stream_that_cannot_be_framed_is_closed_rfc_3261_18_3() {
    let (peers, mut phone, task) = connect(true);
    phone
        .write_all(b"OPTIONS sip:a SIP/2.0\r\n\r\n")
        .await
        .unwrap();
    settle().await;
    assert!(peers.received.lock().is_empty());
    assert_eq!(*peers.closed.lock(), vec![addr(PHONE)]);
    assert!(task.is_finished());
}

#[tokio::test(start_paused = true)]
async fn a_connection_beyond_the_bounds_is_closed_at_once() {
    let (peers, mut phone, task) = connect(false);
    settle().await;
    assert!(task.is_finished());
    let mut buf = [0u8; 16];
    assert_eq!(phone.read(&mut buf).await.unwrap(), 0, "closed");
    assert!(peers.received.lock().is_empty());
}

#[tokio::test(start_paused = true)]
async fn what_is_sent_to_the_peer_goes_down_its_connection() {
    let (peers, mut phone, _task) = connect(true);
    settle().await;
    let to_peer = peers.to_peer.lock().clone().unwrap();
    to_peer.send(BYE.as_bytes().to_vec()).await.unwrap();
    settle().await;
    let mut buf = vec![0u8; BYE.len()];
    phone.read_exact(&mut buf).await.unwrap();
    assert_eq!(buf, BYE.as_bytes());
}

#[test]
fn a_stream_is_cut_at_each_content_length() {
    let two =
        b"OPTIONS sip:a SIP/2.0\r\nContent-Length: 5\r\n\r\nhelloBYE sip:b SIP/2.0\r\nl: 0\r\n\r\n";
    let first = frame_end(two).unwrap_or_default().unwrap_or_default();
    assert_eq!(&two[first - 5..first], b"hello");
    assert_eq!(frame_end(&two[first..]), Ok(Some(two.len() - first)));
    assert_eq!(
        frame_end(b"OPTIONS sip:a SIP/2.0\r\nContent-Length: 5\r\n\r\nhel"),
        Ok(None)
    );
    assert_eq!(frame_end(b"OPTIONS sip:a SIP/2.0\r\nContent-"), Ok(None));
}

#[test]
fn a_stream_without_a_usable_length_is_refused() {
    assert_eq!(frame_end(b"OPTIONS sip:a SIP/2.0\r\n\r\n"), Err(()));
    assert_eq!(
        frame_end(b"OPTIONS sip:a SIP/2.0\r\nContent-Length: x\r\n\r\n"),
        Err(())
    );
    assert_eq!(
        frame_end(b"OPTIONS sip:a SIP/2.0\r\nContent-Length: 99999999\r\n\r\n"),
        Err(())
    );
    assert_eq!(frame_end(&vec![b'a'; 70 * 1024]), Err(()));
}
