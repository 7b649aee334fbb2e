//! SIP against an independent implementation: SIPp registers a line with digest authentication.

use crate::kit::*;
use serde_json::json;
use std::process::Command;

fn sipp_available() -> bool {
    let ok = Command::new("sipp").arg("-v").output().is_ok();
    if !ok {
        assert!(
            std::env::var("SWITCHBOARD_REQUIRE_SIPP").as_deref() != Ok("1"),
            "sipp is required: apt-get install sip-tester"
        );
    }
    ok
}

/// Runs SIPp's REGISTER scenario as `user`; returns its exit code and error output.
async fn register(
    sip: std::net::SocketAddr,
    user: String,
    password: String,
    domain: String,
    expect: u16,
) -> (Option<i32>, String) {
    tokio::task::spawn_blocking(move || {
        // SIPp takes no keyword in `recv response`, so the expected answer is written in.
        let template = include_str!("sipp/register.xml");
        let scenario =
            std::env::temp_dir().join(format!("sb-register-{expect}-{}.xml", std::process::id()));
        std::fs::write(&scenario, template.replace("[expect]", &expect.to_string())).unwrap();
        let scenario = scenario.to_string_lossy().into_owned();
        let port = std::net::UdpSocket::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let out = Command::new("sipp")
            .args([
                "-sf", &scenario, "-m", "1", "-l", "1", "-s", &user, "-au", &user, "-ap", &password,
            ])
            .args(["-key", "domain", &domain])
            .args([
                "-i",
                "127.0.0.1",
                "-p",
                &port.to_string(),
                "-timeout",
                "15",
                "-timeout_error",
                "-nostdin",
            ])
            .arg(sip.to_string())
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    })
    .await
    .unwrap()
}

async fn credentials(srv: &Srv, t: &Tenant) -> (String, String, String) {
    let creds = srv.sip_credentials(&t.line_id, &t.admin_token).await;
    (
        creds.body["sip_username"].as_str().unwrap().to_owned(),
        creds.body["sip_password"].as_str().unwrap().to_owned(),
        creds.body["sip_domain"].as_str().unwrap().to_owned(),
    )
}

async fn registered(srv: &Srv) -> String {
    srv.metrics()
        .await
        .lines()
        .find(|l| l.starts_with("switchboard_sip_registrations "))
        .unwrap_or("")
        .to_owned()
}

#[tokio::test]
async fn registrations_survive_a_restart() {
    if !sipp_available() {
        return;
    }
    let url = sb_store::testdb::fresh_sqlite_url("sipreg").unwrap();
    // One configuration for both runs: the key that sealed the passwords opens them again.
    let cfg = sb_app::AppConfig::default();
    let srv = start_with(url.clone(), cfg.clone()).await;
    let sys = srv.admin().await;
    let t = tenant(&srv, &sys, "sipreg").await;
    let (user, pw, domain) = credentials(&srv, &t).await;
    let sip = srv.running.as_ref().unwrap().sip_addr;
    let (code, err) = register(sip, user, pw, domain, 200).await;
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(registered(&srv).await, "switchboard_sip_registrations 1");
    srv.stop().await;
    let again = start_with(url, cfg).await;
    assert_eq!(
        registered(&again).await,
        "switchboard_sip_registrations 1",
        "the registration was kept"
    );
    again.stop().await;
}

#[tokio::test]
async fn sipp_registers_a_line_with_digest_and_a_wrong_password_is_refused() {
    if !sipp_available() {
        return;
    }
    let w = world().await;
    let creds = w
        .srv
        .sip_credentials(&w.t1.line_id, &w.t1.admin_token)
        .await;
    let (user, pw, domain) = (
        creds.body["sip_username"].as_str().unwrap().to_owned(),
        creds.body["sip_password"].as_str().unwrap().to_owned(),
        creds.body["sip_domain"].as_str().unwrap().to_owned(),
    );
    let sip = w.srv.running.as_ref().unwrap().sip_addr;
    let run = |password: String, expect: u16| {
        register(sip, user.clone(), password, domain.clone(), expect)
    };
    let (code, err) = run(pw.clone(), 200).await;
    assert_eq!(code, Some(0), "sipp could not register: {err}");
    let metrics = w.srv.metrics().await;
    assert!(
        metrics.contains("switchboard_sip_registrations 1"),
        "{metrics}"
    );
    let (code, err) = run("wrong-password".into(), 403).await;
    assert_eq!(
        code,
        Some(0),
        "a wrong password was not answered 403: {err}"
    );
    // Disabled users' lines are refused.
    w.srv
        .post(
            &format!("/api/v1/users/{}/disable", w.t1.user_id),
            &w.t1.admin_token,
            serde_json::json!({}),
        )
        .await;
    let (code, err) = run(pw, 403).await;
    assert_eq!(code, Some(0), "a disabled user's line registered: {err}");
    w.srv.stop().await;
}

