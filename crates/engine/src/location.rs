//! Where phones are: SIP accounts looked up through sb-app and kept a few seconds, the
//! registrar's bindings written back in groups so they survive a restart, and read again at
//! start (a shared location for several nodes would stand behind these same calls); the call
//! log is written in groups the same way.

use super::*;

/// The one account a REGISTER can be about, looked up before the registrar runs.
pub(crate) struct Found(pub(crate) Option<Account>);

impl Accounts for Found {
    fn find(&self, realm: &str, username: &str) -> Option<Account> {
        self.0
            .clone()
            .filter(|a| a.realm == realm && a.username == username)
    }
}

/// How long a looked-up SIP account is trusted before the database is asked again: a changed
/// password or a disabled user takes effect within this time.
pub(crate) const ACCOUNT_TTL: std::time::Duration = std::time::Duration::from_secs(5);

pub(crate) type Looked = Option<(Account, sb_domain::ids::CompanyId)>;

/// Accounts by (domain, username), with when they were read.
pub(crate) type AccountCache = HashMap<(String, String), (Looked, tokio::time::Instant)>;

/// The account of `username` in the company of `domain`, from the business layer.
pub(crate) async fn lookup_account(app: &App, domain: &str, username: &str) -> Looked {
    let a = app.sip_account(domain, username).await.ok()??;
    let account = Account {
        ha1_md5: a.ha1_md5,
        ha1_sha256: a.ha1_sha256,
        username: a.username,
        realm: domain.to_owned(),
        enabled: a.enabled,
    };
    Some((account, a.company))
}

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

/// A registration write waiting for the next group commit.
pub(crate) struct PersistJob {
    pub(crate) aor: String,
    pub(crate) company: sb_domain::ids::CompanyId,
    pub(crate) bindings: Vec<Binding>,
    pub(crate) done: tokio::sync::oneshot::Sender<()>,
}

/// Writes registrations in groups: every job waiting when a commit starts goes into it, so a
/// burst of REGISTERs costs one transaction instead of one each, and each REGISTER is still
/// answered only once its binding is stored.
pub(crate) async fn persist_writer(app: App, mut rx: mpsc::UnboundedReceiver<PersistJob>) {
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

/// Writes the call log in groups: the records of every call that ended while the last commit
/// ran go into the next one, so a busy minute costs a few transactions instead of one per call
/// (and the calls never wait for them).
pub(crate) async fn call_log_writer(app: App, mut rx: mpsc::UnboundedReceiver<Vec<NewCallRecord>>) {
    while let Some(calls) = next_batch(&mut rx).await {
        let records: Vec<NewCallRecord> = calls.into_iter().flatten().collect();
        if let Err(e) = app.record_call(&records).await {
            tracing::warn!(error = %e, records = records.len(), "could not write the call log");
        }
    }
}

/// Registrations kept from before this start.
pub(crate) async fn restore(app: &App, reg: &mut Registrar, now: i64) {
    match app.stored_registrations(now).await {
        Ok(list) => {
            for r in list {
                let binding = Binding {
                    contact: r.contact,
                    expires_at_ms: r.expires_at_ms,
                    call_id: r.call_id,
                    cseq: r.cseq,
                    source: r.source,
                    path: r.path,
                    user_agent: r.user_agent,
                };
                reg.restore(&r.aor, binding);
            }
        }
        Err(e) => tracing::warn!(error = %e, "could not load stored registrations"),
    }
}
