//! The call log as JSON pages or streamed CSV, and call recording.

use super::*;
use sb_app::call_log::CallsOf;

/// A line's call log as JSON pages, or all of it as streamed CSV with `?format=csv`.
pub async fn list_line_calls(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    parts: Parts,
) -> ApiResult<Response> {
    calls_answer(s, a, CallsOf::Line(id), parts).await
}

/// A company's calls as JSON pages or streamed CSV.
pub async fn list_company_calls(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    parts: Parts,
) -> ApiResult<Response> {
    calls_answer(s, a, CallsOf::Company(id), parts).await
}

/// Click to call from one of the person's own lines: 202, the call under way.
pub async fn click_to_call(
    State(s): S,
    a: Auth,
    Body(input): Body<sb_app::click_to_call::ClickToCallInput>,
) -> ApiResult<(StatusCode, Json<sb_app::click_to_call::ClickToCallView>)> {
    let placed = s.app.click_to_call(&a.actor, input).await?;
    Ok((StatusCode::ACCEPTED, Json(placed)))
}

pub(super) async fn calls_answer(
    s: AppState,
    a: Auth,
    of: CallsOf,
    parts: Parts,
) -> ApiResult<Response> {
    let pairs = query_pairs(&parts);
    let filter = sb_app::call_log::filter_from(&pairs)?;
    let csv = wants_csv(&pairs)?;
    if !csv {
        let page = crate::extract::page_from(&parts)?;
        return Ok(Json(s.app.calls(&a.actor, &of, filter, page).await?).into_response());
    }
    const CHUNK: i64 = 5000;
    // Access is checked (and fails with a proper status) before the streaming starts.
    let mut out = String::from(
        "id,line_id,direction,other_number,other_name,started_at,duration_secs,device,status\r\n",
    );
    let page = sb_domain::query::Page::first(CHUNK);
    let next = calls_csv(&s, &a.actor, &of, &filter, &page, &mut out).await?;
    let state = (Some(out), next, s, a.actor, of, filter);
    let stream =
        futures_util::stream::unfold(state, |(ready, next, s, actor, of, filter)| async move {
            if let Some(chunk) = ready {
                return Some((Ok(chunk), (None, next, s, actor, of, filter)));
            }
            let page = sb_domain::query::Page {
                after: Some(next?),
                limit: CHUNK,
            };
            let mut out = String::new();
            match calls_csv(&s, &actor, &of, &filter, &page, &mut out).await {
                Ok(next) => Some((Ok(out), (None, next, s, actor, of, filter))),
                // The status line is gone: a cut body is all that can tell the client.
                Err(e) => Some((
                    Err(std::io::Error::other(e.message().to_owned())),
                    (None, None, s, actor, of, filter),
                )),
            }
        });
    Ok((
        [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
        HttpBody::from_stream(stream),
    )
        .into_response())
}

/// Appends one page of call records to `out` as CSV rows, written from the database row as it
/// is read; returns the next cursor.
pub(super) async fn calls_csv(
    s: &AppState,
    actor: &sb_app::Actor,
    of: &CallsOf,
    filter: &sb_domain::query::CallFilter,
    page: &sb_domain::query::Page,
    out: &mut String,
) -> Result<Option<String>, AppError> {
    out.reserve(usize::try_from(page.limit).unwrap_or(0) * 140);
    let mut n = [0; 21];
    s.app
        .calls_each(actor, of, filter, page, |r| {
            for cell in [r.id, r.line_id, r.direction, r.other_number] {
                push_cell(out, cell);
                out.push(',');
            }
            push_cell(out, r.other_name.unwrap_or(""));
            out.push(',');
            sb_domain::clock::push_rfc3339(out, r.started_at);
            out.push(',');
            out.push_str(int(&mut n, r.duration_secs));
            out.push(',');
            push_cell(out, r.device.unwrap_or(""));
            out.push(',');
            out.push_str(int(&mut n, r.status));
            out.push_str(CRLF);
        })
        .await
}

/// An integer's decimal text, written into `buf`.
pub(super) fn int(buf: &mut [u8; 21], v: i64) -> &str {
    let mut u = v.unsigned_abs();
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (u % 10) as u8;
        u /= 10;
        if u == 0 {
            break;
        }
    }
    if v < 0 {
        i -= 1;
        buf[i] = b'-';
    }
    std::str::from_utf8(&buf[i..]).unwrap_or_default()
}

/// How every CSV row ends (RFC 4180 section 2).
pub(super) const CRLF: &str = "\r\n";

use sb_app::recordings::RecordingSettingsDoc;

pub async fn get_recording_settings(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<RecordingSettingsDoc>> {
    Ok(Json(s.app.recording_settings(&a.actor, &id).await?))
}
pub async fn set_recording_settings(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<RecordingSettingsDoc>,
) -> ApiResult<Json<RecordingSettingsDoc>> {
    Ok(Json(s.app.set_recording_settings(&a.actor, &id, b).await?))
}
pub async fn list_recordings(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    parts: Parts,
) -> ApiResult<Response> {
    let csv = wants_csv(&query_pairs(&parts))?;
    let items = s.app.recordings(&a.actor, &id).await?;
    Ok(all_or_csv(
        items,
        csv,
        "id,started_at,direction,other_number,other_name,duration_secs",
        |r| {
            format!(
                "{},{},{},{},{},{}",
                r.id,
                r.started_at,
                r.direction.as_str(),
                csv_cell(&r.other_number),
                csv_cell(r.other_name.as_deref().unwrap_or("")),
                r.duration_secs
            )
        },
    ))
}
pub async fn recording_audio(State(s): S, a: Auth, Path(id): Path<String>) -> ApiResult<Response> {
    let wav = s.app.recording_audio(&a.actor, &id).await?;
    Ok(([(header::CONTENT_TYPE, "audio/wav")], wav).into_response())
}
pub async fn update_recording(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<sb_app::recordings::RecordingPatch>,
) -> ApiResult<Json<sb_app::recordings::RecordingView>> {
    Ok(Json(s.app.update_recording(&a.actor, &id, b).await?))
}
pub async fn delete_recording(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    s.app.delete_recording(&a.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    #[test]
    fn csv_integers_are_written_like_display() {
        let mut b = [0; 21];
        for v in [0, 7, 10, 599, -1, -42, i64::MAX, i64::MIN] {
            assert_eq!(super::int(&mut b, v), v.to_string());
        }
    }
}
