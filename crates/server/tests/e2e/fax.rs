//! Receiving faxes is a package feature (`fax`): a company number routed to a line becomes the
//! line's fax number only when the line's user's package has it; a refused change changes
//! nothing, and a number taken off its line stops being a fax number.

use crate::kit::*;
use serde_json::json;

#[tokio::test]
async fn a_number_is_a_fax_number_only_on_a_line_whose_users_package_has_fax() {
    let w = world().await;
    let t = &w.t1;
    let number = format!("/api/v1/numbers/{}", t.number_id);
    // Ulf's package, the company's default (Professional), has no fax.
    let before = w.srv.get(&number, &t.admin_token).await;
    assert_eq!(before.status, 200, "{}", before.text);
    assert_eq!(before.body["fax"], false, "{}", before.text);
    let r = w
        .srv
        .patch(&number, &t.admin_token, json!({"fax": true}))
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(r.code(), "no_fax_in_package", "{}", r.text);
    assert_eq!(r.body["field"], "fax", "{}", r.text);
    let now = w.srv.get(&number, &t.admin_token).await;
    assert_eq!(now.body, before.body, "a refused change changes nothing");

    // A package with fax, given to Ulf: the number becomes the line's fax number.
    ulf_gets_package(&w.srv, t, "Fax one", &["user_portal", "fax"]).await;
    let r = w
        .srv
        .patch(&number, &t.admin_token, json!({"fax": true}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["fax"], true, "{}", r.text);
    assert_eq!(w.srv.get(&number, &t.admin_token).await.body["fax"], true);

    // Another company's administrator neither sees nor changes it.
    let r = w
        .srv
        .patch(&number, &w.t2.admin_token, json!({"fax": false}))
        .await;
    assert_eq!(r.status, 404, "{}", r.text);

    // Taken off its line, it is no longer a fax number.
    let r = w
        .srv
        .patch(&number, &t.admin_token, json!({"line_id": null}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["fax"], false, "{}", r.text);
    w.srv.stop().await;
}
