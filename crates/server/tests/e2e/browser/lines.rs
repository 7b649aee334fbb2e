//! Lines and numbers in the browser (issue 15, item 4): the company administrator adds a line,
//! routes a number to it, gives it a user, caller ID and E911 address; resets a line after reading
//! what a reset does; and sees the phones registered now on a user's Device tab. Each effect is
//! checked through the REST API, and on the wire where it concerns SIP (REGISTER, RFC 3261 §10).

use super::{Ctx, R, ensure};
use crate::kit::*;
use crate::sipclient::{Account, authenticated};
use fantoccini::Locator;
use serde_json::json;

fn lines_path(ctx: &Ctx) -> String {
    format!("/admin/companies/{}/lines", ctx.w.t1.company_id)
}

async fn choose(ctx: &Ctx, select: &str, value: &str) -> R {
    ctx.c
        .find(Locator::Css(select))
        .await?
        .select_by_value(value)
        .await?;
    Ok(())
}

async fn status_is(ctx: &Ctx, want: &str) -> R {
    let shown = ctx.text("main [role=status]").await?;
    ensure(shown == want, format!("status {shown:?}, wanted {want:?}"))
}

/// A new line of t1 made through the API, for a scenario of its own.
async fn api_line(ctx: &Ctx, extension: &str) -> R<String> {
    let t = &ctx.w.t1;
    let r = ctx
        .w
        .srv
        .post(
            &format!("/api/v1/companies/{}/lines", t.company_id),
            &t.admin_token,
            json!({"extension": extension, "user_id": t.user_id}),
        )
        .await;
    ensure(r.status == 201, format!("line {extension}: {}", r.text))?;
    Ok(r.id())
}

/// The line's SIP account as a phone holds it (the password read with an elevated token).
async fn account(ctx: &Ctx, line: &str) -> R<Account> {
    let c = ctx.w.srv.sip_credentials(line, &ctx.w.t1.admin_token).await;
    ensure(c.status == 200, format!("credentials: {}", c.text))?;
    Ok(Account {
        user: c.body["sip_username"].as_str().unwrap_or("").to_owned(),
        password: c.body["sip_password"].as_str().unwrap_or("").to_owned(),
        domain: c.body["sip_domain"].as_str().unwrap_or("").to_owned(),
    })
}

/// A REGISTER of `a` from a fresh UDP port with digest authentication: the final answer's code
/// and the contact registered. `expires` 0 removes every device of the line (`Contact: *`).
async fn register(ctx: &Ctx, a: &Account, user_agent: &str, expires: u32) -> R<(u16, String)> {
    let sock = tokio::net::UdpSocket::bind("127.0.0.1:0").await?;
    register_on(ctx, &sock, a, user_agent, expires).await
}

/// [`register`] from `sock`, where the phone then listens.
async fn register_on(
    ctx: &Ctx,
    sock: &tokio::net::UdpSocket,
    a: &Account,
    user_agent: &str,
    expires: u32,
) -> R<(u16, String)> {
    let sip = ctx.w.srv.running.as_ref().ok_or("server stopped")?.sip_addr;
    let contact = format!("sip:{}@{}", a.user, sock.local_addr()?);
    let shown = if expires == 0 {
        "*".to_owned()
    } else {
        format!("<{contact}>")
    };
    let headers = format!("Contact: {shown}\r\nExpires: {expires}\r\nUser-Agent: {user_agent}\r\n");
    let uri = format!("sip:{}", a.domain);
    let answer = authenticated(sock, sip, a, "REGISTER", &uri, &headers)
        .await
        .ok_or("REGISTER was not answered")?;
    Ok((answer.code().unwrap_or(0), contact))
}

