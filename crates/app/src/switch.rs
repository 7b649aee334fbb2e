//! What the SIP engine asks of the business layer while calls happen: who a line is, where a
//! dialled string goes, and the routing plan for it, built from the same settings and the same
//! `routing::decide` the API explains, and for an outside number the whole plan: trunk and caller
//! ID (`outside.rs`). The engine supplies what only it knows, live: how many
//! calls each department has and how many devices a line has registered.

use crate::departments::chain;
use crate::facts::Target;
use crate::plans::OutsidePlan;
pub use crate::sip_line::SipLine;
use crate::{App, AppError, AppResult};
use sb_domain::ids::{CompanyId, DepartmentId, LineId};
use sb_domain::model::Feature;
use sb_domain::routing::mailbox::MailboxPlan;
use sb_domain::routing::{
    self, Barring, Caller, Context, DeptState, Origin, Plan, Presence, Reason, TargetState,
};
use sb_domain::values::Extension;
use sb_store::lines::{self as store, Line};
use sb_store::tenancy::{self, Company, Department};
use sb_store::{Conn, accounts};

/// Where a dialled string leads.
#[derive(Debug, Clone)]
pub enum Destination {
    /// A line of the company, with what to do, and its mailbox should the plan reach it.
    Line {
        line: Box<SipLine>,
        plan: Plan,
        mailbox: MailboxPlan,
    },
    /// An emergency number: the emergency route, whatever else is set (the emergency trunk
    /// first, else any).
    Emergency(OutsidePlan),
    /// A number outside the company (E.164 or national), through a trunk.
    Outside(OutsidePlan),
    /// The company's conference bridge (`*88`, or its bridge number): callers key in an access
    /// code and join, hearing prompts in `language`.
    Conference {
        language: String,
        second_language: Option<String>,
    },
    /// A queue of the company: the caller waits for its agents.
    Queue(Box<crate::queues::QueueSetup>),
    /// A call-in agent dialled in to take a queue's calls.
    QueueCallIn(Box<crate::queues::CallInSetup>),
    /// The line's fax number: the fax receiver answers, and what it receives goes to the
    /// line's inbox.
    Fax { line: Box<SipLine> },
    /// Nothing answers to it.
    Unknown,
    /// The caller's department may not call out (or is full): refused with this status.
    Refused { status: u16, reason: &'static str },
}

/// What the engine knows live.
pub trait LiveState: Send + Sync {
    fn department_calls(&self, id: &DepartmentId) -> i64;
    fn registered_devices(&self, aor: &str) -> u32;
    /// Calls in progress on a line (placed or received), for its busy state.
    fn line_calls(&self, line: &LineId) -> i64;
}

/// The call as the engine received it.
#[derive(Debug, Clone)]
pub struct Dialled<'a> {
    pub dialled: &'a str,
    pub caller_number: Option<&'a str>,
    pub caller_name: Option<&'a str>,
    pub anonymous: bool,
    /// The caller's number even when withheld: what a trunk is told in P-Asserted-Identity
    /// (RFC 3325) for a caller that is not a line.
    pub asserted_number: &'a str,
    /// The calling line, for calls from inside the company.
    pub from_line: Option<&'a SipLine>,
    /// Lines the call was already redirected through.
    pub hops: &'a [&'a str],
    /// The redirect that sent the call here asks to present the dialled number to an outside
    /// callee.
    pub present_dialled: bool,
    /// What the caller dialled first: the company number of a call from outside, the
    /// extension of one from inside. "Present the dialled number" shows it when it is one of
    /// the company's numbers, else the redirecting line's number.
    pub first_dialled: &'a str,
}

/// What a line dials to reach its department's operator ("Operator Number").
pub const OPERATOR_CODE: &str = "0";

fn states<'d>(chain: &[&'d Department], live: &dyn LiveState) -> Vec<DeptState<'d>> {
    chain
        .iter()
        .map(|d| DeptState {
            name: &d.name,
            policy: d.call_policy,
            limit: d.call_limit,
            active_calls: live.department_calls(&d.id),
        })
        .collect()
}

