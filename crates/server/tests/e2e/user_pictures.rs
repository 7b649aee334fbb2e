//! Profile pictures through the REST API (issue 17, My Profile): a person and their
//! administrators set and remove one; it is never kept as uploaded, and nobody else reaches it.

use crate::kit::*;
use reqwest::StatusCode;

fn png_of(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut e = png::Encoder::new(&mut out, w, h);
        e.set_color(png::ColorType::Grayscale);
        e.set_depth(png::BitDepth::Eight);
        let mut wr = e.write_header().unwrap();
        wr.write_image_data(&vec![128; (w * h) as usize]).unwrap();
    }
    out.extend_from_slice(b"<script>after the end</script>");
    out
}

/// PUT or GET of a picture with a raw body: status, content type, bytes.
async fn send(
    srv: &Srv,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<Vec<u8>>,
) -> (StatusCode, String, Vec<u8>) {
    let mut rb = srv
        .http
        .request(method, format!("{}{path}", srv.base))
        .bearer_auth(token);
    if let Some(b) = body {
        rb = rb.header("content-type", "image/png").body(b);
    }
    let r = rb.send().await.unwrap();
    let kind = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (r.status(), kind, r.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn a_person_and_their_administrator_set_a_picture_written_anew_and_nobody_else_reaches_it() {
    use reqwest::Method;
    let w = world().await;
    let (t1, t2) = (&w.t1, &w.t2);
    let ulf = format!("/api/v1/users/{}/picture", t1.user_id);
    let ada = format!("/api/v1/users/{}/picture", t1.admin_id);
    let sent = png_of(512, 512);
    let (status, _, _) = send(
        &w.srv,
        Method::PUT,
        &ulf,
        &t1.user_token,
        Some(sent.clone()),
    )
    .await;
    assert_eq!(status, 204);
    let (status, kind, kept) = send(&w.srv, Method::GET, &ulf, &t1.user_token, None).await;
    assert_eq!((status, kind.as_str()), (StatusCode::OK, "image/png"));
    assert_ne!(kept, sent, "written anew, never as uploaded");
    let info = png::Decoder::new(std::io::Cursor::new(&kept))
        .read_info()
        .unwrap();
    assert_eq!((info.info().width, info.info().height), (256, 256));
    // His administrator reads and removes it; an end user cannot touch his administrator's,
    // and another company's people do not find it.
    let (status, _, _) = send(&w.srv, Method::GET, &ulf, &t1.admin_token, None).await;
    assert_eq!(status, 200);
    let (status, _, _) = send(
        &w.srv,
        Method::PUT,
        &ada,
        &t1.user_token,
        Some(sent.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    for token in [&t2.admin_token, &t2.user_token] {
        let (status, _, _) = send(&w.srv, Method::GET, &ulf, token, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let gif = Some(b"GIF89a".to_vec());
    let (status, _, body) = send(&w.srv, Method::PUT, &ulf, &t1.user_token, gif).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let why: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(why["code"], "picture_not_png", "{why}");
    let mut big = sent[..8].to_vec();
    big.resize(600 * 1024, 0);
    let (status, _, _) = send(&w.srv, Method::PUT, &ulf, &t1.user_token, Some(big)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let (_, _, still) = send(&w.srv, Method::GET, &ulf, &t1.user_token, None).await;
    assert_eq!(still, kept, "a refused file changes nothing");
    assert_eq!(w.srv.delete(&ulf, &t1.admin_token).await.status, 204);
    assert_eq!(w.srv.get(&ulf, &t1.user_token).await.status, 404);
    assert_eq!(w.srv.delete(&ulf, &t1.user_token).await.status, 404);
}