pub async fn a_company_admin_assigns_a_number_and_sets_the_presentation_number(ctx: &Ctx) -> R {
    let t = &ctx.w.t1;
    // Numbers come from the provider's carriers: the reseller gives this one to the company.
    let n = ctx
        .w
        .srv
        .post(
            &format!("/api/v1/companies/{}/numbers", t.company_id),
            &t.reseller_token,
            json!({"number": "+15550000231"}),
        )
        .await;
    ensure(n.status == 201, format!("number: {}", n.text))?;
    let number_id = n.id();
    ctx.sign_in("adaone", PW, None).await?;
    ctx.click("nav a[href='/admin/lines']").await?;
    ensure(
        ctx.path().await? == lines_path(ctx),
        "Lines and numbers opens the company's lines",
    )?;
    ctx.fill("#new-extension", "231").await?;
    ctx.fill("#new-calling-name", "Front desk").await?;
    ctx.click("form[aria-labelledby=add] button[type=submit]")
        .await?;
    status_is(ctx, "The line was added.").await?;
    let line_path = ctx.path().await?;
    let line_id = line_path
        .trim_end_matches("?done=added")
        .rsplit('/')
        .next()
        .unwrap_or("")
        .to_owned();
    // The numbers page routes the number to the new line by its extension.
    ctx.click("a[href$='/numbers']").await?;
    ctx.fill(&format!("#ext-{number_id}"), "231").await?;
    ctx.click(&format!("form[action$='/numbers/{number_id}'] button"))
        .await?;
    status_is(ctx, "The number was saved.").await?;
    let api = ctx
        .w
        .srv
        .get(&format!("/api/v1/numbers/{number_id}"), &t.admin_token)
        .await;
    ensure(
        api.body["line_id"] == json!(line_id),
        format!("number routed: {}", api.text),
    )?;
    // The line page: its user, then the caller ID chosen from the company's numbers.
    ctx.open(&format!("{}?q=231", lines_path(ctx))).await?;
    let rows = ctx.c.find_all(Locator::Css("#lines tbody tr")).await?;
    ensure(rows.len() == 1, format!("{} rows for 231", rows.len()))?;
    ctx.click("#lines tbody tr td a").await?;
    ctx.fill("#user", "ulfone").await?;
    ctx.click("form[aria-labelledby=user-form] button").await?;
    status_is(ctx, "The line was assigned.").await?;
    ensure(
        ctx.text("#line-user").await?.contains("Ulf"),
        "the page names the user",
    )?;
    choose(ctx, "#default_number", "+15550000231").await?;
    choose(ctx, "#presentation_number", "+15550000231").await?;
    ctx.fill("#calling_name", "Reception").await?;
    ctx.click("form[aria-labelledby=caller-id] button").await?;
    status_is(ctx, "Saved.").await?;
    let l = ctx
        .w
        .srv
        .get(&format!("/api/v1/lines/{line_id}"), &t.admin_token)
        .await;
    ensure(
        l.body["user_id"] == json!(t.user_id)
            && l.body["presentation_number"] == json!("+15550000231")
            && l.body["default_number"] == json!("+15550000231")
            && l.body["calling_name"] == json!("Reception")
            && l.body["numbers"] == json!(["+15550000231"]),
        format!("the line as the API shows it: {}", l.text),
    )?;
    presented_on_the_wire(ctx, &line_id, "+15550000231").await?;
    named_on_the_wire(ctx, &line_id, "Reception").await?;
    // The E911 address of the line, then a refused one: the alert names the problem.
    ctx.fill("#street", "1 Main Street").await?;
    ctx.fill("#city", "Springfield").await?;
    ctx.fill("#postal_code", "12345").await?;
    ctx.fill("#country", "US").await?;
    ctx.click("form[aria-labelledby=e911] button").await?;
    status_is(ctx, "The E911 address was saved.").await?;
    let a = ctx
        .w
        .srv
        .get(
            &format!("/api/v1/lines/{line_id}/e911-address"),
            &t.admin_token,
        )
        .await;
    ensure(
        a.body["street"] == json!("1 Main Street") && a.body["country"] == json!("US"),
        format!("E911: {}", a.text),
    )?;
    ctx.fill("#user", "nobody-at-all").await?;
    ctx.click("form[aria-labelledby=user-form] button").await?;
    ensure(
        ctx.text("main [role=alert]")
            .await?
            .contains("No user of this company"),
        "an unknown user is refused",
    )?;
    let still = ctx
        .w
        .srv
        .get(&format!("/api/v1/lines/{line_id}"), &t.admin_token)
        .await;
    ensure(
        still.body["user_id"] == json!(t.user_id),
        "a refused form changes nothing",
    )?;
    ctx.sign_out().await
}

/// A call from `line` to an outside number leaves through the company's trunk presenting
/// `number` in From and P-Asserted-Identity (RFC 3325), as the carrier (SIPp) checks.
async fn presented_on_the_wire(ctx: &Ctx, line: &str, number: &str) -> R {
    use crate::phones::{carrier, dial, free_port, sip_line, sipp_available};
    if !sipp_available() {
        eprintln!("SKIPPED: the call part of the presentation number scenario needs sipp");
        return Ok(());
    }
    let t = &ctx.w.t1;
    let port = free_port();
    let trunk = json!({"name": "Carrier", "address": format!("127.0.0.1:{port}")});
    let r = ctx
        .w
        .srv
        .put(
            &format!("/api/v1/trunks/{}", t.trunk_id),
            &t.reseller_token,
            trunk,
        )
        .await;
    ensure(r.status == 200, format!("trunk: {}", r.text))?;
    let outside = carrier(port, "+15559876543", number, false);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let sip = ctx.w.srv.running.as_ref().ok_or("server stopped")?.sip_addr;
    let phone = sip_line(&ctx.w.srv, &t.admin_token, line).await;
    dial(sip, &phone, "+15559876543", 200, 300, &[])
        .done()
        .await?;
    outside.done().await?;
    Ok(())
}