use sb_domain::barring::is_outside_number;

/// Whether a call to a line's fax number is answered by the fax receiver: the line's user is
/// enabled and their package has `fax` now (a package that lost it since the number was marked
/// rings the line, as any number).
fn fax_answers(t: &Target) -> bool {
    t.user.as_ref().is_some_and(|u| u.enabled) && t.features.contains(&Feature::Fax)
}

impl App {
    pub(crate) async fn sip_line_of(
        &self,
        c: &mut Conn,
        co: &Company,
        l: Line,
    ) -> AppResult<SipLine> {
        let user = match &l.user_id {
            Some(u) => accounts::locate_user(c, u).await?,
            None => None,
        };
        self.sip_line_with(c, co, l, user.as_ref()).await
    }

    /// [`App::sip_line_of`] for a line whose user is already read.
    pub(crate) async fn sip_line_with(
        &self,
        c: &mut Conn,
        co: &Company,
        l: Line,
        user: Option<&accounts::User>,
    ) -> AppResult<SipLine> {
        let departments = self.departments_fact(c, &co.id).await?;
        let depts = chain(&departments, user.and_then(|u| u.department_id.as_ref()))
            .iter()
            .map(|d| d.id.clone())
            .collect();
        let record_calls = self.records_calls(c, &l.id, user).await?;
        Ok(SipLine {
            record_calls,
            aor: format!("{}@{}", l.sip_username, co.sip_domain),
            sip_domain: co.sip_domain.clone(),
            presentation_number: l.presentation_number.clone().or(l.default_number.clone()),
            id: l.id,
            company_id: l.company_id,
            extension: l.extension,
            // The line's own local calling name, else its user's name (renaming a
            // user changes what the next call shows).
            calling_name: l.calling_name.or_else(|| user.map(|u| u.name.clone())),
            departments: depts,
            language: co.first_language.as_str().to_owned(),
            second_language: co.second_language.map(|l| l.as_str().to_owned()),
        })
    }

    /// What a call to line `l` of `co` needs to know of it (kept by [`App::target_fact`]).
    pub(crate) async fn target_of(&self, c: &mut Conn, co: &Company, l: Line) -> AppResult<Target> {
        let user = match &l.user_id {
            Some(u) => accounts::locate_user(c, u).await?,
            None => None,
        };
        let features: Vec<Feature> = match &user {
            Some(u) => self.features_of(c, u).await?,
            None => Vec::new(),
        };
        let presence = match &user {
            Some(u) => crate::calls::presence_of(c, &u.id).await?,
            None => Presence::default(),
        };
        let handling = match store::get_handling(c, &co.id, &l.id).await? {
            Some(json) => serde_json::from_str(&json)
                .map_err(|e| AppError::Internal(format!("stored call handling: {e}")))?,
            None => routing::Handling::default(),
        };
        let sip_line = self.sip_line_with(c, co, l.clone(), user.as_ref()).await?;
        let mailbox = self
            .line_mailbox(
                c,
                &l.id,
                &sip_line.language,
                sip_line.second_language.as_deref(),
            )
            .await?;
        Ok(Target {
            mailbox,
            line: l,
            user,
            features,
            presence,
            handling,
            sip_line,
        })
    }

    /// The company a carrier's call for `number` belongs to: the trunk's own company, or for an
    /// installation trunk the company holding the number. Numbers are tried as sent and in
    /// E.164 form (carriers often leave out the `+`).
    pub async fn company_of_number(
        &self,
        number: &str,
        trunk_company: Option<&CompanyId>,
    ) -> AppResult<Option<CompanyId>> {
        let mut c = self.store.conn().await?;
        let plus = format!("+{}", number.trim_start_matches('+'));
        for n in [number, plus.as_str()] {
            if let Some(crate::facts::NumberRoute { company: co, .. }) =
                self.number_fact(&mut c, n).await?
                && trunk_company.is_none_or(|t| *t == co)
            {
                return Ok(Some(co));
            }
            if let Some(co) = self.bridge_company_fact(&mut c, n).await?
                && trunk_company.is_none_or(|t| *t == co)
            {
                return Ok(Some(co));
            }
        }
        Ok(None)
    }

