//! The registrations read and the lines search against real stores (SQLite, and PostgreSQL when
//! the test script provides one).

use super::*;
use crate::AppConfig;
use crate::error::AppError;
use sb_domain::clock::ManualClock;
use sb_domain::ids::{CompanyId, LineId, ResellerId, UserId};
use sb_domain::model::{Language, Role};
use sb_store::Store;
use sb_store::accounts::User;
use sb_store::lines::Line;
use sb_store::registrations::Registration;
use sb_store::tenancy::{self, Company, Reseller};
use std::sync::Arc;

const T: i64 = 1_800_000_000_000;

async fn company(s: &Store, r: &Reseller, name: &str) -> Company {
    let id = CompanyId::new(T);
    let co = Company {
        sip_domain: format!("{id}.sip.test"),
        id,
        reseller_id: r.id.clone(),
        name: name.into(),
        country: "US".into(),
        time_zone: "America/New_York".into(),
        first_language: Language::En,
        second_language: None,
        max_users: 10,
        max_lines: 10,
        default_package_id: None,
        created_at: T,
    };
    let mut c = s.conn().await.unwrap();
    tenancy::insert_company(&mut c, &co).await.unwrap();
    co
}

async fn user(s: &Store, co: &Company, name: &str, role: Role) -> User {
    let u = User {
        id: UserId::new(T),
        role,
        reseller_id: Some(co.reseller_id.clone()),
        company_id: Some(co.id.clone()),
        department_id: None,
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
        created_at: T,
        updated_at: T,
    };
    let mut c = s.conn().await.unwrap();
    accounts::insert_user(&mut c, &u).await.unwrap();
    u
}

async fn line(s: &Store, co: &Company, ext: &str, owner: Option<&User>) -> Line {
    let l = Line {
        id: LineId::new(T),
        company_id: co.id.clone(),
        user_id: owner.map(|u| u.id.clone()),
        extension: ext.into(),
        account_name: format!("Line {ext}"),
        calling_name: None,
        sip_username: format!("{ext}x{}", &co.id.as_str()[20..]),
        sip_password_sealed: "sealed".into(),
        sip_ha1_md5: "md5".into(),
        sip_ha1_sha256: "sha256".into(),
        default_number: None,
        presentation_number: None,
        created_at: T,
    };
    let mut c = s.conn().await.unwrap();
    lines::insert_line(&mut c, &l).await.unwrap();
    l
}

fn actor(u: &User) -> Actor {
    Actor {
        user_id: u.id.clone(),
        name: u.name.clone(),
        role: u.role,
        reseller_id: u.reseller_id.clone(),
        company_id: u.company_id.clone(),
        source_ip: None,
        elevated: false,
        enrol_only: false,
        line_id: None,
    }
}

fn device(co: &Company, l: &Line, contact: &str, expires_at: i64) -> Registration {
    Registration {
        aor: format!("{}@{}", l.sip_username, co.sip_domain),
        contact: contact.into(),
        company_id: co.id.clone(),
        expires_at,
        source: "192.0.2.10:5062".into(),
        call_id: "reg-1".into(),
        cseq: 7,
        path: Vec::new(),
        user_agent: "Yealink SIP-T54W".into(),
    }
}

struct World {
    app: App,
    co: Company,
    admin: User,
    owner: User,
    colleague: User,
    stranger: User,
    l: Line,
}

async fn world(s: Store) -> World {
    let r = Reseller {
        id: ResellerId::new(T),
        name: "Channel".into(),
        created_at: T,
    };
    tenancy::insert_reseller(&mut s.conn().await.unwrap(), &r)
        .await
        .unwrap();
    let co = company(&s, &r, "Acme").await;
    let other = company(&s, &r, "Globex").await;
    let admin = user(&s, &co, "Ada Admin", Role::CompanyAdmin).await;
    let owner = user(&s, &co, "Olga Owner", Role::EndUser).await;
    let colleague = user(&s, &co, "Carl Colleague", Role::EndUser).await;
    let stranger = user(&s, &other, "Sam Stranger", Role::CompanyAdmin).await;
    let l = line(&s, &co, "201", Some(&owner)).await;
    let clock = Arc::new(ManualClock::new(
        jiff::Timestamp::from_millisecond(T).unwrap(),
    ));
    let app = App::new(s, clock, AppConfig::default());
    World {
        app,
        co,
        admin,
        owner,
        colleague,
        stranger,
        l,
    }
}

