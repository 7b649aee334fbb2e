#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly by design
//! Branding storage, on SQLite and PostgreSQL.

use sb_domain::branding::{Brand, LogoKind};
use sb_domain::ids::{CompanyId, ResellerId};
use sb_domain::model::Language;
use sb_store::branding;
use sb_store::tenancy::{self, Company, Reseller};
use sb_store::testdb::fresh_stores;

const T: i64 = 1_790_000_000_000;

#[tokio::test]
async fn branding_keeps_its_logo_apart_and_goes_with_its_tenant() {
    for s in fresh_stores("branding").await.unwrap() {
        let mut c = s.conn().await.unwrap();
        let r = Reseller {
            id: ResellerId::new(T),
            name: "Channel".into(),
            created_at: T,
        };
        tenancy::insert_reseller(&mut c, &r).await.unwrap();
        let co = Company {
            id: CompanyId::new(T),
            reseller_id: r.id.clone(),
            name: "Acme".into(),
            country: "FR".into(),
            time_zone: "Europe/Paris".into(),
            first_language: Language::Fr,
            second_language: None,
            sip_domain: "acme.sip.test".into(),
            max_users: 10,
            max_lines: 10,
            default_package_id: None,
            created_at: T,
        };
        tenancy::insert_company(&mut c, &co).await.unwrap();
        let (co_id, r_id) = (co.id.as_str(), r.id.as_str());
        assert_eq!(
            branding::of_company(&mut c, co_id, r_id).await.unwrap(),
            (None, None)
        );
        let above = Brand {
            product_name: Some("Channel Voice".into()),
            primary: Some("#112233".into()),
            accent: None,
            logo: Some(LogoKind::Svg),
            version: T,
        };
        branding::save(&mut c, r_id, &above, Some(Some("PHN2Zz48L3N2Zz4=")))
            .await
            .unwrap();
        let own = Brand {
            accent: Some("#aa0000".into()),
            version: T + 1,
            ..Brand::default()
        };
        branding::save(&mut c, co_id, &own, None).await.unwrap();
        assert_eq!(
            branding::of_company(&mut c, co_id, r_id).await.unwrap(),
            (Some(own.clone()), Some(above.clone()))
        );
        assert_eq!(
            branding::logo(&mut c, r_id).await.unwrap(),
            Some((LogoKind::Svg, "PHN2Zz48L3N2Zz4=".into()))
        );
        // A save without a new file keeps the stored one; Some(None) removes it.
        let renamed = Brand {
            product_name: Some("Channel Phone".into()),
            version: T + 2,
            ..above.clone()
        };
        branding::save(&mut c, r_id, &renamed, None).await.unwrap();
        assert!(branding::logo(&mut c, r_id).await.unwrap().is_some());
        branding::save(&mut c, r_id, &renamed, Some(None))
            .await
            .unwrap();
        assert_eq!(branding::logo(&mut c, r_id).await.unwrap(), None);
        let got = branding::get(&mut c, r_id).await.unwrap().unwrap();
        assert_eq!(
            (got.logo, got.product_name.as_deref()),
            (None, Some("Channel Phone"))
        );
        // Deleting the company, then the reseller, takes their branding with them.
        tenancy::delete_company(&mut c, &co.id).await.unwrap();
        assert_eq!(branding::get(&mut c, co_id).await.unwrap(), None);
        tenancy::delete_reseller(&mut c, &r.id).await.unwrap();
        assert_eq!(branding::get(&mut c, r_id).await.unwrap(), None);
    }
}