    /// A line of `company` by its extension, for busy-lamp subscriptions.
    pub async fn sip_line_by_extension(
        &self,
        company: &CompanyId,
        extension: &str,
    ) -> AppResult<Option<SipLine>> {
        let mut c = self.store.conn().await?;
        let Some(id) = self.extension_fact(&mut c, company, extension).await? else {
            return Ok(None);
        };
        Ok(self
            .sip_line_fact(&mut c, &id)
            .await?
            .filter(|l| l.company_id == *company)
            .map(|l| (*l).clone()))
    }

    /// The line that authenticated as `sip_username` in the company with `sip_domain`.
    pub async fn sip_line_by_account(
        &self,
        sip_domain: &str,
        sip_username: &str,
    ) -> AppResult<Option<SipLine>> {
        let mut c = self.store.conn().await?;
        Ok(self
            .account_fact(&mut c, sip_domain, sip_username)
            .await?
            .map(|l| (*l).clone()))
    }

    /// The operator number of the calling line's department, else of the nearest parent
    /// department that has one.
    async fn operator_of(
        &self,
        c: &mut Conn,
        company: &CompanyId,
        from: Option<&SipLine>,
    ) -> AppResult<Option<String>> {
        let departments = self.departments_fact(c, company).await?;
        Ok(from
            .into_iter()
            .flat_map(|l| l.departments.iter())
            .filter_map(|id| departments.iter().find(|x| &x.id == id))
            .find_map(|x| x.operator_number.clone())
            .filter(|n| n != OPERATOR_CODE))
    }

