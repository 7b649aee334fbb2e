//! The route table: every REST route once, with what the OpenAPI document says about it. The
//! router and the document are both built from this table, so they cannot drift apart, and the
//! isolation tests walk it so that a new route is covered automatically.

use crate::AppState;
use crate::handlers as h;
use axum::routing::{MethodRouter, delete, get, patch, post, put};
use sb_app::branding::kind::{Company, Reseller};
use sb_app::emergency::kind::{Line, Number};

/// What a route answers on success.
#[derive(Debug, Clone, Copy)]
pub enum Answer {
    /// 200 with this schema.
    Ok(&'static str),
    /// 200 with a page of this schema.
    List(&'static str),
    /// 201 with this schema.
    Created(&'static str),
    /// 204, no body.
    NoContent,
    /// 200, JSON or (with `?format=csv`) CSV pages of this schema.
    ListOrCsv(&'static str),
    /// 200 with every item of this schema, `{"items": [...]}` (small collections).
    All(&'static str),
    /// [`Answer::All`], or with `?format=csv` every item as CSV.
    AllOrCsv(&'static str),
    /// 200 with a file of this media type.
    File(&'static str),
}

pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    pub id: &'static str,
    pub summary: &'static str,
    pub tag: &'static str,
    /// Schema of the JSON body, when there is one; `file:<media types>` for a file upload.
    pub body: Option<&'static str>,
    pub answer: Answer,
    /// False for the routes that work without signing in.
    pub auth: bool,
    pub handler: fn() -> MethodRouter<AppState>,
}

/// A route whose handler is named like its operation; or, with the handler in parentheses
/// after the operation's name, one handler generic over a kind of owner serving several routes.
macro_rules! r {
    ($m:ident $path:literal $id:ident ($handler:expr) $tag:literal $body:expr, $ans:expr, $auth:expr, $sum:literal) => {
        Route {
            method: stringify!($m),
            path: $path,
            id: stringify!($id),
            summary: $sum,
            tag: $tag,
            body: $body,
            answer: $ans,
            auth: $auth,
            handler: || $m($handler),
        }
    };
    ($m:ident $path:literal $id:ident $tag:literal $body:expr, $ans:expr, $auth:expr, $sum:literal) => {
        r!($m $path $id (h::$id) $tag $body, $ans, $auth, $sum)
    };
}

use Answer::*;
const N: Option<&str> = None;

#[expect(clippy::too_many_lines, reason = "the route table: one line per route")]
pub fn routes() -> Vec<Route> {
    vec![
        r!(post "/api/v1/auth/login" login "auth" Some("LoginInput"), Ok("LoginOutput"), false, "Sign in with username and password"),
        r!(post "/api/v1/auth/logout" logout "auth" N, NoContent, true, "End this token"),
        r!(get "/api/v1/auth/extension" signed_in_extension "auth" N, Ok("SignedInExtension"), true, "The extension this token is signed in to and the person's extensions"),
        r!(post "/api/v1/auth/extension" choose_extension "auth" Some("ExtensionInput"), Ok("SignedInExtension"), true, "Sign this token in to another of the person's own extensions (needed after a sign-in that answered extension_choice_required)"),
        r!(post "/api/v1/auth/reauth" reauth "auth" Some("ReauthInput"), Ok("ReauthOutput"), true, "Confirm the password again for a short-lived elevated token"),
        r!(post "/api/v1/auth/first-login" first_login "auth" Some("FirstLoginInput"), Ok("LoginOutput"), false, "Complete a one-time link: choose username and password"),
        r!(get "/api/v1/me" me "auth" N, Ok("MeView"), true, "Who is signed in, with role, tenant, features and lines"),
        r!(post "/api/v1/me/password" change_password "auth" Some("ChangePasswordInput"), NoContent, true, "Change one's own password (needs the current one)"),
        r!(post "/api/v1/me/passcode" change_passcode "auth" Some("PasscodeInput"), NoContent, true, "Change the voicemail PIN, the login password, or both (needs the current password)"),
        r!(post "/api/v1/me/two-factor" enrol_two_factor "auth" N, Created("TwoFactorEnrolment"), true, "Start two-factor sign-in (elevated token): a new secret as otpauth URI and QR code"),
        r!(post "/api/v1/me/two-factor/confirm" confirm_two_factor "auth" Some("TwoFactorCodeInput"), Ok("RecoveryCodesView"), true, "Confirm two-factor sign-in with a first code; answers the recovery codes, once"),
        r!(delete "/api/v1/me/two-factor" remove_two_factor "auth" N, NoContent, true, "Switch two-factor sign-in off (elevated token)"),
        r!(get "/api/v1/two-factor-policy" installation_two_factor_policy "auth" N, Ok("TwoFactorPolicy"), true, "Whether system and reseller administrators must use two-factor sign-in (system administrators)"),
        r!(put "/api/v1/two-factor-policy" set_installation_two_factor_policy "auth" Some("TwoFactorPolicy"), Ok("TwoFactorPolicy"), true, "Require two-factor sign-in of system and reseller administrators, or not (system administrators)"),
        r!(get "/api/v1/resellers" list_resellers "resellers" N, List("ResellerView"), true, "List resellers"),
        r!(post "/api/v1/resellers" create_reseller "resellers" Some("ResellerInput"), Created("ResellerView"), true, "Create a reseller (system administrators)"),
        r!(get "/api/v1/resellers/{id}" get_reseller "resellers" N, Ok("ResellerView"), true, "Read a reseller"),
        r!(patch "/api/v1/resellers/{id}" update_reseller "resellers" Some("ResellerInput"), Ok("ResellerView"), true, "Rename a reseller"),
        r!(delete "/api/v1/resellers/{id}" delete_reseller "resellers" N, NoContent, true, "Delete a reseller without companies"),
        r!(post "/api/v1/resellers/{id}/admins" create_reseller_admin "resellers" Some("ResellerAdminInput"), Created("UserView"), true, "Create a reseller administrator"),
        r!(get "/api/v1/resellers/{id}/admins" list_reseller_admins "resellers" N, All("UserView"), true, "A reseller's administrators (system administrators, or the reseller's own)"),
        r!(get "/api/v1/system-admins" list_system_admins "system-admins" N, All("UserView"), true, "The installation's system administrators (system administrators)"),
        r!(post "/api/v1/system-admins" create_system_admin "system-admins" Some("ResellerAdminInput"), Created("UserView"), true, "Create another system administrator (system administrators; the same fields as a reseller administrator)"),
        r!(get "/api/v1/packages" list_packages "packages" N, List("PackageView"), true, "List the service packages visible to the caller"),
        r!(post "/api/v1/packages" create_package "packages" Some("PackageInput"), Created("PackageView"), true, "Define a service package (system and reseller administrators)"),
        r!(get "/api/v1/packages/{id}" get_package "packages" N, Ok("PackageView"), true, "Read a service package"),
        r!(patch "/api/v1/packages/{id}" update_package "packages" Some("PackagePatch"), Ok("PackageView"), true, "Change a service package"),
        r!(delete "/api/v1/packages/{id}" delete_package "packages" N, NoContent, true, "Delete an unused service package"),
        r!(get "/api/v1/companies" list_companies "companies" N, List("CompanyView"), true, "List the companies visible to the caller"),
        r!(post "/api/v1/companies" create_company "companies" Some("CompanyInput"), Created("CompanyView"), true, "Create a company (reseller and system administrators)"),
        r!(get "/api/v1/companies/{id}" get_company "companies" N, Ok("CompanyView"), true, "Read a company profile"),
        r!(patch "/api/v1/companies/{id}" update_company "companies" Some("CompanyPatch"), Ok("CompanyView"), true, "Change the company profile"),
        r!(delete "/api/v1/companies/{id}" delete_company "companies" N, NoContent, true, "Delete a company and everything it owns"),
        r!(put "/api/v1/companies/{id}/subscription" set_subscription "companies" Some("SubscriptionInput"), Ok("CompanyView"), true, "Set subscription keys (reseller and system administrators)"),
        r!(put "/api/v1/companies/{id}/packages" set_packages "companies" Some("OfferedPackagesInput"), Ok("CompanyView"), true, "Choose offered packages and the default"),
        r!(get "/api/v1/companies/{id}/profile" get_company_profile "companies" N, Ok("CompanyProfileView"), true, "The company profile's assistant, administrator phone and whether provider and PBX credentials are set (never the credentials)"),
        r!(patch "/api/v1/companies/{id}/profile" set_company_profile "companies" Some("CompanyProfileInput"), Ok("CompanyProfileView"), true, "Change the virtual assistant (sender of the company's mail), administrator phone, or the write-only provider and PBX credentials; null clears"),
        r!(get "/api/v1/companies/{id}/two-factor-policy" company_two_factor_policy "companies" N, Ok("TwoFactorPolicy"), true, "Whether the company's administrators must use two-factor sign-in"),
        r!(put "/api/v1/companies/{id}/two-factor-policy" set_company_two_factor_policy "companies" Some("TwoFactorPolicy"), Ok("TwoFactorPolicy"), true, "Require two-factor sign-in of the company's administrators, or not (its administrators and provider)"),
        r!(get "/api/v1/companies/{id}/bill" company_bill "companies" N, Ok("BillView"), true, "The company bill (needs an elevated token from /auth/reauth)"),
        r!(get "/api/v1/companies/{id}/departments" list_departments "departments" N, List("DepartmentView"), true, "List departments"),
        r!(get "/api/v1/companies/{id}/department-calls" department_calls "departments" N, List("DepartmentCallsView"), true, "Each department's calls in progress now"),
        r!(post "/api/v1/companies/{id}/departments" create_department "departments" Some("DepartmentInput"), Created("DepartmentView"), true, "Add a department"),
        r!(get "/api/v1/departments/{id}" get_department "departments" N, Ok("DepartmentView"), true, "Read a department"),
        r!(patch "/api/v1/departments/{id}" update_department "departments" Some("DepartmentPatch"), Ok("DepartmentView"), true, "Change a department"),
        r!(delete "/api/v1/departments/{id}" delete_department "departments" N, NoContent, true, "Delete an empty department"),
        r!(get "/api/v1/companies/{id}/users" list_users "users" N, List("UserView"), true, "List a company's users (filters q: part of a name, username, e-mail, extension or number; department_id; role; enabled and locked: true or false)"),
        r!(post "/api/v1/companies/{id}/users" create_user "users" Some("UserInput"), Created("CreatedUser"), true, "Create a user"),
        r!(get "/api/v1/users/{id}" get_user "users" N, Ok("UserView"), true, "Read a user"),
        r!(patch "/api/v1/users/{id}" update_user "users" Some("UserPatch"), Ok("UserView"), true, "Change a user (name, e-mail, role, department, package, language, default line)"),
        r!(delete "/api/v1/users/{id}" delete_user "users" N, NoContent, true, "Delete a user and the user's audit records"),
        r!(post "/api/v1/users/{id}/disable" disable_user "users" N, Ok("UserView"), true, "Disable a user (audit records kept)"),
        r!(post "/api/v1/users/{id}/enable" enable_user "users" N, Ok("UserView"), true, "Enable a user"),
        r!(post "/api/v1/users/{id}/unlock" unlock_user "users" N, Ok("UserView"), true, "Unlock an account locked by wrong passwords"),
        r!(delete "/api/v1/users/{id}/two-factor" reset_user_two_factor "users" N, NoContent, true, "Switch off a user's two-factor sign-in (a lost phone), with the rules of unlocking"),
        r!(post "/api/v1/users/{id}/reset-password" reset_password "users" Some("ResetPasswordInput"), Ok("ResetPasswordOutput"), true, "Set a new password or issue a one-time reset link"),
        r!(get "/api/v1/companies/{id}/lines" list_lines "lines" N, List("LineView"), true, "List a company's lines"),
        r!(post "/api/v1/companies/{id}/lines" create_line "lines" Some("LineInput"), Created("LineView"), true, "Create a line"),
        r!(get "/api/v1/lines/{id}" get_line "lines" N, Ok("LineView"), true, "Read a line"),
        r!(patch "/api/v1/lines/{id}" update_line "lines" Some("LinePatch"), Ok("LineView"), true, "Change a line"),
        r!(delete "/api/v1/lines/{id}" delete_line "lines" N, NoContent, true, "Delete a line"),
        r!(get "/api/v1/lines/{id}/sip-credentials" line_credentials "lines" N, Ok("SipCredentialsView"), true, "Read the line's SIP credentials (administrators, with an elevated token from /auth/reauth)"),
        r!(get "/api/v1/lines/{id}/registrations" line_registrations "lines" N, All("RegistrationView"), true, "The devices registered on the line now: contact, source address, user agent and expiry (never credentials)"),
        r!(post "/api/v1/lines/{id}/sip-credentials/reset" reset_line_credentials "lines" N, Ok("SipCredentialsView"), true, "Give the line a new SIP password (needs an elevated token from /auth/reauth)"),
        r!(get "/api/v1/lines/{id}/call-handling" get_call_handling "call-handling" N, Ok("CallHandlingDoc"), true, "The line's call-handling settings"),
        r!(put "/api/v1/lines/{id}/call-handling" put_call_handling "call-handling" Some("CallHandlingDoc"), Ok("CallHandlingDoc"), true, "Replace the line's call-handling settings (validated as a whole)"),
        r!(post "/api/v1/lines/{id}/call-handling/explain" explain_call "call-handling" Some("ExplainInput"), Ok("ExplainView"), true, "What would happen if this caller rang the line at that time"),
        r!(get "/api/v1/lines/{id}/voice-pin" get_voice_pin "call-handling" N, Ok("VoicePinView"), true, "Whether the line has a voice-portal PIN"),
        r!(put "/api/v1/lines/{id}/voice-pin" set_voice_pin "call-handling" Some("VoicePinInput"), NoContent, true, "Set the line's voice-portal PIN (6 digits, not trivial; kept hashed)"),
        r!(post "/api/v1/lines/{id}/voice-pin/unlock" unlock_voice_pin "call-handling" N, NoContent, true, "Open a mailbox that wrong PINs locked (administrators, or the line's user)"),
        r!(delete "/api/v1/lines/{id}/voice-pin" delete_voice_pin "call-handling" N, NoContent, true, "Remove the PIN: no voice-portal access"),
        r!(post "/api/v1/lines/{id}/reset" reset_line "lines" Some("ResetLineInput"), Ok("LineView"), true, "Reset the line: new account name, new SIP password, everything saved for it cleared (optionally out of its queues)"),
        r!(get "/api/v1/users/{id}/picture" get_user_picture "users" N, File("image/png"), true, "The user's profile picture, a PNG (404 when there is none)"),
        r!(put "/api/v1/users/{id}/picture" set_user_picture "users" Some("file:image/png"), NoContent, true, "Upload the user's profile picture: a PNG of at most 512 KiB and 2048 pixels each way, written anew and scaled down to fit 256 pixels (the user and their administrators)"),
        r!(delete "/api/v1/users/{id}/picture" delete_user_picture "users" N, NoContent, true, "Remove the user's profile picture"),
        r!(get "/api/v1/users/{id}/presence" get_presence "users" N, Ok("PresenceView"), true, "The user's presence status"),
        r!(put "/api/v1/users/{id}/presence" set_presence "users" Some("PresenceView"), Ok("PresenceView"), true, "Set the presence status (do not disturb sends callers to the busy handling)"),
        r!(get "/api/v1/users/{id}/saved-numbers" get_saved_numbers "users" N, Ok("SavedNumbersDoc"), true, "The user's saved forwarding numbers"),
        r!(put "/api/v1/users/{id}/saved-numbers" set_saved_numbers "users" Some("SavedNumbersDoc"), Ok("SavedNumbersDoc"), true, "Replace the user's saved forwarding numbers (at most 20)"),
        r!(get "/api/v1/users/{id}/speed-dials" get_speed_dials "users" N, Ok("SpeedDialsDoc"), true, "The user's speed dials: codes dialled after *0 from any of their lines"),
        r!(put "/api/v1/users/{id}/speed-dials" set_speed_dials "users" Some("SpeedDialsDoc"), Ok("SpeedDialsDoc"), true, "Replace the user's speed dials (at most 100; codes of one or two digits, numbers with * and #)"),
        r!(get "/api/v1/users/{id}/contacts" list_contacts "contacts" N, AllOrCsv("ContactView"), true, "The user's own contacts, favourites first, then by name (?format=csv: RFC 4180 with label_n,number_n column pairs)"),
        r!(post "/api/v1/users/{id}/contacts" create_contact "contacts" Some("ContactInput"), Created("ContactView"), true, "Add a contact: name, company, e-mail, one to ten numbers (at most 1000 contacts)"),
        r!(get "/api/v1/users/{id}/contacts.vcf" export_contacts_vcard "contacts" N, File("text/vcard"), true, "The user's own contacts as one vCard 4.0 file"),
        r!(post "/api/v1/users/{id}/contacts/import" import_contacts "contacts" Some("file:text/vcard, text/csv"), Ok("ContactImportView"), true, "Add every contact of a vCard (3.0, 4.0) or CSV file of at most 1 MiB, or none: the first bad card or row is refused with its line"),
        r!(get "/api/v1/contacts/{id}" get_contact "contacts" N, Ok("ContactView"), true, "Read one of a user's contacts"),
        r!(put "/api/v1/contacts/{id}" update_contact "contacts" Some("ContactInput"), Ok("ContactView"), true, "Replace a contact's fields and numbers"),
        r!(delete "/api/v1/contacts/{id}" delete_contact "contacts" N, NoContent, true, "Delete a contact"),
        r!(get "/api/v1/users/{id}/directory" company_directory "contacts" N, List("DirectoryEntryView"), true, "The user's company directory: enabled colleagues with extensions, numbers and presence (q: part of a name, extension or number)"),
        r!(get "/api/v1/users/{id}/favourites" get_favourites "contacts" N, Ok("FavouritesView"), true, "The user's favourites: colleagues with their presence, and favourite contacts"),
        r!(put "/api/v1/users/{id}/favourites" set_favourites "contacts" Some("FavouriteColleaguesDoc"), Ok("FavouritesView"), true, "Replace the colleagues the user keeps as favourites (at most 100, of their company)"),
        r!(get "/api/v1/companies/{id}/numbers" list_numbers "numbers" N, List("NumberView"), true, "List a company's numbers"),
        r!(post "/api/v1/companies/{id}/numbers" create_number "numbers" Some("NumberInput"), Created("NumberView"), true, "Add a number (DID)"),
        r!(get "/api/v1/numbers/{id}" get_number "numbers" N, Ok("NumberView"), true, "Read a number"),
        r!(patch "/api/v1/numbers/{id}" update_number "numbers" Some("NumberPatch"), Ok("NumberView"), true, "Route a number to a line"),
        r!(delete "/api/v1/numbers/{id}" delete_number "numbers" N, NoContent, true, "Delete a number"),
        r!(get "/api/v1/companies/{id}/audit" list_audit "audit" N, ListOrCsv("AuditView"), true, "The activity audit (filters user_id, kind, from, to; order=newest for newest first; ?format=csv)"),
        r!(get "/api/v1/lines/{id}/calls" list_line_calls "calls" N, ListOrCsv("CallRecordView"), true, "A line's call log, newest first (filters direction, from, to; ?format=csv)"),
        r!(get "/api/v1/companies/{id}/calls" list_company_calls "calls" N, ListOrCsv("CallRecordView"), true, "Every call of a company, for its administrators (same filters and CSV)"),
        r!(get "/api/v1/lines/{id}/messages" list_line_messages "calls" N, List("MessageView"), true, "A line's SIP messages, sent and received, newest first"),
        r!(post "/api/v1/lines/{id}/messages" send_line_message "calls" Some("SendMessageInput"), Created("MessageView"), true, "Send a text from the line to a colleague's extension (needs sms_mms in the line's user's package): kept, and handed to their registered phones as SIP MESSAGE at once, or when they next register"),
        r!(get "/api/v1/lines/{id}/voicemail" get_mailbox "voicemail" N, Ok("MailboxView"), true, "A line's voicemail box in one read: where messages are mailed, the greeting, how many are new, and the messages newest first"),
        r!(put "/api/v1/lines/{id}/voicemail" set_mailbox "voicemail" Some("VoicemailSettingsDoc"), Ok("MailboxView"), true, "Choose where the box's new messages are mailed (as voicemail-settings); answers the whole box"),
        r!(get "/api/v1/lines/{id}/voicemails" list_voicemails "voicemail" N, AllOrCsv("VoicemailView"), true, "A line's voicemail messages, newest first (?format=csv)"),
        r!(get "/api/v1/lines/{id}/notifications" get_notifications "voicemail" N, Ok("NotificationsDoc"), true, "Whether the line's user is mailed about missed calls and new voicemail"),
        r!(put "/api/v1/lines/{id}/notifications" set_notifications "voicemail" Some("NotificationsDoc"), Ok("NotificationsDoc"), true, "Choose the mails about missed calls and new voicemail (to the user's e-mail address)"),
        r!(get "/api/v1/lines/{id}/voicemail-settings" get_voicemail_settings "voicemail" N, Ok("VoicemailSettingsDoc"), true, "Where a line's new voicemail messages are mailed"),
        r!(put "/api/v1/lines/{id}/voicemail-settings" set_voicemail_settings "voicemail" Some("VoicemailSettingsDoc"), Ok("VoicemailSettingsDoc"), true, "Mail new messages (audio attached) to up to five addresses; keep or drop them in the mailbox"),
        r!(put "/api/v1/lines/{id}/voicemail-greeting" set_voicemail_greeting "voicemail" Some("file:audio/wav, audio/mpeg"), Ok("GreetingView"), true, "Upload the line's own greeting: WAV or MP3, at most 10 MB and 2 minutes (converted to 8 kHz)"),
        r!(get "/api/v1/lines/{id}/voicemail-greeting" get_voicemail_greeting "voicemail" N, File("audio/wav"), true, "The line's own greeting (404 while it uses the standard one)"),
        r!(delete "/api/v1/lines/{id}/voicemail-greeting" delete_voicemail_greeting "voicemail" N, NoContent, true, "Go back to the standard greeting"),
        r!(get "/api/v1/voicemails/{id}/audio" voicemail_audio "voicemail" N, File("audio/wav"), true, "A voicemail message's audio (WAV, 8 kHz, 16-bit)"),
        r!(patch "/api/v1/voicemails/{id}" update_voicemail "voicemail" Some("VoicemailPatch"), Ok("VoicemailView"), true, "Mark a voicemail message heard, or new again"),
        r!(delete "/api/v1/voicemails/{id}" delete_voicemail "voicemail" N, NoContent, true, "Delete a voicemail message"),
        r!(get "/api/v1/lines/{id}/recording" get_recording_settings "recording" N, Ok("RecordingSettingsDoc"), true, "Whether the line's calls are recorded"),
        r!(put "/api/v1/lines/{id}/recording" set_recording_settings "recording" Some("RecordingSettingsDoc"), Ok("RecordingSettingsDoc"), true, "Record the line's calls, or stop (on needs call_recording in the line's user's package)"),
        r!(get "/api/v1/lines/{id}/recordings" list_recordings "recording" N, AllOrCsv("RecordingView"), true, "The line's recorded calls, newest first (?format=csv)"),
        r!(get "/api/v1/recordings/{id}/audio" recording_audio "recording" N, File("audio/wav"), true, "A recorded call's audio (WAV, 8 kHz, 16-bit, both sides mixed)"),
        r!(patch "/api/v1/recordings/{id}" update_recording "recording" Some("RecordingPatch"), Ok("RecordingView"), true, "Mark a recorded call heard (saved), or new again"),
        r!(delete "/api/v1/recordings/{id}" delete_recording "recording" N, NoContent, true, "Delete a recorded call"),
        r!(get "/api/v1/trunks" list_installation_trunks "trunks" N, List("TrunkView"), true, "The installation's trunks, serving companies without their own (system administrator)"),
        r!(post "/api/v1/trunks" create_installation_trunk "trunks" Some("TrunkInput"), Created("TrunkView"), true, "Add an installation trunk (system administrator)"),
        r!(get "/api/v1/companies/{id}/trunks" list_company_trunks "trunks" N, List("TrunkView"), true, "A company's trunks (its providers)"),
        r!(post "/api/v1/companies/{id}/trunks" create_company_trunk "trunks" Some("TrunkInput"), Created("TrunkView"), true, "Add a trunk for a company (its providers)"),
        r!(get "/api/v1/trunks/{id}" get_trunk "trunks" N, Ok("TrunkView"), true, "Read a trunk (the password is never shown)"),
        r!(put "/api/v1/trunks/{id}" update_trunk "trunks" Some("TrunkInput"), Ok("TrunkView"), true, "Replace a trunk's settings (a missing password keeps the stored one)"),
        r!(delete "/api/v1/trunks/{id}" delete_trunk "trunks" N, NoContent, true, "Delete a trunk"),
        r!(get "/api/v1/companies/{id}/emergency" get_emergency "emergency" N, Ok("EmergencySettingsDoc"), true, "Who is e-mailed when someone dials an emergency number"),
        r!(put "/api/v1/companies/{id}/emergency" set_emergency "emergency" Some("EmergencySettingsDoc"), Ok("EmergencySettingsDoc"), true, "Set the emergency-call notification recipients (at most 10)"),
        r!(get "/api/v1/lines/{id}/e911-address" get_line_e911 (h::get_e911::<Line>) "emergency" N, Ok("E911AddressDoc"), true, "The line's E911 address (404 when none)"),
        r!(put "/api/v1/lines/{id}/e911-address" set_line_e911 (h::set_e911::<Line>) "emergency" Some("E911AddressDoc"), Ok("E911AddressDoc"), true, "Set the line's E911 address"),
        r!(delete "/api/v1/lines/{id}/e911-address" delete_line_e911 (h::delete_e911::<Line>) "emergency" N, NoContent, true, "Remove the line's E911 address"),
        r!(get "/api/v1/numbers/{id}/e911-address" get_number_e911 (h::get_e911::<Number>) "emergency" N, Ok("E911AddressDoc"), true, "The number's E911 address (404 when none)"),
        r!(put "/api/v1/numbers/{id}/e911-address" set_number_e911 (h::set_e911::<Number>) "emergency" Some("E911AddressDoc"), Ok("E911AddressDoc"), true, "Set the number's E911 address"),
        r!(delete "/api/v1/numbers/{id}/e911-address" delete_number_e911 (h::delete_e911::<Number>) "emergency" N, NoContent, true, "Remove the number's E911 address"),
        r!(get "/api/v1/companies/{id}/queues" list_queues "queues" N, List("QueueView"), true, "A company's call queues"),
        r!(post "/api/v1/companies/{id}/queues" create_queue "queues" Some("QueueInput"), Created("QueueView"), true, "Add a call queue: extension, strategy, timing, agents, overflow (administrators)"),
        r!(get "/api/v1/queues/{id}" get_queue "queues" N, Ok("QueueView"), true, "Read a call queue"),
        r!(put "/api/v1/queues/{id}" update_queue "queues" Some("QueueInput"), Ok("QueueView"), true, "Replace a queue's settings and agents (agents kept stay logged in or out)"),
        r!(delete "/api/v1/queues/{id}" delete_queue "queues" N, NoContent, true, "Delete a call queue"),
        r!(put "/api/v1/queues/{id}/agent-status" set_agent_status "queues" Some("AgentStatusInput"), Ok("QueueView"), true, "Log an agent's line in or out of the queue (its user, or administrators)"),
        r!(put "/api/v1/queues/{id}/music" set_queue_music "queues" Some("file:audio/wav, audio/mpeg"), Ok("QueueView"), true, "Upload the music on hold: WAV or MP3, at most 10 MB and 2 minutes (converted to 8 kHz)"),
        r!(delete "/api/v1/queues/{id}/music" delete_queue_music "queues" N, NoContent, true, "Go back to the built-in music on hold"),
        r!(get "/api/v1/queues/{id}/voicemails" queue_inbox "queues" N, All("VoicemailView"), true, "The queue's group inbox: messages left by its overflowing callers, for its agents and administrators (each then at /api/v1/voicemails/{id})"),
        r!(get "/api/v1/queues/{id}/figures" queue_figures "queues" N, Ok("QueueFiguresView"), true, "Live figures (waiting callers, longest wait, agents logged in) and those of a period (from, to; default the last 24 hours)"),
        r!(get "/api/v1/queues/{id}/board" queue_board "queues" N, Ok("QueueBoardView"), true, "The live board: the queue, its figures now and each agent's state (logged out, available, ringing, on a call)"),
        r!(get "/api/v1/companies/{id}/conferences" list_conferences "conferences" N, List("ConferenceView"), true, "Conferences not yet over, soonest first: an end user's own and invitations; for administrators every one (filter user_id)"),
        r!(post "/api/v1/companies/{id}/conferences" create_conference "conferences" Some("ConferenceInput"), Created("ConferenceView"), true, "Schedule a conference; participants with an e-mail address get an invitation with an iCalendar attachment"),
        r!(get "/api/v1/conferences/{id}" get_conference "conferences" N, Ok("ConferenceView"), true, "Read a conference (its organiser, participants and administrators)"),
        r!(patch "/api/v1/conferences/{id}" reschedule_conference "conferences" Some("RescheduleInput"), Ok("ConferenceView"), true, "Move a conference to another time (organiser or administrator); participants are mailed the updated invitation, the access code stays"),
        r!(delete "/api/v1/conferences/{id}" delete_conference "conferences" N, NoContent, true, "Cancel a conference (organiser or administrator); participants are mailed the cancellation"),
        r!(get "/api/v1/companies/{id}/conference-bridge" get_conference_bridge "conferences" N, Ok("ConferenceBridgeDoc"), true, "The number outside callers dial for the company's conferences (lines dial *88)"),
        r!(put "/api/v1/companies/{id}/conference-bridge" set_conference_bridge "conferences" Some("ConferenceBridgeDoc"), Ok("ConferenceBridgeDoc"), true, "Set the conference bridge number: one of the company's numbers that rings no line"),
        r!(get "/api/v1/companies/{id}/reports" list_reports "reports" N, All("ReportView"), true, "The company's scheduled reports with their next and last run (its administrators and providers)"),
        r!(post "/api/v1/companies/{id}/reports" create_report "reports" Some("ReportInput"), Created("ReportView"), true, "Schedule a report (number usage, call volume per line or department, queue figures, audit), mailed as CSV to its recipients daily, weekly or monthly at a time in the company's zone"),
        r!(get "/api/v1/reports/{id}" get_report "reports" N, Ok("ReportView"), true, "Read a scheduled report"),
        r!(put "/api/v1/reports/{id}" update_report "reports" Some("ReportInput"), Ok("ReportView"), true, "Replace a report's settings; its next run follows the new schedule"),
        r!(delete "/api/v1/reports/{id}" delete_report "reports" N, NoContent, true, "Delete a scheduled report and its run history"),
        r!(post "/api/v1/reports/{id}/run" run_report "reports" N, Created("ReportRunView"), true, "Run the report now for the period a run today covers and mail it; the schedule is unchanged"),
        r!(get "/api/v1/reports/{id}/runs" report_runs "reports" N, All("ReportRunView"), true, "The report's last 50 runs, newest first: when, which period, status, rows and recipients"),
        // Branding: a company's own fields override its reseller's, field by field.
        r!(get "/api/v1/companies/{id}/branding" get_company_branding (h::get_branding::<Company>) "branding" N, Ok("BrandingView"), true, "The company's own branding: product name, two colours, whether a logo is set (its administrators and providers)"),
        r!(patch "/api/v1/companies/{id}/branding" set_company_branding (h::set_branding::<Company>) "branding" Some("BrandingInput"), Ok("BrandingView"), true, "Change the company's product name or colours (#rrggbb); null clears a field, which then comes from the reseller's branding"),
        r!(delete "/api/v1/companies/{id}/branding" reset_company_branding (h::reset_branding::<Company>) "branding" N, NoContent, true, "Remove the company's branding: its pages and mail show its reseller's again"),
        r!(get "/api/v1/companies/{id}/branding/logo" get_company_logo (h::get_logo::<Company>) "branding" N, File("image/png, image/svg+xml"), true, "The company's own logo (404 when it has none)"),
        r!(put "/api/v1/companies/{id}/branding/logo" set_company_logo (h::set_logo::<Company>) "branding" Some("file:image/png, image/svg+xml"), Ok("BrandingView"), true, "Upload the company's logo: PNG (at most 2048 pixels each way) or SVG, at most 256 KiB; a PNG is written anew, an SVG keeps only drawing elements (no script, style or outside reference)"),
        r!(delete "/api/v1/companies/{id}/branding/logo" delete_company_logo (h::delete_logo::<Company>) "branding" N, Ok("BrandingView"), true, "Remove the company's logo (its reseller's shows again)"),
        r!(get "/api/v1/resellers/{id}/branding" get_reseller_branding (h::get_branding::<Reseller>) "branding" N, Ok("BrandingView"), true, "The reseller's branding, which its customers' pages and mail show where a company set none (the reseller and the provider)"),
        r!(patch "/api/v1/resellers/{id}/branding" set_reseller_branding (h::set_branding::<Reseller>) "branding" Some("BrandingInput"), Ok("BrandingView"), true, "Change the reseller's product name or colours (#rrggbb); null clears"),
        r!(delete "/api/v1/resellers/{id}/branding" reset_reseller_branding (h::reset_branding::<Reseller>) "branding" N, NoContent, true, "Remove the reseller's branding"),
        r!(get "/api/v1/resellers/{id}/branding/logo" get_reseller_logo (h::get_logo::<Reseller>) "branding" N, File("image/png, image/svg+xml"), true, "The reseller's logo (404 when it has none)"),
        r!(put "/api/v1/resellers/{id}/branding/logo" set_reseller_logo (h::set_logo::<Reseller>) "branding" Some("file:image/png, image/svg+xml"), Ok("BrandingView"), true, "Upload the reseller's logo (PNG or SVG, sanitised as for a company)"),
        r!(delete "/api/v1/resellers/{id}/branding/logo" delete_reseller_logo (h::delete_logo::<Reseller>) "branding" N, Ok("BrandingView"), true, "Remove the reseller's logo"),
        r!(get "/api/v1/audit" list_installation_audit "audit" N, ListOrCsv("AuditView"), true, "The installation's audit (system) or a reseller's (its administrators); same filters and CSV"),
        // Call barring against toll fraud: every call to an outside number, dialled or redirected.
        r!(get "/api/v1/companies/{id}/call-barring" get_company_barring "call-barring" N, Ok("CallBarringView"), true, "What the company bars: international, premium-rate or all outside numbers (its administrators and providers)"),
        r!(put "/api/v1/companies/{id}/call-barring" set_company_barring "call-barring" Some("Bars"), Ok("CallBarringView"), true, "Set what the company bars (its reseller or the provider; audited)"),
        r!(get "/api/v1/departments/{id}/call-barring" get_department_barring "call-barring" N, Ok("CallBarringView"), true, "What the department bars on top of its company and parent departments, and the result"),
        r!(put "/api/v1/departments/{id}/call-barring" set_department_barring "call-barring" Some("Bars"), Ok("CallBarringView"), true, "Set what the department bars in addition (company administrators; a department can only bar more; audited)"),
    ]
}
