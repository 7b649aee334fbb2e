//! SIP over TCP and TLS (RFC 3261 section 18): each connection is read as a stream of messages,
//! each cut at its Content-Length, and answers and requests for its peer go back down it.
//!
//! A connection costs memory and a task, so a public port bounds them: at most
//! [`Limits::total`] connections and [`Limits::per_ip`] from one address (more are closed at
//! once), a connection must send a first complete message within [`Limits::first_message`] and
//! then stays only while it sends something (messages or keep-alive line breaks) at least every
//! [`Limits::idle`], and what waits to be written to a peer that does not read is bounded: past
//! [`WRITE_QUEUE`] messages, more are dropped.

use super::transport::Room;
use super::{Engine, handle};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// Messages waiting to be written to one connection, at most.
pub const WRITE_QUEUE: usize = 256;

/// Bounds on stream connections.
#[derive(Debug, Clone)]
pub struct Limits {
    pub total: usize,
    pub per_ip: usize,
    /// How long a new connection may take to send its first complete message.
    pub first_message: Duration,
    /// How long a connection may stay silent after that: longer than the longest registration
    /// (an hour), so a phone that only re-registers keeps its connection.
    pub idle: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            total: 10_000,
            // An office's phones behind one NAT each hold a connection.
            per_ip: 256,
            first_message: Duration::from_secs(10),
            idle: Duration::from_secs(3_700),
        }
    }
}

/// What a stream connection asks of the rest of the engine: its bounds, a place among the open
/// connections (so what is sent to its peer goes down it), and the receive path for each
/// message it brings. [`Engine`] is the real one; `stream/tests.rs` has a fake.
pub(crate) trait Connections: Send + Sync + 'static {
    fn limits(&self) -> Limits;
    /// Registers the connection from `peer`, written through `tx`; false when there is no room.
    fn open(&self, peer: SocketAddr, tx: mpsc::Sender<Vec<u8>>, transport: &'static str) -> bool;
    /// Forgets the connection from `peer` once it is closed.
    fn close(&self, peer: SocketAddr);
    /// One message cut from the stream, received as a datagram would be.
    fn receive(
        self: &Arc<Self>,
        message: &[u8],
        peer: SocketAddr,
    ) -> impl Future<Output = ()> + Send;
}

impl Connections for Engine {
    fn limits(&self) -> Limits {
        self.settings.streams.clone()
    }
    fn open(&self, peer: SocketAddr, tx: mpsc::Sender<Vec<u8>>, transport: &'static str) -> bool {
        let limits = &self.settings.streams;
        let room = Room {
            total: limits.total,
            per_ip: limits.per_ip,
        };
        self.transport.open(peer, tx, transport, room)
    }
    fn close(&self, peer: SocketAddr) {
        self.transport.close(peer);
    }
    fn receive(
        self: &Arc<Self>,
        message: &[u8],
        peer: SocketAddr,
    ) -> impl Future<Output = ()> + Send {
        handle(self, message, peer)
    }
}

