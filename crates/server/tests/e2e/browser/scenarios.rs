//! The scenarios, in the order they run; each leaves the browser signed out.

use super::{Ctx, R, ensure};
use crate::kit::*;
use fantoccini::Locator;
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use serde_json::json;
use std::time::Instant;

/// Runs every scenario whatever the others did; answers the failures, each named.
pub async fn run_all(ctx: &Ctx) -> Vec<String> {
    let mut failed = Vec::new();
    let only = std::env::var("BROWSER_SCENARIOS").ok();
    macro_rules! scenario {
        ($($name:path),* $(,)?) => {$(
            // While working on a page: BROWSER_SCENARIOS=word[,word…] runs only the scenarios
            // whose path holds one of the words (later scenarios may rely on what earlier ones
            // left).
            if only.as_deref().is_none_or(|w| w.split(',').any(|w| stringify!($name).contains(w))) {
            let started = Instant::now();
            *ctx.scenario.lock().unwrap() = stringify!($name);
            let outcome = $name(ctx).await;
            let _ = ctx.c.delete_all_cookies().await;
            match outcome {
                Ok(()) => eprintln!("browser: {} ok in {:?}", stringify!($name), started.elapsed()),
                Err(e) => {
                    eprintln!("browser: {} FAILED: {e}", stringify!($name));
                    failed.push(format!("{}: {e}", stringify!($name)));
                }
            }
            }
        )*};
    }
    scenario!(
        each_role_lands_on_its_home_in_english_and_french,
        a_wrong_password_shows_an_alert,
        the_sign_in_form_works_with_the_keyboard_alone,
        the_language_switch_changes_the_pages_language,
        two_factor_enrolment_works_end_to_end,
        a_policy_sends_sign_in_to_enrolment_first,
        super::provider::a_reseller_creates_a_customer_and_sets_its_keys_packages_and_barring,
        super::provider::the_customer_list_searches_and_pages,
        super::provider::a_reseller_defines_its_own_package_and_offers_it_to_a_customer,
        super::provider::a_reseller_deletes_a_customer_only_after_confirming_the_consequence,
        super::provider::a_reseller_sees_no_provider_page_and_no_other_resellers_customer,
        super::provider::the_provider_manages_resellers_and_their_administrators,
        super::provider::the_provider_defines_changes_and_deletes_a_package,
        super::provider::the_provider_manages_trunks_and_never_sees_their_secrets,
        super::provider::the_provider_creates_another_system_administrator_who_can_sign_in,
        super::provider::the_health_page_shows_the_figures_of_metrics,
        super::provider::the_provider_audit_shows_who_created_what_within_each_providers_reach,
        super::company_profile::a_company_admin_names_the_assistant_and_stores_provider_credentials,
        super::company_profile::the_company_audit_shows_a_change_made_in_the_portal_newest_first_and_filters_it,
        super::company_profile::a_company_admin_offers_a_package_as_default_and_names_the_emergency_recipients,
        super::mail_access::a_company_admin_sets_mail_access_that_is_tried_and_a_wrong_port_is_refused,
        super::company::a_company_admin_finds_a_user_and_edits_the_profile,
        super::company::the_user_list_works_with_the_keyboard_alone,
        super::company::a_company_admin_adds_disables_and_deletes_a_user_told_the_audit_goes_too,
        super::company::no_answer_voicemail_after_5_s_set_in_the_browser_is_the_lines_setting_and_plan,
        super::company::a_reseller_acting_for_a_customer_works_under_a_banner_naming_it,
        super::company::notifications_message_settings_pin_and_greeting_are_set_from_the_tabs,
        super::company::messages_and_calls_filter_the_log_play_voicemail_and_export_csv,
        super::company::sip_credentials_show_once_behind_the_password_again,
        super::company::when_busy_redirect_to_another_users_line_chosen_by_extension,
        super::company::a_locked_account_is_found_unlocked_and_given_a_new_password,
        super::lines::a_company_admin_assigns_a_number_and_sets_the_presentation_number,
        super::lines::adding_a_line_beyond_the_subscription_keys_is_refused_clearly,
        super::lines::reset_line_lists_its_consequences_and_the_old_sip_password_is_refused,
        super::lines::the_device_tab_shows_the_phone_registered_now,
        super::callcentre::a_company_admin_builds_a_round_robin_queue_and_call_in_is_refused_with_ring_all,
        super::callcentre::the_live_board_shows_a_caller_waiting_in_the_queue,
        super::callcentre::a_company_admin_schedules_moves_and_cancels_a_meeting_with_its_participants,
        super::reports::a_company_admin_schedules_a_weekly_number_usage_report_and_runs_it_now,
        super::branding::a_reseller_brands_its_customers_and_a_company_admin_adds_its_own_logo,
        // Last: its call lands in the call log other scenarios count.
        super::company::no_answer_voicemail_after_5_s_set_in_the_browser_diverts_a_real_call_at_5_s,
        // After it: they change Ulf's line's call handling and add a call of their own.
        super::my::an_end_user_sets_presence_in_one_click_and_do_not_disturb_makes_a_real_call_busy,
        // After the one above, which switches off the two-factor sign-in Ulf enrolled in; it gives
        // Ulf's default line back (and removes a line it had to add).
        super::my_extension::a_person_with_several_lines_and_no_default_chooses_the_extension_after_signing_in,
        super::my::an_end_user_forwards_all_calls_to_a_saved_number_and_stops_and_a_bad_number_changes_nothing,
        super::my::an_end_user_adds_a_speed_dial_with_star_and_hash_and_removes_it_and_a_taken_code_is_refused,
        // Last of all: it adds two lines and 53 calls the earlier scenarios would count.
        super::my::the_call_log_shows_filters_pages_and_exports_only_the_persons_own_calls,
        // After it: a queue, a line, messages and a recording of its own, and Ulf's package.
        super::my::the_inbox_lists_plays_marks_and_deletes_only_the_persons_own_items,
        // After it: it gives Ulf a package of its own and gives his back at the end.
        super::my_services::an_end_user_routes_calls_and_sets_notifications_voicemail_and_pin_on_services,
        // My Profile: each puts back what it changed of Ulf (name, language, password, PIN,
        // default line, a second line, picture).
        super::my_profile::an_end_user_changes_name_and_email_and_a_bad_email_is_refused_by_its_field,
        super::my_profile::saving_french_shows_my_profile_in_french_at_once_and_the_account_keeps_it,
        super::my_profile::a_wrong_current_password_is_refused_and_the_right_one_changes_the_password,
        super::my_profile::change_passcode_changes_the_pin_alone_or_the_pin_and_password_together,
        super::my_profile::the_default_extension_is_chosen_among_the_persons_own_lines,
        super::my_profile::a_png_picture_is_served_written_anew_and_a_too_big_or_non_image_file_is_refused,
        super::my_profile::administrators_open_their_own_profile_from_the_navigation,
        // It gives Ulf a package with SMS/MMS and gives his back at the end.
        super::my_texts::a_text_written_in_the_browser_reaches_a_colleagues_phone_only_with_sms_in_the_package,
        // Conferencing and the home page's live queue figures: each puts back what it changed
        // (the queue's maximum wait, Ulf's log-in) and cancels its meeting.
        super::my_conferences::an_end_user_schedules_moves_and_cancels_a_meeting_with_a_colleague_and_a_guest,
        super::my_conferences::the_home_page_counts_a_caller_waiting_in_the_persons_queue_without_a_reload,
        super::my_contacts::an_end_user_keeps_contacts_favourites_with_presence_imports_and_exports,
        // Adds a group contact to Sales and deletes it at the end.
        super::group_contacts::an_administrator_gives_a_department_a_group_contact_its_people_see,
        // It gives Ulf a package of its own and a contact, and takes both back at the end.
        super::click_to_call::an_end_user_presses_call_beside_a_contact_and_their_own_phone_rings_first,
        // Gives Ulf a package with SMS/MMS and Ada a line if she has none; both put back.
        super::my_conversations::a_colleagues_texts_show_in_the_inbox_as_a_conversation_opened_seen_and_deleted,
        // Routes the company number back to Ulf's line, points the trunk at a fax machine and
        // puts Ulf's package back.
        super::my_fax::a_fax_number_set_on_its_page_receives_a_fax_the_person_views_marks_and_deletes,
    );
    failed
}

