//! Where registered devices are (RFC 3261 section 10): the bindings of each address of record,
//! behind [`Locator`], so that one node keeping them in memory (today, [`Memory`]) and several
//! nodes sharing them through a store (later) are two implementations of the same calls. The
//! registrar's digest and nonces stay in `sb_sip::registrar::Registrar`; it hands what a
//! REGISTER asks ([`Register`]) to the locator, which applies it where the bindings are kept.
//!
//! [`Memory`] writes what changes to this node's storage through sb-app, in groups, and reads
//! it back when it opens, so registrations survive a restart.

use crate::batch::next_batch;
use parking_lot::Mutex;
use sb_app::App;
use sb_app::location::StoredBinding;
use sb_domain::ids::CompanyId;
use sb_sip::Message;
use sb_sip::registrar::{Binding, Register};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use tokio::sync::{mpsc, oneshot};

/// A write to storage to wait for: it ends once the write is over (stored, or failed and
/// logged).
pub(crate) type Written = oneshot::Receiver<()>;

/// What became of a REGISTER at the locator.
pub(crate) struct Registered {
    /// The answer to send: 200 with the bindings, or the refusal that changed nothing.
    pub(crate) answer: Message,
    /// Devices its address of record has now.
    pub(crate) devices: usize,
    /// The write to wait for before answering (none when what is stored still holds): a
    /// phone told it is registered must still be after a restart.
    pub(crate) written: Option<Written>,
}

impl Registered {
    /// A REGISTER refused: `answer` goes back, nothing changed.
    pub(crate) fn refused(answer: Message) -> Self {
        Registered {
            answer,
            devices: 0,
            written: None,
        }
    }
}

/// Where registered devices are. Synchronous on purpose: the REGISTER path and every call's
/// routing read it at memory speed under one short lock, and a future is not allocated per
/// REGISTER; an implementation shared by several nodes keeps a local copy fed by the shared
/// store and writes through, as [`Memory`] writes through to this node's storage.
pub(crate) trait Locator: Send + Sync {
    /// The devices registered on `aor` now (expired ones are dropped).
    fn lookup(&self, aor: &str, now_ms: i64) -> Vec<Binding>;

    /// Applies an authenticated REGISTER of a line of `company` to its address of record's
    /// bindings (RFC 3261 section 10.3, step 8), in one step: two REGISTERs of the same address
    /// never interleave.
    fn register(&self, request: &Register<'_>, company: &CompanyId, now_ms: i64) -> Registered;

    /// Drops every device of `aor` (its password changed: they are no longer its phones).
    fn forget(&self, aor: &str) -> Option<Written>;

    /// Devices registered across every address of record now.
    fn count(&self, now_ms: i64) -> usize;
}

/// One address of record's bindings, and what was last written of them.
#[derive(Default)]
struct Entry {
    bindings: Vec<Binding>,
    /// A digest of the devices last stored and their latest expiry.
    stored: Option<(u64, i64)>,
}

impl Entry {
    /// Keeps `list` as the bindings; a copy of them when they must be written.
    fn keep(&mut self, list: Vec<Binding>) -> Option<Vec<Binding>> {
        let write = changed(&mut self.stored, &list).then(|| list.clone());
        self.bindings = list;
        write
    }
}

/// The bindings of this node, in memory, written through to its storage.
pub(crate) struct Memory {
    table: Mutex<HashMap<String, Entry>>,
    writer: mpsc::UnboundedSender<PersistJob>,
}

impl Memory {
    /// Opens the location kept in this node's storage: the registrations stored before this
    /// start are read back, and a writer is started that stores changes in groups.
    pub(crate) async fn open(app: &App, now_ms: i64) -> Self {
        let mut table: HashMap<String, Entry> = HashMap::new();
        match app.stored_registrations(now_ms).await {
            Ok(list) => {
                for r in list {
                    let list = &mut table.entry(r.aor).or_default().bindings;
                    list.retain(|b| b.contact != r.contact);
                    list.push(Binding {
                        contact: r.contact,
                        expires_at_ms: r.expires_at_ms,
                        call_id: r.call_id,
                        cseq: r.cseq,
                        source: r.source,
                        path: r.path,
                        user_agent: r.user_agent,
                    });
                }
            }
            Err(e) => tracing::warn!(error = %e, "could not load stored registrations"),
        }
        let (writer, jobs) = mpsc::unbounded_channel();
        tokio::spawn(persist_writer(app.clone(), jobs));
        Memory {
            table: Mutex::new(table),
            writer,
        }
    }

