//! The calendar side of conference invitations (RFC 5545 and RFC 5546): what an invitation,
//! its update or its cancellation says to the participants' calendars.

use sb_store::conferences::Conference;

/// Text in an iCalendar property (RFC 5545 section 3.3.11).
fn ical_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// One content line folded at 75 octets (RFC 5545 section 3.1), never inside a character.
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for ch in line.chars() {
        if width + ch.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(ch);
        width += ch.len_utf8();
    }
    out.push_str("\r\n");
}

fn ical_time(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.strftime("%Y%m%dT%H%M%SZ").to_string())
        .unwrap_or_default()
}

/// What an invitation (or, `cancel`, its withdrawal) says to calendars.
pub(crate) struct Invite<'a> {
    pub(crate) conf: &'a Conference,
    pub(crate) organizer: (&'a str, Option<&'a str>),
    pub(crate) attendees: &'a [(Option<String>, String)],
    pub(crate) dial_in: &'a str,
    pub(crate) uid_domain: &'a str,
    pub(crate) now: i64,
    pub(crate) cancel: bool,
    /// Raised by each change after the first invitation (RFC 5546, section 2.1.4).
    pub(crate) sequence: i64,
}

/// The SEQUENCE of a change made at `now` to a conference: later changes have higher ones,
/// without a counter kept (seconds since it was scheduled, plus one).
pub(crate) fn sequence_at(conf: &Conference, now: i64) -> i64 {
    1 + (now - conf.created_at).max(0) / 1000
}

impl Invite<'_> {
    pub(crate) fn ical(&self) -> String {
        let c = self.conf;
        let mut lines = vec![
            "BEGIN:VCALENDAR".to_owned(),
            "VERSION:2.0".to_owned(),
            "PRODID:-//Switchboard//Conferences//EN".to_owned(),
            format!("METHOD:{}", if self.cancel { "CANCEL" } else { "REQUEST" }),
            "BEGIN:VEVENT".to_owned(),
            format!("UID:{}@{}", c.id, self.uid_domain),
            format!("DTSTAMP:{}", ical_time(self.now)),
            format!("DTSTART:{}", ical_time(c.starts_at)),
            format!("DTEND:{}", ical_time(c.ends_at)),
            format!("SEQUENCE:{}", self.sequence),
            format!("SUMMARY:{}", ical_text(&c.title)),
            format!("LOCATION:{}", ical_text(self.dial_in)),
            format!("DESCRIPTION:{}", ical_text(self.dial_in)),
        ];
        let (name, email) = self.organizer;
        if let Some(email) = email {
            lines.push(format!("ORGANIZER;CN=\"{}\":mailto:{email}", quoted(name)));
        }
        for (name, email) in self.attendees {
            let cn = name.as_deref().unwrap_or(email);
            lines.push(format!(
                "ATTENDEE;CN=\"{}\";ROLE=REQ-PARTICIPANT;RSVP=FALSE:mailto:{email}",
                quoted(cn)
            ));
        }
        if self.cancel {
            lines.push("STATUS:CANCELLED".to_owned());
        }
        lines.push("END:VEVENT".to_owned());
        lines.push("END:VCALENDAR".to_owned());
        let mut out = String::new();
        for l in &lines {
            fold(l, &mut out);
        }
        out
    }
}

/// A parameter value in double quotes cannot hold a quote or a control character.
fn quoted(s: &str) -> String {
    s.chars().filter(|c| *c != '"' && !c.is_control()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sb_domain::ids::{CompanyId, ConferenceId, UserId};

    fn conf() -> Conference {
        Conference {
            id: ConferenceId::from_raw("c1"),
            company_id: CompanyId::from_raw("co"),
            organizer_id: UserId::from_raw("u"),
            title: "Budget, Q3; review".into(),
            starts_at: 1_800_000_000_000,
            ends_at: 1_800_003_600_000,
            access_code: "123456".into(),
            created_at: 0,
        }
    }

    #[test]
    fn an_invitation_is_an_icalendar_request_with_escaped_text_and_folded_lines() {
        let c = conf();
        let people = vec![(
            Some("Bo \"B\" Smith".to_owned()),
            "bo@example.com".to_owned(),
        )];
        let dial = "Dial *88 and key in access code 123456, then #. ".repeat(3);
        let ics = Invite {
            conf: &c,
            organizer: ("Ada", Some("ada@example.com")),
            attendees: &people,
            dial_in: &dial,
            uid_domain: "acme.sip.test",
            now: 1_799_000_000_000,
            cancel: false,
            sequence: 0,
        }
        .ical();
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(ics.contains("METHOD:REQUEST\r\n"));
        assert!(ics.contains("UID:c1@acme.sip.test\r\n"));
        assert!(ics.contains("DTSTART:20270115T080000Z\r\n"));
        assert!(ics.contains("DTEND:20270115T090000Z\r\n"));
        assert!(ics.contains("SUMMARY:Budget\\, Q3\\; review\r\n"));
        assert!(ics.contains("ORGANIZER;CN=\"Ada\":mailto:ada@example.com\r\n"));
        assert!(ics.contains("ATTENDEE;CN=\"Bo B Smith\";"));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        for line in ics.split("\r\n") {
            assert!(line.len() <= 75, "{line:?}");
        }
        // Unfolding gives the description back whole.
        let unfolded = ics.replace("\r\n ", "");
        assert!(unfolded.contains(&format!("DESCRIPTION:{}", ical_text(&dial))));
    }

    #[test]
    fn a_cancellation_carries_the_same_uid_a_later_sequence_and_cancelled_status() {
        let c = conf();
        let ics = Invite {
            conf: &c,
            organizer: ("Ada", None),
            attendees: &[],
            dial_in: "x",
            uid_domain: "d",
            now: 0,
            cancel: true,
            sequence: 1,
        }
        .ical();
        assert!(ics.contains("METHOD:CANCEL\r\n"));
        assert!(ics.contains("UID:c1@d\r\n"));
        assert!(ics.contains("SEQUENCE:1\r\n"));
        assert!(ics.contains("STATUS:CANCELLED\r\n"));
    }
}
