//! Contacts (issue 17): a person's own contacts through the API with their checks, import all
//! or nothing, export that reads back, favourites, and the company directory with presence,
//! never another person's or another company's.

use crate::kit::*;
use reqwest::header::CONTENT_TYPE;
use serde_json::json;

async fn import(w: &World, user: &str, token: &str, file: &str) -> Resp {
    let r = w
        .srv
        .http
        .post(format!(
            "{}/api/v1/users/{user}/contacts/import",
            w.srv.base
        ))
        .bearer_auth(token)
        .header(CONTENT_TYPE, "text/vcard")
        .body(file.to_owned())
        .send()
        .await
        .unwrap();
    let status = r.status();
    let headers = r.headers().clone();
    let text = r.text().await.unwrap();
    Resp {
        status,
        body: serde_json::from_str(&text).unwrap_or_default(),
        text,
        headers,
    }
}

fn names(r: &Resp) -> Vec<String> {
    r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn contacts_are_checked_by_field_and_a_refusal_changes_nothing() {
    let w = world().await;
    let (ulf, tok) = (&w.t1.user_id, &w.t1.user_token);
    let path = format!("/api/v1/users/{ulf}/contacts");
    let ada = json!({"name": "Ada Lovelace", "company": "Engines", "email": "ada@example.com",
        "numbers": [{"label": "mobile", "number": "+44 7700 900123"}, {"label": "work", "number": "+442071234567"}]});
    let r = w.srv.post(&path, tok, ada).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(
        r.body["numbers"][0]["number"], "+447700900123",
        "{}",
        r.text
    );
    let id = r.id();
    for (bad, field) in [
        (
            json!({"name": " ", "numbers": [{"number": "+15550100"}]}),
            "name",
        ),
        (
            json!({"name": "Bob", "numbers": [{"number": "*21#"}]}),
            "numbers.0.number",
        ),
        (json!({"name": "Bob", "numbers": []}), "numbers"),
        (
            json!({"name": "Bob", "email": "bob", "numbers": [{"number": "+15550100"}]}),
            "email",
        ),
    ] {
        let r = w.srv.post(&path, tok, bad.clone()).await;
        assert_eq!(
            (r.status.as_u16(), r.body["field"].as_str()),
            (422, Some(field)),
            "{}",
            r.text
        );
        let r = w.srv.put(&format!("/api/v1/contacts/{id}"), tok, bad).await;
        assert_eq!(r.status, 422, "{}", r.text);
    }
    let r = w.srv.get(&path, tok).await;
    assert_eq!(
        names(&r),
        ["Ada Lovelace"],
        "nothing added or changed: {}",
        r.text
    );
    assert_eq!(r.body["items"][0]["company"], "Engines");
    let bob = json!({"name": "Bob", "favourite": true, "numbers": [{"number": "0612345678"}]});
    let r = w.srv.put(&format!("/api/v1/contacts/{id}"), tok, bob).await;
    assert_eq!(
        (r.status.as_u16(), r.body["name"].as_str()),
        (200, Some("Bob")),
        "{}",
        r.text
    );
    let r = w.srv.get(&format!("/api/v1/contacts/{id}"), tok).await;
    assert_eq!(r.body["numbers"][0]["label"], "phone", "{}", r.text);
    let r = w
        .srv
        .get(&format!("/api/v1/users/{ulf}/favourites"), tok)
        .await;
    assert_eq!(r.body["contacts"][0]["name"], "Bob", "{}", r.text);
    let r = w.srv.delete(&format!("/api/v1/contacts/{id}"), tok).await;
    assert_eq!(r.status, 204, "{}", r.text);
    let r = w.srv.get(&format!("/api/v1/contacts/{id}"), tok).await;
    assert_eq!(r.status, 404, "{}", r.text);
    w.srv.stop().await;
}

#[tokio::test]
async fn an_import_adds_every_card_or_none_and_the_export_reads_back() {
    let w = world().await;
    let (ulf, tok) = (&w.t1.user_id, &w.t1.user_token);
    let good = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Carol\\, Sales\r\nORG:Acme;Paris\r\nTEL;TYPE=CELL:+15550100\r\nEND:VCARD\r\n\
                BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Dan\r\nTEL;TYPE=work:+15550101\r\nEMAIL:dan@example.com\r\nEND:VCARD\r\n";
    let bad = format!("{good}BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Eve\r\nTEL:call me\r\nEND:VCARD\r\n");
    let r = import(&w, ulf, tok, &bad).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(
        r.body["message"].as_str().unwrap().starts_with("Line 13:"),
        "{}",
        r.text
    );
    let list = format!("/api/v1/users/{ulf}/contacts");
    assert!(
        names(&w.srv.get(&list, tok).await).is_empty(),
        "all or nothing"
    );
    let r = import(&w, ulf, tok, good).await;
    assert_eq!(
        (r.status.as_u16(), r.body["imported"].as_u64()),
        (200, Some(2)),
        "{}",
        r.text
    );
    assert_eq!(names(&w.srv.get(&list, tok).await), ["Carol, Sales", "Dan"]);
    // The export of each format, imported again, gives the same contacts once more.
    let vcf = w.srv.get(&format!("{list}.vcf"), tok).await;
    assert!(vcf.text.contains("FN:Carol\\, Sales\r\n"), "{}", vcf.text);
    assert!(
        vcf.text.contains("TEL;TYPE=cell:+15550100\r\n"),
        "{}",
        vcf.text
    );
    let csv = w.srv.get(&format!("{list}?format=csv"), tok).await;
    assert!(
        csv.text
            .starts_with("name,company,email,label_1,number_1\r\n"),
        "{}",
        csv.text
    );
    assert_eq!(import(&w, ulf, tok, &vcf.text).await.body["imported"], 2);
    assert_eq!(import(&w, ulf, tok, &csv.text).await.body["imported"], 2);
    let r = w.srv.get(&list, tok).await;
    let all = r.body["items"].as_array().unwrap();
    assert_eq!(all.len(), 6, "{}", r.text);
    assert!(
        all.iter()
            .filter(|k| k["name"] == "Carol, Sales")
            .all(|k| k["company"] == "Acme"
                && k["numbers"][0] == json!({"label": "mobile", "number": "+15550100"})),
        "{}",
        r.text
    );
    w.srv.stop().await;
}

#[tokio::test]
async fn another_person_s_contacts_are_forbidden_and_another_company_s_not_found() {
    let w = world().await;
    let (ulf, tok) = (&w.t1.user_id, &w.t1.user_token);
    let r = w
        .srv
        .post(
            &format!("/api/v1/users/{ulf}/contacts"),
            tok,
            json!({"name": "Private", "numbers": [{"number": "+15550100"}]}),
        )
        .await;
    let id = r.id();
    // Ada administers Ulf's company; Ulf may not read Ada's list.
    let r = w
        .srv
        .get(&format!("/api/v1/users/{}/contacts", w.t1.admin_id), tok)
        .await;
    assert_eq!(r.status, 403, "{}", r.text);
    for token in [&w.t2.user_token, &w.t2.admin_token] {
        for path in [
            format!("/api/v1/contacts/{id}"),
            format!("/api/v1/users/{ulf}/contacts"),
            format!("/api/v1/users/{ulf}/directory"),
        ] {
            let r = w.srv.get(&path, token).await;
            assert_eq!(r.status, 404, "{path}: {}", r.text);
        }
        let r = w.srv.delete(&format!("/api/v1/contacts/{id}"), token).await;
        assert_eq!(r.status, 404, "{}", r.text);
    }
    let r = w.srv.get(&format!("/api/v1/contacts/{id}"), tok).await;
    assert_eq!(r.body["name"], "Private", "still there: {}", r.text);
    w.srv.stop().await;
}

#[tokio::test]
async fn the_directory_shows_only_the_person_s_company_with_presence_and_favourites() {
    let w = world().await;
    let (ulf, tok) = (&w.t1.user_id, &w.t1.user_token);
    let ada = &w.t1.admin_id;
    let r = w
        .srv
        .put(
            &format!("/api/v1/users/{ada}/presence"),
            &w.t1.admin_token,
            json!({"status": "do_not_disturb"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = w
        .srv
        .get(&format!("/api/v1/users/{ulf}/directory"), tok)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let items = r.body["items"].as_array().unwrap();
    let ids: Vec<&str> = items
        .iter()
        .map(|e| e["user_id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&ada.as_str()) && ids.contains(&ulf.as_str()),
        "{}",
        r.text
    );
    assert!(!ids.contains(&w.t2.user_id.as_str()), "{}", r.text);
    let ada_entry = items.iter().find(|e| e["user_id"] == ada.as_str()).unwrap();
    assert_eq!(ada_entry["presence"], "do_not_disturb", "{}", r.text);
    let r = w
        .srv
        .get(&format!("/api/v1/users/{ulf}/directory?q=201"), tok)
        .await;
    assert_eq!(
        r.body["items"][0]["extensions"],
        json!(["201"]),
        "{}",
        r.text
    );
    assert_eq!(r.body["items"].as_array().unwrap().len(), 1, "{}", r.text);
    let fav = format!("/api/v1/users/{ulf}/favourites");
    let r = w
        .srv
        .put(&fav, tok, json!({"user_ids": [w.t2.user_id]}))
        .await;
    assert_eq!(
        (r.status.as_u16(), r.body["field"].as_str()),
        (422, Some("user_ids.0")),
        "{}",
        r.text
    );
    let r = w.srv.put(&fav, tok, json!({"user_ids": [ada]})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.body["colleagues"][0]["presence"], "do_not_disturb",
        "{}",
        r.text
    );
    let r = w
        .srv
        .get(&format!("/api/v1/users/{ulf}/directory?q=Ada"), tok)
        .await;
    assert_eq!(r.body["items"][0]["favourite"], true, "{}", r.text);
    w.srv.stop().await;
}