/// A call from `line` to a colleague's line shows `name` in the From the colleague's phone gets
/// (RFC 3261 §20.20 display name): the phone here is a bare UDP socket that reads the INVITE and
/// answers busy.
async fn named_on_the_wire(ctx: &Ctx, line: &str, name: &str) -> R {
    use crate::phones::{dial, sip_line, sipp_available};
    if !sipp_available() {
        eprintln!("SKIPPED: the call part of the calling name scenario needs sipp");
        return Ok(());
    }
    let t = &ctx.w.t1;
    let callee_line = api_line(ctx, "234").await?;
    let callee = account(ctx, &callee_line).await?;
    let phone = tokio::net::UdpSocket::bind("127.0.0.1:0").await?;
    let (code, _) = register_on(ctx, &phone, &callee, "Bare-Phone/1.0", 600).await?;
    ensure(
        code == 200,
        format!("the colleague's phone registers: {code}"),
    )?;
    let sip = ctx.w.srv.running.as_ref().ok_or("server stopped")?.sip_addr;
    let caller = sip_line(&ctx.w.srv, &t.admin_token, line).await;
    let call = dial(sip, &caller, "234", 486, 0, &[]);
    let mut buf = vec![0u8; 16_384];
    let invite = loop {
        let wait = std::time::Duration::from_secs(5);
        let (n, from) = tokio::time::timeout(wait, phone.recv_from(&mut buf))
            .await
            .map_err(|_| "no INVITE reached the colleague's phone")??;
        let msg = sb_sip::parse(&buf[..n]).map_err(|e| format!("{e:?}"))?;
        if msg.method() == Some("INVITE") {
            let busy = sb_sip::registrar::reply(&msg, 486, "Busy Here", &[]);
            phone.send_to(&busy.to_bytes(), from).await?;
            break msg;
        }
    };
    call.done().await?;
    let from = invite.header("from").unwrap_or("").to_owned();
    // From another socket: the phone's gets the ACK of its 486 first.
    let (code, _) = register(ctx, &callee, "Bare-Phone/1.0", 0).await?;
    ensure(code == 200, format!("unREGISTER: {code}"))?;
    ensure(
        from.contains(name),
        format!("the colleague's phone saw From: {from}"),
    )
}

pub async fn adding_a_line_beyond_the_subscription_keys_is_refused_clearly(ctx: &Ctx) -> R {
    let t = &ctx.w.t1;
    let lines_api = format!("/api/v1/companies/{}/lines?limit=100", t.company_id);
    let count = |r: &Resp| r.body["items"].as_array().map_or(0, Vec::len);
    let before = count(&ctx.w.srv.get(&lines_api, &t.admin_token).await);
    let company = format!("/api/v1/companies/{}/subscription", t.company_id);
    let keys = |n: usize| json!({"max_users": 10, "max_lines": n});
    let r = ctx
        .w
        .srv
        .put(&company, &t.reseller_token, keys(before))
        .await;
    ensure(r.status == 200, format!("keys: {}", r.text))?;
    ctx.sign_in("adaone", PW, None).await?;
    ctx.open(&lines_path(ctx)).await?;
    ctx.fill("#new-extension", "239").await?;
    ctx.click("form[aria-labelledby=add] button[type=submit]")
        .await?;
    let alert = ctx.text("main [role=alert]").await?;
    ensure(
        alert.contains("subscription keys"),
        format!("alert: {alert}"),
    )?;
    let after = count(&ctx.w.srv.get(&lines_api, &t.admin_token).await);
    ctx.w.srv.put(&company, &t.reseller_token, keys(10)).await;
    ensure(after == before, "no line was added")?;
    ctx.sign_out().await
}

