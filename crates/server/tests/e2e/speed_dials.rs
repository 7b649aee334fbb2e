//! Speed dials (issue 17): a person's codes, kept through the API with their checks, and
//! dialled after `*0` from a real phone to reach their number.

use crate::kit::*;
use crate::phones::{Answer, dial, free_port, pair, phone, sipp_available};
use serde_json::json;

#[tokio::test]
async fn speed_dials_are_checked_by_field_and_a_bad_document_changes_nothing() {
    let w = world().await;
    let path = format!("/api/v1/users/{}/speed-dials", w.t1.user_id);
    let good = json!({"items": [
        {"code": "12", "name": "Sales ACD log-in", "number": "*7#123"},
        {"code": "3", "name": "Bob", "number": "+15550100"},
    ]});
    let r = w.srv.put(&path, &w.t1.user_token, good).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["items"][0]["code"], "12", "{}", r.text);
    assert_eq!(r.body["items"][1]["dial"], "*03", "{}", r.text);
    for (bad, field) in [
        (
            json!({"code": "123", "name": "x", "number": "1"}),
            "items.0.code",
        ),
        (
            json!({"code": "4", "name": "x", "number": "call me"}),
            "items.0.number",
        ),
        (
            json!({"code": "4", "name": "", "number": "1"}),
            "items.0.name",
        ),
    ] {
        let r = w
            .srv
            .put(&path, &w.t1.user_token, json!({"items": [bad]}))
            .await;
        assert_eq!(r.status, 422, "{}", r.text);
        assert_eq!(r.body["field"], field, "{}", r.text);
    }
    let r = w.srv.get(&path, &w.t1.user_token).await;
    assert_eq!(
        r.body["items"].as_array().map(Vec::len),
        Some(2),
        "kept: {}",
        r.text
    );
    // Another company's administrator cannot see them.
    let r = w.srv.get(&path, &w.t2.admin_token).await;
    assert_eq!(r.status, 404, "{}", r.text);
    w.srv.stop().await;
}

#[tokio::test]
async fn a_speed_dial_dialled_from_a_phone_reaches_its_number_and_an_unset_code_does_not() {
    if !sipp_available() {
        return;
    }
    let p = pair().await;
    let ada = &p.w.t1.admin_id;
    let r =
        p.w.srv
            .put(
                &format!("/api/v1/users/{ada}/speed-dials"),
                &p.w.t1.admin_token,
                json!({"items": [{"code": "7", "name": "Ulf", "number": p.callee.extension}]}),
            )
            .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let ulf = phone(p.sip, &p.callee, free_port(), Answer::After(0)).await;
    dial(p.sip, &p.caller, "*07", 200, 300, &[])
        .done()
        .await
        .expect("*07 rings Ulf's line, which answers");
    ulf.done().await.expect("Ulf's phone took the call");
    dial(p.sip, &p.caller, "*08", 404, 0, &[])
        .done()
        .await
        .expect("a code nobody set is no number");
    p.w.srv.stop().await;
}
