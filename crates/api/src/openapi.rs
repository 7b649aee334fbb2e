//! The OpenAPI 3.1 document, built from the route table and the schemas of the views.

use crate::error::ErrorBody;
use crate::routes::{Answer, routes};
use sb_app::conferences::{
    ConferenceBridgeDoc, ConferenceInput, ConferenceView, DialInView, ParticipantInput,
    ParticipantView,
};
use sb_app::extension::{ExtensionInput, ExtensionView, SignedInExtension};
use sb_app::faxes::{FaxPatch, FaxView};
use sb_app::mailbox::MailboxView;
use sb_app::queues::{
    AgentKind, AgentStatusInput, AgentView, OverflowDoc, QueueFiguresView, QueueInput, QueueView,
};
use sb_app::recordings::{RecordedDirection, RecordingPatch, RecordingSettingsDoc, RecordingView};
use sb_app::twofactor::{
    RecoveryCodesView, TwoFactorCodeInput, TwoFactorEnrolment, TwoFactorPolicy,
};
use sb_app::views::*;
use sb_app::voicemail::{
    GreetingView, NotificationsDoc, VoicemailPatch, VoicemailSettingsDoc, VoicemailView,
};
use sb_domain::model::{AuditKind, CallPolicyKind, Feature, Language, Role};
use utoipa::OpenApi;
use utoipa::openapi::path::{HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{
    ArrayBuilder, ContentBuilder, ObjectBuilder, Ref, RefOr, Required, ResponseBuilder, Schema,
    Type,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Switchboard API",
        description = "The REST API of Switchboard, the multi-tenant hosted business phone system."
    ),
    components(schemas(
        ErrorBody,
        LoginInput,
        LoginOutput,
        ExtensionView,
        ExtensionInput,
        SignedInExtension,
        ReauthInput,
        ReauthOutput,
        TwoFactorEnrolment,
        TwoFactorCodeInput,
        RecoveryCodesView,
        TwoFactorPolicy,
        FirstLoginInput,
        ChangePasswordInput,
        ResetPasswordInput,
        ResetPasswordOutput,
        LinkView,
        ResellerInput,
        ResellerView,
        ResellerAdminInput,
        PackageInput,
        PackagePatch,
        PackageView,
        CompanyInput,
        CompanyPatch,
        SubscriptionInput,
        OfferedPackagesInput,
        CompanyView,
        BillLine,
        BillView,
        DepartmentInput,
        DepartmentPatch,
        DepartmentView,
        UserInput,
        UserPatch,
        UserView,
        CreatedUser,
        MeView,
        LineInput,
        LinePatch,
        LineView,
        SipCredentialsView,
        NumberInput,
        NumberPatch,
        NumberView,
        AuditView,
        CallRecordView,
        MessageView,
        SendMessageInput,
        sb_app::conversations::ConversationView,
        sb_app::conversations::MessagePatch,
        sb_app::click_to_call::ClickToCallInput,
        sb_app::click_to_call::ClickToCallView,
        sb_app::click_to_call::ClickToCallState,
        VoicemailView,
        VoicemailPatch,
        VoicemailSettingsDoc,
        MailboxView,
        ConferenceInput,
        ParticipantInput,
        ConferenceView,
        ParticipantView,
        DialInView,
        ConferenceBridgeDoc,
        sb_app::conferences::RescheduleInput,
        RecordingSettingsDoc,
        QueueInput,
        QueueView,
        sb_app::queues::AgentInput,
        AgentView,
        AgentKind,
        AgentStatusInput,
        OverflowDoc,
        QueueFiguresView,
        sb_app::queue_board::QueueBoardView,
        sb_app::person::DepartmentCallsView,
        sb_app::queue_board::AgentBoardView,
        sb_app::queue_board::AgentState,
        sb_app::reports::ReportInput,
        sb_app::reports::ReportView,
        sb_app::reports::ReportRunView,
        sb_domain::reports::ReportKind,
        sb_domain::reports::FrequencyName,
        sb_domain::model::QueueStrategy,
        sb_domain::model::QueueOverflow,
        RecordingView,
        RecordingPatch,
        FaxView,
        FaxPatch,
        RecordedDirection,
        GreetingView,
        NotificationsDoc,
        TrunkInput,
        TrunkView,
        TrunkInbound,
        EmergencySettingsDoc,
        E911AddressDoc,
        CallDirection,
        DivertAction,
        DivertDoc,
        NoAnswerAction,
        NoAnswerDoc,
        BusyAction,
        BusyDoc,
        DayRuleKind,
        DayDoc,
        OutOfHoursDoc,
        CallHandlingDoc,
        ExplainInput,
        PlanStepView,
        OutsideView,
        MailboxPlanView,
        ExplainView,
        VoicePinInput,
        PasscodeInput,
        SavedNumbersDoc,
        sb_app::speed_dials::SpeedDialsDoc,
        sb_app::speed_dials::SpeedDialView,
        sb_app::contacts::ContactInput,
        sb_app::contacts::ContactNumberView,
        sb_app::contacts::ContactView,
        sb_app::contacts::ContactImportView,
        sb_app::contacts::DirectoryEntryView,
        sb_app::contacts::FavouritesView,
        sb_app::contacts::FavouriteColleaguesDoc,
        sb_app::group_contacts::GroupContactInput,
        sb_app::group_contacts::GroupContactPatch,
        sb_app::group_contacts::GroupContactView,
        VoicePinView,
        ResetLineInput,
        PresenceView,
        sb_domain::routing::Presence,
        Role,
        Language,
        CallPolicyKind,
        Feature,
        AuditKind,
        sb_domain::barring::Bars,
        sb_app::barring::CallBarringView,
        sb_app::branding::BrandingInput,
        sb_app::branding::BrandingView,
        sb_app::profile::CompanyProfileInput,
        sb_app::profile::CompanyProfileView,
        sb_app::profile::Credentials,
        sb_app::mail_access::MailAccessInput,
        sb_app::mail_access::MailAccessView,
        sb_app::mail_access::MailSecurity,
        sb_app::devices::RegistrationView,
    ))
)]
struct Components;

