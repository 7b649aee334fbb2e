//! Sign-in, sign-out, re-authentication, first login, two-factor, passwords.

use super::*;
use sb_app::extension::{ExtensionInput, SignedInExtension};

pub async fn login(
    State(s): S,
    ClientIp(ip): ClientIp,
    Body(b): Body<LoginInput>,
) -> ApiResult<Json<LoginOutput>> {
    Ok(Json(s.app.login(b, ip.as_deref()).await?))
}
pub async fn logout(State(s): S, EnrolAuth(a): EnrolAuth) -> ApiResult<StatusCode> {
    s.app.logout(&a.actor, &a.token).await?;
    Ok(StatusCode::NO_CONTENT)
}
pub async fn signed_in_extension(State(s): S, a: Auth) -> ApiResult<Json<SignedInExtension>> {
    Ok(Json(s.app.signed_in_extension(&a.actor).await?))
}
pub async fn choose_extension(
    State(s): S,
    a: Auth,
    Body(b): Body<ExtensionInput>,
) -> ApiResult<Json<SignedInExtension>> {
    Ok(Json(s.app.choose_extension(&a.actor, &a.token, b).await?))
}
pub async fn reauth(
    State(s): S,
    a: Auth,
    Body(b): Body<ReauthInput>,
) -> ApiResult<Json<ReauthOutput>> {
    Ok(Json(
        s.app
            .reauth(&a.actor, b.password, b.code.as_deref())
            .await?,
    ))
}
pub async fn first_login(
    State(s): S,
    ClientIp(ip): ClientIp,
    Body(b): Body<FirstLoginInput>,
) -> ApiResult<Json<LoginOutput>> {
    Ok(Json(s.app.complete_link(b, ip.as_deref()).await?))
}
pub async fn enrol_two_factor(
    State(s): S,
    EnrolAuth(a): EnrolAuth,
) -> ApiResult<(StatusCode, Json<sb_app::twofactor::TwoFactorEnrolment>)> {
    Ok((
        StatusCode::CREATED,
        Json(s.app.enrol_two_factor(&a.actor).await?),
    ))
}
pub async fn confirm_two_factor(
    State(s): S,
    EnrolAuth(a): EnrolAuth,
    Body(b): Body<sb_app::twofactor::TwoFactorCodeInput>,
) -> ApiResult<Json<sb_app::twofactor::RecoveryCodesView>> {
    Ok(Json(s.app.confirm_two_factor(&a.actor, b).await?))
}
pub async fn remove_two_factor(State(s): S, a: Auth) -> ApiResult<StatusCode> {
    s.app.remove_two_factor(&a.actor).await?;
    Ok(StatusCode::NO_CONTENT)
}
pub async fn me(State(s): S, a: Auth) -> ApiResult<Json<MeView>> {
    Ok(Json(s.app.me(&a.actor).await?))
}
pub async fn change_password(
    State(s): S,
    a: Auth,
    Body(b): Body<ChangePasswordInput>,
) -> ApiResult<StatusCode> {
    s.app.change_own_password(&a.actor, b).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn change_passcode(
    State(s): S,
    a: Auth,
    Body(b): Body<PasscodeInput>,
) -> ApiResult<StatusCode> {
    s.app.change_passcode(&a.actor, b).await?;
    Ok(StatusCode::NO_CONTENT)
}
