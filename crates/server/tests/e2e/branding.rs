//! Branding over the running server: a reseller's product name and colours reach its
//! customers' pages and mail, a company's own fields override them, logos are sanitised on
//! upload, and nobody else may read or change them.

use crate::kit::*;
use crate::portal_provider::Jar;
use serde_json::json;

/// A small real PNG, with a text chunk that must not survive the upload.
pub(crate) fn png_logo() -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut e = png::Encoder::new(&mut out, 4, 2);
        e.set_color(png::ColorType::Rgb);
        e.set_depth(png::BitDepth::Eight);
        e.add_text_chunk("Comment".into(), "tracking-id-4711".into())
            .unwrap();
        let mut w = e.write_header().unwrap();
        w.write_image_data(&[200u8; 4 * 2 * 3]).unwrap();
    }
    out
}

const SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" onload="alert(1)"><script>alert(2)</script><rect width="10" height="10" fill="#0b6e4f"/><image href="https://tracker.example.com/p.png"/></svg>"##;

async fn put_logo(srv: &Srv, path: &str, token: &str, file: Vec<u8>, ctype: &str) -> (u16, String) {
    let r = srv
        .http
        .put(format!("{}{path}", srv.base))
        .bearer_auth(token)
        .header("content-type", ctype)
        .body(file)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn get_bytes(srv: &Srv, path: &str, token: &str) -> (u16, String, Vec<u8>) {
    let r = srv
        .http
        .get(format!("{}{path}", srv.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let ctype = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (
        r.status().as_u16(),
        ctype,
        r.bytes().await.unwrap().to_vec(),
    )
}

#[tokio::test]
async fn a_company_s_branding_overrides_its_reseller_s_on_its_pages_and_in_its_mail() {
    let Some(sink) = SmtpSink::start().await else {
        return;
    };
    let w = world_on(start_with_smtp(&sink.url).await).await;
    let (t1, t2) = (&w.t1, &w.t2);
    let reseller = format!("/api/v1/resellers/{}/branding", t1.reseller_id);
    let company = format!("/api/v1/companies/{}/branding", t1.company_id);

    // The reseller names the product and picks its colour; a bad colour changes nothing.
    let bad = w
        .srv
        .patch(
            &reseller,
            &t1.reseller_token,
            json!({"product_name": "X", "primary_colour": "green"}),
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.text);
    assert_eq!(bad.body["field"], "primary_colour", "{}", bad.text);
    let r = w
        .srv
        .patch(
            &reseller,
            &t1.reseller_token,
            json!({"product_name": "Rita Voice", "primary_colour": "#0B6E4F"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["product_name"], "Rita Voice");
    assert_eq!(r.body["primary_colour"], "#0b6e4f");

    // The company's people see it on every page, with a stylesheet of its colours.
    let mut ada = Jar::sign_in(&w.srv, "adaone", PW).await;
    let (_, page) = ada
        .get(&format!("/admin/companies/{}/users", t1.company_id))
        .await;
    assert!(
        page.contains("· Rita Voice</title>") && page.contains("Rita Voice</strong>"),
        "{page}"
    );
    let (status, css) = ada.get(&css_href_of(&page)).await;
    assert_eq!(status, 200);
    assert!(
        css.contains("--brand: #0b6e4f; --on-brand: #ffffff;"),
        "{css}"
    );

    // The company keeps the reseller's name but brings its own accent and logo.
    let r = w
        .srv
        .patch(
            &company,
            &t1.admin_token,
            json!({"accent_colour": "#ffd700"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let (status, text) = put_logo(
        &w.srv,
        &format!("{company}/logo"),
        &t1.admin_token,
        SVG.into(),
        "image/svg+xml",
    )
    .await;
    assert_eq!(status, 200, "{text}");
    let (status, ctype, svg) = get_bytes(&w.srv, &format!("{company}/logo"), &t1.admin_token).await;
    let svg = String::from_utf8(svg).unwrap();
    assert_eq!((status, ctype.as_str()), (200, "image/svg+xml"));
    assert!(
        svg.contains("<rect")
            && !svg.contains("script")
            && !svg.contains("onload")
            && !svg.contains("tracker"),
        "{svg}"
    );
    let (_, page) = ada
        .get(&format!("/admin/companies/{}/users", t1.company_id))
        .await;
    assert!(page.contains("<img src=\"/brand/logo?v="), "{page}");
    let (status, css) = ada.get(&css_href_of(&page)).await;
    assert_eq!(status, 200);
    assert!(
        css.contains("--brand: #0b6e4f;")
            && css.contains("--accent: #ffd700; --on-accent: #000000;"),
        "{css}"
    );

    // Not a logo, too large, or someone else's: refused, and nothing changes.
    let (status, text) = put_logo(
        &w.srv,
        &format!("{company}/logo"),
        &t1.admin_token,
        b"<html><script>x</script></html>".to_vec(),
        "image/svg+xml",
    )
    .await;
    assert_eq!(status, 422, "{text}");
    let (status, _) = put_logo(
        &w.srv,
        &format!("{company}/logo"),
        &t1.admin_token,
        vec![b' '; 300 * 1024],
        "image/svg+xml",
    )
    .await;
    assert_eq!(status, 413);
    let (status, _) = put_logo(
        &w.srv,
        &format!("{company}/logo"),
        &t2.admin_token,
        png_logo(),
        "image/png",
    )
    .await;
    assert_eq!(status, 404);
    for (token, expected) in [
        (&t2.admin_token, 404),
        (&t2.reseller_token, 404),
        (&t1.user_token, 403),
    ] {
        let r = w
            .srv
            .patch(&company, token, json!({"product_name": "Hijack"}))
            .await;
        assert_eq!(r.status, expected, "{}", r.text);
    }
    // A company administrator cannot rebrand the reseller above it.
    let r = w
        .srv
        .patch(
            &reseller,
            &t1.admin_token,
            json!({"product_name": "Hijack"}),
        )
        .await;
    assert_eq!(r.status, 404, "{}", r.text);
    let mine = w.srv.get(&company, &t1.admin_token).await;
    assert_eq!(mine.body["product_name"], serde_json::Value::Null);
    assert_eq!(mine.body["logo_type"], "image/svg+xml");
    let (status, _, _) = get_bytes(&w.srv, &format!("{company}/logo"), &t2.admin_token).await;
    assert_eq!(status, 404);

    // A PNG logo is written anew: its text chunk is gone.
    let (status, text) = put_logo(
        &w.srv,
        &format!("{company}/logo"),
        &t1.admin_token,
        png_logo(),
        "image/png",
    )
    .await;
    assert_eq!(status, 200, "{text}");
    let (_, ctype, png) = get_bytes(&w.srv, &format!("{company}/logo"), &t1.admin_token).await;
    assert_eq!(ctype, "image/png");
    assert!(png.starts_with(b"\x89PNG") && !String::from_utf8_lossy(&png).contains("tracking-id"));

    // The company's mail: signed with the product's name, with an HTML part in its colours
    // and the logo inline.
    let run = w
        .srv
        .post(
            &format!("/api/v1/reports/{}/run", t1.report_id),
            &t1.admin_token,
            json!({}),
        )
        .await;
    assert_eq!(run.status, 201, "{}", run.text);
    let mail = sink.wait_for("Subject: Audit one").await;
    let at = mail.find("Subject: Audit one").expect("the report's mail");
    let start = mail[..at]
        .rfind("---------- MESSAGE FOLLOWS ----------")
        .unwrap_or(0);
    let one = &mail[start..];
    let one = &one[..one.find("END MESSAGE").unwrap()];
    assert!(one.contains("From: \"Rita Voice\" <"), "{one}");
    assert!(
        one.contains("text/html") && one.contains("background:#0b6e4f;color:#ffffff"),
        "{one}"
    );
    assert!(
        one.contains("Content-ID: <logo@switchboard>") && one.contains("text/csv"),
        "{one}"
    );

    // The other tenant's pages and mail are untouched.
    let mut other = Jar::sign_in(&w.srv, "adatwo", PW).await;
    let (_, page) = other
        .get(&format!("/admin/companies/{}/users", t2.company_id))
        .await;
    assert!(
        page.contains("· Switchboard</title>") && !page.contains("/brand/style.css"),
        "{page}"
    );
    let (status, _) = other
        .get(&format!("/admin/companies/{}/branding", t1.company_id))
        .await;
    assert_eq!(status, 404);

    // Resetting the company's branding brings the reseller's logo-less look back.
    let r = w.srv.delete(&company, &t1.admin_token).await;
    assert_eq!(r.status, 204, "{}", r.text);
    let (_, page) = ada
        .get(&format!("/admin/companies/{}/users", t1.company_id))
        .await;
    assert!(
        page.contains("Rita Voice</strong>") && !page.contains("/brand/logo"),
        "{page}"
    );
    let audit = w
        .srv
        .get(
            &format!("/api/v1/companies/{}/audit?order=newest", t1.company_id),
            &t1.admin_token,
        )
        .await;
    assert!(audit.text.contains("\"branding\""), "{}", audit.text);
    w.srv.stop().await;
}

fn css_href_of(page: &str) -> String {
    let v = page
        .split("href=\"/brand/style.css?v=")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the page links its tenant's stylesheet");
    format!("/brand/style.css?v={v}")
}

#[tokio::test]
async fn branding_forms_need_their_token_and_another_tenant_s_do_not_exist() {
    let w = world().await;
    let t1 = &w.t1;
    let mut ada = Jar::sign_in(&w.srv, "adaone", PW).await;
    let path = format!("/admin/companies/{}/branding", t1.company_id);
    let (status, page) = ada.get(&path).await;
    assert_eq!(status, 200, "{page}");
    for (form, fields) in [
        (
            path.clone(),
            vec![
                ("product_name", "Forged"),
                ("own_colours", "1"),
                ("primary_colour", "#000000"),
                ("accent_colour", "#000000"),
            ],
        ),
        (format!("{path}/reset"), vec![]),
        (format!("{path}/logo/delete"), vec![]),
    ] {
        let mut with_wrong = fields.clone();
        with_wrong.push(("csrf", "wrong"));
        for body in [fields.clone(), with_wrong] {
            let (status, _) = ada.post(&form, &body).await;
            assert_eq!(status, 403, "{form} without its token");
        }
    }
    let r = w
        .srv
        .get(
            &format!("/api/v1/companies/{}/branding", t1.company_id),
            &t1.admin_token,
        )
        .await;
    assert_eq!(
        r.body["product_name"],
        serde_json::Value::Null,
        "{}",
        r.text
    );
    // With the token, the form saves; the page says so.
    let csrf = ada.csrf();
    let (status, _) = ada
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("product_name", "Ada Phone"),
                ("own_colours", "1"),
                ("primary_colour", "#5b2a86"),
                ("accent_colour", "#f4a261"),
            ],
        )
        .await;
    assert_eq!(status, 303);
    let r = w
        .srv
        .get(
            &format!("/api/v1/companies/{}/branding", t1.company_id),
            &t1.admin_token,
        )
        .await;
    assert_eq!(
        (
            r.body["product_name"].as_str(),
            r.body["primary_colour"].as_str()
        ),
        (Some("Ada Phone"), Some("#5b2a86"))
    );
    // The reseller's and another company's branding pages do not exist for Ada.
    for other in [
        format!("/admin/resellers/{}/branding", t1.reseller_id),
        format!("/admin/companies/{}/branding", w.t2.company_id),
        format!("/admin/resellers/{}/branding", w.t2.reseller_id),
    ] {
        let (status, _) = ada.get(&other).await;
        assert_eq!(status, 404, "{other}");
    }
    // Her reseller reaches her company's page, and its own.
    let mut rita = Jar::sign_in(&w.srv, "ritaone", PW).await;
    let (status, _) = rita.get(&path).await;
    assert_eq!(status, 200);
    let (status, page) = rita.get("/admin/branding").await;
    assert!(status == 303 || page.contains("br-name"), "{status}");
    w.srv.stop().await;
}