/// A line given to another user, or reset, gets a new SIP password (the old one no longer
/// registers) and forgets where its voicemail was mailed (the previous person's addresses).
#[tokio::test]
async fn a_line_handed_over_or_reset_gets_a_new_sip_password_and_no_mail_targets() {
    if !sipp_available() {
        return;
    }
    let w = world().await;
    let t = &w.t1;
    let sip = w.srv.running.as_ref().unwrap().sip_addr;
    let vm = format!("/api/v1/lines/{}/voicemail-settings", t.line_id);
    let mail_to_ulf = || async {
        let r = w
            .srv
            .put(
                &vm,
                &t.admin_token,
                json!({"email_to": ["ulf@home.example.com"]}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
    };
    let (user, first_pw, domain) = credentials(&w.srv, t).await;
    let (code, err) = register(sip, user.clone(), first_pw.clone(), domain.clone(), 200).await;
    assert_eq!(code, Some(0), "{err}");
    mail_to_ulf().await;

    let vera = w
        .srv
        .post(
            &format!("/api/v1/companies/{}/users", t.company_id),
            &t.admin_token,
            json!({"name": "Vera", "username": "veraone", "password": PW}),
        )
        .await;
    assert_eq!(vera.status, 201, "{}", vera.text);
    let r = w
        .srv
        .patch(
            &format!("/api/v1/lines/{}", t.line_id),
            &t.admin_token,
            json!({"user_id": vera.body["user"]["id"]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let (_, second_pw, _) = credentials(&w.srv, t).await;
    assert_ne!(second_pw, first_pw);
    let (code, err) = register(sip, user.clone(), first_pw, domain.clone(), 403).await;
    assert_eq!(code, Some(0), "Ulf's phone still registers: {err}");
    let (code, err) = register(sip, user.clone(), second_pw.clone(), domain.clone(), 200).await;
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        w.srv.get(&vm, &t.admin_token).await.body["email_to"],
        json!([])
    );

    mail_to_ulf().await;
    let r = w
        .srv
        .post(
            &format!("/api/v1/lines/{}/reset", t.line_id),
            &t.admin_token,
            json!({"account_name": "Front desk"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let (_, third_pw, _) = credentials(&w.srv, t).await;
    assert_ne!(third_pw, second_pw);
    let (code, err) = register(sip, user, second_pw, domain, 403).await;
    assert_eq!(
        code,
        Some(0),
        "the phone from before the reset still registers: {err}"
    );
    assert_eq!(
        w.srv.get(&vm, &t.admin_token).await.body["email_to"],
        json!([])
    );
    w.srv.stop().await;
}

/// Listening on every address (`0.0.0.0`) is documented to serve phones on the same machine;
/// they must register and call as on a named address.
#[tokio::test]
async fn phones_on_the_same_machine_register_and_call_when_switchboard_listens_on_every_address() {
    if !crate::phones::sipp_available() {
        return;
    }
    let srv = start_tuned(&|f| f.sip_listen = Some("0.0.0.0:0".into())).await;
    let sys = srv.admin().await;
    let t = tenant(&srv, &sys, "anyaddr").await;
    let port = srv.running.as_ref().unwrap().sip_addr.port();
    let sip: std::net::SocketAddr = ([127, 0, 0, 1], port).into();
    let ulf = crate::phones::sip_line(&srv, &t.admin_token, &t.line_id).await;
    let ada = crate::phones::sip_line(
        &srv,
        &t.admin_token,
        &crate::phones::admin_line(&srv, &t).await,
    )
    .await;
    let ulf_phone = crate::phones::phone(
        sip,
        &ulf,
        crate::phones::free_port(),
        crate::phones::Answer::After(0),
    )
    .await;
    crate::phones::dial(sip, &ada, &ulf.extension, 200, 300, &[])
        .done()
        .await
        .expect("the call was answered");
    ulf_phone.done().await.expect("the phone took the call");
    srv.stop().await;
}
