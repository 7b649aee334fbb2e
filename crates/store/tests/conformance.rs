#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly by design
#![allow(
    clippy::too_many_lines,
    clippy::cognitive_complexity,
    reason = "a storage test reads top to bottom, write then read back"
)]
//! The storage conformance suite: every test runs against SQLite and PostgreSQL.

use sb_domain::ids::*;
use sb_domain::model::{AuditKind, CallPolicyKind, Feature, Language, Role};
use sb_store::accounts::{self, User};
use sb_store::audit::{self, AuditEvent, AuditFilter, AuditScope};
use sb_store::lines::{self, Line, Number};
use sb_store::tenancy::{self, Company, Department, Package, Reseller};
use sb_store::testdb::fresh_stores;
use sb_store::{Page, Store, StoreError};

const T: i64 = 1_790_000_000_000;

async fn seed_company(s: &Store) -> (Reseller, Company) {
    let mut c = s.conn().await.unwrap();
    let r = Reseller {
        id: ResellerId::new(T),
        name: "Channel".into(),
        created_at: T,
    };
    tenancy::insert_reseller(&mut c, &r).await.unwrap();
    let co = Company {
        id: CompanyId::new(T),
        reseller_id: r.id.clone(),
        name: "Acme".into(),
        country: "FR".into(),
        time_zone: "Europe/Paris".into(),
        first_language: Language::Fr,
        second_language: Some(Language::En),
        sip_domain: format!("{}.sip.test", CompanyId::new(T)),
        max_users: 10,
        max_lines: 10,
        default_package_id: None,
        created_at: T,
    };
    tenancy::insert_company(&mut c, &co).await.unwrap();
    (r, co)
}

fn user(company: &Company, name: &str, username: Option<&str>) -> User {
    User {
        id: UserId::new(T),
        role: Role::EndUser,
        reseller_id: Some(company.reseller_id.clone()),
        company_id: Some(company.id.clone()),
        department_id: None,
        package_id: None,
        name: name.into(),
        email: None,
        language: None,
        username: username.map(Into::into),
        password_hash: None,
        enabled: true,
        failed_logins: 0,
        locked: false,
        locked_until: None,
        lockouts: 0,
        default_line_id: None,
        created_at: T,
        updated_at: T,
    }
}

#[tokio::test]
async fn migrations_are_idempotent_on_both_backends() {
    for s in fresh_stores("migrate").await.unwrap() {
        assert!(s.migrate().await.unwrap().is_empty(), "{:?}", s.backend());
        assert!(s.ping().await);
    }
}

#[tokio::test]
async fn scrubbing_rewrites_the_secret_tables_and_keeps_their_rows_on_both_backends() {
    for s in fresh_stores("scrub").await.unwrap() {
        let (_, co) = seed_company(&s).await;
        s.scrub().await.unwrap();
        let mut c = s.conn().await.unwrap();
        let still = sb_store::tenancy::get_company(&mut c, &co.id)
            .await
            .unwrap();
        assert!(still.is_some(), "{:?}", s.backend());
    }
}

#[tokio::test]
async fn company_round_trips_with_languages_and_caps() {
    for s in fresh_stores("company").await.unwrap() {
        let (r, mut co) = seed_company(&s).await;
        let mut c = s.conn().await.unwrap();
        assert_eq!(
            tenancy::get_company(&mut c, &co.id).await.unwrap().unwrap(),
            co
        );
        co.max_users = 3;
        co.second_language = None;
        tenancy::update_company(&mut c, &co).await.unwrap();
        assert_eq!(
            tenancy::get_company(&mut c, &co.id).await.unwrap().unwrap(),
            co
        );
        let (list, next) = tenancy::list_companies(&mut c, Some(&r.id), &Page::first(50))
            .await
            .unwrap();
        assert_eq!((list.len(), next), (1, None));
    }
}

#[tokio::test]
async fn usernames_are_unique_case_insensitively() {
    for s in fresh_stores("usernames").await.unwrap() {
        let (_, co) = seed_company(&s).await;
        let mut c = s.conn().await.unwrap();
        accounts::insert_user(&mut c, &user(&co, "A", Some("Alice01")))
            .await
            .unwrap();
        let e = accounts::insert_user(&mut c, &user(&co, "B", Some("ALICE01")))
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::Conflict(_)), "{e:?}");
        // Users without a username yet do not collide with each other.
        accounts::insert_user(&mut c, &user(&co, "C", None))
            .await
            .unwrap();
        accounts::insert_user(&mut c, &user(&co, "D", None))
            .await
            .unwrap();
        let found = accounts::find_by_username(&mut c, "alice01")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found.username.as_deref(), Some("Alice01"));
        assert_eq!(accounts::count_users(&mut c, &co.id).await.unwrap(), 3);
    }
}

#[tokio::test]
async fn user_lists_page_by_cursor_within_one_company() {
    for s in fresh_stores("paging").await.unwrap() {
        let (_, co) = seed_company(&s).await;
        let (_, other) = seed_company(&s).await;
        let mut c = s.conn().await.unwrap();
        for i in 0..5 {
            accounts::insert_user(&mut c, &user(&co, &format!("U{i}"), None))
                .await
                .unwrap();
            accounts::insert_user(&mut c, &user(&other, &format!("X{i}"), None))
                .await
                .unwrap();
        }
        let (p1, next) = accounts::list_users(&mut c, &co.id, &Page::first(2))
            .await
            .unwrap();
        assert_eq!(p1.len(), 2);
        let mut seen: Vec<_> = p1.iter().map(|u| u.id.clone()).collect();
        let mut cursor = next;
        while let Some(after) = cursor {
            let (p, n) = accounts::list_users(
                &mut c,
                &co.id,
                &Page {
                    after: Some(after),
                    limit: 2,
                },
            )
            .await
            .unwrap();
            seen.extend(p.iter().map(|u| u.id.clone()));
            cursor = n;
        }
        assert_eq!(seen.len(), 5);
        for id in &seen {
            let u = accounts::locate_user(&mut c, id).await.unwrap().unwrap();
            assert_eq!(u.company_id.as_ref(), Some(&co.id));
        }
    }
}