async fn each_role_lands_on_its_home_in_english_and_french(ctx: &Ctx) -> R {
    let people = [
        ("admin", ADMIN_PW, "/admin", "en", "System administrator"),
        ("ritaone", PW, "/admin", "fr", "Administrateur revendeur"),
        // A company administrator's home is the company's users ("All Lines → Users").
        ("adaone", PW, "/admin/companies/", "en", "All Lines: Users"),
        ("ulfone", PW, "/my", "fr", "Mon profil"),
    ];
    for (user, pw, home, lang, heading) in people {
        ctx.open(&format!("/?lang={lang}")).await?;
        let h1 = ctx.text("h1").await?;
        let expected = if lang == "fr" { "Connexion" } else { "Sign in" };
        ensure(h1 == expected, format!("{lang} sign-in page says {h1}"))?;
        ctx.fill("#username", user).await?;
        ctx.fill("#password", pw).await?;
        ctx.click("form[action='/login'] button[type=submit]")
            .await?;
        let path = ctx.path().await?;
        let arrived = path == home || (home.ends_with('/') && path.starts_with(home));
        ensure(arrived, format!("{user} landed on {path}"))?;
        if lang == "fr" {
            // The language chosen before sign-in is not the person's: switch to French here.
            ctx.click("button[name=lang][value=fr]").await?;
        }
        let h1 = ctx.text("h1").await?;
        ensure(h1 == heading, format!("{user}'s home says {h1}"))?;
        ctx.click("button[name=lang][value=en]").await?;
        ctx.sign_out().await?;
    }
    Ok(())
}

