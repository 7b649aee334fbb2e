//! The plan of a call to an outside number, complete before the SIP engine places it: the trunk
//! it takes (`routing::outbound::choose_trunk`, with the emergency fallback) and what it
//! presents of its caller (`routing::outbound::presented`: the caller ID, a redirect's "present
//! the dialled number", the anonymity rule). `route_call` hands it to the engine, which only
//! writes it on the wire; the explain endpoint describes the same plan for each step that sends
//! a call out, by asking `route_call` itself.

pub use crate::plans::{OutsidePlan, TrunkPlan};
use crate::switch::{Destination, Dialled, LiveState};
use crate::trunks::Trunk;
use crate::views::{ExplainInput, ExplainView, OutsideView};
use crate::{App, AppResult};
use sb_domain::ids::{CompanyId, DepartmentId, LineId};
use sb_domain::routing::outbound::{self, Presenting, TrunkFacts};
use sb_domain::routing::{Action, CallerIdChoice, Plan};
use sb_store::Conn;
use std::sync::Arc;

/// Whom an outside call is placed for.
pub(crate) struct Placing<'a> {
    pub company: &'a CompanyId,
    pub presenting: Presenting<'a>,
    pub name: Option<&'a str>,
    pub anonymous: bool,
    pub emergency: bool,
}

/// The plan for a call to `number` over `trunks` (the installation's and every company's).
pub(crate) fn plan(trunks: &[Trunk], number: &str, p: &Placing<'_>) -> OutsidePlan {
    let facts: Vec<TrunkFacts<'_>> = trunks
        .iter()
        .map(|t| TrunkFacts {
            company: t.company_id.as_ref(),
            emergency: t.emergency,
        })
        .collect();
    let trunk = outbound::choose_trunk(&facts, p.company, p.emergency)
        .and_then(|i| trunks.get(i))
        .and_then(trunk_plan);
    OutsidePlan {
        number: number.to_owned(),
        trunk,
        caller_id: outbound::presented(p.presenting, p.name, p.anonymous),
    }
}

/// The chosen trunk as the engine uses it; `None` when its stored address does not parse (it
/// was checked on save), and then the call has no trunk rather than another one.
fn trunk_plan(t: &Trunk) -> Option<TrunkPlan> {
    Some(TrunkPlan {
        address: t.address.parse().ok()?,
        id: t.id.clone(),
        name: t.name.clone(),
        credentials: t.username.clone().zip(t.password.clone()),
        max_calls: t.max_calls,
        emergency: t.emergency,
    })
}

impl App {
    /// The plan of `d`'s call to `number` through a trunk; `emergency` takes the emergency trunk
    /// first. For the engine's emergency step, which has no dialled number to route.
    pub async fn outside_plan(
        &self,
        company: &CompanyId,
        d: &Dialled<'_>,
        number: &str,
        emergency: bool,
    ) -> AppResult<OutsidePlan> {
        let mut c = self.store.conn().await?;
        self.plan_outside(&mut c, company, d, number, emergency)
            .await
    }

