//! CSV cells as every export writes them (the API's, the portal's and the mailed reports'):
//! RFC 4180 quoting, and a guard against spreadsheets running a cell as a formula.

/// What a spreadsheet runs as a formula when a cell starts with it: the four formula signs, and
/// TAB and CR, which spreadsheets strip before looking (OWASP, CSV injection).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// One CSV cell, quoted when it holds a separator, a quote or a line break (RFC 4180); a cell a
/// spreadsheet would run as a formula is prefixed with an apostrophe. A phone number like
/// +15550001 is data, not a formula, and is written as it is.
pub fn cell(s: &str) -> String {
    let number = s.len() > 1 && s.starts_with('+') && s[1..].bytes().all(|b| b.is_ascii_digit());
    let s = if !number && s.starts_with(FORMULA_STARTS) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// Appends one cell as [`cell`] writes it, copying it as it is when it needs neither quoting
/// nor the formula guard.
pub fn push_cell(out: &mut String, s: &str) {
    let special = s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'));
    if special || s.starts_with(FORMULA_STARTS) {
        out.push_str(&cell(s));
    } else {
        out.push_str(s);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn csv_cells_are_quoted_or_guarded_only_when_needed() {
        let cell = |s: &str| {
            let mut out = String::new();
            super::push_cell(&mut out, s);
            out
        };
        assert_eq!(cell("Caller Name"), "Caller Name");
        assert_eq!(cell("+15550001"), "+15550001");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("=1+1"), "'=1+1");
        assert_eq!(cell("line\nbreak"), "\"line\nbreak\"");
    }

    #[test]
    fn csv_formula_guard_covers_tab_and_carriage_return() {
        // OWASP CSV injection: spreadsheets strip a leading TAB or CR and then run the formula.
        for s in ["\t=1+1", "\r=1+1", "\t@SUM(A1)", "\r-2+3"] {
            let mut out = String::new();
            super::push_cell(&mut out, s);
            assert!(
                out.starts_with('\'') || out.starts_with("\"'"),
                "{s:?} was written as {out:?}"
            );
            assert!(super::cell(s).trim_start_matches('"').starts_with('\''));
        }
    }
}
