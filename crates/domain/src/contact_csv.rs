//! A person's contacts as CSV (RFC 4180, CRLF): a header row, then one contact a row with its
//! numbers as pairs of columns, `label_1,number_1,label_2,number_2…`.

use crate::csv::push_cell;
use crate::vcard::{Card, FileError};

/// Cards as CSV, with as many number columns as the card with most numbers needs (one at least).
pub fn write(cards: &[Card]) -> String {
    let pairs = cards
        .iter()
        .map(|c| c.numbers.len())
        .max()
        .unwrap_or(0)
        .max(1);
    let mut out = String::from("name,company,email");
    for i in 1..=pairs {
        out.push_str(&format!(",label_{i},number_{i}"));
    }
    out.push_str("\r\n");
    for c in cards {
        push_cell(&mut out, &c.name);
        out.push(',');
        push_cell(&mut out, c.organisation.as_deref().unwrap_or(""));
        out.push(',');
        push_cell(&mut out, c.email.as_deref().unwrap_or(""));
        for i in 0..pairs {
            let (label, number) = c.numbers.get(i).map_or(("", ""), |(l, n)| (l, n));
            out.push(',');
            push_cell(&mut out, label);
            out.push(',');
            push_cell(&mut out, number);
        }
        out.push_str("\r\n");
    }
    out
}

/// The records of a CSV text with the line each starts on; quoted cells may hold separators,
/// doubled quotes and line breaks.
fn records(text: &str) -> Result<Vec<(usize, Vec<String>)>, FileError> {
    let mut out = Vec::new();
    let (mut line, mut start) = (1, 1);
    let (mut row, mut cell) = (Vec::new(), String::new());
    let (mut quoted, mut was_quoted) = (false, false);
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        match (quoted, ch) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => {
                if c == '\n' {
                    line += 1;
                }
                cell.push(c);
            }
            (false, '"') if cell.is_empty() && !was_quoted => (quoted, was_quoted) = (true, true),
            (false, '"') => return Err(FileError::at(line, "A quote can only open a cell.")),
            (false, ',') => {
                row.push(std::mem::take(&mut cell));
                was_quoted = false;
            }
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n' | '\r') => {
                row.push(std::mem::take(&mut cell));
                was_quoted = false;
                out.push((start, std::mem::take(&mut row)));
                line += 1;
                start = line;
            }
            (false, c) => cell.push(c),
        }
    }
    if quoted {
        return Err(FileError::at(start, "A quoted cell is not closed."));
    }
    if !cell.is_empty() || !row.is_empty() || was_quoted {
        row.push(cell);
        out.push((start, row));
    }
    Ok(out)
}

/// A cell as the export guarded it against spreadsheets: the apostrophe taken off again.
fn unguarded(s: &str) -> String {
    let s = s.trim();
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest.to_owned(),
        _ => s.to_owned(),
    }
}

/// Every contact of a CSV file; a header row naming `name` is required, unknown columns are
/// ignored, blank rows skipped. Values are checked by the use case.
pub fn read(text: &str) -> Result<Vec<Card>, FileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rows = records(text)?.into_iter();
    let Some((_, header)) = rows.next() else {
        return Ok(Vec::new());
    };
    let header: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
    let col = |name: &str| header.iter().position(|h| h == name);
    let name_col =
        col("name").ok_or_else(|| FileError::at(1, "The header needs a name column."))?;
    let (org_col, email_col) = (col("company"), col("email"));
    let mut pairs = Vec::new();
    for i in 1.. {
        match (col(&format!("label_{i}")), col(&format!("number_{i}"))) {
            (l, Some(n)) => pairs.push((l, n)),
            (None, None) => break,
            (Some(_), None) => {
                return Err(FileError::at(1, format!("label_{i} has no number_{i}.")));
            }
        }
    }
    let mut cards = Vec::new();
    for (line, row) in rows {
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let get = |i: Option<usize>| i.and_then(|i| row.get(i)).map(|s| unguarded(s));
        let optional = |i| get(i).filter(|s: &String| !s.is_empty());
        let mut numbers = Vec::new();
        for (l, n) in &pairs {
            let number = get(Some(*n)).unwrap_or_default();
            let label = get(*l).unwrap_or_default();
            if !number.is_empty() {
                numbers.push((
                    if label.is_empty() {
                        "phone".into()
                    } else {
                        label
                    },
                    number,
                ));
            } else if !label.is_empty() {
                return Err(FileError::at(line, "A label needs its number."));
            }
        }
        cards.push(Card {
            line,
            name: get(Some(name_col)).unwrap_or_default(),
            organisation: optional(org_col),
            email: optional(email_col),
            numbers,
        });
    }
    Ok(cards)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(name: &str, numbers: &[(&str, &str)]) -> Card {
        Card {
            line: 0,
            name: name.into(),
            organisation: Some("Acme, \"Paris\"".into()),
            email: None,
            numbers: numbers
                .iter()
                .map(|(l, n)| ((*l).into(), (*n).into()))
                .collect(),
        }
    }

    #[test]
    fn csv_is_written_with_crlf_quoting_and_one_pair_of_columns_per_number() {
        let text = write(&[card(
            "Ada",
            &[("mobile", "+447700900123"), ("work", "+44207")],
        )]);
        assert_eq!(
            text,
            "name,company,email,label_1,number_1,label_2,number_2\r\n\
             Ada,\"Acme, \"\"Paris\"\"\",,mobile,+447700900123,work,+44207\r\n"
        );
    }

    #[test]
    fn written_csv_reads_back_with_each_row_s_line() {
        let cards = vec![
            card("=Ada", &[("mobile", "+447700900123")]),
            card("Line\nBreak", &[]),
            card("Bob", &[("home", "+15550100"), ("work", "+15550101")]),
        ];
        let back = read(&write(&cards)).unwrap();
        let lines: Vec<usize> = back.iter().map(|c| c.line).collect();
        assert_eq!(lines, vec![2, 3, 5]);
        for (a, b) in cards.iter().zip(&back) {
            assert_eq!(
                (&a.name, &a.organisation, &a.numbers),
                (&b.name, &b.organisation, &b.numbers)
            );
        }
    }

    #[test]
    fn a_bad_row_refuses_the_file_at_its_line() {
        assert_eq!(read("company\nAcme\n").unwrap_err().line, 1);
        let stray = "name,number_1\nAda,+1555\nBo\"b,+1556\n";
        assert_eq!(read(stray).unwrap_err().line, 3);
        let open = "name\nAda\n\"Bob\n";
        assert_eq!(read(open).unwrap_err().line, 3);
        let label_only = "name,label_1,number_1\nAda,work,\n";
        assert_eq!(read(label_only).unwrap_err().line, 2);
    }
}
