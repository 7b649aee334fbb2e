//! Report contents and the due-runner, on a seeded company (every available database engine)
//! with a clock the tests move by hand.

#![allow(
    clippy::too_many_lines,
    reason = "a test reads top to bottom, with the clock moved by hand"
)]

use super::*;
use contents::Csv;
use sb_domain::clock::ManualClock;
use sb_domain::ids::*;
use sb_domain::model::{CallPolicyKind, Language, Role};
use sb_store::Store;
use sb_store::accounts::User;
use sb_store::call_log::CallRecord;
use sb_store::lines::{Line, Number};
use sb_store::queues::{Queue, QueueCall};
use sb_store::tenancy::{Department, Reseller};
use std::sync::Arc;
use std::time::Duration;

/// Monday 2 March 2026, 11:00 in Paris.
const NOW: &str = "2026-03-02T10:00:00Z";
/// Sunday 1 March 2026, 13:00 in Paris: inside the period of a daily run on the 2nd.
const SUNDAY: i64 = 1_772_366_400_000;

fn ms(s: &str) -> i64 {
    s.parse::<jiff::Timestamp>().unwrap().as_millisecond()
}

struct Seeded {
    app: App,
    clock: ManualClock,
    store: Store,
    co: Company,
    admin: Actor,
}

fn user(co: &Company, name: &str, role: Role, department: Option<&DepartmentId>) -> User {
    User {
        id: UserId::new(ms(NOW)),
        role,
        reseller_id: Some(co.reseller_id.clone()),
        company_id: Some(co.id.clone()),
        department_id: department.cloned(),
        package_id: None,
        name: name.into(),
        email: None,
        language: None,
        username: None,
        password_hash: None,
        enabled: true,
        failed_logins: 0,
        locked: false,
        locked_until: None,
        lockouts: 0,
        default_line_id: None,
        created_at: 0,
        updated_at: 0,
    }
}

fn line(co: &Company, ext: &str, user: &User, calling_name: Option<&str>) -> Line {
    Line {
        id: LineId::new(ms(NOW)),
        company_id: co.id.clone(),
        user_id: Some(user.id.clone()),
        extension: ext.into(),
        account_name: ext.into(),
        calling_name: calling_name.map(Into::into),
        sip_username: format!("s{ext}{}", LineId::new(0)),
        sip_password_sealed: "sealed".into(),
        sip_ha1_md5: String::new(),
        sip_ha1_sha256: String::new(),
        default_number: None,
        presentation_number: None,
        created_at: 0,
    }
}

fn call(co: &Company, l: &Line, direction: &str, at: i64, secs: i64) -> CallRecord {
    CallRecord {
        id: CallRecordId::new(at),
        company_id: co.id.clone(),
        line_id: l.id.clone(),
        direction: direction.into(),
        other_number: "+15550100".into(),
        other_name: None,
        started_at: at,
        duration_secs: secs,
        device: None,
        status: 200,
        call_ref: new_id_text(at),
    }
}

