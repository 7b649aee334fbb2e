#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly by design
//! Texts' seen state and conversations deleted from one end, on SQLite and PostgreSQL alike.

use sb_domain::ids::{CompanyId, LineId, MessageId, ResellerId};
use sb_domain::model::Language;
use sb_store::lines::{self, Line};
use sb_store::messages::{self, StoredMessage};
use sb_store::tenancy::{self, Company, Reseller};
use sb_store::testdb::fresh_stores;

const T: i64 = 1_790_000_000_000;

fn line(co: &CompanyId, n: i64, ext: &str) -> Line {
    Line {
        id: LineId::new(T + n),
        company_id: co.clone(),
        user_id: None,
        extension: ext.into(),
        account_name: ext.into(),
        calling_name: None,
        sip_username: format!("l{}", LineId::new(T + n)),
        sip_password_sealed: "sealed".into(),
        sip_ha1_md5: "md5".into(),
        sip_ha1_sha256: "sha256".into(),
        default_number: None,
        presentation_number: None,
        created_at: T,
    }
}

#[tokio::test]
async fn a_conversation_deleted_at_one_end_stays_at_the_other_and_goes_when_neither_shows_it() {
    for s in fresh_stores("texts").await.unwrap() {
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
        let (ulf, ada) = (line(&co.id, 1, "201"), line(&co.id, 2, "202"));
        for l in [&ulf, &ada] {
            lines::insert_line(&mut c, l).await.unwrap();
        }
        let text =
            |n: i64, from: &Line, to: Option<&Line>, to_number: Option<&str>| StoredMessage {
                // Ids in the order written, as `MessageId::new` gives them in time.
                id: MessageId::from_raw(format!("01M{n:023}")),
                company_id: co.id.clone(),
                from_line_id: Some(from.id.clone()),
                from_number: from.extension.clone(),
                to_line_id: to.map(|l| l.id.clone()),
                to_number: to_number.map(str::to_owned),
                content_type: "text/plain".into(),
                body: format!("text {n}"),
                created_at: T + n,
                delivered_at: None,
                failure: None,
                seen: false,
            };
        let first = text(1, &ulf, Some(&ada), None);
        messages::insert(&mut c, &first).await.unwrap();
        messages::insert(&mut c, &text(2, &ulf, Some(&ada), None))
            .await
            .unwrap();
        let outside = text(3, &ada, None, Some("+15550100"));
        messages::insert(&mut c, &outside).await.unwrap();

        let adas = messages::of_line_with_extensions(&mut c, &ada.id)
            .await
            .unwrap();
        assert_eq!(adas.len(), 3);
        assert_eq!(
            adas[0].0.to_number.as_deref(),
            Some("+15550100"),
            "newest first"
        );
        assert_eq!(
            adas[1].1.as_deref(),
            Some("202"),
            "with the extension it went to"
        );

        messages::set_conversation_seen(&mut c, &ada.id, "201")
            .await
            .unwrap();
        let seen = messages::get(&mut c, &first.id).await.unwrap().unwrap();
        assert!(seen.seen);

        // Ada deletes her conversation with Ulf: Ulf keeps both texts, nothing waits for Ada.
        messages::hide_conversation(&mut c, &co.id, &ada.id, "201")
            .await
            .unwrap();
        let adas = messages::of_line_with_extensions(&mut c, &ada.id)
            .await
            .unwrap();
        assert_eq!(adas.len(), 1, "only the text to outside is left");
        assert_eq!(
            messages::undelivered_count(&mut c, &ada.id).await.unwrap(),
            0
        );
        let ulfs = messages::of_line_with_extensions(&mut c, &ulf.id)
            .await
            .unwrap();
        assert_eq!(ulfs.len(), 2);

        // Ulf deletes his side too: the rows go; so does a text to outside its sender deletes.
        messages::hide_conversation(&mut c, &co.id, &ulf.id, "202")
            .await
            .unwrap();
        assert!(messages::get(&mut c, &first.id).await.unwrap().is_none());
        messages::hide_conversation(&mut c, &co.id, &ada.id, "+15550100")
            .await
            .unwrap();
        assert!(messages::get(&mut c, &outside.id).await.unwrap().is_none());
    }
}