pub async fn reset_line_lists_its_consequences_and_the_old_sip_password_is_refused(ctx: &Ctx) -> R {
    let t = &ctx.w.t1;
    let line = api_line(ctx, "232").await?;
    let q = ctx
        .w
        .srv
        .post(
            &format!("/api/v1/companies/{}/queues", t.company_id),
            &t.admin_token,
            json!({"name": "Reset desk", "extension": "632", "strategy": "ring_all",
                "agents": [{"line_id": line}]}),
        )
        .await;
    ensure(q.status == 201, format!("queue: {}", q.text))?;
    let queue = q.id();
    let old = account(ctx, &line).await?;
    let (code, contact) = register(ctx, &old, "Reset-Test-Phone/1.0", 600).await?;
    ensure(code == 200, format!("the phone registers: {code}"))?;
    ctx.sign_in("adaone", PW, None).await?;
    ctx.open(&format!("{}/{line}", lines_path(ctx))).await?;
    ctx.click("#reset-line").await?;
    let listed = ctx.text("#reset-consequences").await?;
    for consequence in [
        "voicemail message",
        "greeting",
        "voicemail-to-mail",
        "notification",
        "recording",
        "saved numbers",
        "new SIP password",
        "old one is refused",
        "registered device is dropped",
        "every queue",
    ] {
        ensure(
            listed.contains(consequence),
            format!("the page says {consequence:?}: {listed}"),
        )?;
    }
    let devices = ctx.text("table.devices").await?;
    ensure(
        devices.contains(&contact),
        format!("the phone registered now: {devices}"),
    )?;
    ctx.fill("#account_name", "Temp desk").await?;
    ctx.c
        .find(Locator::Css("#remove_from_groups"))
        .await?
        .click()
        .await?;
    ctx.click("form[aria-label='Reset line'] button[type=submit]")
        .await?;
    status_is(ctx, "The line was reset. It has a new SIP password.").await?;
    let (refused, _) = register(ctx, &old, "Reset-Test-Phone/1.0", 600).await?;
    ensure(
        refused == 403,
        format!("the old password after the reset: {refused}"),
    )?;
    let regs = ctx
        .w
        .srv
        .get(
            &format!("/api/v1/lines/{line}/registrations"),
            &t.admin_token,
        )
        .await;
    ensure(
        regs.body["items"] == json!([]),
        format!("devices dropped: {}", regs.text),
    )?;
    let l = ctx
        .w
        .srv
        .get(&format!("/api/v1/lines/{line}"), &t.admin_token)
        .await;
    ensure(
        l.body["account_name"] == json!("Temp desk"),
        format!("renamed: {}", l.text),
    )?;
    let q = ctx
        .w
        .srv
        .get(&format!("/api/v1/queues/{queue}"), &t.admin_token)
        .await;
    ensure(
        q.body["agents"] == json!([]),
        format!("out of the queue: {}", q.text),
    )?;
    let new = account(ctx, &line).await?;
    let (code, _) = register(ctx, &new, "Reset-Test-Phone/1.0", 0).await?;
    ensure(code == 200, format!("the new password works: {code}"))?;
    ctx.sign_out().await
}

pub async fn the_device_tab_shows_the_phone_registered_now(ctx: &Ctx) -> R {
    let t = &ctx.w.t1;
    let line = api_line(ctx, "233").await?;
    let a = account(ctx, &line).await?;
    let (code, contact) = register(ctx, &a, "Acme-DeskPhone/7.2", 600).await?;
    ensure(code == 200, format!("REGISTER: {code}"))?;
    ctx.sign_in("adaone", PW, None).await?;
    ctx.open(&format!(
        "/admin/companies/{}/users/{}/device",
        t.company_id, t.user_id
    ))
    .await?;
    let table = ctx
        .text(&format!("#devices-{line} + table.devices"))
        .await?;
    ensure(
        table.contains(&contact)
            && table.contains("Acme-DeskPhone/7.2")
            && table.contains("127.0.0.1:"),
        format!("the Device tab shows the phone: {table}"),
    )?;
    let api = ctx
        .w
        .srv
        .get(
            &format!("/api/v1/lines/{line}/registrations"),
            &t.admin_token,
        )
        .await;
    ensure(
        api.body["items"][0]["contact"] == json!(contact)
            && api.body["items"][0]["user_agent"] == json!("Acme-DeskPhone/7.2")
            && !api.text.contains(&a.password),
        format!(
            "the API shows the same device and no password: {}",
            api.text
        ),
    )?;
    // Unregistered (Expires: 0), the phone leaves the tab.
    let (code, _) = register(ctx, &a, "Acme-DeskPhone/7.2", 0).await?;
    ensure(code == 200, format!("unREGISTER: {code}"))?;
    ctx.open(&format!(
        "/admin/companies/{}/users/{}/device",
        t.company_id, t.user_id
    ))
    .await?;
    let page = ctx.text("main").await?;
    ensure(
        !page.contains("Acme-DeskPhone/7.2"),
        "the unregistered phone is gone",
    )?;
    ctx.sign_out().await
}
