//! Click to call against real stores (SQLite, and PostgreSQL when the test script provides one):
//! only one's own line, the signed-in one unless another of one's own is named, the package, a
//! phone registered now, the rate limit, and what the engine is handed.

use super::*;
use crate::AppConfig;
use crate::switch::LiveState;
use sb_domain::clock::ManualClock;
use sb_domain::ids::{CompanyId, DepartmentId, ResellerId, UserId};
use sb_domain::model::{Language, Role};
use sb_store::Store;
use sb_store::accounts::{self, User};
use sb_store::lines::{self, Line};
use sb_store::tenancy::{self, Company, Reseller};
use std::sync::Arc;

const T: i64 = 1_800_000_000_000;

/// The engine's live view: every line has `devices` phones registered.
struct Live {
    devices: u32,
}

impl LiveState for Live {
    fn department_calls(&self, _: &DepartmentId) -> i64 {
        0
    }
    fn registered_devices(&self, _: &str) -> u32 {
        self.devices
    }
    fn line_calls(&self, _: &LineId) -> i64 {
        0
    }
}

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
    tenancy::insert_company(&mut s.conn().await.unwrap(), &co)
        .await
        .unwrap();
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
    accounts::insert_user(&mut s.conn().await.unwrap(), &u)
        .await
        .unwrap();
    u
}

async fn line(s: &Store, co: &Company, ext: &str, owner: &User) -> Line {
    let l = Line {
        id: LineId::new(T),
        company_id: co.id.clone(),
        user_id: Some(owner.id.clone()),
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
    lines::insert_line(&mut s.conn().await.unwrap(), &l)
        .await
        .unwrap();
    l
}

fn actor(u: &User, line: Option<&Line>) -> Actor {
    Actor {
        user_id: u.id.clone(),
        name: u.name.clone(),
        role: u.role,
        reseller_id: u.reseller_id.clone(),
        company_id: u.company_id.clone(),
        source_ip: None,
        elevated: false,
        enrol_only: false,
        line_id: line.map(|l| l.id.clone()),
    }
}

fn to(to: &str, line_id: Option<&Line>) -> ClickToCallInput {
    ClickToCallInput {
        to: to.into(),
        line_id: line_id.map(|l| l.id.to_string()),
    }
}

#[tokio::test]
async fn a_call_is_placed_from_ones_own_line_with_a_phone_registered_and_handed_to_the_engine() {
    for s in sb_store::testdb::fresh_stores("app-click").await.unwrap() {
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
        // Ada administers Acme and has two lines; Olga is an end user without the portal.
        let ada = user(&s, &co, "Ada Admin", Role::CompanyAdmin).await;
        let olga = user(&s, &co, "Olga Owner", Role::EndUser).await;
        let sam = user(&s, &other, "Sam Stranger", Role::CompanyAdmin).await;
        let desk = line(&s, &co, "201", &ada).await;
        let spare = line(&s, &co, "202", &ada).await;
        let olgas = line(&s, &co, "203", &olga).await;
        let clock = Arc::new(ManualClock::new(
            jiff::Timestamp::from_millisecond(T).unwrap(),
        ));
        let app = App::new(s, clock, AppConfig::default());
        let code = |r: AppResult<ClickToCallView>| r.err().map(|e| e.code()).unwrap_or("placed");

        // Two lines and no default: the sign-in is for none of them until she chooses.
        let signed_out = actor(&ada, None);
        assert_eq!(
            code(app.click_to_call(&signed_out, to("300", None)).await),
            "extension_choice_required"
        );
        // No SIP engine is attached yet: no phone is registered anywhere.
        let at_desk = actor(&ada, Some(&desk));
        assert_eq!(
            code(app.click_to_call(&at_desk, to("300", None)).await),
            "no_registered_phone"
        );
        let none: Arc<dyn LiveState> = Arc::new(Live { devices: 0 });
        app.attach_live(Arc::downgrade(&none));
        assert_eq!(
            code(app.click_to_call(&at_desk, to("300", None)).await),
            "no_registered_phone"
        );
        drop(none);

        // The live view is kept weakly; a fresh app sees one phone on every line.
        let app = App::new(app.store.clone(), app.clock.clone(), AppConfig::default());
        let one: Arc<dyn LiveState> = Arc::new(Live { devices: 1 });
        app.attach_live(Arc::downgrade(&one));
        let mut engine = app.click_calls();
        let placed = app
            .click_to_call(&at_desk, to(" +1 (555) 010-0200 ", None))
            .await
            .unwrap();
        assert_eq!(placed.extension, "201");
        assert_eq!(placed.to, "+15550100200");
        assert_eq!(placed.state, ClickToCallState::RingingYou);
        let order = engine.try_recv().unwrap();
        assert_eq!(
            (order.id.as_str(), order.line.id.as_str(), order.to.as_str()),
            (placed.id.as_str(), desk.id.as_str(), "+15550100200")
        );
        assert_eq!(order.ring_seconds, RING_SECONDS);
        // Another of her own lines, named.
        let placed = app
            .click_to_call(&at_desk, to("203", Some(&spare)))
            .await
            .unwrap();
        assert_eq!(placed.extension, "202");
        // Her own extension, garbage, somebody else's line, another company's user.
        assert_eq!(
            code(app.click_to_call(&at_desk, to("201", None)).await),
            "own_extension"
        );
        assert_eq!(
            code(app.click_to_call(&at_desk, to("20;1", None)).await),
            "invalid_destination"
        );
        assert_eq!(
            code(app.click_to_call(&at_desk, to("300", Some(&olgas))).await),
            "not_found"
        );
        assert_eq!(
            code(
                app.click_to_call(&actor(&sam, None), to("300", Some(&desk)))
                    .await
            ),
            "not_found"
        );
        // Olga's package has no user portal.
        assert_eq!(
            code(
                app.click_to_call(&actor(&olga, Some(&olgas)), to("201", None))
                    .await
            ),
            "forbidden"
        );
        // A burst of five, then held back.
        for _ in 0..3 {
            app.click_to_call(&at_desk, to("300", None)).await.unwrap();
        }
        assert_eq!(
            code(app.click_to_call(&at_desk, to("300", None)).await),
            "rate_limited"
        );
        assert_eq!(
            engine.len(),
            4,
            "each call placed was handed to the engine once"
        );
    }
}
