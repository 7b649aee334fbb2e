//! The provider's and the reseller's own pages' texts (resellers, packages, trunks, system
//! administrators, health, customers, subscription keys).

use super::Text;

pub(super) const TEXTS: &[Text] = &[];