/// A Paris company with a Sales department; Ulf (Sales) on 201 with +33100000001; a user with
/// a formula for a name and no department on 202; a number ringing nothing; calls, queue
/// callers and audit records on Sunday and on Monday.
async fn seeded(store: Store) -> Seeded {
    let clock = ManualClock::new(NOW.parse().unwrap());
    let app = App::new(
        store.clone(),
        Arc::new(clock.clone()),
        crate::AppConfig::default(),
    );
    let mut c = store.begin().await.unwrap();
    let r = Reseller {
        id: ResellerId::new(0),
        name: "Channel".into(),
        created_at: 0,
    };
    sb_store::tenancy::insert_reseller(&mut c, &r)
        .await
        .unwrap();
    let co = Company {
        id: CompanyId::new(0),
        reseller_id: r.id.clone(),
        name: "Acme".into(),
        country: "FR".into(),
        time_zone: "Europe/Paris".into(),
        first_language: Language::Fr,
        second_language: None,
        sip_domain: format!("{}.sip.test", CompanyId::new(0)),
        max_users: 10,
        max_lines: 10,
        default_package_id: None,
        created_at: 0,
    };
    sb_store::tenancy::insert_company(&mut c, &co)
        .await
        .unwrap();
    let sales = Department {
        id: DepartmentId::new(0),
        company_id: co.id.clone(),
        parent_id: None,
        name: "Sales, Paris".into(),
        operator_number: None,
        call_policy: CallPolicyKind::Unlimited,
        call_limit: None,
        created_at: 0,
    };
    sb_store::tenancy::insert_department(&mut c, &sales)
        .await
        .unwrap();
    let ada = user(&co, "Ada", Role::CompanyAdmin, None);
    let ulf = user(&co, "Ulf", Role::EndUser, Some(&sales.id));
    let evil = user(&co, "=HYPERLINK(\"http://x\")", Role::EndUser, None);
    for u in [&ada, &ulf, &evil] {
        sb_store::accounts::insert_user(&mut c, u).await.unwrap();
    }
    let l201 = line(&co, "201", &ulf, None);
    let l202 = line(&co, "202", &evil, Some("@SUM(1)"));
    for l in [&l201, &l202] {
        sb_store::lines::insert_line(&mut c, l).await.unwrap();
    }
    for (e164, l) in [("+33100000001", Some(&l201)), ("+33100000002", None)] {
        let n = Number {
            id: NumberId::new(0),
            company_id: co.id.clone(),
            e164: e164.into(),
            line_id: l.map(|l| l.id.clone()),
            fax: false,
            created_at: 0,
        };
        sb_store::lines::insert_number(&mut c, &n).await.unwrap();
    }
    let monday = ms(NOW) - 3_600_000;
    for rec in [
        call(&co, &l201, "received", SUNDAY, 61),
        call(&co, &l201, "missed", SUNDAY + 1000, 0),
        call(&co, &l201, "dialled", SUNDAY + 2000, 30),
        call(&co, &l202, "dialled", SUNDAY + 3000, 125),
        // Monday's calls are outside the period of a run on Monday.
        call(&co, &l201, "received", monday, 600),
    ] {
        sb_store::call_log::insert(&mut c, &rec).await.unwrap();
    }
    let q = Queue {
        id: QueueId::new(0),
        company_id: co.id.clone(),
        name: "Help".into(),
        extension: "600".into(),
        strategy: "ring_all".into(),
        ring_secs: 20,
        delay_secs: 10,
        max_wait_secs: 300,
        overflow: "hang_up".into(),
        overflow_line_id: None,
        call_in_extension: None,
        call_in_hold: "music".into(),
        call_in_beep: false,
        created_at: 0,
    };
    sb_store::queues::insert(&mut c, &q).await.unwrap();
    for (outcome, waited, at) in [
        ("answered", 4_000, SUNDAY),
        ("answered", 8_000, SUNDAY + 1),
        ("abandoned", 30_000, SUNDAY + 2),
        ("answered", 1_000, monday),
    ] {
        let qc = QueueCall {
            id: QueueCallId::new(at),
            queue_id: q.id.clone(),
            caller_number: "+15550100".into(),
            entered_at: at,
            waited_ms: waited,
            outcome: outcome.into(),
            agent_line_id: None,
        };
        sb_store::queues::insert_call(&mut c, &qc).await.unwrap();
    }
    let admin = Actor {
        user_id: ada.id.clone(),
        name: "ada".into(),
        role: Role::CompanyAdmin,
        reseller_id: Some(r.id.clone()),
        company_id: Some(co.id.clone()),
        source_ip: Some("192.0.2.1".into()),
        elevated: false,
        enrol_only: false,
        line_id: None,
    };
    for (at, what) in [(SUNDAY, "=cmd"), (monday, "monday")] {
        let rec = Record::new(AuditKind::Changed, "line", what)
            .tenant(Some(&co.reseller_id), Some(&co.id));
        audit::write(&mut c, at, (&admin).into(), rec)
            .await
            .unwrap();
    }
    c.commit().await.unwrap();
    Seeded {
        app,
        clock,
        store,
        co,
        admin,
    }
}

