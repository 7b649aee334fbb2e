//! Attacks on the SIP front door with the tools attackers use (sipvicious from PyPI): listing
//! extensions finds nothing, guessing a password is blocked before it can succeed (and the
//! block is audited), scanners get no answer.

use crate::kit::*;
use crate::phones::{register_at, sip_line, sipp_available};
use std::process::Command;

fn sipvicious_available() -> bool {
    let ok = Command::new("sipvicious_svwar")
        .arg("-h")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("SWITCHBOARD_REQUIRE_SIPVICIOUS").as_deref() != Ok("1"),
            "sipvicious is required: pip install sipvicious"
        );
    }
    ok
}

/// Runs a sipvicious tool; returns its exit code and output.
async fn run(tool: &str, args: Vec<String>) -> (Option<i32>, String) {
    let tool = tool.to_owned();
    tokio::task::spawn_blocking(move || {
        let out = Command::new("timeout")
            .arg("120")
            .arg(&tool)
            .args(&args)
            .output()
            .unwrap();
        (
            out.status.code(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        )
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn svwar_finds_no_extension_even_with_the_real_username_in_its_list() {
    if !sipvicious_available() {
        return;
    }
    // Scanners are answered here, so that the test shows the answers themselves leak nothing.
    let srv = start_tuned(&|f| f.sip_answer_scanners = Some(true)).await;
    let sys = srv.admin().await;
    let t = tenant(&srv, &sys, "war").await;
    let line = sip_line(&srv, &t.admin_token, &t.line_id).await;
    let sip = srv.running.as_ref().unwrap().sip_addr;
    let dir = std::env::temp_dir().join(format!("sb-svwar-{}", sip.port()));
    std::fs::create_dir_all(&dir).unwrap();
    let dict = dir.join("names.txt");
    std::fs::write(&dict, format!("100\n200\n201\nadmin\n{}\n999\n", line.user)).unwrap();
    let (code, out) = run(
        "sipvicious_svwar",
        vec![
            "-d".into(),
            dict.to_string_lossy().into_owned(),
            "--domain".into(),
            line.domain.clone(),
            "-P".into(),
            crate::phones::free_port().to_string(),
            format!("udp://{sip}"),
        ],
    )
    .await;
    // svwar's first probe is a name that cannot exist; the same challenge as for real names
    // makes it give up: nothing tells the names apart.
    assert!(
        out.contains("authentication request for an unknown extension"),
        "{out}"
    );
    assert!(!out.contains(&line.user), "svwar found the line: {out}");
    assert_eq!(code, Some(0), "svwar exits 0 when it finds nothing: {out}");
    srv.stop().await;
}

#[tokio::test]
async fn svcrack_is_blocked_before_it_reaches_the_right_password_and_the_block_is_audited() {
    if !sipvicious_available() || !sipp_available() {
        return;
    }
    let srv = start_tuned(&|f| f.sip_answer_scanners = Some(true)).await;
    let sys = srv.admin().await;
    let t = tenant(&srv, &sys, "crack").await;
    let line = sip_line(&srv, &t.admin_token, &t.line_id).await;
    let sip = srv.running.as_ref().unwrap().sip_addr;
    let dir = std::env::temp_dir().join(format!("sb-svcrack-{}", sip.port()));
    std::fs::create_dir_all(&dir).unwrap();
    // The real password is in the list, after thirty wrong ones.
    let mut words: Vec<String> = (0..30).map(|i| format!("guess{i}")).collect();
    words.push(line.password.clone());
    let dict = dir.join("passwords.txt");
    std::fs::write(&dict, words.join("\n") + "\n").unwrap();
    let (_, out) = run(
        "sipvicious_svcrack",
        vec![
            "-u".into(),
            line.user.clone(),
            "-d".into(),
            dict.to_string_lossy().into_owned(),
            "--domain".into(),
            line.domain.clone(),
            "-P".into(),
            crate::phones::free_port().to_string(),
            format!("udp://{sip}"),
        ],
    )
    .await;
    assert!(
        !out.contains(&line.password),
        "svcrack cracked the password: {out}"
    );
    let audit = srv
        .get(
            &format!("/api/v1/companies/{}/audit?kind=sip_blocked", t.company_id),
            &t.admin_token,
        )
        .await;
    let items = audit.body["items"].as_array().unwrap();
    assert!(
        items
            .iter()
            .any(|e| e["target_type"] == "sip_username" && e["target_id"] == line.user.as_str()),
        "the username block is in the company audit: {}",
        audit.text
    );
    let all = srv.get("/api/v1/audit?kind=sip_blocked", &sys).await;
    assert!(
        all.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["target_type"] == "sip_source"),
        "the source block is in the installation audit: {}",
        all.text
    );
    srv.stop().await;
}

#[tokio::test]
async fn a_guessing_stranger_does_not_lock_the_lines_own_phone_out() {
    if !sipp_available() {
        return;
    }
    let srv = start().await;
    let sys = srv.admin().await;
    let t = tenant(&srv, &sys, "lockout").await;
    let line = sip_line(&srv, &t.admin_token, &t.line_id).await;
    let sip = srv.running.as_ref().unwrap().sip_addr;
    // The phone registers first, from loopback.
    register_at(sip, &line, crate::phones::free_port()).await;
    let wrong = crate::phones::SipLine {
        password: "wrong".into(),
        ..line.clone()
    };
    // Ten wrong passwords from the phone's own address do not block the username for it (the
    // address is known), so the phone registers again afterwards.
    for _ in 0..10 {
        crate::phones::register_expecting(sip, &wrong, 403).await;
    }
    register_at(sip, &line, crate::phones::free_port()).await;
    srv.stop().await;
}

async fn svmap(sip: std::net::SocketAddr) -> String {
    run(
        "sipvicious_svmap",
        vec![
            "-P".into(),
            crate::phones::free_port().to_string(),
            "-t".into(),
            "0.5".into(),
            "-p".into(),
            sip.port().to_string(),
            sip.ip().to_string(),
        ],
    )
    .await
    .1
}

#[tokio::test]
async fn scanners_get_no_answer_at_all() {
    if !sipvicious_available() {
        return;
    }
    let srv = start().await;
    let sip = srv.running.as_ref().unwrap().sip_addr;
    let out = svmap(sip).await;
    assert!(
        !out.contains(&sip.to_string()),
        "svmap saw Switchboard: {out}"
    );
    srv.stop().await;
    // The same scan is answered when scanners are let through, so the check above can fail.
    let open = start_tuned(&|f| f.sip_answer_scanners = Some(true)).await;
    let sip = open.running.as_ref().unwrap().sip_addr;
    let out = svmap(sip).await;
    assert!(
        out.contains(&sip.to_string()),
        "svmap did not see an open server: {out}"
    );
    open.stop().await;
}