    /// Where a call from a line of `company` (or from a trunk into `company`) to `d.dialled`
    /// goes, and the plan for it when it reaches a line.
    #[expect(
        clippy::too_many_lines,
        reason = "where a dialled string goes: feature codes, lines, numbers, conferences, queues and outside numbers in their order of precedence; to move into domain::routing::outbound"
    )]
    pub async fn route_call(
        &self,
        company: &CompanyId,
        d: &Dialled<'_>,
        live: &dyn LiveState,
    ) -> AppResult<Destination> {
        let mut c = self.store.conn().await?;
        let co = self
            .company_fact(&mut c, company)
            .await?
            .ok_or(AppError::NotFound)?;
        // A speed dial first: its number may be anything a line dials, an emergency number too.
        let speed = self.expand_speed_dial(&mut c, d).await?;
        let d = &Dialled {
            dialled: speed.as_deref().unwrap_or(d.dialled),
            ..*d
        };
        if routing::is_emergency(d.dialled, &[]) {
            let plan = self
                .plan_outside(&mut c, &co.id, d, d.dialled, true)
                .await?;
            return Ok(Destination::Emergency(plan));
        }
        let operator;
        let d = &if d.dialled == OPERATOR_CODE && d.from_line.is_some() {
            operator = self.operator_of(&mut c, &co.id, d.from_line).await?;
            match operator.as_deref() {
                Some(number) => Dialled {
                    dialled: number,
                    ..*d
                },
                None => return Ok(Destination::Unknown),
            }
        } else {
            Dialled { ..*d }
        };
        let is_bridge = |bridge: Option<String>| {
            bridge.is_some_and(|b| b.trim_start_matches('+') == d.dialled.trim_start_matches('+'))
        };
        if (d.dialled == crate::conferences::BRIDGE_CODE && d.from_line.is_some())
            || (is_outside_number(d.dialled)
                && is_bridge(self.bridge_number_fact(&mut c, &co.id).await?))
        {
            return Ok(Destination::Conference {
                language: co.first_language.as_str().to_owned(),
                second_language: co.second_language.map(|l| l.as_str().to_owned()),
            });
        }
        let target_id = match d.hops.last() {
            // A redirection names the line itself.
            Some(_) if sb_domain::ids::looks_like_id(d.dialled) => {
                Some(LineId::from_raw(d.dialled.to_owned()))
            }
            _ => self.extension_fact(&mut c, &co.id, d.dialled).await?,
        };
        let mut fax_number = false;
        let target_id = match target_id {
            Some(l) => Some(l),
            // A company's own number dialled from inside rings its line directly.
            None if is_outside_number(d.dialled) => {
                let plus = format!("+{}", d.dialled.trim_start_matches('+'));
                let route = match self.number_fact(&mut c, d.dialled).await? {
                    Some(r) => Some(r),
                    None => self.number_fact(&mut c, &plus).await?,
                };
                fax_number = route.as_ref().is_some_and(|r| r.fax);
                route.map(|r| r.line)
            }
            None => None,
        };
        let target = match target_id {
            Some(id) => self
                .target_fact(&mut c, &id)
                .await?
                .filter(|t| t.line.company_id == co.id),
            None => None,
        };
        if let Some(t) = &target
            && fax_number
            && fax_answers(t)
        {
            return Ok(Destination::Fax {
                line: Box::new(t.sip_line.clone()),
            });
        }
        let departments = self.departments_fact(&mut c, &co.id).await?;
        let caller_chain: Vec<&Department> = match d.from_line {
            Some(from) => from
                .departments
                .iter()
                .filter_map(|id| departments.iter().find(|x| &x.id == id))
                .collect(),
            None => Vec::new(),
        };
        let caller_states = states(&caller_chain, live);
        let Some(t) = target else {
            // Queues answer to extensions only: an E.164 number going out costs no lookup.
            if Extension::parse("dialled", d.dialled).is_ok() {
                if let Some(q) = self.queue_setup(&mut c, &co, d.dialled).await? {
                    return Ok(Destination::Queue(Box::new(q)));
                }
                match self
                    .queue_call_in(&mut c, &co, d.dialled, d.from_line.map(|l| &l.id))
                    .await
                {
                    Ok(Some(ci)) => return Ok(Destination::QueueCallIn(Box::new(ci))),
                    Ok(None) => {}
                    Err(AppError::Forbidden(_)) => {
                        return Ok(Destination::Refused {
                            status: 403,
                            reason: "not a call-in agent of the queue",
                        });
                    }
                    Err(e) => return Err(e),
                }
            }
            if !is_outside_number(d.dialled) {
                return Ok(Destination::Unknown);
            }
            // Outgoing calls obey the caller's department as internal ones do.
            if d.from_line.is_some()
                && d.hops.is_empty()
                && let Some(reason) = routing::caller_refusal(&caller_states)
            {
                return Ok(Destination::Refused {
                    status: 403,
                    reason: reason.sentence(),
                });
            }
            if let Some(reason) = self.outside_refusal(&mut c, &co, d).await? {
                return Ok(Destination::Refused {
                    status: 403,
                    reason: reason.sentence(),
                });
            }
            let plan = self
                .plan_outside(&mut c, &co.id, d, d.dialled, false)
                .await?;
            return Ok(Destination::Outside(plan));
        };
        let l = &t.line;
        let target_chain = chain(
            &departments,
            t.user.as_ref().and_then(|u| u.department_id.as_ref()),
        );
        let target_states = states(&target_chain, live);
        let zone = jiff::tz::TimeZone::get(&co.time_zone)
            .map_err(|e| AppError::Internal(format!("time zone: {e}")))?;
        let line_id = l.id.to_string();
        let aor = format!("{}@{}", l.sip_username, co.sip_domain);
        let ctx = Context {
            handling: &t.handling,
            target: TargetState {
                line: &line_id,
                in_service: t.user.as_ref().is_some_and(|u| u.enabled),
                registered_devices: live.registered_devices(&aor),
                busy: t.handling.busy_with(live.line_calls(&l.id)),
                presence: t.presence,
            },
            target_departments: &target_states,
            caller_departments: &caller_states,
            features: &t.features,
            time_zone: &zone,
            emergency_numbers: &[],
            barring: Barring {
                bars: self
                    .barring_fact(&mut c, &co.id)
                    .await?
                    .along(&t.sip_line.departments),
                country: &co.country,
            },
        };
        let call = routing::Call {
            caller: Caller {
                number: d.caller_number,
                name: d.caller_name,
                anonymous: d.anonymous,
                origin: if d.from_line.is_some() {
                    Origin::Line
                } else {
                    Origin::Trunk
                },
            },
            dialled: &l.extension,
            hops: d.hops,
        };
        let plan = routing::decide(&call, &ctx, self.clock.now());
        Ok(Destination::Line {
            line: Box::new(t.sip_line.clone()),
            plan,
            mailbox: t.mailbox.clone(),
        })
    }
}

