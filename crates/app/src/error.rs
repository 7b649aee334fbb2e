//! The use-case error: what the person is told (code, message, field) is fixed here; the log
//! detail of internal failures stays in the log.

use sb_domain::Invalid;
use sb_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A value broke a rule (422).
    #[error("{0}")]
    Invalid(Invalid),
    /// The request could not be read at all (400).
    #[error("{message}")]
    BadRequest {
        code: &'static str,
        message: String,
        field: Option<String>,
    },
    /// No token, or an expired one (401).
    #[error("sign-in required")]
    Unauthenticated,
    /// Wrong username or password; the same answer whether or not the user exists (401).
    #[error("invalid credentials")]
    InvalidCredentials,
    /// Signed in, but this role may not do this inside its own tenant (403).
    #[error("{0}")]
    Forbidden(String),
    /// Does not exist, or belongs to another tenant (404).
    #[error("not found")]
    NotFound,
    /// The action conflicts with the current state (409).
    #[error("{message}")]
    Conflict {
        code: &'static str,
        message: String,
        field: Option<String>,
    },
    /// Too many wrong passwords: locked for a while, or until an administrator unlocks (423).
    #[error("account locked")]
    Locked,
    /// The password was right and the account has two-factor sign-in: send the code too (401).
    #[error("two-factor code required")]
    TwoFactorRequired,
    /// A policy requires two-factor sign-in of this user, who has not enrolled yet: the token may
    /// only enrol (403).
    #[error("two-factor enrolment required")]
    TwoFactorEnrolmentRequired,
    /// Too many attempts; try again after this many seconds (429).
    #[error("rate limited")]
    RateLimited { retry_after_secs: u64 },
    /// A failure of ours; the detail goes to the log only (500).
    #[error("internal: {0}")]
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn conflict(code: &'static str, message: impl Into<String>, field: Option<&str>) -> Self {
        AppError::Conflict {
            code,
            message: message.into(),
            field: field.map(Into::into),
        }
    }
    pub fn invalid(code: &'static str, field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid(Invalid::new(code, field, message))
    }
    pub fn forbidden(message: impl Into<String>) -> Self {
        AppError::Forbidden(message.into())
    }

    /// The stable code people and scripts match on.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Invalid(i) => i.code,
            AppError::BadRequest { code, .. } | AppError::Conflict { code, .. } => code,
            AppError::Unauthenticated => "unauthenticated",
            AppError::InvalidCredentials => "invalid_credentials",
            AppError::Forbidden(_) => "forbidden",
            AppError::NotFound => "not_found",
            AppError::Locked => "account_locked",
            AppError::TwoFactorRequired => "two_factor_required",
            AppError::TwoFactorEnrolmentRequired => "two_factor_enrolment_required",
            AppError::RateLimited { .. } => "rate_limited",
            AppError::Internal(_) => "internal_error",
        }
    }

    /// The sentence shown to the person; never a secret or an internal detail.
    pub fn message(&self) -> String {
        match self {
            AppError::Invalid(i) => i.message.clone(),
            AppError::BadRequest { message, .. } | AppError::Conflict { message, .. } => message.clone(),
            AppError::Unauthenticated => "Please sign in.".into(),
            AppError::InvalidCredentials => "The username or password is not correct.".into(),
            AppError::Forbidden(m) => m.clone(),
            AppError::NotFound => "There is no such object.".into(),
            AppError::Locked => {
                "This account is locked for a while after too many wrong passwords. Try again later, or ask an administrator to unlock it.".into()
            }
            AppError::TwoFactorRequired => {
                "Enter the code from your authenticator app (or a recovery code) as well.".into()
            }
            AppError::TwoFactorEnrolmentRequired => {
                "Your organisation requires two-factor sign-in for your account. Set it up first (POST /api/v1/me/two-factor, then /api/v1/me/two-factor/confirm with a code), then sign in again with a code.".into()
            }
            AppError::RateLimited { .. } => "Too many attempts. Please wait and try again.".into(),
            AppError::Internal(_) => "Something went wrong on our side. Please try again.".into(),
        }
    }

    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Invalid(i) => Some(&i.field),
            AppError::BadRequest { field, .. } | AppError::Conflict { field, .. } => {
                field.as_deref()
            }
            _ => None,
        }
    }
}

impl From<Invalid> for AppError {
    fn from(i: Invalid) -> Self {
        AppError::Invalid(i)
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(what) => {
                tracing::debug!(%what, "uniqueness conflict");
                AppError::conflict(
                    "already_exists",
                    "Something with this value already exists.",
                    None,
                )
            }
            other => AppError::Internal(other.to_string()),
        }
    }
}