/// The CSV of `kind` for Sunday 1 March in Paris.
async fn sunday(s: &Seeded, kind: ReportKind) -> Csv {
    let mut c = s.store.conn().await.unwrap();
    s.app
        .report_csv(
            &mut c,
            &s.co,
            kind,
            ms("2026-02-28T23:00:00Z"),
            ms("2026-03-01T23:00:00Z"),
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn number_usage_lists_each_number_with_its_line_user_calls_and_minutes() {
    for store in sb_store::testdb::fresh_stores("rpnumbers").await.unwrap() {
        let s = seeded(store).await;
        let csv = sunday(&s, ReportKind::NumberUsage).await;
        assert_eq!(
            csv.text,
            "number,extension,line_name,user,calls_in,calls_out,minutes_in,minutes_out\r\n\
             +33100000001,201,Ulf,Ulf,2,1,2,1\r\n\
             +33100000002,,,,0,0,0,0\r\n"
        );
        assert_eq!(csv.rows, 2);
    }
}

#[tokio::test]
async fn line_volume_counts_each_lines_calls_and_neutralises_formulas() {
    for store in sb_store::testdb::fresh_stores("rplines").await.unwrap() {
        let s = seeded(store).await;
        let csv = sunday(&s, ReportKind::LineVolume).await;
        assert_eq!(
            csv.text,
            "extension,line_name,user,department,calls_in,calls_out,missed,minutes_in,minutes_out\r\n\
             201,Ulf,Ulf,\"Sales, Paris\",2,1,1,2,1\r\n\
             202,'@SUM(1),\"'=HYPERLINK(\"\"http://x\"\")\",,0,1,0,0,3\r\n"
        );
    }
}

#[tokio::test]
async fn department_volume_sums_the_lines_of_each_department_and_the_rest() {
    for store in sb_store::testdb::fresh_stores("rpdepts").await.unwrap() {
        let s = seeded(store).await;
        let csv = sunday(&s, ReportKind::DepartmentVolume).await;
        assert_eq!(
            csv.text,
            "department,lines,calls_in,calls_out,missed,minutes_in,minutes_out\r\n\
             \"Sales, Paris\",1,2,1,1,2,1\r\n\
             ,1,0,1,0,0,3\r\n"
        );
    }
}

#[tokio::test]
async fn queue_figures_count_the_callers_of_the_period_per_queue() {
    for store in sb_store::testdb::fresh_stores("rpqueues").await.unwrap() {
        let s = seeded(store).await;
        let csv = sunday(&s, ReportKind::QueueFigures).await;
        assert_eq!(
            csv.text,
            "queue,extension,offered,answered,abandoned,overflowed,average_wait_secs,longest_wait_secs\r\n\
             Help,600,3,2,1,0,14.0,30\r\n"
        );
    }
}

#[tokio::test]
async fn the_audit_report_lists_the_records_of_the_period_only() {
    for store in sb_store::testdb::fresh_stores("rpaudit").await.unwrap() {
        let s = seeded(store).await;
        let csv = sunday(&s, ReportKind::Audit).await;
        assert_eq!(
            csv.text,
            "at,kind,actor,source_ip,target_type,target_id,summary\r\n\
             2026-03-01T12:00:00Z,changed,ada,192.0.2.1,line,'=cmd,{}\r\n"
        );
    }
}

/// A change that makes an input wrong.
type Spoil = Box<dyn Fn(&mut ReportInput)>;

fn weekly_input() -> ReportInput {
    ReportInput {
        name: "Numbers weekly".into(),
        kind: ReportKind::NumberUsage,
        frequency: FrequencyName::Weekly,
        weekday: Some(1),
        day_of_month: None,
        time: "08:00".into(),
        recipients: vec![
            "boss@example.com".into(),
            "BOSS@example.com".into(),
            "cfo@example.com".into(),
        ],
    }
}

async fn outbox_mails(s: &Seeded) -> Vec<Mail> {
    let mut c = s.store.conn().await.unwrap();
    outbox::due(&mut c, i64::MAX, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.mail)
        .collect()
}

#[tokio::test]
async fn run_now_mails_the_csv_to_each_recipient_and_records_the_run() {
    for store in sb_store::testdb::fresh_stores("rprunnow").await.unwrap() {
        let s = seeded(store).await;
        let mut input = weekly_input();
        input.frequency = FrequencyName::Daily;
        let r = s
            .app
            .create_report(&s.admin, s.co.id.as_str(), input)
            .await
            .unwrap();
        assert_eq!(r.recipients, ["boss@example.com", "cfo@example.com"]);
        // Daily at 08:00 Paris, created Monday 11:00: next Tuesday 08:00 CET.
        assert_eq!(r.next_run_at, "2026-03-03T07:00:00Z");
        assert_eq!(r.next_run_local, "2026-03-03 08:00");
        let run = s.app.run_report_now(&s.admin, &r.id).await.unwrap();
        assert_eq!(
            (
                run.status.as_str(),
                run.trigger.as_str(),
                run.rows,
                run.recipients
            ),
            ("sent", "manual", 2, 2)
        );
        assert_eq!(run.period_from, "2026-02-28T23:00:00Z");
        assert_eq!(run.period_to, "2026-03-01T23:00:00Z");
        let mails = outbox_mails(&s).await;
        assert_eq!(mails.len(), 2);
        // Acme's first language is French: so is the mail.
        assert!(
            mails[0].subject.ends_with(": du 2026-03-01 au 2026-03-01")
                && mails[0].body.contains("Rapport : Utilisation des numéros"),
            "{} / {}",
            mails[0].subject,
            mails[0].body
        );
        let a = mails[0].attachment.as_ref().unwrap();
        assert_eq!(a.name, "number-usage-2026-03-01.csv");
        use base64::Engine as _;
        let text = base64::engine::general_purpose::STANDARD
            .decode(&a.base64)
            .unwrap();
        assert_eq!(
            text,
            sunday(&s, ReportKind::NumberUsage).await.text.into_bytes()
        );
        let runs = s.app.report_runs(&s.admin, &r.id).await.unwrap();
        assert_eq!(runs.len(), 1);
        // The schedule is untouched by a run now.
        let again = s.app.get_report(&s.admin, &r.id).await.unwrap();
        assert_eq!(again.next_run_at, "2026-03-03T07:00:00Z");
        assert_eq!(again.last_run.unwrap().id, run.id);
    }
}

#[tokio::test]
async fn a_report_missed_while_the_server_was_down_runs_once_for_its_latest_period() {
    for store in sb_store::testdb::fresh_stores("rpmissed").await.unwrap() {
        let s = seeded(store).await;
        let mut input = weekly_input();
        input.frequency = FrequencyName::Daily;
        let r = s
            .app
            .create_report(&s.admin, s.co.id.as_str(), input)
            .await
            .unwrap();
        assert_eq!(s.app.run_due_reports().await.unwrap(), 0, "not due yet");
        // Down from Monday 11:00 to Friday 12:00: four daily runs passed.
        s.clock.advance(Duration::from_secs(4 * 86_400 + 3600));
        assert_eq!(s.app.run_due_reports().await.unwrap(), 1);
        assert_eq!(
            s.app.run_due_reports().await.unwrap(),
            0,
            "once, not per missed run"
        );
        let runs = s.app.report_runs(&s.admin, &r.id).await.unwrap();
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].trigger, "schedule");
        // Friday's 08:00 run, reporting on Thursday.
        assert_eq!(runs[0].period_from, "2026-03-04T23:00:00Z");
        assert_eq!(runs[0].period_to, "2026-03-05T23:00:00Z");
        let view = s.app.get_report(&s.admin, &r.id).await.unwrap();
        assert_eq!(view.next_run_at, "2026-03-07T07:00:00Z");
        assert_eq!(outbox_mails(&s).await.len(), 2);
        // The next day at its time it runs again, once.
        s.clock.advance(Duration::from_secs(86_400));
        assert_eq!(s.app.run_due_reports().await.unwrap(), 1);
        assert_eq!(s.app.run_due_reports().await.unwrap(), 0);
    }
}

