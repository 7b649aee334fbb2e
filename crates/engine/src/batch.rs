//! Group commits: what waits in a channel is written in one transaction instead of one each.

use tokio::sync::mpsc;

/// The next group for a group commit: everything waiting when the first item arrives, up to
/// 2,000 items; `None` when the channel is closed.
pub(crate) async fn next_batch<T>(rx: &mut mpsc::UnboundedReceiver<T>) -> Option<Vec<T>> {
    let mut batch = vec![rx.recv().await?];
    while batch.len() < 2000 {
        match rx.try_recv() {
            Ok(item) => batch.push(item),
            Err(_) => break,
        }
    }
    Some(batch)
}