#[tokio::test]
async fn a_lines_registrations_are_its_devices_registered_now_for_its_user_and_administrators_only()
{
    for s in sb_store::testdb::fresh_stores("app-devices").await.unwrap() {
        let w = world(s.clone()).await;
        let aor = format!("{}@{}", w.l.sip_username, w.co.sip_domain);
        let phone = device(&w.co, &w.l, "sip:201@192.0.2.10:5062", T + 3_600_000);
        let gone = device(&w.co, &w.l, "sip:201@192.0.2.11:5060", T - 1);
        registrations::save(&mut s.conn().await.unwrap(), &aor, &[phone, gone])
            .await
            .unwrap();
        let want = vec![RegistrationView {
            contact: "sip:201@192.0.2.10:5062".into(),
            source: "192.0.2.10:5062".into(),
            user_agent: Some("Yealink SIP-T54W".into()),
            expires_at: time(T + 3_600_000),
        }];
        let id = w.l.id.as_str();
        for who in [&w.admin, &w.owner] {
            let seen = w.app.line_registrations(&actor(who), id).await.unwrap();
            assert_eq!(seen, want, "{} sees the device still registered", who.name);
        }
        assert!(matches!(
            w.app.line_registrations(&actor(&w.stranger), id).await,
            Err(AppError::NotFound)
        ));
        // A colleague may find the line in the directory, but not where its phones are.
        let colleague = actor(&w.colleague);
        assert!(w.app.get_line(&colleague, id).await.is_ok());
        assert!(matches!(
            w.app.line_registrations(&colleague, id).await,
            Err(AppError::Forbidden(_))
        ));
    }
}

#[tokio::test]
async fn a_line_with_no_device_has_no_registrations_and_another_lines_devices_are_not_its() {
    for s in sb_store::testdb::fresh_stores("app-devices-none")
        .await
        .unwrap()
    {
        let w = world(s.clone()).await;
        let spare = line(&s, &w.co, "202", None).await;
        let aor = format!("{}@{}", w.l.sip_username, w.co.sip_domain);
        let phone = device(&w.co, &w.l, "sip:201@192.0.2.10:5062", T + 60_000);
        registrations::save(&mut s.conn().await.unwrap(), &aor, &[phone])
            .await
            .unwrap();
        let seen = w
            .app
            .line_registrations(&actor(&w.admin), spare.id.as_str())
            .await
            .unwrap();
        assert!(seen.is_empty());
    }
}

#[tokio::test]
async fn administrators_search_lines_by_user_name_and_other_tenants_are_not_found() {
    for s in sb_store::testdb::fresh_stores("app-line-search")
        .await
        .unwrap()
    {
        let w = world(s.clone()).await;
        line(&s, &w.co, "202", None).await;
        let first = Page::first(50);
        let all = w
            .app
            .search_lines(&actor(&w.admin), w.co.id.as_str(), "", first.clone())
            .await
            .unwrap();
        assert_eq!(all.items.len(), 2);
        let olga = w
            .app
            .search_lines(&actor(&w.admin), w.co.id.as_str(), "olga", first.clone())
            .await
            .unwrap();
        assert_eq!(olga.items.len(), 1);
        assert_eq!(olga.items[0].line.extension, "201");
        assert_eq!(olga.items[0].user_name.as_deref(), Some("Olga Owner"));
        assert!(matches!(
            w.app
                .search_lines(&actor(&w.stranger), w.co.id.as_str(), "", first.clone())
                .await,
            Err(AppError::NotFound)
        ));
        assert!(matches!(
            w.app
                .search_lines(&actor(&w.owner), w.co.id.as_str(), "", first)
                .await,
            Err(AppError::Forbidden(_))
        ));
    }
}