/// Accepts SIP over TCP: each connection is served by [`stream_connection`].
pub(super) async fn serve_tcp(engine: Arc<Engine>, listener: tokio::net::TcpListener) {
    loop {
        match listener.accept().await {
            Ok((stream, peer)) => {
                tokio::spawn(stream_connection(engine.clone(), stream, peer, "TCP"));
            }
            Err(e) => {
                tracing::warn!(error = %e, "SIP TCP accept failed");
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
        }
    }
}

/// SIP over TLS: each accepted connection does its handshake (at most 10 s, so a connection
/// that never speaks holds nothing long) and is then served like a TCP one.
pub(super) async fn serve_tls(
    engine: Arc<Engine>,
    listener: tokio::net::TcpListener,
    acceptor: tokio_rustls::TlsAcceptor,
) {
    loop {
        match listener.accept().await {
            Ok((stream, peer)) => {
                let (engine, acceptor) = (engine.clone(), acceptor.clone());
                tokio::spawn(async move {
                    let handshake = tokio::time::timeout(
                        std::time::Duration::from_secs(10),
                        acceptor.accept(stream),
                    );
                    match handshake.await {
                        Ok(Ok(tls)) => stream_connection(engine, tls, peer, "TLS").await,
                        Ok(Err(e)) => tracing::debug!(%peer, error = %e, "TLS handshake failed"),
                        Err(_) => tracing::debug!(%peer, "TLS handshake timed out"),
                    }
                });
            }
            Err(e) => {
                tracing::warn!(error = %e, "SIP TLS accept failed");
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
        }
    }
}

/// Where the first complete message in `buf` ends, if there is one: `Ok(None)` while more is
/// needed, `Err` when the stream cannot be framed (no valid Content-Length, too large).
pub(super) fn frame_end(buf: &[u8]) -> Result<Option<usize>, ()> {
    let Some(head_end) = buf.windows(4).position(|w| w == b"\r\n\r\n").map(|p| p + 4) else {
        return if buf.len() > sb_sip::message::MAX_MESSAGE {
            Err(())
        } else {
            Ok(None)
        };
    };
    let head = std::str::from_utf8(&buf[..head_end]).map_err(|_| ())?;
    let mut length = None;
    for line in head.split("\r\n") {
        if let Some((name, value)) = line.split_once(':') {
            let name = name.trim();
            if name.eq_ignore_ascii_case("content-length") || name.eq_ignore_ascii_case("l") {
                length = Some(value.trim().parse::<usize>().map_err(|_| ())?);
            }
        }
    }
    // Over a stream the length is required (RFC 3261 section 18.3).
    let total = head_end + length.ok_or(())?;
    if total > sb_sip::message::MAX_MESSAGE {
        return Err(());
    }
    Ok((buf.len() >= total).then_some(total))
}

/// One stream connection (TCP, or TLS after its handshake): messages cut at their
/// Content-Length go to [`handle`], and what Switchboard sends to `peer` goes down it.
async fn stream_connection<C, S>(
    engine: Arc<C>,
    stream: S,
    peer: SocketAddr,
    transport: &'static str,
) where
    C: Connections,
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + 'static,
{
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (mut reader, mut writer) = tokio::io::split(stream);
    let (tx, mut rx) = mpsc::channel::<Vec<u8>>(WRITE_QUEUE);
    let limits = engine.limits();
    if !engine.open(peer, tx, transport) {
        tracing::debug!(%peer, "SIP connection refused: too many");
        return;
    }
    let writing = tokio::spawn(async move {
        while let Some(bytes) = rx.recv().await {
            // TLS holds written records until flushed.
            if writer.write_all(&bytes).await.is_err() || writer.flush().await.is_err() {
                break;
            }
        }
    });
    let mut buf: Vec<u8> = Vec::with_capacity(4096);
    let mut chunk = vec![0u8; 16 * 1024];
    // The first message has a deadline, not a pause: dribbling bytes does not stretch it.
    let opened = tokio::time::Instant::now();
    let mut spoken = false;
    'read: loop {
        let wait = if spoken {
            limits.idle
        } else {
            limits.first_message.saturating_sub(opened.elapsed())
        };
        let n = match tokio::time::timeout(wait, reader.read(&mut chunk)).await {
            Ok(Ok(0) | Err(_)) => break,
            Ok(Ok(n)) => n,
            Err(_) => {
                tracing::debug!(%peer, "SIP connection closed: silent too long");
                break;
            }
        };
        buf.extend_from_slice(&chunk[..n]);
        loop {
            // Keep-alive line breaks between messages (RFC 5626 section 4.4.1) are skipped.
            let blank = buf
                .iter()
                .take_while(|b| **b == b'\r' || **b == b'\n')
                .count();
            buf.drain(..blank);
            match frame_end(&buf) {
                Ok(Some(end)) => {
                    let message: Vec<u8> = buf.drain(..end).collect();
                    engine.receive(&message, peer).await;
                    spoken = true;
                }
                Ok(None) => break,
                // A stream that cannot be framed cannot be trusted further: close it.
                Err(()) => break 'read,
            }
        }
    }
    engine.close(peer);
    writing.abort();
}

#[cfg(test)]
mod tests;
