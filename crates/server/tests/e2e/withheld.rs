//! Withholding one's number the standard way (RFC 3323): a phone that calls with the anonymous
//! From `"Anonymous" <sip:anonymous@anonymous.invalid>` and `Privacy: id` authenticates as its
//! line in its company's domain, and the call is anonymous everywhere after that.

use crate::phones::{Answer, call_log, dial, free_port, pair, phone, sipp_available};
use serde_json::json;

#[tokio::test]
async fn a_phone_withholding_its_identity_by_rfc_3323_calls_as_its_line_and_is_shown_as_anonymous()
{
    if !sipp_available() {
        return;
    }
    let p = pair().await;
    let handling = |reject: bool| {
        json!({"forward_all": null, "no_answer": {"action": "keep_ringing"},
               "busy": {"action": "engaged"}, "reject_anonymous": reject})
    };
    let path = format!("/api/v1/lines/{}/call-handling", p.w.t1.line_id);
    let put = |reject: bool| p.w.srv.put(&path, &p.w.t1.admin_token, handling(reject));
    let r = put(true).await;
    assert_eq!(r.status, 200, "{}", r.text);
    // The callee refuses anonymous callers: 433 rather than a failed challenge (403).
    dial(
        p.sip,
        &p.caller,
        &p.callee.extension,
        433,
        0,
        &[("then", "withheld")],
    )
    .done()
    .await
    .expect("an anonymous caller authenticated and was refused with 433");
    let r = put(false).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let desk = phone(p.sip, &p.callee, free_port(), Answer::After(0)).await;
    dial(
        p.sip,
        &p.caller,
        &p.callee.extension,
        200,
        200,
        &[("then", "withheld")],
    )
    .done()
    .await
    .expect("the anonymous call was answered");
    desk.done().await.expect("Ulf's phone took the call");
    let callee = call_log(&p, &p.w.t1.line_id, 2).await;
    assert!(
        callee.iter().all(|r| r["other_number"] == "anonymous"),
        "the callee's log says the number was withheld: {callee:?}"
    );
    assert!(
        callee.iter().any(|r| r["direction"] == "received"),
        "{callee:?}"
    );
    // The calls count as the caller's own: they are in Ada's log, dialled to Ulf's extension.
    let caller = call_log(&p, &p.caller_line, 2).await;
    assert!(
        caller
            .iter()
            .all(|r| r["direction"] == "dialled" && r["other_number"] == p.callee.extension),
        "{caller:?}"
    );
    p.w.srv.stop().await;
}