async fn a_wrong_password_shows_an_alert(ctx: &Ctx) -> R {
    ctx.sign_in("ulfone", "Wrong-Pass1!", None).await?;
    let alert = ctx.text("[role=alert]").await?;
    ensure(
        alert.contains("username or password is not correct"),
        format!("alert: {alert}"),
    )
}

async fn press(ctx: &Ctx, key: Key) -> R {
    let k: char = key.into();
    let keys = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: k })
        .then(KeyAction::Up { value: k });
    ctx.c.perform_actions(keys).await?;
    Ok(())
}

async fn focused_id(ctx: &Ctx) -> R<String> {
    let el = ctx.c.active_element().await?;
    Ok(el.attr("id").await?.unwrap_or_default())
}

/// Tab until the field with `id` has the focus (at most ten presses).
async fn tab_to(ctx: &Ctx, id: &str) -> R {
    for _ in 0..10 {
        if focused_id(ctx).await? == id {
            return Ok(());
        }
        press(ctx, Key::Tab).await?;
    }
    Err(format!("Tab never reached #{id}").into())
}

async fn the_sign_in_form_works_with_the_keyboard_alone(ctx: &Ctx) -> R {
    ctx.open("/").await?;
    tab_to(ctx, "username").await?;
    ctx.c.active_element().await?.send_keys("ulfone").await?;
    press(ctx, Key::Tab).await?;
    ensure(
        focused_id(ctx).await? == "password",
        "Tab goes from username to password",
    )?;
    ctx.c.active_element().await?.send_keys(PW).await?;
    press(ctx, Key::Enter).await?;
    let started = Instant::now();
    while ctx.path().await? != "/my" && started.elapsed().as_secs() < 5 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    ensure(ctx.path().await? == "/my", "Enter sends the form")?;
    ctx.axe().await?;
    ctx.sign_out().await
}

