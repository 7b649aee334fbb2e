//! What each report kind holds, as CSV (RFC 4180: rows end with CRLF, cells with a comma,
//! quote or line break are quoted), built from data the use cases read. Cells a spreadsheet
//! would run as a formula are neutralised with a leading apostrophe (OWASP, CSV injection);
//! an E.164 number such as +15550100 is data and is written as it is.

use sb_domain::ids::{DepartmentId, LineId, UserId};
use sb_store::accounts::User;
use sb_store::audit::AuditEvent;
use sb_store::lines::{Line, Number};
use sb_store::queues::Queue;
use sb_store::reports::LineCalls;
use sb_store::tenancy::Department;
use std::collections::HashMap;

/// A CSV document and how many data rows it has.
#[derive(Debug, Clone, PartialEq)]
pub struct Csv {
    pub text: String,
    pub rows: usize,
}

impl Csv {
    fn new(header: &[&str]) -> Self {
        let mut csv = Csv {
            text: String::new(),
            rows: 0,
        };
        csv.line(header);
        csv
    }

    fn line(&mut self, cells: &[&str]) {
        for (i, c) in cells.iter().enumerate() {
            if i > 0 {
                self.text.push(',');
            }
            push_cell(&mut self.text, c);
        }
        self.text.push_str("\r\n");
    }

    fn row(&mut self, cells: &[&str]) {
        self.line(cells);
        self.rows += 1;
    }
}

/// Appends one cell, guarded and quoted as the module says (the one rule of every export).
pub use sb_domain::csv::push_cell;

/// Minutes of talk, rounded up: a 10-second call counts as a minute, as carriers bill.
fn minutes(secs: i64) -> String {
    ((secs.max(0) + 59) / 60).to_string()
}

/// The company's lines, users and departments, as a report reads them.
#[derive(Debug, Default)]
pub struct Directory {
    pub lines: Vec<Line>,
    pub users: HashMap<UserId, User>,
    pub departments: Vec<Department>,
    pub numbers: Vec<Number>,
}

impl Directory {
    fn line(&self, id: &LineId) -> Option<&Line> {
        self.lines.iter().find(|l| &l.id == id)
    }
    fn user_of(&self, l: &Line) -> Option<&User> {
        l.user_id.as_ref().and_then(|u| self.users.get(u))
    }
    /// The line's name: its local calling name, or its user's name.
    fn line_name(&self, l: &Line) -> String {
        l.calling_name
            .clone()
            .or_else(|| self.user_of(l).map(|u| u.name.clone()))
            .unwrap_or_default()
    }
    fn department_of(&self, l: &Line) -> Option<&DepartmentId> {
        self.user_of(l).and_then(|u| u.department_id.as_ref())
    }
}

/// Phone Number Usage: each number, the line it rings and its user, and that line's calls in
/// and out with their minutes (a line's calls are not told apart by the number dialled, so
/// two numbers of one line show the same figures).
pub fn number_usage(dir: &Directory, calls: &HashMap<LineId, LineCalls>) -> Csv {
    let mut csv = Csv::new(&[
        "number",
        "extension",
        "line_name",
        "user",
        "calls_in",
        "calls_out",
        "minutes_in",
        "minutes_out",
    ]);
    let mut numbers: Vec<&Number> = dir.numbers.iter().collect();
    numbers.sort_by(|a, b| a.e164.cmp(&b.e164));
    let none = LineCalls::default();
    for n in numbers {
        let line = n.line_id.as_ref().and_then(|l| dir.line(l));
        let sums = line.and_then(|l| calls.get(&l.id)).unwrap_or(&none);
        let user = line.and_then(|l| dir.user_of(l)).map(|u| u.name.as_str());
        csv.row(&[
            &n.e164,
            line.map_or("", |l| l.extension.as_str()),
            &line.map(|l| dir.line_name(l)).unwrap_or_default(),
            user.unwrap_or(""),
            &sums.calls_in.to_string(),
            &sums.calls_out.to_string(),
            &minutes(sums.secs_in),
            &minutes(sums.secs_out),
        ]);
    }
    csv
}

const VOLUME: [&str; 5] = [
    "calls_in",
    "calls_out",
    "missed",
    "minutes_in",
    "minutes_out",
];

fn volume(s: &LineCalls) -> [String; 5] {
    [
        s.calls_in.to_string(),
        s.calls_out.to_string(),
        s.missed.to_string(),
        minutes(s.secs_in),
        minutes(s.secs_out),
    ]
}