#[tokio::test]
async fn departments_lines_numbers_and_packages_round_trip() {
    for s in fresh_stores("model").await.unwrap() {
        let (r, co) = seed_company(&s).await;
        let mut tx = s.begin().await.unwrap();
        let p = Package {
            id: PackageId::new(T),
            reseller_id: Some(r.id.clone()),
            name: "Premium".into(),
            features: vec![Feature::UserPortal, Feature::Voicemail],
            monthly_price_cents: 1999,
            created_at: T,
        };
        tenancy::insert_package(&mut tx, &p).await.unwrap();
        tenancy::set_offered_packages(&mut tx, &co.id, std::slice::from_ref(&p.id))
            .await
            .unwrap();
        let d = Department {
            id: DepartmentId::new(T),
            company_id: co.id.clone(),
            parent_id: None,
            name: "Sales".into(),
            operator_number: Some("200".into()),
            call_policy: CallPolicyKind::Limited,
            call_limit: Some(4),
            created_at: T,
        };
        tenancy::insert_department(&mut tx, &d).await.unwrap();
        let u = user(&co, "Dana", Some("dana01"));
        accounts::insert_user(&mut tx, &u).await.unwrap();
        let l = Line {
            id: LineId::new(T),
            company_id: co.id.clone(),
            user_id: Some(u.id.clone()),
            extension: "201".into(),
            account_name: "Dana".into(),
            calling_name: Some("Dana D".into()),
            sip_username: format!("l{}", LineId::new(T)),
            sip_password_sealed: "sealed".into(),
            sip_ha1_md5: "md5".into(),
            sip_ha1_sha256: "sha256".into(),
            default_number: Some("+33100000001".into()),
            presentation_number: Some("+33100000002".into()),
            created_at: T,
        };
        lines::insert_line(&mut tx, &l).await.unwrap();
        let mut dup = l.clone();
        dup.id = LineId::new(T);
        dup.sip_username = "other".into();
        let tx2 = tx; // a failed statement must not poison the rest on PostgreSQL: use a fresh tx
        tx2.commit().await.unwrap();
        let mut c = s.conn().await.unwrap();
        assert!(matches!(
            lines::insert_line(&mut c, &dup).await,
            Err(StoreError::Conflict(_))
        ));
        let n = Number {
            id: NumberId::new(T),
            company_id: co.id.clone(),
            e164: "+33100000001".into(),
            line_id: Some(l.id.clone()),
            fax: false,
            created_at: T,
        };
        lines::insert_number(&mut c, &n).await.unwrap();
        assert_eq!(
            lines::numbers_of_line(&mut c, &co.id, &l.id).await.unwrap(),
            vec!["+33100000001".to_string()]
        );
        // A number marked as its line's fax number keeps the mark (migration 33).
        let fax = Number {
            fax: true,
            ..n.clone()
        };
        lines::update_number(&mut c, &fax).await.unwrap();
        assert_eq!(
            lines::locate_number(&mut c, &n.id).await.unwrap(),
            Some(fax.clone())
        );
        lines::update_number(&mut c, &n).await.unwrap();
        assert_eq!(
            lines::locate_number(&mut c, &n.id).await.unwrap(),
            Some(n.clone())
        );
        // Lines are found by extension, calling name, number or their user's name, any case.
        let page = Page::first(10);
        for found in ["201", "dana d", "0000001", "DANA"] {
            let (hits, _) = lines::search_lines(&mut c, &co.id, found, &page)
                .await
                .unwrap();
            assert_eq!(hits, vec![l.clone()], "searching {found}");
        }
        for missed in ["202", "%", "+4420"] {
            let (hits, _) = lines::search_lines(&mut c, &co.id, missed, &page)
                .await
                .unwrap();
            assert!(hits.is_empty(), "searching {missed}");
        }
        assert_eq!(
            tenancy::offered_packages(&mut c, &co.id).await.unwrap(),
            vec![p.id.clone()]
        );
        assert_eq!(
            tenancy::get_package(&mut c, &p.id).await.unwrap().unwrap(),
            p
        );
        assert_eq!(
            tenancy::list_departments(&mut c, &co.id).await.unwrap(),
            vec![d]
        );
        assert_eq!(
            lines::lines_of_user(&mut c, &co.id, &u.id).await.unwrap(),
            vec![l.clone()]
        );
        // Deleting the company takes everything it owns.
        tenancy::delete_company(&mut c, &co.id).await.unwrap();
        assert!(lines::locate_line(&mut c, &l.id).await.unwrap().is_none());
        assert!(
            accounts::locate_user(&mut c, &u.id)
                .await
                .unwrap()
                .is_none()
        );
    }
}

#[tokio::test]
async fn rolled_back_transaction_changes_nothing() {
    for s in fresh_stores("rollback").await.unwrap() {
        let (_, co) = seed_company(&s).await;
        let mut tx = s.begin().await.unwrap();
        accounts::insert_user(&mut tx, &user(&co, "Gone", Some("ghost01")))
            .await
            .unwrap();
        tx.rollback().await.unwrap();
        let mut c = s.conn().await.unwrap();
        assert!(!accounts::username_taken(&mut c, "ghost01").await.unwrap());
    }
}

#[tokio::test]
async fn audit_filters_and_deletion_with_the_user() {
    for s in fresh_stores("audit").await.unwrap() {
        let (r, co) = seed_company(&s).await;
        let mut c = s.conn().await.unwrap();
        let u = user(&co, "Eve", Some("eve001"));
        accounts::insert_user(&mut c, &u).await.unwrap();
        for (i, kind) in [
            AuditKind::LoginSucceeded,
            AuditKind::LoginFailed,
            AuditKind::Changed,
        ]
        .into_iter()
        .enumerate()
        {
            let ev = AuditEvent {
                id: AuditId::new(T + i as i64),
                at: T + i as i64,
                reseller_id: Some(r.id.clone()),
                company_id: Some(co.id.clone()),
                actor_id: Some(u.id.clone()),
                actor_name: "eve001".into(),
                source_ip: Some("127.0.0.1".into()),
                kind,
                target_type: "user".into(),
                target_id: Some(u.id.to_string()),
                subject_user_id: Some(u.id.clone()),
                summary: "{}".into(),
            };
            audit::insert_event(&mut c, &ev).await.unwrap();
        }
        let all = AuditFilter::default();
        let scope = AuditScope::Company(co.id.clone());
        let reseller_scope = AuditScope::Reseller(r.id.clone());
        let (of_reseller, _) = audit::list_events(&mut c, &reseller_scope, &all, &Page::first(50))
            .await
            .unwrap();
        assert_eq!(
            of_reseller.len(),
            3,
            "a reseller's scope covers its companies"
        );
        let other = AuditScope::Reseller(ResellerId::new(T));
        assert!(
            audit::list_events(&mut c, &other, &all, &Page::first(50))
                .await
                .unwrap()
                .0
                .is_empty()
        );
        let (items, _) = audit::list_events(&mut c, &scope, &all, &Page::first(50))
            .await
            .unwrap();
        assert_eq!(items.len(), 3);
        let f = AuditFilter {
            kind: Some(AuditKind::LoginFailed),
            ..Default::default()
        };
        assert_eq!(
            audit::list_events(&mut c, &scope, &f, &Page::first(50))
                .await
                .unwrap()
                .0
                .len(),
            1
        );
        let f = AuditFilter {
            from_ms: Some(T + 1),
            to_ms: Some(T + 1),
            ..Default::default()
        };
        assert_eq!(
            audit::list_events(&mut c, &scope, &f, &Page::first(50))
                .await
                .unwrap()
                .0
                .len(),
            1
        );
        assert_eq!(audit::delete_about_user(&mut c, &u.id).await.unwrap(), 3);
        assert!(
            audit::list_events(&mut c, &scope, &all, &Page::first(50))
                .await
                .unwrap()
                .0
                .is_empty()
        );
    }
}

