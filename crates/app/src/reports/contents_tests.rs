use super::*;

fn cell(s: &str) -> String {
    let mut out = String::new();
    push_cell(&mut out, s);
    out
}

#[test]
fn cells_that_a_spreadsheet_would_run_are_neutralised_and_numbers_are_not() {
    for (given, written) in [
        ("=1+1", "'=1+1"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\t=1", "'\t=1"),
        ("\r=1", "\"'\r=1\""),
        (
            "=HYPERLINK(\"x\",\"y\")",
            "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"",
        ),
        ("+15550100", "+15550100"),
        ("+", "'+"),
        ("Ada", "Ada"),
    ] {
        assert_eq!(cell(given), written, "{given:?}");
    }
}

#[test]
fn cells_with_separators_quotes_or_line_breaks_are_quoted() {
    assert_eq!(cell("Sales, Paris"), "\"Sales, Paris\"");
    assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
    assert_eq!(cell("two\nlines"), "\"two\nlines\"");
    assert_eq!(cell(""), "");
}

#[test]
fn every_row_ends_with_crlf_and_only_data_rows_are_counted() {
    let mut csv = Csv::new(&["a", "b"]);
    csv.row(&["1", "x,y"]);
    csv.row(&["2", ""]);
    assert_eq!(csv.text, "a,b\r\n1,\"x,y\"\r\n2,\r\n");
    assert_eq!(csv.rows, 2);
    assert_eq!(minutes(0), "0");
    assert_eq!(minutes(1), "1");
    assert_eq!(minutes(60), "1");
    assert_eq!(minutes(61), "2");
}
