//! The company administrator's pages' texts (users, lines, numbers, departments, call handling),
//! also seen by a reseller acting for a customer.

use super::Text;

pub(super) const TEXTS: &[Text] = &[];