#[tokio::test]
async fn bad_schedules_are_refused_with_the_field_and_change_nothing() {
    for store in sb_store::testdb::fresh_stores("rpbad").await.unwrap() {
        let s = seeded(store).await;
        let cases: Vec<(Spoil, &str)> = vec![
            (Box::new(|i| i.weekday = None), "weekday"),
            (Box::new(|i| i.weekday = Some(8)), "weekday"),
            (
                Box::new(|i| {
                    i.frequency = FrequencyName::Monthly;
                    i.day_of_month = Some(32);
                }),
                "day_of_month",
            ),
            (Box::new(|i| i.time = "24:00".into()), "time"),
            (Box::new(|i| i.time = "8h".into()), "time"),
            (Box::new(|i| i.recipients.clear()), "recipients"),
            (
                Box::new(|i| i.recipients[1] = "not-mail".into()),
                "recipients.1",
            ),
            (Box::new(|i| i.name = " ".into()), "name"),
        ];
        for (spoil, field) in cases {
            let mut input = weekly_input();
            spoil(&mut input);
            let e = s
                .app
                .create_report(&s.admin, s.co.id.as_str(), input)
                .await
                .unwrap_err();
            assert_eq!(e.field(), Some(field), "{e:?}");
        }
        let list = s
            .app
            .list_reports(&s.admin, s.co.id.as_str())
            .await
            .unwrap();
        assert!(list.is_empty());
    }
}

#[tokio::test]
async fn end_users_and_other_companies_cannot_reach_a_report() {
    for store in sb_store::testdb::fresh_stores("rpauthz").await.unwrap() {
        let s = seeded(store).await;
        let r = s
            .app
            .create_report(&s.admin, s.co.id.as_str(), weekly_input())
            .await
            .unwrap();
        let end_user = Actor {
            role: Role::EndUser,
            ..s.admin.clone()
        };
        assert!(s.app.get_report(&end_user, &r.id).await.is_err());
        assert!(s.app.run_report_now(&end_user, &r.id).await.is_err());
        let stranger = Actor {
            company_id: Some(CompanyId::new(0)),
            ..s.admin.clone()
        };
        assert!(matches!(
            s.app.get_report(&stranger, &r.id).await,
            Err(AppError::NotFound)
        ));
        assert!(matches!(
            s.app.delete_report(&stranger, &r.id).await,
            Err(AppError::NotFound)
        ));
        assert_eq!(
            s.app
                .list_reports(&s.admin, s.co.id.as_str())
                .await
                .unwrap()
                .len(),
            1
        );
    }
}