    pub(crate) async fn plan_outside(
        &self,
        c: &mut Conn,
        company: &CompanyId,
        d: &Dialled<'_>,
        number: &str,
        emergency: bool,
    ) -> AppResult<OutsidePlan> {
        // "Present the dialled number": the company number the caller dialled, else (an
        // extension dialled inside) the number of the line that redirected, the last hop.
        let redirecting = match (d.present_dialled, d.hops.last()) {
            (true, Some(last)) => match self
                .dialled_company_number(c, company, d.first_dialled)
                .await?
            {
                Some(n) => Some(Some(n)),
                None => self
                    .target_fact(c, &LineId::from_raw((*last).to_owned()))
                    .await?
                    .filter(|t| t.line.company_id == *company)
                    .map(|t| t.sip_line.presentation_number.clone()),
            },
            _ => None,
        };
        let placing = Placing {
            company,
            presenting: Presenting {
                line: d
                    .from_line
                    .map(|l| (l.presentation_number.as_deref(), l.extension.as_str())),
                caller_number: d.asserted_number,
                dialled: redirecting.as_ref().map(Option::as_deref),
            },
            name: d.caller_name,
            anonymous: d.anonymous,
            emergency,
        };
        // Trunks that cannot be read (a credential that no longer opens) carry nothing: the
        // caller hears 503 as with no trunk, and an emergency call still mails its recipients
        // before that, rather than the call failing before its plan exists.
        let trunks = self.trunks_fact().await.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "could not read trunks");
            Arc::default()
        });
        Ok(plan(&trunks, number, &placing))
    }

    /// `dialled` as one of `company`'s numbers routed to a line (`+` and digits), if it is one:
    /// what a caller may be shown of it, never a number of another company.
    async fn dialled_company_number(
        &self,
        c: &mut Conn,
        company: &CompanyId,
        dialled: &str,
    ) -> AppResult<Option<String>> {
        if !sb_domain::barring::is_outside_number(dialled) {
            return Ok(None);
        }
        let plus = format!("+{}", dialled.trim_start_matches('+'));
        Ok(self
            .number_fact(c, &plus)
            .await?
            .filter(|r| &r.company == company)
            .map(|_| plus))
    }

    /// Names, for each step of an explained plan that sends the call to a number, the trunk it
    /// would leave through and what it would present, as `route_call` would decide it for the
    /// engine (a number that stays in the company gets nothing).
    pub(crate) async fn explain_outside(
        &self,
        company: &CompanyId,
        line: &LineId,
        input: &ExplainInput,
        plan: &Plan,
        view: &mut ExplainView,
    ) -> AppResult<()> {
        let from_line = match (input.internal, &input.caller_number) {
            (true, Some(n)) => self.sip_line_by_extension(company, n).await?,
            _ => None,
        };
        let number = input.caller_number.as_deref();
        let hops = [line.as_str()];
        let steps = plan.steps.iter().zip(view.steps.iter_mut());
        let on_busy = plan.on_busy.iter().zip(view.on_busy.iter_mut());
        for (step, shown) in steps.chain(on_busy) {
            let Action::RedirectToNumber {
                number: to,
                caller_id,
                ..
            } = &step.action
            else {
                continue;
            };
            let d = Dialled {
                dialled: to,
                caller_number: number.filter(|_| !input.anonymous),
                caller_name: None,
                anonymous: input.anonymous,
                asserted_number: number.unwrap_or(outbound::ANONYMOUS),
                from_line: from_line.as_ref(),
                hops: &hops,
                present_dialled: *caller_id == CallerIdChoice::Dialled,
                // Explained for no particular dialled number: the redirecting line's is shown.
                first_dialled: "",
            };
            shown.outside = match self.route_call(company, &d, &Idle).await? {
                Destination::Outside(p) => Some(outside_view(&p, false)),
                Destination::Emergency(p) => Some(outside_view(&p, true)),
                _ => None,
            };
        }
        Ok(())
    }
}

fn outside_view(p: &OutsidePlan, emergency: bool) -> OutsideView {
    OutsideView {
        trunk: p.trunk.as_ref().map(|t| t.name.clone()),
        presents: p.caller_id.number.clone(),
        withheld: p.caller_id.withheld,
        emergency,
    }
}

/// An explanation assumes no call in progress and the line's phones as the request says; the
/// route to an outside number reads neither.
struct Idle;