async fn the_language_switch_changes_the_pages_language(ctx: &Ctx) -> R {
    ctx.open("/").await?;
    ctx.click("a[hreflang=fr]").await?;
    ensure(
        ctx.text("h1").await? == "Connexion",
        "guest switch to French",
    )?;
    let lang = ctx.c.find(Locator::Css("html")).await?.attr("lang").await?;
    ensure(lang.as_deref() == Some("fr"), "html lang=fr")?;
    ctx.click("a[hreflang=en]").await?;
    ensure(ctx.text("h1").await? == "Sign in", "guest switch back")?;
    ctx.sign_in("ulfone", PW, None).await?;
    ctx.click("button[name=lang][value=fr]").await?;
    ensure(ctx.path().await? == "/my", "back to the same page")?;
    ensure(
        ctx.text("h1").await? == "Mon profil",
        "signed-in switch to French",
    )?;
    let me = ctx.w.srv.get("/api/v1/me", &ctx.w.t1.user_token).await;
    ensure(
        me.body["language"] == json!("fr"),
        format!("saved: {}", me.text),
    )?;
    ctx.click("button[name=lang][value=en]").await?;
    ensure(ctx.text("h1").await? == "My profile", "and back to English")?;
    ctx.sign_out().await
}

/// The authenticator's code `steps_ahead` 30-second steps from now (RFC 6238).
fn totp(secret: &str, steps_ahead: i64) -> String {
    use sb_domain::clock::Clock;
    use totp_rs::{Algorithm, Secret, TOTP};
    let bytes = Secret::Encoded(secret.to_owned()).to_bytes().unwrap();
    let t = TOTP::new(Algorithm::SHA1, 6, 1, 30, bytes).unwrap();
    let now = sb_domain::clock::SystemClock.now().as_second();
    t.generate(u64::try_from(now + steps_ahead * 30).unwrap())
}

async fn two_factor_enrolment_works_end_to_end(ctx: &Ctx) -> R {
    ctx.sign_in("ulfone", PW, None).await?;
    ctx.click("a[href='/my/security']").await?;
    ctx.fill("#password", PW).await?;
    ctx.click("form[action='/my/security/enrol'] button")
        .await?;
    let secret = ctx.text("#secret").await?;
    ctx.fill("#code", &totp(&secret, 0)).await?;
    ctx.click("form[action='/my/security/confirm'] button")
        .await?;
    let codes = ctx.c.find_all(Locator::Css("#recovery-codes li")).await?;
    ensure(codes.len() == 10, format!("{} recovery codes", codes.len()))?;
    let api = ctx.w.srv.login_resp("ulfone", PW).await;
    ensure(
        api.code() == "two_factor_required",
        format!("the API still takes the password alone: {}", api.text),
    )?;
    ctx.sign_out().await?;
    ctx.sign_in("ulfone", PW, None).await?;
    let alert = ctx.text("[role=alert]").await?;
    ensure(
        alert.contains("two-factor"),
        format!("without a code: {alert}"),
    )?;
    ctx.sign_in("ulfone", PW, Some(&totp(&secret, 1))).await?;
    ensure(ctx.path().await? == "/my", "signed in with a code")?;
    ctx.sign_out().await
}

async fn a_policy_sends_sign_in_to_enrolment_first(ctx: &Ctx) -> R {
    let policy = format!(
        "/api/v1/companies/{}/two-factor-policy",
        ctx.w.t2.company_id
    );
    let r = ctx
        .w
        .srv
        .put(&policy, &ctx.w.t2.admin_token, json!({"required": true}))
        .await;
    ensure(r.status == 200, format!("policy: {}", r.text))?;
    ctx.sign_in("adatwo", PW, None).await?;
    ensure(ctx.path().await? == "/my/security", "lands on enrolment")?;
    ctx.open("/admin").await?;
    ensure(ctx.path().await? == "/my/security", "nothing else opens")?;
    ctx.click("form[action='/my/security/enrol'] button")
        .await?;
    ensure(
        !ctx.text("#secret").await?.is_empty(),
        "the secret is shown",
    )?;
    ctx.sign_out().await
}
