//! A company's mail access: its own SMTP server, tried by a real connection before it is saved,
//! through which the mail sent for the company then goes; the installation's server keeps the
//! rest. The password is written only.

use crate::kit::*;
use serde_json::json;

fn port_of(url: &str) -> u16 {
    let after = url.rsplit(':').next().unwrap();
    after
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap()
}

fn closed_port() -> u16 {
    // Bound then released: nothing listens there.
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn invite(srv: &Srv, t: &Tenant, title: &str) {
    let conf = srv
        .post(
            &format!("/api/v1/companies/{}/conferences", t.company_id),
            &t.user_token,
            json!({"title": title, "starts_at": "2099-02-01T10:00:00Z", "duration_minutes": 30,
                "participants": [{"user_id": t.admin_id}]}),
        )
        .await;
    assert_eq!(conf.status, 201, "{}", conf.text);
}

#[tokio::test]
async fn a_company_s_mail_goes_through_its_checked_server_and_an_unreachable_one_changes_nothing() {
    let (Some(installation), Some(company)) = (SmtpSink::start().await, SmtpSink::start().await)
    else {
        return;
    };
    let srv = start_with_smtp(&installation.url).await;
    let sys = srv.admin().await;
    let t = tenant(&srv, &sys, "mailaccess").await;
    let path = format!("/api/v1/companies/{}/profile", t.company_id);
    let closed =
        json!({"mail_access": {"host": "127.0.0.1", "port": closed_port(), "security": "none"}});
    let r = srv.patch(&path, &t.admin_token, closed).await;
    assert_eq!(
        (r.status.as_u16(), r.body["field"].as_str()),
        (422, Some("mail_access")),
        "{}",
        r.text
    );
    assert!(r.text.contains("cannot connect"), "{}", r.text);
    assert_eq!(
        srv.get(&path, &t.admin_token).await.body["mail_access"],
        json!(null)
    );
    let port = port_of(&company.url);
    let own = json!({"mail_access": {"host": "127.0.0.1", "port": port, "security": "none"}});
    let r = srv.patch(&path, &t.admin_token, own).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let expected = json!({"host": "127.0.0.1", "port": port, "security": "none",
        "username": null, "password_set": false});
    assert_eq!(r.body["mail_access"], expected);
    invite(&srv, &t, "Company-routed").await;
    company.wait_for("Company-routed").await;
    // A first-login link is the installation's own mail, whatever the company set.
    let r = srv
        .post(
            &format!("/api/v1/companies/{}/users", t.company_id),
            &t.admin_token,
            json!({"name": "Tia", "email": "tia@mailaccess.example.com"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let installed = installation.wait_for("first-login?token=").await;
    assert!(!installed.contains("Company-routed"), "{installed}");
    // Cleared, the company's mail is the installation's again.
    let r = srv
        .patch(&path, &t.admin_token, json!({"mail_access": null}))
        .await;
    assert_eq!(r.body["mail_access"], json!(null), "{}", r.text);
    invite(&srv, &t, "Back-home").await;
    installation.wait_for("Back-home").await;
    srv.stop().await;
}

#[tokio::test]
async fn mail_access_authenticates_over_tls_a_wrong_password_is_refused_and_none_is_ever_shown() {
    let Some(installation) = SmtpSink::start().await else {
        return;
    };
    let Some((tls, ca)) = SmtpSink::start_tls(false).await else {
        return;
    };
    let srv =
        start_with_smtp_tuned(&installation.url, &|f| f.smtp_ca_file = Some(ca.clone())).await;
    let sys = srv.admin().await;
    let t = tenant(&srv, &sys, "mailauth").await;
    let path = format!("/api/v1/companies/{}/profile", t.company_id);
    let port = port_of(&tls.url);
    let access = |security: &str, host: &str, pw: &str| {
        json!({"mail_access": {"host": host, "port": port, "security": security,
            "username": "mailer", "password": pw}})
    };
    let wrong = "Wrong-Secret-9911";
    let r = srv
        .patch(
            &path,
            &t.admin_token,
            access("starttls", "127.0.0.1", wrong),
        )
        .await;
    // aiosmtpd stalls a failed AUTH rather than answering 535: the check's time limit ends it.
    assert_eq!(
        (r.status.as_u16(), r.body["field"].as_str()),
        (422, Some("mail_access")),
        "{}",
        r.text
    );
    assert!(r.text.contains("The mail server refused"), "{}", r.text);
    assert_eq!(
        srv.get(&path, &t.admin_token).await.body["mail_access"],
        json!(null)
    );
    let r = srv
        .patch(
            &path,
            &t.admin_token,
            access("none", "mail.example.com", "s3cret"),
        )
        .await;
    assert!(
        r.status == 422 && r.text.contains("clear text"),
        "{}",
        r.text
    );
    let r = srv
        .patch(
            &path,
            &t.admin_token,
            access("starttls", "127.0.0.1", "s3cret"),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["mail_access"]["password_set"], json!(true));
    invite(&srv, &t, "Over-tls").await;
    tls.wait_for("Over-tls").await;
    let audit = srv
        .get(
            &format!("/api/v1/companies/{}/audit", t.company_id),
            &t.admin_token,
        )
        .await;
    assert!(
        audit.text.contains("mail_access.password"),
        "{}",
        audit.text
    );
    for text in [
        &r.text,
        &audit.text,
        &srv.get(&path, &t.admin_token).await.text,
    ] {
        assert!(!text.contains("s3cret") && !text.contains(wrong), "{text}");
    }
    srv.stop().await;
}