    /// Hands a write to the writer; `None` when it is gone (the engine is stopping).
    fn write(&self, aor: &str, company: CompanyId, bindings: Vec<Binding>) -> Option<Written> {
        let (done, written) = oneshot::channel();
        let job = PersistJob {
            aor: aor.to_owned(),
            company,
            bindings,
            done,
        };
        self.writer.send(job).ok().map(|()| written)
    }
}

impl Locator for Memory {
    fn lookup(&self, aor: &str, now_ms: i64) -> Vec<Binding> {
        let mut table = self.table.lock();
        let Some(entry) = table.get_mut(aor) else {
            return Vec::new();
        };
        entry.bindings.retain(|b| b.expires_at_ms > now_ms);
        entry.bindings.clone()
    }

    fn register(&self, request: &Register<'_>, company: &CompanyId, now_ms: i64) -> Registered {
        let aor = request.aor();
        let (answer, devices, write) = {
            let mut table = self.table.lock();
            let current = table.get(aor).map_or(&[][..], |e| e.bindings.as_slice());
            let list = match request.apply(current, now_ms) {
                Ok(list) => list,
                Err(answer) => return Registered::refused(answer),
            };
            let answer = request.answer(&list, now_ms);
            let devices = list.len();
            let write = match table.get_mut(aor) {
                Some(entry) => entry.keep(list),
                None => {
                    let mut entry = Entry::default();
                    let write = entry.keep(list);
                    table.insert(aor.to_owned(), entry);
                    write
                }
            };
            (answer, devices, write)
        };
        let written = write.and_then(|list| self.write(aor, company.clone(), list));
        Registered {
            answer,
            devices,
            written,
        }
    }

    fn forget(&self, aor: &str) -> Option<Written> {
        self.table.lock().remove(aor);
        // The company is not written: there is no binding left to carry it.
        self.write(aor, CompanyId::from_raw(String::new()), Vec::new())
    }

