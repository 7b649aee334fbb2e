//! vCard reading (3.0 and 4.0) and writing (4.0, RFC 6350) for a person's contacts.
//!
//! Written by hand: no crate in the lock file reads vCard, and the maintained ones on crates.io
//! (`calcard`, `vobject`) bring whole calendar stacks for the six properties a contact has here
//! (FN, N, ORG, TEL, EMAIL and the envelope). What is read: property groups (`item1.TEL`) are
//! dropped, parameters other than TYPE ignored, unknown properties skipped.

/// One contact as a file holds it, before the use case checks its values.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Card {
    /// The line of the file where the card (or CSV row) starts, for refusals.
    pub line: usize,
    pub name: String,
    pub organisation: Option<String>,
    pub email: Option<String>,
    /// Label and number, in order.
    pub numbers: Vec<(String, String)>,
}

/// Why a file was refused: the line it stopped at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    pub line: usize,
    pub message: String,
}

impl FileError {
    pub fn at(line: usize, message: impl Into<String>) -> Self {
        Self {
            line,
            message: message.into(),
        }
    }
}

/// Longest line in octets before folding (RFC 6350 section 3.2).
const FOLD_AT: usize = 75;

/// Escapes a text value: backslash, comma, semicolon and line breaks.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// Appends one content line, folded to at most 75 octets a line, never inside a character.
fn push_line(out: &mut String, line: &str) {
    let mut width = 0;
    for ch in line.chars() {
        if width + ch.len_utf8() > FOLD_AT {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(ch);
        width += ch.len_utf8();
    }
    out.push_str("\r\n");
}

/// The TYPE a label is written as: a token as it is (mobile as `cell`), anything else quoted.
fn type_param(label: &str) -> String {
    let l = label.trim().to_lowercase();
    if l == "mobile" {
        return "cell".into();
    }
    if !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        l
    } else {
        format!("\"{}\"", l.replace(['"', '\r', '\n'], ""))
    }
}

/// N from a full name: the last word as family name, the rest as given names.
fn structured_name(name: &str) -> String {
    match name.trim().rsplit_once(' ') {
        Some((given, family)) => format!("{};{};;;", escape(family), escape(given.trim())),
        None => format!("{};;;;", escape(name.trim())),
    }
}

/// Cards as one vCard 4.0 file, CRLF line ends.
pub fn write(cards: &[Card]) -> String {
    let mut out = String::new();
    for c in cards {
        push_line(&mut out, "BEGIN:VCARD");
        push_line(&mut out, "VERSION:4.0");
        push_line(&mut out, &format!("FN:{}", escape(&c.name)));
        push_line(&mut out, &format!("N:{}", structured_name(&c.name)));
        if let Some(o) = &c.organisation {
            push_line(&mut out, &format!("ORG:{}", escape(o)));
        }
        for (label, number) in &c.numbers {
            push_line(
                &mut out,
                &format!("TEL;TYPE={}:{}", type_param(label), escape(number)),
            );
        }
        if let Some(e) = &c.email {
            push_line(&mut out, &format!("EMAIL:{}", escape(e)));
        }
        push_line(&mut out, "END:VCARD");
    }
    out
}

/// The logical lines of a file with the physical line each starts on (RFC 6350 section 3.2:
/// a line starting with a space or tab continues the one before).
fn unfold(text: &str) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        match (raw.strip_prefix([' ', '\t']), out.last_mut()) {
            (Some(rest), Some((_, last))) => last.push_str(rest),
            _ => out.push((i + 1, raw.to_owned())),
        }
    }
    out
}

/// A text value with its escapes undone.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(ch) = chars.next() {
        if ch != '\\' {
            out.push(ch);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(c) => out.push(c),
            None => out.push('\\'),
        }
    }
    out
}

/// The first component of a structured value (ORG's organisation name), unescaped.
fn first_component(s: &str) -> String {
    let mut end = s.len();
    let mut escaped = false;
    for (i, ch) in s.char_indices() {
        match ch {
            '\\' if !escaped => escaped = true,
            ';' if !escaped => {
                end = i;
                break;
            }
            _ => escaped = false,
        }
    }
    unescape(&s[..end])
}

/// The label a TEL's parameters give: its first TYPE other than `voice` and `pref`
/// (`cell` read as mobile); 3.0's bare types (`TEL;CELL:`) count too.
fn label_of(params: &[&str]) -> String {
    let mut types = Vec::new();
    for p in params {
        let (k, v) = p.split_once('=').unwrap_or(("TYPE", p));
        if k.eq_ignore_ascii_case("TYPE") {
            types.extend(v.split(',').map(|t| t.trim_matches('"').to_lowercase()));
        }
    }
    let t = types
        .into_iter()
        .find(|t| !t.is_empty() && t != "voice" && t != "pref");
    match t.as_deref() {
        Some("cell") => "mobile".into(),
        Some(t) => t.to_owned(),
        None => "phone".into(),
    }
}

/// Splits `NAME;PARAM=x;...:value` (the value may hold colons; quoted parameters may too).
fn split_property(line: &str) -> Option<(&str, Vec<&str>, &str)> {
    let mut quoted = false;
    let colon = line.char_indices().find_map(|(i, c)| match c {
        '"' => {
            quoted = !quoted;
            None
        }
        ':' if !quoted => Some(i),
        _ => None,
    })?;
    let (head, value) = (&line[..colon], &line[colon + 1..]);
    let mut parts = head.split(';');
    let name = parts.next()?;
    let name = name.rsplit_once('.').map_or(name, |(_, n)| n);
    Some((name, parts.collect(), value))
}

