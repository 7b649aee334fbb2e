//! The E911 address form of a line or a number (where emergency services are sent), as typed
//! or as stored.

use crate::WebState;
use crate::session::Session;
use crate::users::Fields;
use sb_app::AppError;
use sb_app::emergency::AddressOwner;
use sb_app::views::E911AddressDoc;

/// The E911 address form, as typed or as stored.
#[derive(Default)]
pub struct E911Form {
    pub street: String,
    pub location: String,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    pub country: String,
}

impl E911Form {
    pub fn of(d: &E911AddressDoc) -> Self {
        Self {
            street: d.street.clone(),
            location: d.location.clone().unwrap_or_default(),
            city: d.city.clone(),
            region: d.region.clone().unwrap_or_default(),
            postal_code: d.postal_code.clone(),
            country: d.country.clone(),
        }
    }
    pub fn typed(f: &Fields) -> Self {
        Self {
            street: f.get("street").to_owned(),
            location: f.get("location").to_owned(),
            city: f.get("city").to_owned(),
            region: f.get("region").to_owned(),
            postal_code: f.get("postal_code").to_owned(),
            country: f.get("country").to_owned(),
        }
    }
    pub fn doc(&self) -> E911AddressDoc {
        let opt = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
        E911AddressDoc {
            street: self.street.trim().to_owned(),
            location: opt(&self.location),
            city: self.city.trim().to_owned(),
            region: opt(&self.region),
            postal_code: self.postal_code.trim().to_owned(),
            country: self.country.trim().to_uppercase(),
        }
    }
}

/// The stored E911 address of a line or number the actor may administer (already checked):
/// `None` when it has none.
pub async fn e911_of(
    s: &WebState,
    session: &Session,
    owner: AddressOwner,
    id: &str,
) -> Result<Option<E911AddressDoc>, AppError> {
    match s.app.e911_address(&session.actor, owner, id).await {
        Ok(d) => Ok(Some(d)),
        Err(AppError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}
