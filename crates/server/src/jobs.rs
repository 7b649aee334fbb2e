//! The periodic jobs the server runs beside its front doors (scheduled reports, the session
//! purge, and later SMS retries or provisioning refreshes): each one runs at start, so work that
//! fell due while the server was down is made up for once, and then at its interval. A run that
//! fails is logged and the job keeps its schedule; one job's slow run delays only that job.

use sb_app::{App, AppResult};
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;
use tokio::task::JoinHandle;

/// What one run of a job did: how many things it handled (logged when any).
type Run = Pin<Box<dyn Future<Output = AppResult<usize>> + Send>>;

/// A job: its name in the log, how often it runs, and one run of it given what it works
/// through (the use cases, `App`, in the server).
pub struct Job<C> {
    pub name: &'static str,
    pub every: Duration,
    pub run: Box<dyn Fn(C) -> Run + Send + Sync>,
}

impl<C> Job<C> {
    pub fn new<F, Fut>(name: &'static str, every: Duration, run: F) -> Self
    where
        F: Fn(C) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = AppResult<usize>> + Send + 'static,
    {
        Job {
            name,
            every,
            run: Box::new(move |app| Box::pin(run(app))),
        }
    }
}

/// The jobs every installation runs.
pub fn standard() -> Vec<Job<App>> {
    vec![
        // Reports are due at a minute of the company's day: half a minute late at most.
        Job::new(
            "scheduled reports",
            Duration::from_secs(30),
            |app: App| async move { app.run_due_reports().await },
        ),
        // Only live tokens stay in the sessions table.
        Job::new(
            "session purge",
            Duration::from_secs(600),
            |app: App| async move {
                let purged = app.purge_expired_sessions().await?;
                Ok(usize::try_from(purged).unwrap_or(usize::MAX))
            },
        ),
    ]
}

/// Starts each job on its own task; the handles stop them.
pub fn start<C: Clone + Send + 'static>(ctx: &C, jobs: Vec<Job<C>>) -> Vec<JoinHandle<()>> {
    jobs.into_iter()
        .map(|job| tokio::spawn(keep_running(ctx.clone(), job)))
        .collect()
}

async fn keep_running<C: Clone + Send + 'static>(ctx: C, job: Job<C>) {
    // The interval starts now; a run longer than the interval is followed by the next at once,
    // never by a burst of the missed ones.
    let mut ticks = tokio::time::interval(job.every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        match (job.run)(ctx.clone()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(job = job.name, handled = n, "periodic job"),
            Err(e) => tracing::warn!(job = job.name, error = %e, "periodic job failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Counts its runs, failing every other one.
    fn counting(runs: &Arc<AtomicUsize>, every: Duration) -> Job<()> {
        let runs = runs.clone();
        Job::new("counting", every, move |_| {
            let runs = runs.clone();
            async move {
                let n = runs.fetch_add(1, Ordering::SeqCst);
                if n % 2 == 1 {
                    return Err(sb_app::AppError::Internal("down".into()));
                }
                Ok(n)
            }
        })
    }

    #[tokio::test(start_paused = true)]
    async fn a_job_runs_at_start_then_at_its_interval_even_after_a_failed_run() {
        let runs = Arc::new(AtomicUsize::new(0));
        let handles = start(&(), vec![counting(&runs, Duration::from_secs(30))]);
        tokio::time::sleep(Duration::from_millis(1)).await;
        assert_eq!(runs.load(Ordering::SeqCst), 1, "at start");
        tokio::time::sleep(Duration::from_secs(29)).await;
        assert_eq!(runs.load(Ordering::SeqCst), 1, "not before its interval");
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert_eq!(
            runs.load(Ordering::SeqCst),
            2,
            "then at 30 s (this run fails)"
        );
        tokio::time::sleep(Duration::from_secs(30)).await;
        assert_eq!(
            runs.load(Ordering::SeqCst),
            3,
            "and goes on after the failure"
        );
        for h in handles {
            h.abort();
        }
    }

    #[tokio::test(start_paused = true)]
    async fn each_job_keeps_its_own_interval() {
        let (fast, slow) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let handles = start(
            &(),
            vec![
                counting(&fast, Duration::from_secs(10)),
                counting(&slow, Duration::from_secs(600)),
            ],
        );
        tokio::time::sleep(Duration::from_secs(61)).await;
        assert_eq!(fast.load(Ordering::SeqCst), 7, "at 0, 10, ... 60 s");
        assert_eq!(slow.load(Ordering::SeqCst), 1, "at start only");
        for h in handles {
            h.abort();
        }
    }
}