/// Call volume per line, by extension.
pub fn line_volume(dir: &Directory, calls: &HashMap<LineId, LineCalls>) -> Csv {
    let mut header = vec!["extension", "line_name", "user", "department"];
    header.extend(VOLUME);
    let mut csv = Csv::new(&header);
    let mut lines: Vec<&Line> = dir.lines.iter().collect();
    lines.sort_by(|a, b| a.extension.cmp(&b.extension));
    let none = LineCalls::default();
    for l in lines {
        let department = dir
            .department_of(l)
            .and_then(|d| dir.departments.iter().find(|x| &x.id == d))
            .map_or("", |d| d.name.as_str());
        let v = volume(calls.get(&l.id).unwrap_or(&none));
        let name = dir.line_name(l);
        let user = dir.user_of(l).map_or("", |u| u.name.as_str());
        let mut cells: Vec<&str> = vec![&l.extension, &name, user, department];
        cells.extend(v.iter().map(String::as_str));
        csv.row(&cells);
    }
    csv
}

/// Call volume per department (the department of each line's user), by name; lines whose user
/// has no department, or that have no user, are summed on a last row with an empty name.
pub fn department_volume(dir: &Directory, calls: &HashMap<LineId, LineCalls>) -> Csv {
    let mut header = vec!["department", "lines"];
    header.extend(VOLUME);
    let mut csv = Csv::new(&header);
    let mut sums: HashMap<Option<&DepartmentId>, (i64, LineCalls)> = HashMap::new();
    for l in &dir.lines {
        let e = sums.entry(dir.department_of(l)).or_default();
        e.0 += 1;
        if let Some(c) = calls.get(&l.id) {
            e.1.calls_in += c.calls_in;
            e.1.calls_out += c.calls_out;
            e.1.missed += c.missed;
            e.1.secs_in += c.secs_in;
            e.1.secs_out += c.secs_out;
        }
    }
    let mut departments: Vec<&Department> = dir.departments.iter().collect();
    departments.sort_by(|a, b| a.name.cmp(&b.name));
    let mut rows: Vec<(&str, (i64, LineCalls))> = departments
        .iter()
        .map(|d| {
            (
                d.name.as_str(),
                sums.remove(&Some(&d.id)).unwrap_or_default(),
            )
        })
        .collect();
    // A user's department that is gone, or none: the row without a name.
    let mut rest = (0, LineCalls::default());
    for (n, c) in sums.into_values() {
        rest.0 += n;
        rest.1.calls_in += c.calls_in;
        rest.1.calls_out += c.calls_out;
        rest.1.missed += c.missed;
        rest.1.secs_in += c.secs_in;
        rest.1.secs_out += c.secs_out;
    }
    if rest.0 > 0 {
        rows.push(("", rest));
    }
    for (name, (n, c)) in rows {
        let v = volume(&c);
        let n = n.to_string();
        let mut cells: Vec<&str> = vec![name, &n];
        cells.extend(v.iter().map(String::as_str));
        csv.row(&cells);
    }
    csv
}

/// One queue's callers in the period: offered, answered, abandoned, overflowed, total wait and
/// longest wait (ms).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueueSums {
    pub offered: i64,
    pub answered: i64,
    pub abandoned: i64,
    pub overflowed: i64,
    pub total_wait_ms: i64,
    pub longest_wait_ms: i64,
}

/// Queue figures per queue, by extension.
pub fn queue_figures(queues: &[Queue], sums: &HashMap<String, QueueSums>) -> Csv {
    let mut csv = Csv::new(&[
        "queue",
        "extension",
        "offered",
        "answered",
        "abandoned",
        "overflowed",
        "average_wait_secs",
        "longest_wait_secs",
    ]);
    let mut queues: Vec<&Queue> = queues.iter().collect();
    queues.sort_by(|a, b| a.extension.cmp(&b.extension));
    let none = QueueSums::default();
    for q in queues {
        let s = sums.get(q.id.as_str()).unwrap_or(&none);
        let average = if s.offered > 0 {
            format!("{:.1}", s.total_wait_ms as f64 / s.offered as f64 / 1000.0)
        } else {
            "0.0".to_owned()
        };
        csv.row(&[
            &q.name,
            &q.extension,
            &s.offered.to_string(),
            &s.answered.to_string(),
            &s.abandoned.to_string(),
            &s.overflowed.to_string(),
            &average,
            &(s.longest_wait_ms / 1000).to_string(),
        ]);
    }
    csv
}

/// The audit records of the period, oldest first.
pub fn audit(events: &[AuditEvent]) -> Csv {
    let mut csv = Csv::new(&[
        "at",
        "kind",
        "actor",
        "source_ip",
        "target_type",
        "target_id",
        "summary",
    ]);
    for e in events {
        csv.row(&[
            &sb_domain::clock::rfc3339(e.at),
            e.kind.as_str(),
            &e.actor_name,
            e.source_ip.as_deref().unwrap_or(""),
            &e.target_type,
            e.target_id.as_deref().unwrap_or(""),
            &e.summary,
        ]);
    }
    csv
}

#[cfg(test)]
#[path = "contents_tests.rs"]
mod tests;
