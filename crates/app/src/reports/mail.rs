//! The mail of a report's run, in the company's first language (English or French): subject,
//! body and the CSV attached.

use super::contents::Csv;
use super::day;
use jiff::tz::TimeZone;
use sb_domain::model::Language;
use sb_domain::reports::ReportKind;
use sb_store::outbox::{Attachment, Mail};
use sb_store::reports::Report;

/// The report's title for people, as the portal names it.
fn title(kind: ReportKind, lang: Language) -> &'static str {
    use ReportKind::*;
    match (kind, lang) {
        (NumberUsage, Language::En) => "Phone Number Usage",
        (NumberUsage, Language::Fr) => "Utilisation des numéros",
        (LineVolume, Language::En) => "Call volume per line",
        (LineVolume, Language::Fr) => "Volume d'appels par ligne",
        (DepartmentVolume, Language::En) => "Call volume per department",
        (DepartmentVolume, Language::Fr) => "Volume d'appels par service",
        (QueueFigures, Language::En) => "Queue figures",
        (QueueFigures, Language::Fr) => "Chiffres des files d'attente",
        (Audit, Language::En) => "Activity audit",
        (Audit, Language::Fr) => "Journal d'activité",
    }
}

/// The period's first and last day: "2026-03-01 to 2026-03-07", "du 2026-03-01 au 2026-03-07".
fn span(lang: Language, first: &str, last: &str) -> String {
    match lang {
        Language::En => format!("{first} to {last}"),
        Language::Fr => format!("du {first} au {last}"),
    }
}

/// The words of a report mail in one language.
struct Words {
    report: &'static str,
    period: &'static str,
    rows: &'static str,
    attached: &'static str,
}

fn words(lang: Language) -> Words {
    match lang {
        Language::En => Words {
            report: "Report",
            period: "Period",
            rows: "Rows",
            attached: "The report is attached as a CSV file.",
        },
        Language::Fr => Words {
            report: "Rapport",
            period: "Période",
            rows: "Lignes",
            attached: "Le rapport est joint au format CSV.",
        },
    }
}

/// The mail of a run, without its recipient: the CSV attached, named after the kind and the
/// period's first day (the file name stays the same in every language, for scripts that file
/// the reports).
pub(super) fn report_mail(
    r: &Report,
    kind: ReportKind,
    csv: &Csv,
    (from, to): (i64, i64),
    (tz, lang): (&TimeZone, Language),
    now: i64,
) -> Mail {
    let day = |ms: i64| day(ms, tz);
    let (first, last) = (day(from), day(to - 1));
    let w = words(lang);
    // French puts a space before the colon.
    let colon = if lang == Language::Fr { " :" } else { ":" };
    let body = format!(
        "{name}\n\n{report}{colon} {title}\n{period}{colon} {span} ({zone})\n{rows}{colon} {n}\n\n{attached}\n",
        name = r.name,
        report = w.report,
        title = title(kind, lang),
        period = w.period,
        span = span(lang, &first, &last),
        zone = tz.iana_name().unwrap_or("UTC"),
        rows = w.rows,
        n = csv.rows,
        attached = w.attached,
    );
    use base64::Engine as _;
    Mail {
        id: String::new(),
        recipient: String::new(),
        subject: format!("{}{colon} {}", r.name, span(lang, &first, &last)),
        body,
        created_at: now,
        attempts: 0,
        next_attempt_at: now,
        attachment: Some(Attachment {
            name: format!("{}-{first}.csv", kind.as_str().replace('_', "-")),
            content_type: "text/csv; charset=UTF-8".to_owned(),
            base64: base64::engine::general_purpose::STANDARD.encode(csv.text.as_bytes()),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sb_domain::ids::{CompanyId, ReportId};

    fn mail(lang: Language) -> Mail {
        let r = Report {
            id: ReportId::from_raw("r1".to_owned()),
            company_id: CompanyId::from_raw("c1".to_owned()),
            name: "Numbers".into(),
            kind: "number_usage".into(),
            frequency: "weekly".into(),
            weekday: Some(1),
            month_day: None,
            at_minute: 480,
            recipients: vec!["boss@example.com".into()],
            next_run_at: 0,
            created_at: 0,
            updated_at: 0,
        };
        let csv = Csv {
            text: "number\r\n".into(),
            rows: 3,
        };
        let tz = TimeZone::get("Europe/Paris").unwrap();
        // 2026-03-01 00:00 to 2026-03-08 00:00 in Paris (UTC+1).
        let period = (1_772_319_600_000, 1_772_924_400_000);
        report_mail(&r, ReportKind::NumberUsage, &csv, period, (&tz, lang), 0)
    }

    #[test]
    fn a_report_mail_speaks_the_companys_first_language() {
        let en = mail(Language::En);
        assert_eq!(en.subject, "Numbers: 2026-03-01 to 2026-03-07");
        assert_eq!(
            en.body,
            "Numbers\n\nReport: Phone Number Usage\nPeriod: 2026-03-01 to 2026-03-07 (Europe/Paris)\nRows: 3\n\nThe report is attached as a CSV file.\n"
        );
        let fr = mail(Language::Fr);
        assert_eq!(fr.subject, "Numbers : du 2026-03-01 au 2026-03-07");
        assert_eq!(
            fr.body,
            "Numbers\n\nRapport : Utilisation des numéros\nPériode : du 2026-03-01 au 2026-03-07 (Europe/Paris)\nLignes : 3\n\nLe rapport est joint au format CSV.\n"
        );
        // The file name is the same in both, for whoever files the reports by name.
        let name = |m: &Mail| m.attachment.as_ref().unwrap().name.clone();
        assert_eq!(name(&en), "number-usage-2026-03-01.csv");
        assert_eq!(name(&en), name(&fr));
    }

    #[test]
    fn every_report_kind_has_a_title_in_both_languages() {
        for kind in ReportKind::ALL {
            let (en, fr) = (title(*kind, Language::En), title(*kind, Language::Fr));
            assert!(!en.is_empty() && !fr.is_empty() && en != fr, "{kind:?}");
        }
    }
}
