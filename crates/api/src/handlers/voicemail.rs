//! Voicemail: the mailbox, its settings and greeting, notifications.

use super::*;

pub async fn list_voicemails(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    parts: Parts,
) -> ApiResult<Response> {
    let csv = wants_csv(&query_pairs(&parts))?;
    let items = s.app.voicemails(&a.actor, &id).await?;
    Ok(all_or_csv(
        items,
        csv,
        "id,received_at,caller_number,caller_name,duration_secs,heard",
        |v| {
            format!(
                "{},{},{},{},{},{}",
                v.id,
                v.received_at,
                csv_cell(&v.caller_number),
                csv_cell(v.caller_name.as_deref().unwrap_or("")),
                v.duration_secs,
                v.heard
            )
        },
    ))
}

/// A small collection as `{"items": [...]}`, or with `csv` as CSV under `header`, a row per
/// item (an inbox holds at most a few hundred: one chunk).
pub(super) fn all_or_csv<T: serde::Serialize>(
    items: Vec<T>,
    csv: bool,
    header: &str,
    row: impl Fn(&T) -> String,
) -> Response {
    if !csv {
        return Json(All { items }).into_response();
    }
    let mut out = format!("{header}{CRLF}");
    for item in &items {
        out.push_str(&row(item));
        out.push_str(CRLF);
    }
    ([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], out).into_response()
}

/// `?format=csv` (true), `json` or none (false); anything else is a 422.
pub(super) fn wants_csv(pairs: &[(String, String)]) -> ApiResult<bool> {
    match pairs
        .iter()
        .find(|(k, _)| k == "format")
        .map(|(_, v)| v.as_str())
    {
        None | Some("json") => Ok(false),
        Some("csv") => Ok(true),
        Some(_) => {
            Err(AppError::invalid("invalid_format", "format", "format is json or csv.").into())
        }
    }
}

pub async fn get_notifications(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<NotificationsDoc>> {
    Ok(Json(s.app.notifications(&a.actor, &id).await?))
}

pub async fn set_notifications(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<NotificationsDoc>,
) -> ApiResult<Json<NotificationsDoc>> {
    Ok(Json(s.app.set_notifications(&a.actor, &id, b).await?))
}

/// The whole box at the contract's path: settings, greeting, counts and messages.
pub async fn get_mailbox(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<sb_app::mailbox::MailboxView>> {
    Ok(Json(s.app.mailbox(&a.actor, &id).await?))
}

pub async fn set_mailbox(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<VoicemailSettingsDoc>,
) -> ApiResult<Json<sb_app::mailbox::MailboxView>> {
    Ok(Json(s.app.set_mailbox(&a.actor, &id, b).await?))
}

pub async fn get_voicemail_settings(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<VoicemailSettingsDoc>> {
    Ok(Json(s.app.voicemail_settings(&a.actor, &id).await?))
}

pub async fn set_voicemail_settings(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<VoicemailSettingsDoc>,
) -> ApiResult<Json<VoicemailSettingsDoc>> {
    Ok(Json(s.app.set_voicemail_settings(&a.actor, &id, b).await?))
}

/// The uploaded file is the body itself (any media type: the content decides).
pub async fn set_voicemail_greeting(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    body: axum::body::Body,
) -> ApiResult<Json<GreetingView>> {
    let bytes = audio_upload(body).await?;
    Ok(Json(
        s.app.set_voicemail_greeting(&a.actor, &id, bytes).await?,
    ))
}

/// An uploaded audio file, refused (413) past the upload limit.
pub(super) async fn audio_upload(body: axum::body::Body) -> ApiResult<Vec<u8>> {
    let limit = sb_app::audio::MAX_UPLOAD_BYTES;
    let bytes = axum::body::to_bytes(body, limit + 1).await.map_err(|_| {
        crate::error::ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "file_too_large",
            "The file is larger than 10 MB; send a shorter recording.",
            Some("file".into()),
        )
    })?;
    Ok(bytes.to_vec())
}

pub async fn unlock_voice_pin(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    s.app.unlock_voice_pin(&a.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn get_voicemail_greeting(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let wav = s.app.voicemail_greeting(&a.actor, &id).await?;
    Ok(([(header::CONTENT_TYPE, "audio/wav")], wav).into_response())
}

pub async fn delete_voicemail_greeting(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    s.app.delete_voicemail_greeting(&a.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn voicemail_audio(State(s): S, a: Auth, Path(id): Path<String>) -> ApiResult<Response> {
    let wav = s.app.voicemail_audio(&a.actor, &id).await?;
    Ok(([(header::CONTENT_TYPE, "audio/wav")], wav).into_response())
}

pub async fn update_voicemail(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<VoicemailPatch>,
) -> ApiResult<Json<VoicemailView>> {
    Ok(Json(s.app.update_voicemail(&a.actor, &id, b).await?))
}

pub async fn delete_voicemail(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    s.app.delete_voicemail(&a.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn list_faxes(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    parts: Parts,
) -> ApiResult<Response> {
    let csv = wants_csv(&query_pairs(&parts))?;
    let items = s.app.faxes(&a.actor, &id).await?;
    Ok(all_or_csv(
        items,
        csv,
        "id,received_at,caller_number,caller_name,remote_ident,pages,seen",
        |f| {
            format!(
                "{},{},{},{},{},{},{}",
                f.id,
                f.received_at,
                csv_cell(&f.caller_number),
                csv_cell(f.caller_name.as_deref().unwrap_or("")),
                csv_cell(f.remote_ident.as_deref().unwrap_or("")),
                f.pages,
                f.seen
            )
        },
    ))
}
pub async fn get_fax(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<sb_app::faxes::FaxView>> {
    Ok(Json(s.app.fax(&a.actor, &id).await?))
}
pub async fn fax_document(State(s): S, a: Auth, Path(id): Path<String>) -> ApiResult<Response> {
    let pdf = s.app.fax_document(&a.actor, &id).await?;
    Ok(([(header::CONTENT_TYPE, "application/pdf")], pdf).into_response())
}
pub async fn update_fax(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<sb_app::faxes::FaxPatch>,
) -> ApiResult<Json<sb_app::faxes::FaxView>> {
    Ok(Json(s.app.update_fax(&a.actor, &id, b).await?))
}
pub async fn delete_fax(State(s): S, a: Auth, Path(id): Path<String>) -> ApiResult<StatusCode> {
    s.app.delete_fax(&a.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
