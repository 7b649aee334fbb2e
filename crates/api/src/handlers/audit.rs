//! The audit lists, as JSON pages or CSV, and a line's messages and conversations.

use super::*;

/// Reads `user_id`, `kind`, `from`, `to` (RFC 3339) and `order` (`oldest`, the default, or
/// `newest`) of the audit routes.
pub(super) fn audit_filter(parts: &Parts) -> ApiResult<(AuditFilter, bool)> {
    let mut f = AuditFilter::default();
    let mut csv = false;
    let time =
        |field: &str, v: &str| -> ApiResult<i64> { Ok(parse_time(field, v)?.as_millisecond()) };
    for (k, v) in query_pairs(parts) {
        match k.as_str() {
            "user_id" if sb_domain::ids::looks_like_id(&v) => {
                f.user = Some(sb_domain::ids::UserId::from_raw(v))
            }
            "user_id" => {
                return Err(AppError::invalid(
                    "invalid_user_id",
                    "user_id",
                    "This is not a user id.",
                )
                .into());
            }
            "kind" => {
                f.kind = Some(AuditKind::from_text(&v).ok_or_else(|| -> ApiError {
                    AppError::invalid("invalid_kind", "kind", "Unknown audit kind.").into()
                })?)
            }
            "from" => f.from_ms = Some(time("from", &v)?),
            "to" => f.to_ms = Some(time("to", &v)?),
            "order" if v == "newest" => f.newest_first = true,
            "order" if v == "oldest" => {}
            "order" => {
                return Err(AppError::invalid(
                    "invalid_order",
                    "order",
                    "order is newest or oldest.",
                )
                .into());
            }
            "format" if v == "csv" => csv = true,
            "format" if v == "json" => {}
            "format" => {
                return Err(AppError::invalid(
                    "invalid_format",
                    "format",
                    "format is json or csv.",
                )
                .into());
            }
            _ => {}
        }
    }
    Ok((f, csv))
}

/// The company audit as JSON pages, or all of it as streamed CSV with `?format=csv`.
pub async fn list_audit(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    parts: Parts,
) -> ApiResult<Response> {
    audit_answer(s, a, Some(sb_domain::ids::CompanyId::from_raw(id)), parts).await
}

/// The installation's audit for the system administrator, a reseller's for its administrators.
pub async fn list_installation_audit(State(s): S, a: Auth, parts: Parts) -> ApiResult<Response> {
    audit_answer(s, a, None, parts).await
}

pub(super) async fn audit_answer(
    s: AppState,
    a: Auth,
    company: Option<sb_domain::ids::CompanyId>,
    parts: Parts,
) -> ApiResult<Response> {
    let (filter, csv) = audit_filter(&parts)?;
    if !csv {
        let page = crate::extract::page_from(&parts)?;
        let list = s
            .app
            .list_audit(&a.actor, company.as_ref(), filter, page)
            .await?;
        return Ok(Json(list).into_response());
    }
    // Check access (and fail with a proper status) before the streaming starts.
    let first = s
        .app
        .list_audit(
            &a.actor,
            company.as_ref(),
            filter.clone(),
            sb_domain::query::Page::first(500),
        )
        .await?;
    let header_row =
        "id,at,kind,actor_id,actor_name,source_ip,target_type,target_id,summary\r\n".to_string();
    let state = (Some(first), s, a.actor, company, filter, Some(header_row));
    let stream = futures_util::stream::unfold(
        state,
        |(pending, s, actor, company, filter, head)| async move {
            if let Some(h) = head {
                return Some((
                    Ok::<_, std::io::Error>(h),
                    (pending, s, actor, company, filter, None),
                ));
            }
            let page = pending?;
            let mut out = String::new();
            for e in &page.items {
                let row = [
                    e.id.clone(),
                    e.at.clone(),
                    e.kind.as_str().to_owned(),
                    e.actor_id.clone().unwrap_or_default(),
                    e.actor_name.clone(),
                    e.source_ip.clone().unwrap_or_default(),
                    e.target_type.clone(),
                    e.target_id.clone().unwrap_or_default(),
                    e.summary.to_string(),
                ];
                out.push_str(
                    &row.iter()
                        .map(|c| csv_cell(c))
                        .collect::<Vec<_>>()
                        .join(","),
                );
                out.push_str(CRLF);
            }
            let next = match page.next_cursor {
                Some(c) => {
                    let p = sb_domain::query::Page {
                        after: Some(c),
                        limit: 500,
                    };
                    s.app
                        .list_audit(&actor, company.as_ref(), filter.clone(), p)
                        .await
                        .ok()
                }
                None => None,
            };
            Some((Ok(out), (next, s, actor, company, filter, None)))
        },
    );
    Ok((
        [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
        HttpBody::from_stream(stream),
    )
        .into_response())
}

pub async fn list_line_messages(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Paging(p): Paging,
) -> ApiResult<Json<ListPage<MessageView>>> {
    Ok(Json(s.app.line_messages(&a.actor, &id, p).await?))
}

pub async fn list_conversations(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<All<sb_app::conversations::ConversationView>>> {
    Ok(Json(All {
        items: s.app.conversations(&a.actor, &id).await?,
    }))
}

pub async fn update_message(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(b): Body<sb_app::conversations::MessagePatch>,
) -> ApiResult<Json<MessageView>> {
    Ok(Json(s.app.update_message(&a.actor, &id, b).await?))
}

pub async fn send_line_message(
    State(s): S,
    a: Auth,
    Path(id): Path<String>,
    Body(input): Body<SendMessageInput>,
) -> ApiResult<Created<MessageView>> {
    Ok(created(s.app.send_message(&a.actor, &id, input).await?))
}