fn schema_ref(name: &str) -> RefOr<Schema> {
    RefOr::Ref(Ref::from_schema_name(name))
}

fn json(schema: RefOr<Schema>) -> utoipa::openapi::Content {
    ContentBuilder::new().schema(Some(schema)).build()
}

fn page_of(name: &str) -> RefOr<Schema> {
    let items = ArrayBuilder::new().items(schema_ref(name)).build();
    let next = ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::SchemaType::from_iter([
            Type::String,
            Type::Null,
        ]))
        .build();
    RefOr::T(Schema::Object(
        ObjectBuilder::new()
            .property("items", items)
            .property("next_cursor", next)
            .required("items")
            .required("next_cursor")
            .build(),
    ))
}

fn query(name: &str, desc: &str) -> utoipa::openapi::path::Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Query)
        .required(Required::False)
        .description(Some(desc))
        .schema(Some(ObjectBuilder::new().schema_type(Type::String).build()))
        .build()
}

/// The whole document as pretty JSON (what `/api/v1/openapi.json` serves and `docs/` holds).
#[expect(
    clippy::too_many_lines,
    reason = "the document's list of every schema and path: a table, not logic"
)]
pub fn openapi_json() -> String {
    let mut doc = Components::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").into();
    let mut paths = utoipa::openapi::Paths::new();
    for r in routes() {
        let mut op = OperationBuilder::new()
            .operation_id(Some(r.id))
            .summary(Some(r.summary))
            .tag(r.tag);
        for seg in r.path.split('/') {
            if let Some(name) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                op = op.parameter(
                    ParameterBuilder::new()
                        .name(name)
                        .parameter_in(ParameterIn::Path)
                        .required(Required::True)
                        .schema(Some(ObjectBuilder::new().schema_type(Type::String).build())),
                );
            }
        }
        if let Some(types) = r.body.and_then(|b| b.strip_prefix("file:")) {
            // A file upload: the body is the file itself, in any of these media types.
            let mut rb = RequestBodyBuilder::new().required(Some(Required::True));
            for t in types.split(',') {
                rb = rb.content(t.trim(), ContentBuilder::new().build());
            }
            op = op.request_body(Some(rb.build()));
        } else if let Some(body) = r.body {
            op = op.request_body(Some(
                RequestBodyBuilder::new()
                    .content("application/json", json(schema_ref(body)))
                    .required(Some(Required::True))
                    .build(),
            ));
        }
        op = match r.answer {
            Answer::Ok(s) => op.response(
                "200",
                ResponseBuilder::new()
                    .description("OK")
                    .content("application/json", json(schema_ref(s))),
            ),
            Answer::Created(s) => op.response(
                "201",
                ResponseBuilder::new()
                    .description("Created")
                    .content("application/json", json(schema_ref(s))),
            ),
            Answer::Accepted(s) => op.response(
                "202",
                ResponseBuilder::new()
                    .description("Accepted: under way")
                    .content("application/json", json(schema_ref(s))),
            ),
            Answer::NoContent => op.response("204", ResponseBuilder::new().description("Done")),
            Answer::All(s) | Answer::AllOrCsv(s) => {
                let items = ArrayBuilder::new().items(schema_ref(s)).build();
                let all = ObjectBuilder::new()
                    .property("items", items)
                    .required("items")
                    .build();
                let mut resp = ResponseBuilder::new()
                    .description("Every item")
                    .content("application/json", json(RefOr::T(Schema::Object(all))));
                if matches!(r.answer, Answer::AllOrCsv(_)) {
                    resp = resp.content("text/csv", ContentBuilder::new().build());
                    op = op.parameter(query("format", "json (default) or csv"));
                }
                op.response("200", resp)
            }
            Answer::File(media) => op.response(
                "200",
                ResponseBuilder::new()
                    .description("The file")
                    .content(media, ContentBuilder::new().build()),
            ),
            Answer::List(s) | Answer::ListOrCsv(s) => {
                let mut resp = ResponseBuilder::new()
                    .description("A page")
                    .content("application/json", json(page_of(s)));
                if matches!(r.answer, Answer::ListOrCsv(_)) {
                    resp = resp.content("text/csv", ContentBuilder::new().build());
                    op = op.parameter(query(
                        "format",
                        "json (default) or csv (all rows, streamed)",
                    ));
                }
                op.parameter(query("limit", "1 to 500, default 50"))
                    .parameter(query("cursor", "next_cursor of the previous page"))
                    .response("200", resp)
            }
        };
        op = op.response(
            "default",
            ResponseBuilder::new()
                .description("An error: 400/401/403/404/409/413/415/422/423/429")
                .content("application/json", json(schema_ref("ErrorBody"))),
        );
        if r.auth {
            op = op.security(SecurityRequirement::new("bearer", Vec::<String>::new()));
        }
        let method = match r.method {
            "get" => HttpMethod::Get,
            "post" => HttpMethod::Post,
            "put" => HttpMethod::Put,
            "patch" => HttpMethod::Patch,
            _ => HttpMethod::Delete,
        };
        paths.add_path_operation(r.path, vec![method], op.build());
    }
    doc.paths = paths;
    if let Some(c) = doc.components.as_mut() {
        c.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
    doc.to_pretty_json().unwrap_or_default() + "\n"
}
