//! Call distribution is a package feature (`queues`): a line whose user's package lacks it is no
//! queue's agent, may not log in to one, and is offered none of its calls.

use crate::kit::*;
use serde_json::json;

#[tokio::test]
async fn a_line_whose_package_lacks_queues_cannot_join_log_in_or_see_a_queue() {
    let w = world().await;
    let t = &w.t1;
    let queue = format!("/api/v1/queues/{}", t.queue_id);
    // Ulf is an agent of the tenant's queue on the company's default package (Professional),
    // which has queues: he may log in.
    let status_path = format!("{queue}/agent-status");
    let agent_status = |logged_in: bool| {
        w.srv.put(
            &status_path,
            &t.user_token,
            json!({"line_id": t.line_id, "logged_in": logged_in}),
        )
    };
    let r = agent_status(true).await;
    assert_eq!(r.status, 200, "{}", r.text);
    // The installation's Basic package (offered to every company) has no queues.
    let packages = w.srv.get("/api/v1/packages", &t.reseller_token).await;
    assert_eq!(packages.status, 200, "{}", packages.text);
    let list = packages.body["items"]
        .as_array()
        .or(packages.body.as_array())
        .cloned()
        .unwrap_or_default();
    let basic = list
        .iter()
        .find(|p| p["name"] == "Basic")
        .expect("the installation's Basic package");
    assert!(
        !basic["features"]
            .as_array()
            .unwrap()
            .contains(&json!("queues")),
        "Basic has no queues: {basic}"
    );
    let r = w
        .srv
        .patch(
            &format!("/api/v1/users/{}", t.user_id),
            &t.admin_token,
            json!({"package_id": basic["id"]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    // Logging in is refused; logging out still works.
    let r = agent_status(true).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(r.code(), "no_queues_in_package", "{}", r.text);
    let r = agent_status(false).await;
    assert_eq!(r.status, 200, "{}", r.text);
    // The line cannot be made an agent again, and the refusal names its field.
    let before = w.srv.get(&queue, &t.admin_token).await;
    let r = w
        .srv
        .put(
            &queue,
            &t.admin_token,
            json!({"name": "Help", "extension": "600", "strategy": "ring_all",
                "agents": [{"line_id": t.line_id}]}),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(r.body["field"], "agents.0.line_id", "{}", r.text);
    assert_eq!(
        w.srv.get(&queue, &t.admin_token).await.body,
        before.body,
        "a refused change changes nothing"
    );
    w.srv.stop().await;
}