    fn count(&self, now_ms: i64) -> usize {
        self.table
            .lock()
            .values()
            .map(|e| {
                e.bindings
                    .iter()
                    .filter(|b| b.expires_at_ms > now_ms)
                    .count()
            })
            .sum()
    }
}

/// Whether `list` differs from what was last stored (`stored`, updated when it does): other
/// contacts, source addresses, paths or user agents, or an expiry more than a minute later. A
/// phone refreshing every few seconds is not written each time; a real refresh (minutes apart)
/// or any change of device is. A new Call-ID alone is not a change worth a write: after a
/// restart the stored one only serves to order REGISTERs of that same Call-ID, and a phone's
/// next REGISTER replaces it anyway. The devices are compared by a digest of their fields
/// (order-free, as a list holds each contact once), which costs no allocation per REGISTER.
fn changed(stored: &mut Option<(u64, i64)>, list: &[Binding]) -> bool {
    let devices = list
        .iter()
        .map(|b| {
            let mut h = std::hash::DefaultHasher::new();
            (&b.contact, &b.source, &b.path, &b.user_agent).hash(&mut h);
            h.finish()
        })
        .fold(0u64, u64::wrapping_add);
    let latest = list.iter().map(|b| b.expires_at_ms).max().unwrap_or(0);
    if let Some((same, at)) = *stored
        && same == devices
        && latest - at < 60_000
    {
        return false;
    }
    *stored = Some((devices, latest));
    true
}

/// A registration write waiting for the next group commit.
struct PersistJob {
    aor: String,
    company: CompanyId,
    bindings: Vec<Binding>,
    done: oneshot::Sender<()>,
}

/// Writes registrations in groups: every job waiting when a commit starts goes into it, so a
/// burst of REGISTERs costs one transaction instead of one each, and each REGISTER is still
/// answered only once its binding is stored.
async fn persist_writer(app: App, mut rx: mpsc::UnboundedReceiver<PersistJob>) {
    while let Some(batch) = next_batch(&mut rx).await {
        // The latest state of each address of record wins.
        let mut latest: HashMap<&str, &PersistJob> = HashMap::new();
        for j in &batch {
            latest.insert(j.aor.as_str(), j);
        }
        let writes: Vec<(&str, Vec<StoredBinding>)> = latest
            .iter()
            .map(|(aor, j)| {
                let list = j
                    .bindings
                    .iter()
                    .map(|b| StoredBinding {
                        aor: (*aor).to_owned(),
                        company: j.company.clone(),
                        contact: b.contact.clone(),
                        expires_at_ms: b.expires_at_ms,
                        source: b.source.clone(),
                        call_id: b.call_id.clone(),
                        cseq: b.cseq,
                        path: b.path.clone(),
                        user_agent: b.user_agent.clone(),
                    })
                    .collect();
                (*aor, list)
            })
            .collect();
        if let Err(e) = app.save_registrations(&writes).await {
            tracing::warn!(error = %e, "could not store registrations");
        }
        drop(writes);
        drop(latest);
        for j in batch {
            let _ = j.done.send(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Entry, Locator, Memory, changed};
    use sb_sip::registrar::Binding;
    use std::collections::HashMap;

    fn device(contact: &str, expires_at_ms: i64) -> Binding {
        Binding {
            contact: contact.to_owned(),
            expires_at_ms,
            call_id: "c1".to_owned(),
            cseq: 1,
            source: "192.0.2.10:5062".to_owned(),
            path: Vec::new(),
            user_agent: "phone".to_owned(),
        }
    }

    #[test]
    fn a_registration_is_written_again_only_when_its_devices_change_or_a_minute_is_gained() {
        let mut stored = None;
        let a = device("sip:201@192.0.2.10", 600_000);
        let b = device("sip:201@192.0.2.11", 600_000);
        assert!(
            changed(&mut stored, std::slice::from_ref(&a)),
            "never written"
        );
        let refresh = device("sip:201@192.0.2.10", 659_000);
        assert!(!changed(&mut stored, &[refresh]), "a refresh seconds later");
        let new_call_id = Binding {
            call_id: "c2".to_owned(),
            ..a.clone()
        };
        assert!(!changed(&mut stored, &[new_call_id]), "a new Call-ID alone");
        assert!(
            changed(&mut stored, &[a.clone(), b.clone()]),
            "a new device"
        );
        assert!(
            !changed(&mut stored, &[b.clone(), a.clone()]),
            "in another order"
        );
        let moved = Binding {
            source: "192.0.2.99:5062".to_owned(),
            ..b.clone()
        };
        assert!(changed(&mut stored, &[a, moved.clone()]), "a device moved");
        let later = device("sip:201@192.0.2.10", 700_000);
        assert!(changed(&mut stored, &[later, moved]), "a minute later");
    }

    #[test]
    fn the_memory_locator_drops_expired_devices_and_forgets_an_address_in_storage_too() {
        let (writer, mut jobs) = tokio::sync::mpsc::unbounded_channel();
        let mut table = HashMap::new();
        let devices = vec![
            device("sip:201@192.0.2.10", 1_000),
            device("sip:201@192.0.2.11", 5_000),
        ];
        table.insert(
            "201@acme".to_owned(),
            Entry {
                bindings: devices,
                stored: None,
            },
        );
        let memory = Memory {
            table: parking_lot::Mutex::new(table),
            writer,
        };
        assert_eq!(memory.count(500), 2);
        let left = memory.lookup("201@acme", 2_000);
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].contact, "sip:201@192.0.2.11");
        assert_eq!(memory.count(2_000), 1);
        assert!(memory.lookup("202@acme", 2_000).is_empty());
        assert!(memory.forget("201@acme").is_some(), "a write to wait for");
        assert!(memory.lookup("201@acme", 2_000).is_empty());
        let job = jobs.try_recv().unwrap();
        assert_eq!(job.aor, "201@acme");
        assert!(
            job.bindings.is_empty(),
            "storage is told the address has no device left"
        );
    }
}
