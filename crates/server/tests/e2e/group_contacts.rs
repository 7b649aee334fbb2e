//! Group contacts (issue 17): administrators define them for a department and everyone in its
//! tree sees them; a contact of a parent department reaches a child's people and not a
//! sibling's, an end user cannot add one, a bad number changes nothing, and another company's
//! administrator finds nothing.

use crate::kit::*;
use serde_json::json;

fn names(r: &Resp) -> Vec<String> {
    r.body["items"]
        .as_array()
        .unwrap_or_else(|| panic!("{}", r.text))
        .iter()
        .map(|k| k["name"].as_str().unwrap().to_owned())
        .collect()
}

/// A department of the tenant's company under `parent`, with a person in it and their token.
async fn department_with_person(
    w: &World,
    name: &str,
    parent: Option<&str>,
    username: &str,
) -> (String, String, String) {
    let t = &w.t1;
    let d = w
        .srv
        .post(
            &format!("/api/v1/companies/{}/departments", t.company_id),
            &t.admin_token,
            json!({"name": name, "parent_id": parent}),
        )
        .await;
    assert_eq!(d.status, 201, "{}", d.text);
    let dep = d.id();
    let u = w
        .srv
        .post(
            &format!("/api/v1/companies/{}/users", t.company_id),
            &t.admin_token,
            json!({"name": name, "username": username, "password": PW, "department_id": dep}),
        )
        .await;
    assert_eq!(u.status, 201, "{}", u.text);
    let user = u.body["user"]["id"].as_str().unwrap().to_owned();
    let token = w.srv.login(username, PW).await;
    (dep, user, token)
}

