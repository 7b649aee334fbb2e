//! Busy handling that triggers (issue 17): a line is busy when its calls in progress reach what
//! call waiting allows, whatever its phones would still answer.

use crate::phones::{Answer, dial, free_port, pair, phone, sipp_available};
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn without_call_waiting_a_line_in_a_call_is_busy_though_another_of_its_phones_is_free() {
    if !sipp_available() {
        return;
    }
    let p = pair().await;
    let r = p
        .w
        .srv
        .put(
            &format!("/api/v1/lines/{}/call-handling", p.w.t1.line_id),
            &p.w.t1.admin_token,
            json!({"forward_all": null, "no_answer": {"action": "keep_ringing"}, "busy": {"action": "engaged"}, "reject_anonymous": false, "call_waiting": false}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["call_waiting"], false, "{}", r.text);
    let desk = phone(p.sip, &p.callee, free_port(), Answer::After(0)).await;
    let first = dial(p.sip, &p.caller, &p.callee.extension, 200, 4000, &[]);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    // A second phone of the same line, idle and willing to answer.
    let spare = phone(p.sip, &p.callee, free_port(), Answer::After(0)).await;
    dial(p.sip, &p.caller, &p.callee.extension, 486, 0, &[])
        .done()
        .await
        .expect("the line is busy while its first call lasts");
    first.done().await.expect("the first call went on");
    desk.done()
        .await
        .expect("the desk phone took the first call");
    // The spare phone was never rung; once the first call is over the line takes calls again.
    dial(p.sip, &p.caller, &p.callee.extension, 200, 300, &[])
        .done()
        .await
        .expect("a call after the first one ends rings the line");
    spare.done().await.expect("the spare phone took that call");
    p.w.srv.stop().await;
}