#[tokio::test]
async fn sign_in_counters_change_no_other_column_and_no_write_undoes_them() {
    for s in fresh_stores("counters").await.unwrap() {
        let (_, co) = seed_company(&s).await;
        let mut c = s.conn().await.unwrap();
        let u = user(&co, "Racer", Some("racer01"));
        accounts::insert_user(&mut c, &u).await.unwrap();
        // An administrator disables the account while a sign-in is checking a wrong password.
        let mut disabled = u.clone();
        disabled.enabled = false;
        accounts::update_user(&mut c, &disabled).await.unwrap();
        let mut tx = s.begin().await.unwrap();
        let n = accounts::count_failed_login(&mut tx, &u.id).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(n.failed_logins, 1);
        let now = accounts::locate_user(&mut c, &u.id).await.unwrap().unwrap();
        assert!(
            !now.enabled,
            "{:?}: the count undid the disable",
            s.backend()
        );
        // And an administrator's write of a row read before the count keeps the count.
        accounts::update_user(&mut c, &disabled).await.unwrap();
        accounts::lock_account(&mut c, &u.id, Some(T + 60_000))
            .await
            .unwrap();
        accounts::update_user(&mut c, &disabled).await.unwrap();
        let now = accounts::locate_user(&mut c, &u.id).await.unwrap().unwrap();
        assert!(now.locked && now.locked_until == Some(T + 60_000));
        assert_eq!((now.lockouts, now.failed_logins), (1, 0));
        accounts::clear_sign_in_failures(&mut c, &u.id)
            .await
            .unwrap();
        let now = accounts::locate_user(&mut c, &u.id).await.unwrap().unwrap();
        assert!(!now.locked && now.locked_until.is_none() && now.lockouts == 0);
        assert!(!now.enabled);
    }
}

#[tokio::test]
async fn two_factor_steps_and_recovery_codes_are_accepted_once() {
    use sb_store::totp;
    for s in fresh_stores("totp").await.unwrap() {
        let (_, co) = seed_company(&s).await;
        let mut c = s.conn().await.unwrap();
        let u = user(&co, "Otto", Some("otto01"));
        accounts::insert_user(&mut c, &u).await.unwrap();
        let t = totp::Totp {
            user_id: u.id.clone(),
            secret: "JBSWY3DPEHPK3PXP".into(),
            confirmed: false,
            last_step: 0,
            created_at: T,
        };
        totp::start(&mut c, &t).await.unwrap();
        assert!(totp::use_step(&mut c, &u.id, 100).await.unwrap());
        assert!(!totp::use_step(&mut c, &u.id, 100).await.unwrap(), "replay");
        assert!(
            !totp::use_step(&mut c, &u.id, 99).await.unwrap(),
            "older step"
        );
        totp::confirm(&mut c, &u.id, &["h1".into(), "h2".into()])
            .await
            .unwrap();
        let got = totp::get(&mut c, &u.id).await.unwrap().unwrap();
        assert!(got.confirmed && got.last_step == 100);
        assert!(
            totp::spend_recovery_code(&mut c, &u.id, "h1", T)
                .await
                .unwrap()
        );
        assert!(
            !totp::spend_recovery_code(&mut c, &u.id, "h1", T)
                .await
                .unwrap()
        );
        assert_eq!(totp::recovery_codes_left(&mut c, &u.id).await.unwrap(), 1);
        totp::remove(&mut c, &u.id).await.unwrap();
        assert!(totp::get(&mut c, &u.id).await.unwrap().is_none());
    }
}

#[tokio::test]
async fn sessions_and_one_time_links_are_single_use() {
    for s in fresh_stores("links").await.unwrap() {
        let (_, co) = seed_company(&s).await;
        let mut c = s.conn().await.unwrap();
        let u = user(&co, "Fay", None);
        accounts::insert_user(&mut c, &u).await.unwrap();
        let link = accounts::OneTimeLink {
            token_hash: "h1".into(),
            user_id: u.id.clone(),
            purpose: "first_login".into(),
            expires_at: T + 10,
            used_at: None,
            created_at: T,
        };
        accounts::insert_link(&mut c, &link).await.unwrap();
        assert!(accounts::consume_link(&mut c, "h1", T + 1).await.unwrap());
        assert!(!accounts::consume_link(&mut c, "h1", T + 2).await.unwrap());
        let sess = accounts::Session {
            token_hash: "t1".into(),
            user_id: u.id.clone(),
            kind: "session".into(),
            expires_at: T + 5,
            created_at: T,
            line_id: None,
        };
        accounts::insert_session(&mut c, &sess).await.unwrap();
        assert_eq!(
            accounts::get_session(&mut c, "t1").await.unwrap().unwrap(),
            sess
        );
        // A sign-in moved to another extension keeps it.
        let line = sb_domain::ids::LineId::from_raw("l2");
        assert!(
            accounts::set_session_line(&mut c, "t1", &line)
                .await
                .unwrap()
        );
        let moved = accounts::get_session(&mut c, "t1").await.unwrap().unwrap();
        assert_eq!(moved.line_id, Some(line.clone()));
        assert!(
            !accounts::set_session_line(&mut c, "gone", &line)
                .await
                .unwrap()
        );
        assert_eq!(
            accounts::purge_expired_sessions(&mut c, T + 6)
                .await
                .unwrap(),
            1
        );
    }
}

