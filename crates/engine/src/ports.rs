//! The small ports the engine's services (presence, messaging, carrier registration, and calls
//! through `CallContext`) are generic over,
//! each naming one thing they ask of the rest of Switchboard: reaching a peer, knowing which
//! line a request comes from, finding a line's devices. [`Engine`](crate::Engine) implements
//! them all; a service's unit tests implement them with a fake that keeps what is sent as text
//! (`fake.rs`).

use sb_app::switch::SipLine;
use sb_sip::Message;
use sb_sip::registrar::Binding;
use std::future::Future;
use std::net::SocketAddr;

/// Reaching peers: the transports and how Switchboard names itself to each.
pub(crate) trait Signalling: Send + Sync + 'static {
    /// Sends bytes to a peer over whichever transport reaches it.
    fn send_bytes(&self, bytes: &[u8], to: SocketAddr) -> impl Future<Output = ()> + Send;
    fn send(&self, m: &Message, to: SocketAddr) -> impl Future<Output = ()> + Send {
        let bytes = m.to_bytes();
        async move { self.send_bytes(&bytes, to).await }
    }
    /// Whether `to` is on a TCP or TLS connection: nothing is repeated to it (RFC 3261 §17.1.2.2).
    fn on_stream(&self, to: SocketAddr) -> bool;
    /// A Via header for a request sent to `to`, naming the transport it goes over.
    fn via(&self, branch: &str, to: SocketAddr) -> String;
    /// Our Contact towards a party at `to`.
    fn contact_for(&self, to: SocketAddr) -> String;
    /// The address Switchboard listens on (the host of a carrier's call sent on, of the
    /// Contact registered with a carrier).
    fn local(&self) -> SocketAddr;
}

/// Which line a request comes from.
pub(crate) trait Lines: Send + Sync + 'static {
    /// The line a request (MESSAGE, SUBSCRIBE) comes from, proven by digest credentials
    /// (RFC 3261 §22.3); otherwise the answer to send (407, 403, ...).
    fn authenticate_line(
        &self,
        msg: &Message,
        from: SocketAddr,
    ) -> impl Future<Output = Result<SipLine, Message>> + Send;
}

/// Where a line's registered devices are.
pub(crate) trait Devices: Send + Sync + 'static {
    /// The registered devices of an address of record.
    fn devices(&self, aor: &str) -> Vec<Binding>;
    /// Where requests for a registered device go (see `Engine::device_address`).
    fn device_address(&self, b: &Binding) -> Option<SocketAddr>;
}

impl Signalling for crate::Engine {
    fn send_bytes(&self, bytes: &[u8], to: SocketAddr) -> impl Future<Output = ()> + Send {
        crate::Engine::send_bytes(self, bytes, to)
    }
    fn on_stream(&self, to: SocketAddr) -> bool {
        crate::Engine::on_stream(self, to)
    }
    fn via(&self, branch: &str, to: SocketAddr) -> String {
        crate::Engine::via(self, branch, to)
    }
    fn contact_for(&self, to: SocketAddr) -> String {
        crate::Engine::contact_for(self, to)
    }
    fn local(&self) -> SocketAddr {
        self.local
    }
}

impl Lines for crate::Engine {
    fn authenticate_line(
        &self,
        msg: &Message,
        from: SocketAddr,
    ) -> impl Future<Output = Result<SipLine, Message>> + Send {
        crate::authenticate_line(self, msg, from)
    }
}

impl Devices for crate::Engine {
    fn devices(&self, aor: &str) -> Vec<Binding> {
        crate::Engine::devices(self, aor)
    }
    fn device_address(&self, b: &Binding) -> Option<SocketAddr> {
        crate::Engine::device_address(self, b)
    }
}
