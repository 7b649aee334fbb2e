//! The call table: which call task each Call-ID's messages go to (either leg), the new dialogs
//! still being set up, live calls per department and where each round-robin queue starts next.

use parking_lot::Mutex;
use sb_domain::ids::{DepartmentId, QueueId};
use sb_sip::Message;
use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use tokio::sync::mpsc;

/// Where a call task takes the messages of its Call-IDs.
pub(crate) type Task = mpsc::UnboundedSender<(Message, SocketAddr)>;

#[derive(Default)]
pub(crate) struct CallTable {
    /// Every leg's Call-ID → its call task.
    tasks: Mutex<HashMap<String, Task>>,
    /// Call-IDs of new INVITEs and MESSAGEs still being authenticated and routed.
    setting_up: Mutex<HashSet<String>>,
    /// Live calls per department (a call counts once in each department it touches).
    departments: Mutex<HashMap<DepartmentId, i64>>,
    /// Where each round-robin queue starts for its next caller.
    queue_next: Mutex<HashMap<QueueId, usize>>,
}

impl CallTable {
    pub(crate) fn attach(&self, call_id: &str, task: &Task) {
        self.tasks.lock().insert(call_id.to_owned(), task.clone());
    }

    pub(crate) fn detach(&self, call_id: &str) {
        self.tasks.lock().remove(call_id);
    }

    pub(crate) fn task_for(&self, call_id: &str) -> Option<Task> {
        self.tasks.lock().get(call_id).cloned()
    }

    /// Marks a new INVITE or MESSAGE as being set up; false when it already is.
    pub(crate) fn begin_setup(&self, call_id: &str) -> bool {
        self.setting_up.lock().insert(call_id.to_owned())
    }

    pub(crate) fn end_setup(&self, call_id: &str) {
        self.setting_up.lock().remove(call_id);
    }

    /// Counts a call in these departments; `delta` is +1 when it starts and -1 when it ends.
    pub(crate) fn count(&self, departments: &[DepartmentId], delta: i64) {
        let mut d = self.departments.lock();
        for id in departments {
            let n = d.entry(id.clone()).or_insert(0);
            *n += delta;
            if *n <= 0 {
                d.remove(id);
            }
        }
    }

    pub(crate) fn department_calls(&self, id: &DepartmentId) -> i64 {
        self.departments.lock().get(id).copied().unwrap_or(0)
    }

    /// The agent a round-robin queue offers its next caller to first.
    pub(crate) fn queue_next(&self, queue: &QueueId) -> usize {
        self.queue_next.lock().get(queue).copied().unwrap_or(0)
    }

    pub(crate) fn set_queue_next(&self, queue: &QueueId, agent: usize) {
        self.queue_next.lock().insert(queue.clone(), agent);
    }
}

#[cfg(test)]
mod tests {
    use super::CallTable;
    use sb_domain::ids::DepartmentId;

    #[test]
    fn a_department_counts_its_live_calls_and_forgets_them_at_zero() {
        let table = CallTable::default();
        let sales = DepartmentId::from_raw("sales".to_owned());
        table.count(std::slice::from_ref(&sales), 1);
        table.count(std::slice::from_ref(&sales), 1);
        assert_eq!(table.department_calls(&sales), 2);
        table.count(std::slice::from_ref(&sales), -2);
        assert_eq!(table.department_calls(&sales), 0);
        assert!(table.departments.lock().is_empty());
    }

    #[test]
    fn a_dialog_being_set_up_is_not_set_up_twice() {
        let table = CallTable::default();
        assert!(table.begin_setup("c1"));
        assert!(!table.begin_setup("c1"));
        table.end_setup("c1");
        assert!(table.begin_setup("c1"));
    }
}