impl App {
    /// Why a call may not leave through a trunk for `d.dialled`, if it may not (toll fraud,
    /// issue 14). This is the one gate every call to an outside number passes, whatever sent
    /// it there: dialled from a line, or redirected by forwarding, a divert, a permanent
    /// redirect (and any later transfer, which routes through here the same way). A redirect
    /// is checked against the redirecting line as it is now: its package must still have
    /// `call_forwarding` (settings saved before the package changed count for nothing) and its
    /// company's and departments' bars apply; a dialled call obeys the caller's.
    pub(crate) async fn outside_refusal(
        &self,
        c: &mut Conn,
        co: &Company,
        d: &Dialled<'_>,
    ) -> AppResult<Option<Reason>> {
        let barring = self.barring_fact(c, &co.id).await?;
        let bars = match d.hops.last() {
            Some(last) => {
                let redirecting = self
                    .target_fact(c, &LineId::from_raw((*last).to_owned()))
                    .await?
                    .filter(|t| t.line.company_id == co.id);
                match redirecting {
                    Some(t) if t.features.contains(&Feature::CallForwarding) => {
                        barring.along(&t.sip_line.departments)
                    }
                    _ => return Ok(Some(Reason::NoForwardingInPackage)),
                }
            }
            None => match d.from_line {
                Some(l) => barring.along(&l.departments),
                None => barring.company,
            },
        };
        Ok(Barring {
            bars,
            country: &co.country,
        }
        .refusal(d.dialled))
    }

    /// Audits a temporary SIP block: a source address (installation-wide) or a username (in the
    /// company of `sip_domain` when it is one of ours).
    pub async fn audit_sip_block(
        &self,
        source: &str,
        username: Option<&str>,
        sip_domain: Option<&str>,
        minutes: i64,
    ) -> AppResult<()> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let company = match (username, sip_domain) {
            (Some(u), Some(d)) => store::sip_account(&mut tx, d, u)
                .await?
                .map(|(l, _)| l.company_id),
            _ => None,
        };
        let company = match company {
            Some(co) => tenancy::get_company(&mut tx, &co).await?,
            None => None,
        };
        let (target_type, target) = match username {
            Some(u) => ("sip_username", u.to_owned()),
            None => ("sip_source", source.to_owned()),
        };
        let rec =
            crate::audit::Record::new(sb_domain::model::AuditKind::SipBlocked, target_type, target)
                .tenant(
                    company.as_ref().map(|c| &c.reseller_id),
                    company.as_ref().map(|c| &c.id),
                )
                .summary(serde_json::json!({ "source": source, "minutes": minutes }));
        let by = crate::audit::By {
            id: None,
            name: "SIP guard",
            ip: Some(source),
        };
        crate::audit::write(&mut tx, now, by, rec).await?;
        tx.commit().await?;
        Ok(())
    }
}