/// Every card of a vCard 3.0 or 4.0 file; the first fault refuses the whole file.
pub fn read(text: &str) -> Result<Vec<Card>, FileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut cards = Vec::new();
    let mut open: Option<Card> = None;
    let mut version_seen = false;
    let mut last_line = 1;
    for (n, line) in unfold(text) {
        last_line = n;
        if line.trim().is_empty() {
            continue;
        }
        let (name, params, value) = split_property(&line)
            .ok_or_else(|| FileError::at(n, "This line is no vCard property."))?;
        let name = name.to_ascii_uppercase();
        let Some(card) = open.as_mut() else {
            if name == "BEGIN" && value.eq_ignore_ascii_case("VCARD") {
                open = Some(Card {
                    line: n,
                    ..Card::default()
                });
                version_seen = false;
                continue;
            }
            return Err(FileError::at(n, "A card starts with BEGIN:VCARD."));
        };
        match name.as_str() {
            "BEGIN" => return Err(FileError::at(n, "A card cannot hold another card.")),
            "VERSION" if matches!(value.trim(), "3.0" | "4.0") => version_seen = true,
            "VERSION" => return Err(FileError::at(n, "Only vCard 3.0 and 4.0 are read.")),
            "FN" => card.name = unescape(value).trim().to_owned(),
            "ORG" => card.organisation = Some(first_component(value)).filter(|o| !o.is_empty()),
            "EMAIL" if card.email.is_none() => card.email = Some(unescape(value).trim().to_owned()),
            "TEL" => {
                let v = unescape(value);
                let v = v.trim();
                let v = v.strip_prefix("tel:").unwrap_or(v);
                card.numbers.push((label_of(&params), v.to_owned()));
            }
            "END" => {
                if !version_seen {
                    return Err(FileError::at(n, "A card needs VERSION:3.0 or VERSION:4.0."));
                }
                if card.name.is_empty() {
                    return Err(FileError::at(n, "A card needs a name (FN)."));
                }
                cards.extend(open.take());
            }
            _ => {}
        }
    }
    if open.is_some() {
        return Err(FileError::at(last_line, "The last card has no END:VCARD."));
    }
    Ok(cards)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ada() -> Card {
        Card {
            line: 1,
            name: "Ada Lovelace".into(),
            organisation: Some("Analytical, Engines; Ltd\\".into()),
            email: Some("ada@example.com".into()),
            numbers: vec![
                ("mobile".into(), "+447700900123".into()),
                ("work".into(), "+442071234567".into()),
            ],
        }
    }

    #[test]
    fn a_written_card_escapes_commas_semicolons_and_backslashes_and_reads_back() {
        let text = write(&[ada()]);
        assert!(text.starts_with("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ada Lovelace\r\n"));
        assert!(text.contains("N:Lovelace;Ada;;;\r\n"));
        assert!(text.contains("ORG:Analytical\\, Engines\\; Ltd\\\\\r\n"));
        assert!(text.contains("TEL;TYPE=cell:+447700900123\r\n"));
        assert!(text.ends_with("END:VCARD\r\n"));
        assert_eq!(read(&text).unwrap(), vec![ada()]);
    }

    #[test]
    fn long_lines_are_folded_at_75_octets_without_splitting_a_character() {
        let mut c = ada();
        c.name = "é".repeat(60);
        let text = write(&[c.clone()]);
        for line in text.split("\r\n") {
            assert!(line.len() <= 75, "{line}");
        }
        assert_eq!(read(&text).unwrap()[0].name, c.name);
    }

    #[test]
    fn newlines_in_values_are_escaped_and_restored() {
        let mut c = ada();
        c.organisation = Some("First\nSecond".into());
        let text = write(&[c.clone()]);
        assert!(text.contains("ORG:First\\nSecond\r\n"));
        assert_eq!(read(&text).unwrap()[0].organisation, c.organisation);
    }

    #[test]
    fn a_version_3_card_with_groups_bare_types_and_folding_is_read() {
        let text = "BEGIN:VCARD\nVERSION:3.0\nFN:Bob\n  Martin\nitem1.TEL;TYPE=WORK,VOICE:+1 555 0100\nTEL;CELL:+15550101\nTEL;VALUE=uri:tel:+15550102\nORG:Acme;Sales\nEND:VCARD\n";
        let c = &read(text).unwrap()[0];
        assert_eq!(c.name, "Bob Martin");
        assert_eq!(c.organisation.as_deref(), Some("Acme"));
        assert_eq!(
            c.numbers,
            vec![
                ("work".into(), "+1 555 0100".into()),
                ("mobile".into(), "+15550101".into()),
                ("phone".into(), "+15550102".into()),
            ]
        );
    }

    #[test]
    fn a_bad_card_refuses_the_file_at_its_line() {
        let good = write(&[ada()]);
        let no_name = format!("{good}BEGIN:VCARD\r\nVERSION:4.0\r\nTEL:+15550100\r\nEND:VCARD\r\n");
        assert_eq!(read(&no_name).unwrap_err().line, 13);
        let old = "BEGIN:VCARD\nVERSION:2.1\nFN:X\nEND:VCARD\n";
        assert_eq!(read(old).unwrap_err().line, 2);
        assert_eq!(read("hello\n").unwrap_err().line, 1);
        let open = "BEGIN:VCARD\nVERSION:4.0\nFN:X\n";
        assert!(read(open).is_err());
    }
}