impl LiveState for Idle {
    fn department_calls(&self, _: &DepartmentId) -> i64 {
        0
    }
    fn registered_devices(&self, _: &str) -> u32 {
        0
    }
    fn line_calls(&self, _: &LineId) -> i64 {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sb_domain::ids::TrunkId;
    use sb_domain::routing::outbound::Presented;

    fn trunk(id: &str, company: Option<&str>, emergency: bool) -> Trunk {
        Trunk {
            id: TrunkId::from_raw(id),
            company_id: company.map(CompanyId::from_raw),
            name: format!("trunk {id}"),
            address: "192.0.2.10:5060".into(),
            username: Some("acct".into()),
            password: Some("secret".into()),
            register: false,
            emergency,
            inbound: "tcp".into(),
            inbound_secret: None,
            max_calls: 7,
            created_at: 0,
        }
    }

    fn placing<'a>(company: &'a CompanyId, presenting: Presenting<'a>) -> Placing<'a> {
        Placing {
            company,
            presenting,
            name: Some("Ada"),
            anonymous: false,
            emergency: false,
        }
    }

    const LINE_201: Presenting<'static> = Presenting {
        line: Some((Some("+15550100"), "201")),
        caller_number: "201",
        dialled: None,
    };

    fn trunk_of(p: &OutsidePlan) -> Option<&str> {
        p.trunk.as_ref().map(|t| t.id.as_str())
    }

    #[test]
    fn an_outside_call_takes_its_companys_trunk_over_the_installations() {
        let co = CompanyId::from_raw("co");
        let trunks = [
            trunk("shared", None, false),
            trunk("other", Some("elsewhere"), false),
            trunk("own", Some("co"), false),
        ];
        let p = plan(&trunks, "+15557650000", &placing(&co, LINE_201));
        assert_eq!(trunk_of(&p), Some("own"));
        let own = p
            .trunk
            .as_ref()
            .map(|t| (t.address.to_string(), t.max_calls));
        assert_eq!(own, Some(("192.0.2.10:5060".to_owned(), 7)));
        let p = plan(&trunks[..2], "+15557650000", &placing(&co, LINE_201));
        assert_eq!(trunk_of(&p), Some("shared"));
        let p = plan(&trunks[1..2], "+15557650000", &placing(&co, LINE_201));
        assert_eq!(p.trunk, None, "never another company's trunk");
    }

    #[test]
    fn an_emergency_call_takes_an_emergency_trunk_and_else_falls_back_to_any() {
        let co = CompanyId::from_raw("co");
        let sos = Placing {
            emergency: true,
            ..placing(&co, LINE_201)
        };
        let trunks = [trunk("own", Some("co"), false), trunk("sos", None, true)];
        assert_eq!(trunk_of(&plan(&trunks, "911", &sos)), Some("sos"));
        assert_eq!(trunk_of(&plan(&trunks[..1], "911", &sos)), Some("own"));
    }

    #[test]
    fn a_redirect_presenting_the_dialled_number_presents_the_redirecting_lines() {
        let co = CompanyId::from_raw("co");
        let trunks = [trunk("own", Some("co"), false)];
        let redirected = Presenting {
            line: None,
            caller_number: "+15559998888",
            dialled: Some(Some("+15550200")),
        };
        let p = plan(&trunks, "+15557650000", &placing(&co, redirected));
        assert_eq!(p.caller_id.number, "+15550200");
        let kept = Presenting {
            dialled: None,
            ..redirected
        };
        let p = plan(&trunks, "+15557650000", &placing(&co, kept));
        assert_eq!(
            p.caller_id.number, "+15559998888",
            "the outside caller's own"
        );
    }

    #[test]
    fn an_anonymous_callers_outside_call_is_withheld_without_a_name() {
        let co = CompanyId::from_raw("co");
        let anonymous = Placing {
            anonymous: true,
            ..placing(&co, LINE_201)
        };
        let p = plan(
            &[trunk("own", Some("co"), false)],
            "+15557650000",
            &anonymous,
        );
        assert_eq!(
            p.caller_id,
            Presented {
                number: "+15550100".into(),
                name: None,
                withheld: true,
            }
        );
    }

    #[test]
    fn a_plans_debug_text_never_shows_the_trunks_password() {
        let co = CompanyId::from_raw("co");
        let p = plan(
            &[trunk("own", Some("co"), false)],
            "+1555",
            &placing(&co, LINE_201),
        );
        let text = format!("{p:?}");
        assert!(text.contains("acct") && !text.contains("secret"), "{text}");
    }
}