#[tokio::test]
async fn a_parent_departments_contact_reaches_its_children_and_not_its_siblings() {
    let w = world().await;
    let t = &w.t1;
    let sales = &t.department_id;
    let (_, kid, kid_tok) =
        department_with_person(&w, "Sales North", Some(sales), "gckidone").await;
    let (support, sib, sib_tok) = department_with_person(&w, "Support", None, "gcsibone").await;
    let path = format!("/api/v1/departments/{sales}/contacts");
    let r = w
        .srv
        .post(
            &path,
            &t.admin_token,
            json!({"name": "Courier desk", "company": "Parcels", "email": "desk@example.com",
                "numbers": [{"label": "desk", "number": "+44 20 7946 0000"}]}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(
        r.body["numbers"][0]["number"], "+442079460000",
        "{}",
        r.text
    );
    let id = r.id();

    // Ulf (Sales) and the person of Sales North see it, named with its department.
    for (user, tok) in [(&t.user_id, &t.user_token), (&kid, &kid_tok)] {
        let r = w
            .srv
            .get(&format!("/api/v1/users/{user}/group-contacts"), tok)
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(names(&r), ["Courier desk"], "{}", r.text);
        assert_eq!(r.body["items"][0]["department"], "Sales", "{}", r.text);
        assert_eq!(r.body["items"][0]["department_id"], sales.as_str());
    }
    // Support is a sibling: nothing, and the person cannot read Sales's list either.
    let r = w
        .srv
        .get(&format!("/api/v1/users/{sib}/group-contacts"), &sib_tok)
        .await;
    assert_eq!((r.status.as_u16(), names(&r).len()), (200, 0), "{}", r.text);
    assert_eq!(w.srv.get(&path, &sib_tok).await.status, 403);
    // Nor does one person read another's.
    let r = w
        .srv
        .get(&format!("/api/v1/users/{kid}/group-contacts"), &sib_tok)
        .await;
    assert!(matches!(r.status.as_u16(), 403 | 404), "{}", r.text);

    // A change is seen below; a delete removes it everywhere; both are audited.
    let r = w
        .srv
        .patch(
            &format!("/api/v1/group-contacts/{id}"),
            &t.admin_token,
            json!({"name": "Courier front desk"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.body["numbers"][0]["number"], "+442079460000",
        "{}",
        r.text
    );
    let r = w
        .srv
        .get(&format!("/api/v1/users/{kid}/group-contacts"), &kid_tok)
        .await;
    assert_eq!(names(&r), ["Courier front desk"], "{}", r.text);
    let r = w
        .srv
        .delete(&format!("/api/v1/group-contacts/{id}"), &t.admin_token)
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    let r = w.srv.get(&path, &t.admin_token).await;
    assert_eq!(names(&r).len(), 0, "{}", r.text);
    let r = w
        .srv
        .get(
            &format!("/api/v1/companies/{}/audit?order=newest", t.company_id),
            &t.admin_token,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let kinds: Vec<&str> = r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["target_id"] == id.as_str())
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert_eq!(kinds.len(), 3, "{}", r.text);

    // A department's contacts go with it.
    let r = w
        .srv
        .post(
            &format!("/api/v1/departments/{support}/contacts"),
            &t.admin_token,
            json!({"name": "Helpdesk", "numbers": [{"number": "+15550100"}]}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let gone = r.id();
    let r = w
        .srv
        .delete(&format!("/api/v1/users/{sib}"), &t.admin_token)
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    let r = w
        .srv
        .delete(&format!("/api/v1/departments/{support}"), &t.admin_token)
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    let r = w
        .srv
        .delete(&format!("/api/v1/group-contacts/{gone}"), &t.admin_token)
        .await;
    assert_eq!(r.status, 404, "{}", r.text);
}

#[tokio::test]
async fn end_users_bad_numbers_and_other_companies_are_refused() {
    let w = world().await;
    let t = &w.t1;
    let sales = &t.department_id;
    let path = format!("/api/v1/departments/{sales}/contacts");
    let good = json!({"name": "Reception", "numbers": [{"number": "+15550100"}]});

    // Ulf is an end user of the company: 403, and nothing was added.
    let r = w.srv.post(&path, &t.user_token, good.clone()).await;
    assert_eq!(r.status, 403, "{}", r.text);
    // A bad number or a blank name is refused by its field, and nothing is added.
    let refused = [
        (
            json!({"name": "Reception", "numbers": [{"number": "*21#"}]}),
            "numbers.0.number",
        ),
        (
            json!({"name": " ", "numbers": [{"number": "+15550100"}]}),
            "name",
        ),
    ];
    for (body, field) in refused {
        let r = w.srv.post(&path, &t.admin_token, body).await;
        assert_eq!(
            (r.status.as_u16(), r.body["field"].as_str()),
            (422, Some(field)),
            "{}",
            r.text
        );
    }
    assert_eq!(names(&w.srv.get(&path, &t.admin_token).await).len(), 0);

    let r = w.srv.post(&path, &t.admin_token, good.clone()).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.id();
    // A bad number in a change is refused and the contact stays as it was.
    let r = w
        .srv
        .patch(
            &format!("/api/v1/group-contacts/{id}"),
            &t.admin_token,
            json!({"numbers": [{"number": "12a"}]}),
        )
        .await;
    assert_eq!(
        (r.status.as_u16(), r.body["field"].as_str()),
        (422, Some("numbers.0.number")),
        "{}",
        r.text
    );
    let r = w.srv.get(&path, &t.admin_token).await;
    assert_eq!(
        r.body["items"][0]["numbers"][0]["number"], "+15550100",
        "{}",
        r.text
    );

    // Another company's administrator finds neither the department nor the contact.
    let other = &w.t2.admin_token;
    assert_eq!(w.srv.get(&path, other).await.status, 404);
    assert_eq!(w.srv.post(&path, other, good).await.status, 404);
    let one = format!("/api/v1/group-contacts/{id}");
    assert_eq!(
        w.srv.patch(&one, other, json!({"name": "X"})).await.status,
        404
    );
    assert_eq!(w.srv.delete(&one, other).await.status, 404);
    let r = w.srv.get(&path, &t.admin_token).await;
    assert_eq!(names(&r), ["Reception"], "{}", r.text);
    // The reseller acting for the company may manage it.
    let r = w.srv.delete(&one, &t.reseller_token).await;
    assert_eq!(r.status, 204, "{}", r.text);
}