#[tokio::test]
async fn concurrent_read_then_write_transactions_all_commit() {
    for s in fresh_stores("concurrent").await.unwrap() {
        let (_, co) = seed_company(&s).await;
        let mut tasks = Vec::new();
        for i in 0..16 {
            let s = s.clone();
            let co = co.clone();
            tasks.push(tokio::spawn(async move {
                let mut tx = s.begin().await.unwrap();
                // Read first, then write: the pattern of every use case.
                let n = accounts::count_users(&mut tx, &co.id).await.unwrap();
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                accounts::insert_user(&mut tx, &user(&co, &format!("C{i} after {n}"), None))
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let mut c = s.conn().await.unwrap();
        assert_eq!(accounts::count_users(&mut c, &co.id).await.unwrap(), 16);
    }
}

#[tokio::test]
async fn settings_advance_the_config_epoch_at_commit_and_operational_records_do_not() {
    use sb_store::registrations::{self, Registration};
    for s in fresh_stores("config-epoch").await.unwrap() {
        let (_, co) = seed_company(&s).await;
        let start = s.config_epoch();
        assert!(start > 0, "seeding wrote settings outside a transaction");
        // Inside a transaction: only a commit counts; a rollback changed nothing.
        let mut tx = s.begin().await.unwrap();
        accounts::insert_user(&mut tx, &user(&co, "Ann", Some("ann01")))
            .await
            .unwrap();
        assert_eq!(s.config_epoch(), start, "not before the commit");
        tx.commit().await.unwrap();
        let committed = s.config_epoch();
        assert!(committed > start);
        let mut tx = s.begin().await.unwrap();
        accounts::insert_user(&mut tx, &user(&co, "Bob", Some("bob01")))
            .await
            .unwrap();
        tx.rollback().await.unwrap();
        assert_eq!(s.config_epoch(), committed, "a rollback changed nothing");
        // Reads and operational records (registrations) leave it alone.
        let mut c = s.conn().await.unwrap();
        assert!(accounts::username_taken(&mut c, "ann01").await.unwrap());
        let reg = Registration {
            aor: "201@acme.test".into(),
            contact: "sip:a".into(),
            company_id: co.id.clone(),
            expires_at: T + 10,
            source: "192.0.2.1:5060".into(),
            call_id: "c1".into(),
            cseq: 2,
            path: Vec::new(),
            user_agent: String::new(),
        };
        registrations::save(&mut c, "201@acme.test", &[reg])
            .await
            .unwrap();
        assert_eq!(s.config_epoch(), committed);
    }
}

#[tokio::test]
async fn registrations_are_replaced_per_address_and_expire() {
    use sb_store::registrations::{self, Registration};
    for s in fresh_stores("registrations").await.unwrap() {
        let (_, co) = seed_company(&s).await;
        let reg = |contact: &str, expires_at: i64| Registration {
            aor: "201@acme.test".into(),
            contact: contact.into(),
            company_id: co.id.clone(),
            expires_at,
            source: "192.0.2.1:5060".into(),
            call_id: "c1".into(),
            cseq: 2,
            // A binding through two edge proxies keeps its Path, in order (RFC 3327).
            path: vec!["<sip:198.51.100.7;lr>".into(), "<sip:p2.example;lr>".into()],
            user_agent: "Yealink SIP-T54W 96.86.0.100".into(),
        };
        let mut c = s.conn().await.unwrap();
        registrations::save(
            &mut c,
            "201@acme.test",
            &[reg("sip:a", T + 10), reg("sip:b", T + 1000)],
        )
        .await
        .unwrap();
        assert_eq!(
            registrations::of_aor(&mut c, &co.id, "201@acme.test", T + 500)
                .await
                .unwrap(),
            vec![reg("sip:b", T + 1000)],
            "one address's devices still registered, with their user agent"
        );
        let other = CompanyId::from_raw("co-other".to_owned());
        assert!(
            registrations::of_aor(&mut c, &other, "201@acme.test", T)
                .await
                .unwrap()
                .is_empty(),
            "another company's read finds nothing"
        );
        assert_eq!(registrations::load(&mut c, T).await.unwrap().len(), 2);
        assert_eq!(
            registrations::load(&mut c, T + 500).await.unwrap(),
            vec![reg("sip:b", T + 1000)],
            "expired ones go"
        );
        registrations::save(&mut c, "201@acme.test", &[])
            .await
            .unwrap();
        assert!(registrations::load(&mut c, T).await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn call_records_list_newest_first_by_line_or_company_with_filters() {
    use sb_store::call_log::{self, CallFilter, CallRecord, CallScope};
    for s in fresh_stores("calllog").await.unwrap() {
        let (_, co) = seed_company(&s).await;
        let mut c = s.conn().await.unwrap();
        let line = |ext: &str| Line {
            id: LineId::new(T),
            company_id: co.id.clone(),
            user_id: None,
            extension: ext.into(),
            account_name: ext.into(),
            calling_name: None,
            sip_username: format!("l{}", LineId::new(T)),
            sip_password_sealed: "sealed".into(),
            sip_ha1_md5: "md5".into(),
            sip_ha1_sha256: "sha256".into(),
            default_number: None,
            presentation_number: None,
            created_at: T,
        };
        let (a, b) = (line("201"), line("202"));
        lines::insert_line(&mut c, &a).await.unwrap();
        lines::insert_line(&mut c, &b).await.unwrap();
        let rec = |l: &Line, direction: &str, at: i64| CallRecord {
            id: CallRecordId::new(at),
            company_id: co.id.clone(),
            line_id: l.id.clone(),
            direction: direction.into(),
            other_number: "+15550001".into(),
            other_name: Some("Ulf".into()),
            started_at: at,
            duration_secs: 12,
            device: Some("sip:201@192.0.2.1".into()),
            status: 200,
            call_ref: "call-1".into(),
        };
        let records = [
            rec(&a, "dialled", T),
            rec(&b, "received", T),
            rec(&a, "missed", T + 1000),
            rec(&a, "received", T + 2000),
        ];
        for r in &records {
            call_log::insert(&mut c, r).await.unwrap();
        }
        let all = CallFilter::default();
        let (first, cursor) = call_log::list(
            &mut c,
            &CallScope::Line(a.id.clone()),
            &all,
            &Page::first(2),
        )
        .await
        .unwrap();
        assert_eq!(
            first,
            vec![records[3].clone(), records[2].clone()],
            "newest first"
        );
        let (rest, end) = call_log::list(
            &mut c,
            &CallScope::Line(a.id.clone()),
            &all,
            &Page {
                after: cursor,
                limit: 2,
            },
        )
        .await
        .unwrap();
        assert_eq!((rest, end), (vec![records[0].clone()], None));
        let (company, _) = call_log::list(
            &mut c,
            &CallScope::Company(co.id.clone()),
            &all,
            &Page::first(10),
        )
        .await
        .unwrap();
        assert_eq!(company.len(), 4);
        let missed = CallFilter {
            direction: Some("missed".into()),
            ..CallFilter::default()
        };
        let (only, _) = call_log::list(
            &mut c,
            &CallScope::Company(co.id.clone()),
            &missed,
            &Page::first(10),
        )
        .await
        .unwrap();
        assert_eq!(only, vec![records[2].clone()]);
        let window = CallFilter {
            from_ms: Some(T + 500),
            to_ms: Some(T + 1500),
            ..CallFilter::default()
        };
        let (only, _) = call_log::list(
            &mut c,
            &CallScope::Line(a.id.clone()),
            &window,
            &Page::first(10),
        )
        .await
        .unwrap();
        assert_eq!(only, vec![records[2].clone()]);

        // Exports read the same pages, each record borrowed as the database reads it.
        let company = CallScope::Company(co.id.clone());
        let as_read = |r: &CallRecord| {
            (
                r.id.to_string(),
                r.direction.clone(),
                r.other_name.clone(),
                r.started_at,
                r.duration_secs,
                r.status,
            )
        };
        let mut pages = Vec::new();
        let mut after = None;
        loop {
            let page = Page { after, limit: 3 };
            let mut seen = Vec::new();
            let next = call_log::each(&mut c, &company, &all, &page, |r| {
                seen.push((
                    r.id.to_owned(),
                    r.direction.to_owned(),
                    r.other_name.map(str::to_owned),
                    r.started_at,
                    r.duration_secs,
                    r.status,
                ));
            })
            .await
            .unwrap();
            let (listed, listed_next) =
                call_log::list(&mut c, &company, &all, &page).await.unwrap();
            assert_eq!(seen, listed.iter().map(as_read).collect::<Vec<_>>());
            assert_eq!(next, listed_next, "the same cursor as the JSON pages");
            pages.push(seen.len());
            after = next;
            if after.is_none() {
                break;
            }
        }
        assert_eq!(pages, vec![3, 1]);
    }
}

#[tokio::test]
async fn voicemails_list_newest_first_count_new_and_old_and_keep_their_audio() {
    use sb_store::voicemail::{self, Voicemail};
    for s in fresh_stores("voicemail").await.unwrap() {
        let (_, co) = seed_company(&s).await;
        let mut c = s.conn().await.unwrap();
        let line = Line {
            id: LineId::new(T),
            company_id: co.id.clone(),
            user_id: None,
            extension: "201".into(),
            account_name: "201".into(),
            calling_name: None,
            sip_username: format!("l{}", LineId::new(T)),
            sip_password_sealed: "sealed".into(),
            sip_ha1_md5: "md5".into(),
            sip_ha1_sha256: "sha256".into(),
            default_number: None,
            presentation_number: None,
            created_at: T,
        };
        lines::insert_line(&mut c, &line).await.unwrap();
        let vm = |at: i64| Voicemail {
            id: VoicemailId::new(at),
            company_id: co.id.clone(),
            line_id: line.id.clone(),
            caller_number: "202".into(),
            caller_name: Some("Ada".into()),
            received_at: at,
            duration_ms: 4200,
            heard: false,
        };
        let (old, new) = (vm(T), vm(T + 1000));
        let file = |key: &str| sb_store::audio::AudioRef {
            key: key.into(),
            size: 44,
            sha256: "ab".repeat(32),
        };
        voicemail::insert(&mut c, &old, &file("voicemail/old.wav"))
            .await
            .unwrap();
        voicemail::insert(&mut c, &new, &file("voicemail/new.wav"))
            .await
            .unwrap();
        voicemail::set_heard(&mut c, &old.id, true).await.unwrap();
        let list = voicemail::list(&mut c, &line.id).await.unwrap();
        assert_eq!(
            list.iter().map(|v| (&v.id, v.heard)).collect::<Vec<_>>(),
            vec![(&new.id, false), (&old.id, true)],
            "newest first, heard kept"
        );
        assert_eq!(voicemail::counts(&mut c, &line.id).await.unwrap(), (1, 1));
        assert_eq!(
            voicemail::audio(&mut c, &new.id).await.unwrap(),
            Some(file("voicemail/new.wav"))
        );
        voicemail::delete(&mut c, &new.id).await.unwrap();
        assert!(voicemail::get(&mut c, &new.id).await.unwrap().is_none());
        assert_eq!(voicemail::counts(&mut c, &line.id).await.unwrap(), (0, 1));
    }
}

#[tokio::test]
async fn clearing_a_line_removes_its_messages_and_settings_and_nobody_elses() {
    use sb_store::voicemail::{self, Voicemail};
    for s in fresh_stores("clearline").await.unwrap() {
        let (_, co) = seed_company(&s).await;
        let mut c = s.conn().await.unwrap();
        let line = |n: i64, ext: &str| Line {
            id: LineId::new(T + n),
            company_id: co.id.clone(),
            user_id: None,
            extension: ext.into(),
            account_name: ext.into(),
            calling_name: None,
            sip_username: format!("l{}", LineId::new(T + n)),
            sip_password_sealed: "sealed".into(),
            sip_ha1_md5: "md5".into(),
            sip_ha1_sha256: "sha256".into(),
            default_number: None,
            presentation_number: None,
            created_at: T,
        };
        let (reset, other) = (line(1, "201"), line(2, "202"));
        for l in [&reset, &other] {
            lines::insert_line(&mut c, l).await.unwrap();
            let vm = Voicemail {
                id: VoicemailId::new(T + l.extension.parse::<i64>().unwrap()),
                company_id: co.id.clone(),
                line_id: l.id.clone(),
                caller_number: "203".into(),
                caller_name: None,
                received_at: T,
                duration_ms: 4200,
                heard: false,
            };
            let file = sb_store::audio::AudioRef {
                key: format!("voicemail/{}.wav", l.extension),
                size: 44,
                sha256: "ab".repeat(32),
            };
            voicemail::insert(&mut c, &vm, &file).await.unwrap();
            voicemail::set_greeting(&mut c, &l.id, &file, T)
                .await
                .unwrap();
        }
        let cleared = lines::clear_saved(&mut c, &reset.id, None, true)
            .await
            .unwrap();
        assert_eq!((cleared.voicemails, cleared.greeting), (1, 1));
        assert_eq!(voicemail::counts(&mut c, &reset.id).await.unwrap(), (0, 0));
        assert!(
            voicemail::greeting(&mut c, &reset.id)
                .await
                .unwrap()
                .is_none()
        );
        assert_eq!(voicemail::counts(&mut c, &other.id).await.unwrap(), (1, 0));
        assert!(
            voicemail::greeting(&mut c, &other.id)
                .await
                .unwrap()
                .is_some()
        );
    }
}

#[tokio::test]
async fn call_barring_round_trips_per_company_and_department_and_goes_with_them() {
    use sb_domain::barring::Bars;
    use sb_store::barring;
    for s in fresh_stores("barring").await.unwrap() {
        let (_, co) = seed_company(&s).await;
        let mut tx = s.begin().await.unwrap();
        let d = Department {
            id: DepartmentId::new(T),
            company_id: co.id.clone(),
            parent_id: None,
            name: "Sales".into(),
            operator_number: None,
            call_policy: CallPolicyKind::Unlimited,
            call_limit: None,
            created_at: T,
        };
        tenancy::insert_department(&mut tx, &d).await.unwrap();
        // Nothing set: the caller applies the company default.
        assert_eq!(barring::company(&mut tx, &co.id).await.unwrap(), None);
        assert!(
            barring::departments(&mut tx, &co.id)
                .await
                .unwrap()
                .is_empty()
        );
        let open = Bars::default();
        let intl = Bars {
            international: true,
            ..Bars::default()
        };
        barring::set_company(&mut tx, &co.id, open, T)
            .await
            .unwrap();
        barring::set_company(&mut tx, &co.id, Bars::COMPANY_DEFAULT, T + 1)
            .await
            .unwrap();
        barring::set_department(&mut tx, &co.id, &d.id, intl, T)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let mut c = s.conn().await.unwrap();
        assert_eq!(
            barring::company(&mut c, &co.id).await.unwrap(),
            Some(Bars::COMPANY_DEFAULT)
        );
        let depts = barring::departments(&mut c, &co.id).await.unwrap();
        assert_eq!(depts.get(&d.id), Some(&intl));
        // Deleting the department, then the company, takes their barring with them.
        tenancy::delete_department(&mut c, &co.id, &d.id)
            .await
            .unwrap();
        assert!(
            barring::departments(&mut c, &co.id)
                .await
                .unwrap()
                .is_empty()
        );
        tenancy::delete_company(&mut c, &co.id).await.unwrap();
        assert_eq!(barring::company(&mut c, &co.id).await.unwrap(), None);
    }
}

#[tokio::test]
async fn mail_is_counted_per_sender_company_and_person_within_the_window() {
    use sb_store::outbox::{self, Mail, Sender};
    for s in fresh_stores("outbox").await.unwrap() {
        let (_, co) = seed_company(&s).await;
        let mut c = s.conn().await.unwrap();
        let (ada, bob) = (UserId::new(T), UserId::new(T + 1));
        let mail = |n: i64| Mail {
            id: format!("m{n}"),
            recipient: "x@example.com".into(),
            subject: "s".into(),
            body: "b".into(),
            created_at: T + n,
            attempts: 0,
            next_attempt_at: T + n,
            attachment: None,
        };
        let from = |user| Sender {
            company: &co.id,
            user,
        };
        outbox::enqueue_from(&mut c, &mail(0), from(Some(&ada)))
            .await
            .unwrap();
        outbox::enqueue_from(&mut c, &mail(10), from(Some(&ada)))
            .await
            .unwrap();
        outbox::enqueue_from(&mut c, &mail(20), from(Some(&bob)))
            .await
            .unwrap();
        outbox::enqueue_from(&mut c, &mail(30), from(None))
            .await
            .unwrap();
        // System mail (links, emergencies) counts for nobody.
        outbox::enqueue(&mut c, &mail(40)).await.unwrap();
        for (user, since, want) in [
            (Some(&ada), T, (4, 2)),
            (Some(&ada), T + 5, (3, 1)),
            (Some(&bob), T, (4, 1)),
            (None, T, (4, 0)),
        ] {
            let got = outbox::sent_since(&mut c, from(user), since).await.unwrap();
            assert_eq!(got, want, "{user:?} since {since}");
        }
        assert_eq!(outbox::depth(&mut c).await.unwrap(), 5);
    }
}

#[tokio::test]
async fn two_factor_policies_are_off_until_set_and_each_scope_is_its_own() {
    use sb_store::totp;
    for s in fresh_stores("totp_policy").await.unwrap() {
        let (_, co) = seed_company(&s).await;
        let mut c = s.conn().await.unwrap();
        let company = co.id.as_str();
        assert!(!totp::policy(&mut c, company).await.unwrap());
        totp::set_policy(&mut c, company, true, T).await.unwrap();
        assert!(totp::policy(&mut c, company).await.unwrap());
        assert!(
            !totp::policy(&mut c, totp::INSTALLATION).await.unwrap(),
            "the installation's policy is apart"
        );
        totp::set_policy(&mut c, totp::INSTALLATION, true, T)
            .await
            .unwrap();
        totp::set_policy(&mut c, company, false, T + 1)
            .await
            .unwrap();
        assert!(
            !totp::policy(&mut c, company).await.unwrap(),
            "switched off again"
        );
        assert!(totp::policy(&mut c, totp::INSTALLATION).await.unwrap());
    }
}

#[tokio::test]
async fn company_search_matches_names_in_any_case_per_reseller_with_paging() {
    for s in fresh_stores("company_search").await.unwrap() {
        let (r, acme) = seed_company(&s).await;
        let mut c = s.conn().await.unwrap();
        let other = Reseller {
            id: ResellerId::new(T + 1),
            name: "Other".into(),
            created_at: T,
        };
        tenancy::insert_reseller(&mut c, &other).await.unwrap();
        for (i, (name, reseller)) in [
            ("Bistro Lumière", &r),
            ("ACME West", &r),
            ("100% Acme_Club", &r),
            ("Acme elsewhere", &other),
        ]
        .into_iter()
        .enumerate()
        {
            let id = CompanyId::new(T + 10 + i as i64);
            let co = Company {
                id: id.clone(),
                reseller_id: reseller.id.clone(),
                name: name.into(),
                sip_domain: format!("{id}.sip.test"),
                ..acme.clone()
            };
            tenancy::insert_company(&mut c, &co).await.unwrap();
        }
        let names = |list: &[Company]| list.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
        let (found, _) = tenancy::search_companies(&mut c, Some(&r.id), "acme", &Page::first(50))
            .await
            .unwrap();
        assert_eq!(found.len(), 3, "{:?}", names(&found));
        assert!(!names(&found).contains(&"Acme elsewhere".to_owned()));
        let (all, _) = tenancy::search_companies(&mut c, None, "ACME", &Page::first(50))
            .await
            .unwrap();
        assert_eq!(all.len(), 4, "every reseller's for the system");
        // % and _ are letters to look for, not patterns.
        let (pct, _) = tenancy::search_companies(&mut c, Some(&r.id), "100%", &Page::first(50))
            .await
            .unwrap();
        assert_eq!(names(&pct), ["100% Acme_Club"]);
        let (none, _) = tenancy::search_companies(&mut c, Some(&r.id), "e_w", &Page::first(50))
            .await
            .unwrap();
        assert!(none.is_empty(), "{:?}", names(&none));
        let (first, next) = tenancy::search_companies(&mut c, Some(&r.id), "", &Page::first(2))
            .await
            .unwrap();
        assert_eq!(first.len(), 2);
        let page = Page {
            after: next,
            limit: 2,
        };
        let (rest, next) = tenancy::search_companies(&mut c, Some(&r.id), "", &page)
            .await
            .unwrap();
        assert_eq!((rest.len(), next), (2, None), "4 companies of the reseller");
    }
}

#[tokio::test]
async fn user_search_narrows_by_text_department_role_state_and_number_within_one_company() {
    use accounts::UserFilter;
    for s in fresh_stores("usersearch").await.unwrap() {
        let (_, co) = seed_company(&s).await;
        let (_, other) = seed_company(&s).await;
        let mut c = s.conn().await.unwrap();
        let d = Department {
            id: DepartmentId::new(T),
            company_id: co.id.clone(),
            parent_id: None,
            name: "Sales".into(),
            operator_number: None,
            call_policy: CallPolicyKind::Unlimited,
            call_limit: None,
            created_at: T,
        };
        tenancy::insert_department(&mut c, &d).await.unwrap();
        let mut ann = user(&co, "Ann 100%_Smith", Some("annsmith"));
        ann.department_id = Some(d.id.clone());
        ann.email = Some("ann@acme.example".into());
        let mut bob = user(&co, "Bob", None);
        bob.role = Role::CompanyAdmin;
        bob.enabled = false;
        let mut cid = user(&co, "Cid", None);
        cid.locked = true;
        for u in [&ann, &bob, &cid, &user(&other, "Ann Other", None)] {
            accounts::insert_user(&mut c, u).await.unwrap();
        }
        let l = Line {
            id: LineId::new(T),
            company_id: co.id.clone(),
            user_id: Some(cid.id.clone()),
            extension: "4321".into(),
            account_name: "Cid".into(),
            calling_name: None,
            sip_username: format!("cid{}", co.id),
            sip_password_sealed: "x".into(),
            sip_ha1_md5: "x".into(),
            sip_ha1_sha256: "x".into(),
            default_number: None,
            presentation_number: None,
            created_at: T,
        };
        lines::insert_line(&mut c, &l).await.unwrap();
        let n = Number {
            id: NumberId::new(T),
            company_id: co.id.clone(),
            e164: "+15557770001".into(),
            line_id: Some(l.id.clone()),
            fax: false,
            created_at: T,
        };
        lines::insert_number(&mut c, &n).await.unwrap();
        let mut names = async |f: UserFilter| -> Vec<String> {
            let (found, _) = accounts::search_users(&mut c, &co.id, &f, &Page::first(50))
                .await
                .unwrap();
            found.into_iter().map(|u| u.name).collect()
        };
        let text = |t: &str| UserFilter {
            text: Some(t.into()),
            ..UserFilter::default()
        };
        assert_eq!(
            names(UserFilter::default()).await.len(),
            3,
            "own company only"
        );
        assert_eq!(
            names(text("ann")).await,
            ["Ann 100%_Smith"],
            "name, any case"
        );
        assert_eq!(names(text("ANNSM")).await, ["Ann 100%_Smith"], "username");
        assert_eq!(
            names(text("acme.example")).await,
            ["Ann 100%_Smith"],
            "e-mail"
        );
        assert_eq!(
            names(text("%_")).await,
            ["Ann 100%_Smith"],
            "wildcards literal"
        );
        assert!(names(text("_")).await.len() == 1, "_ is no wildcard");
        assert_eq!(names(text("432")).await, ["Cid"], "extension");
        assert_eq!(names(text("5557770")).await, ["Cid"], "number");
        assert_eq!(
            names(UserFilter {
                department: Some(d.id.clone()),
                ..UserFilter::default()
            })
            .await,
            ["Ann 100%_Smith"]
        );
        assert_eq!(
            names(UserFilter {
                role: Some(Role::CompanyAdmin),
                ..UserFilter::default()
            })
            .await,
            ["Bob"]
        );
        assert_eq!(
            names(UserFilter {
                enabled: Some(false),
                ..UserFilter::default()
            })
            .await,
            ["Bob"]
        );
        assert_eq!(
            names(UserFilter {
                locked: Some(true),
                ..UserFilter::default()
            })
            .await,
            ["Cid"]
        );
        let page = accounts::search_users(&mut c, &co.id, &UserFilter::default(), &Page::first(2))
            .await
            .unwrap();
        assert_eq!(page.0.len(), 2);
        assert!(page.1.is_some(), "a next page");
        let mut ids = [&ann.id, &bob.id, &cid.id];
        ids.sort_by_key(|i| i.as_str().to_owned());
        let found = lines::lines_of_users_between(&mut c, &co.id, ids[0], ids[2])
            .await
            .unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].1, ["+15557770001"]);
    }
}

#[tokio::test]
async fn a_rescheduled_conference_keeps_its_code_and_people_and_is_found_at_its_new_time() {
    use sb_store::conferences::{self, Conference, Participant};
    for s in fresh_stores("reschedule").await.unwrap() {
        let (_, co) = seed_company(&s).await;
        let mut c = s.conn().await.unwrap();
        let organiser = user(&co, "Org", Some("Organiser1"));
        accounts::insert_user(&mut c, &organiser).await.unwrap();
        let conf = Conference {
            id: ConferenceId::new(T),
            company_id: co.id.clone(),
            organizer_id: organiser.id.clone(),
            title: "Sync".into(),
            starts_at: T + 3_600_000,
            ends_at: T + 5_400_000,
            access_code: "123456".into(),
            created_at: T,
        };
        let guest = Participant {
            user_id: None,
            email: Some("guest@example.com".into()),
            name: None,
        };
        conferences::insert(&mut c, &conf, std::slice::from_ref(&guest))
            .await
            .unwrap();
        let (starts, ends) = (T + 86_400_000, T + 86_400_000 + 1_200_000);
        conferences::reschedule(&mut c, &conf.id, starts, ends)
            .await
            .unwrap();
        let moved = conferences::get(&mut c, &conf.id).await.unwrap().unwrap();
        let backend = s.backend();
        assert_eq!(
            moved,
            Conference {
                starts_at: starts,
                ends_at: ends,
                ..conf.clone()
            },
            "{backend:?}"
        );
        assert_eq!(
            conferences::participants(&mut c, &conf.id).await.unwrap(),
            vec![guest],
            "{backend:?}"
        );
        // Still upcoming after its old end, and found by its code while it runs.
        let upcoming = conferences::upcoming(&mut c, &co.id, None, T + 6_000_000)
            .await
            .unwrap();
        assert_eq!(upcoming.len(), 1, "{backend:?}");
        let by_code = conferences::by_code(&mut c, &co.id, "123456", starts + 1)
            .await
            .unwrap();
        assert!(by_code.is_some(), "{backend:?}");
    }
}

#[tokio::test]
async fn a_picture_is_replaced_read_by_version_removed_and_goes_with_its_user() {
    use sb_store::pictures::{self, Picture};
    for s in fresh_stores("pictures").await.unwrap() {
        let (_, co) = seed_company(&s).await;
        let mut c = s.conn().await.unwrap();
        let u = user(&co, "Pic", Some("Picture1"));
        accounts::insert_user(&mut c, &u).await.unwrap();
        let backend = s.backend();
        assert_eq!(pictures::get(&mut c, &u.id).await.unwrap(), None);
        assert_eq!(pictures::version(&mut c, &u.id).await.unwrap(), None);
        let first = Picture {
            png: "iVBORw0KGgo=".into(),
            version: T,
        };
        pictures::save(&mut c, &u.id, &first).await.unwrap();
        let second = Picture {
            png: "iVBORw0KGgoA".into(),
            version: T + 1,
        };
        pictures::save(&mut c, &u.id, &second).await.unwrap();
        assert_eq!(
            pictures::get(&mut c, &u.id).await.unwrap(),
            Some(second.clone()),
            "{backend:?}"
        );
        assert_eq!(
            pictures::version(&mut c, &u.id).await.unwrap(),
            Some(T + 1),
            "{backend:?}"
        );
        assert!(pictures::remove(&mut c, &u.id).await.unwrap());
        assert!(!pictures::remove(&mut c, &u.id).await.unwrap());
        assert_eq!(pictures::get(&mut c, &u.id).await.unwrap(), None);
        pictures::save(&mut c, &u.id, &second).await.unwrap();
        accounts::delete_user(&mut c, &u.id).await.unwrap();
        assert_eq!(
            pictures::version(&mut c, &u.id).await.unwrap(),
            None,
            "{backend:?}: the picture goes with its user"
        );
    }
}

#[tokio::test]
async fn contacts_keep_their_numbers_in_order_list_favourites_first_and_go_with_their_user() {
    use sb_store::contacts::{self, Contact, ContactNumber};
    for s in fresh_stores("contacts").await.unwrap() {
        let (_, co) = seed_company(&s).await;
        let mut c = s.conn().await.unwrap();
        let backend = s.backend();
        let u = user(&co, "Owner", Some("Owner1"));
        accounts::insert_user(&mut c, &u).await.unwrap();
        let mut colleague = user(&co, "Colleague", Some("Colleague1"));
        colleague.id = UserId::new(T + 1);
        accounts::insert_user(&mut c, &colleague).await.unwrap();
        let number = |l: &str, n: &str| ContactNumber {
            label: l.into(),
            number: n.into(),
        };
        let mut zed = Contact {
            id: ContactId::new(T),
            user_id: u.id.clone(),
            company_id: co.id.clone(),
            name: "Zed".into(),
            organisation: None,
            email: Some("zed@example.com".into()),
            favourite: true,
            numbers: vec![number("work", "+15550101"), number("mobile", "+15550100")],
            created_at: T,
            updated_at: T,
        };
        let ada = Contact {
            id: ContactId::new(T + 1),
            name: "ada".into(),
            organisation: Some("Engines".into()),
            email: None,
            favourite: false,
            numbers: vec![number("home", "+15550102")],
            ..zed.clone()
        };
        contacts::insert(&mut c, &zed).await.unwrap();
        contacts::insert(&mut c, &ada).await.unwrap();
        let listed = contacts::list(&mut c, &u.id).await.unwrap();
        assert_eq!(listed, vec![zed.clone(), ada.clone()], "{backend:?}");
        zed.favourite = false;
        zed.numbers = vec![number("mobile", "+15550100")];
        zed.updated_at = T + 5;
        contacts::update(&mut c, &zed).await.unwrap();
        assert_eq!(
            contacts::get(&mut c, &zed.id).await.unwrap(),
            Some(zed.clone())
        );
        let names: Vec<_> = contacts::list(&mut c, &u.id)
            .await
            .unwrap()
            .into_iter()
            .map(|k| k.name)
            .collect();
        assert_eq!(names, ["ada", "Zed"], "{backend:?}: by name in any case");
        contacts::delete(&mut c, &ada.id).await.unwrap();
        assert_eq!(contacts::count(&mut c, &u.id).await.unwrap(), 1);
        contacts::set_favourite_colleagues(&mut c, &u.id, &[colleague.id.clone()])
            .await
            .unwrap();
        assert_eq!(
            contacts::favourite_colleagues(&mut c, &u.id).await.unwrap(),
            vec![colleague.id.clone()]
        );
        accounts::delete_user(&mut c, &colleague.id).await.unwrap();
        assert!(
            contacts::favourite_colleagues(&mut c, &u.id)
                .await
                .unwrap()
                .is_empty(),
            "{backend:?}: a deleted colleague is no favourite"
        );
        accounts::delete_user(&mut c, &u.id).await.unwrap();
        assert_eq!(
            contacts::get(&mut c, &zed.id).await.unwrap(),
            None,
            "{backend:?}"
        );
    }
}
