//! The seeds' wording as table tests, and properties that hold for every input.

use super::*;
use jiff::Timestamp;
use jiff::tz::TimeZone;

const ALL: &[Feature] = Feature::ALL;

fn tz(name: &str) -> TimeZone {
    TimeZone::get(name).unwrap()
}

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

struct Case {
    handling: Handling,
    target: TargetState<'static>,
    target_depts: Vec<DeptState<'static>>,
    caller_depts: Vec<DeptState<'static>>,
    features: &'static [Feature],
    zone: TimeZone,
    bars: crate::barring::Bars,
}

impl Case {
    fn new() -> Self {
        Case {
            handling: Handling::default(),
            target: TargetState {
                line: "L1",
                in_service: true,
                registered_devices: 2,
                busy: false,
                presence: Presence::Available,
            },
            target_depts: Vec::new(),
            caller_depts: Vec::new(),
            features: ALL,
            zone: tz("America/New_York"),
            bars: crate::barring::Bars::COMPANY_DEFAULT,
        }
    }
    fn plan(&self, caller: Caller<'_>, dialled: &str, hops: &[&str], now: Timestamp) -> Plan {
        let ctx = Context {
            handling: &self.handling,
            target: self.target.clone(),
            target_departments: &self.target_depts,
            caller_departments: &self.caller_depts,
            features: self.features,
            time_zone: &self.zone,
            emergency_numbers: &["933"],
            barring: Barring {
                bars: self.bars,
                country: "US",
            },
        };
        decide(
            &Call {
                caller,
                dialled,
                hops,
            },
            &ctx,
            now,
        )
    }
    fn run(&self) -> Plan {
        self.plan(outside(), "201", &[], at("2026-11-23T15:00:00Z"))
    }
}

fn outside() -> Caller<'static> {
    Caller {
        number: Some("+15551230000"),
        name: Some("Pat"),
        anonymous: false,
        origin: Origin::Trunk,
    }
}

fn internal() -> Caller<'static> {
    Caller {
        number: Some("202"),
        name: Some("Sam"),
        anonymous: false,
        origin: Origin::Line,
    }
}

fn anonymous() -> Caller<'static> {
    Caller {
        number: None,
        name: None,
        anonymous: true,
        origin: Origin::Trunk,
    }
}

fn actions(p: &Plan) -> Vec<Action> {
    p.steps.iter().map(|s| s.action.clone()).collect()
}

fn number(n: &str) -> Divert {
    Divert::Number {
        number: n.into(),
        announce: false,
        present_dialled: false,
    }
}

#[test]
fn by_default_calls_keep_ringing_and_busy_gives_the_engaged_tone() {
    let p = Case::new().run();
    assert_eq!(actions(&p), vec![Action::Ring { seconds: None }]);
    assert_eq!(p.on_busy.unwrap().action, Action::Reject { status: 486 });
}

#[test]
fn voicemail_after_no_answer_timeout() {
    let mut c = Case::new();
    c.handling.no_answer = NoAnswer::After {
        seconds: 20,
        to: Divert::Voicemail,
        always: false,
    };
    assert_eq!(
        actions(&c.run()),
        vec![Action::Ring { seconds: Some(20) }, Action::Voicemail]
    );
}

#[test]
fn redirect_to_another_user_after_timeout() {
    let mut c = Case::new();
    c.handling.no_answer = NoAnswer::After {
        seconds: 15,
        to: Divert::User { line: "L2".into() },
        always: false,
    };
    assert_eq!(
        actions(&c.run()),
        vec![
            Action::Ring { seconds: Some(15) },
            Action::RedirectToUser { line: "L2".into() }
        ]
    );
}

#[test]
fn redirect_to_number_with_announce_and_dialled_caller_id() {
    let mut c = Case::new();
    let to = Divert::Number {
        number: "+15559990000".into(),
        announce: true,
        present_dialled: true,
    };
    c.handling.no_answer = NoAnswer::After {
        seconds: 10,
        to,
        always: false,
    };
    assert_eq!(
        actions(&c.run())[1],
        Action::RedirectToNumber {
            number: "+15559990000".into(),
            caller_id: CallerIdChoice::Dialled,
            announce: true
        }
    );
}

#[test]
fn always_redirect_skips_ringing() {
    let mut c = Case::new();
    c.handling.no_answer = NoAnswer::After {
        seconds: 10,
        to: number("+15559990000"),
        always: true,
    };
    let p = c.run();
    assert_eq!(p.steps.len(), 1);
    assert_eq!(p.steps[0].reason, Reason::AlwaysRedirect);
}

#[test]
fn busy_handling_options() {
    let mut c = Case::new();
    c.target.busy = true;
    assert_eq!(actions(&c.run()), vec![Action::Reject { status: 486 }]);
    c.handling.busy = Busy::To(Divert::Voicemail);
    assert_eq!(actions(&c.run()), vec![Action::Voicemail]);
    c.handling.busy = Busy::To(Divert::User { line: "L3".into() });
    assert_eq!(
        actions(&c.run()),
        vec![Action::RedirectToUser { line: "L3".into() }]
    );
    c.handling.busy = Busy::To(number("+15550001111"));
    assert!(matches!(
        actions(&c.run())[0],
        Action::RedirectToNumber { .. }
    ));
}

#[test]
fn do_not_disturb_sends_callers_to_the_busy_handling() {
    let mut c = Case::new();
    c.target.presence = Presence::DoNotDisturb;
    c.handling.busy = Busy::To(Divert::Voicemail);
    let p = c.run();
    assert_eq!(
        (p.steps[0].action.clone(), p.steps[0].reason),
        (Action::Voicemail, Reason::DoNotDisturb)
    );
}

#[test]
fn forward_all_calls_to_a_saved_number() {
    let mut c = Case::new();
    c.handling.forward_all = Some("+15557654321".into());
    let p = c.run();
    assert_eq!(p.steps[0].reason, Reason::ForwardAll);
    // Without the forwarding feature in the package, the setting is not applied.
    c.features = &[Feature::Voicemail];
    assert_eq!(actions(&c.run()), vec![Action::Ring { seconds: None }]);
}

#[test]
fn permanent_redirect_wins_over_ringing() {
    let mut c = Case::new();
    c.handling.permanent_redirect = Some("+15551112222".into());
    assert_eq!(c.run().steps[0].reason, Reason::PermanentRedirect);
}

#[test]
fn anonymous_callers_are_rejected_with_433_only_when_set() {
    let mut c = Case::new();
    let now = at("2026-11-23T15:00:00Z");
    assert_eq!(
        actions(&c.plan(anonymous(), "201", &[], now)),
        vec![Action::Ring { seconds: None }]
    );
    c.handling.reject_anonymous = true;
    assert_eq!(
        actions(&c.plan(anonymous(), "201", &[], now)),
        vec![Action::Reject { status: 433 }]
    );
    assert_eq!(
        actions(&c.plan(outside(), "201", &[], now)),
        vec![Action::Ring { seconds: None }]
    );
}

#[test]
fn out_of_hours_follows_the_weekly_schedule_in_the_company_zone() {
    let mut c = Case::new();
    let mut days = [DayRule::AvailableAllDay; 7];
    days[0] = DayRule::UnavailableBetween {
        from: HhMm::new(18, 0).unwrap(),
        to: HhMm::new(8, 0).unwrap(),
    };
    days[6] = DayRule::UnavailableAllDay;
    c.handling.out_of_hours = Some(OutOfHours {
        schedule: WeekSchedule(days),
        to: Divert::Voicemail,
    });
    // Monday 2026-11-23, New York is UTC-5.
    let plan = |t: &str| c.plan(outside(), "201", &[], at(t));
    assert_eq!(
        plan("2026-11-23T22:59:00Z").steps[0].action,
        Action::Ring { seconds: None },
        "17:59 local"
    );
    assert_eq!(
        plan("2026-11-23T23:00:00Z").steps[0].reason,
        Reason::OutOfHours,
        "18:00 local"
    );
    assert_eq!(
        plan("2026-11-23T12:59:00Z").steps[0].reason,
        Reason::OutOfHours,
        "07:59 local"
    );
    assert_eq!(
        plan("2026-11-23T13:00:00Z").steps[0].action,
        Action::Ring { seconds: None },
        "08:00 local"
    );
    assert_eq!(
        plan("2026-11-29T12:00:00Z").steps[0].reason,
        Reason::OutOfHours,
        "Sunday"
    );
}

#[test]
fn schedules_hold_across_daylight_saving_changes() {
    let mut days = [DayRule::AvailableAllDay; 7];
    days[6] = DayRule::UnavailableBetween {
        from: HhMm::new(9, 0).unwrap(),
        to: HhMm::new(17, 0).unwrap(),
    };
    let week = WeekSchedule(days);
    for (zone, before, after) in [
        // Europe/Paris leaves summer time on Sunday 2026-10-25 at 03:00: 09:00 local is then 08:00Z
        // (07:59Z would read 09:59 with the summer offset).
        (
            "Europe/Paris",
            "2026-10-25T07:59:00Z",
            "2026-10-25T08:00:00Z",
        ),
        // America/New_York leaves it on Sunday 2026-11-01: 09:00 local is 14:00Z that day.
        (
            "America/New_York",
            "2026-11-01T13:59:00Z",
            "2026-11-01T14:00:00Z",
        ),
        // Australia/Sydney enters it on Sunday 2026-10-04: 09:00 local is 22:00Z the day before.
        (
            "Australia/Sydney",
            "2026-10-03T21:59:00Z",
            "2026-10-03T22:00:00Z",
        ),
    ] {
        let z = tz(zone);
        assert!(!week.unavailable_at(at(before), &z), "{zone} before 09:00");
        assert!(week.unavailable_at(at(after), &z), "{zone} at 09:00");
    }
}

#[test]
fn department_blocks_and_limits_apply_through_the_tree() {
    let mut c = Case::new();
    c.target_depts = vec![
        DeptState {
            name: "Team",
            policy: CallPolicyKind::Unlimited,
            limit: None,
            active_calls: 0,
        },
        DeptState {
            name: "Sales",
            policy: CallPolicyKind::IncomingBlocked,
            limit: None,
            active_calls: 0,
        },
    ];
    assert_eq!(actions(&c.run()), vec![Action::Reject { status: 403 }]);
    c.target_depts[1] = DeptState {
        name: "Sales",
        policy: CallPolicyKind::Limited,
        limit: Some(2),
        active_calls: 2,
    };
    assert_eq!(c.run().steps[0].reason, Reason::DepartmentFull);
    c.target_depts[1].active_calls = 1;
    assert_eq!(actions(&c.run()), vec![Action::Ring { seconds: None }]);
    c.caller_depts = vec![DeptState {
        name: "Lobby",
        policy: CallPolicyKind::OutgoingBlocked,
        limit: None,
        active_calls: 0,
    }];
    let p = c.plan(internal(), "201", &[], at("2026-11-23T15:00:00Z"));
    assert_eq!(p.steps[0].reason, Reason::CallerOutgoingBlocked);
}

#[test]
fn emergency_numbers_go_through_whatever_is_configured() {
    let mut c = Case::new();
    c.target.in_service = false;
    c.handling.reject_anonymous = true;
    c.handling.forward_all = Some("+15550000000".into());
    c.caller_depts = vec![DeptState {
        name: "Lobby",
        policy: CallPolicyKind::BothBlocked,
        limit: Some(1),
        active_calls: 5,
    }];
    for n in ["911", "933"] {
        let p = c.plan(anonymous(), n, &["L9"; 7], at("2026-11-23T15:00:00Z"));
        assert_eq!(actions(&p), vec![Action::Emergency], "{n}");
    }
}

#[test]
fn forwarding_chains_never_loop() {
    let mut c = Case::new();
    c.handling.no_answer = NoAnswer::After {
        seconds: 5,
        to: Divert::User { line: "L2".into() },
        always: false,
    };
    // A -> B -> A: the second visit to L1 is cut.
    let p = c.plan(outside(), "201", &["L1", "L2"], at("2026-11-23T15:00:00Z"));
    assert_eq!(p.steps[0].reason, Reason::Loop);
    // L1 redirecting to L2 when the call came from L2 is cut too.
    let p = c.plan(outside(), "201", &["L2"], at("2026-11-23T15:00:00Z"));
    assert_eq!(p.steps[1].action, Action::Reject { status: 482 });
    let p = c.plan(
        outside(),
        "201",
        &["A", "B", "C", "D", "E"],
        at("2026-11-23T15:00:00Z"),
    );
    assert_eq!(p.steps[0].reason, Reason::TooManyHops);
}

#[test]
fn disabled_users_lines_take_no_calls_and_missing_voicemail_is_said() {
    let mut c = Case::new();
    c.target.in_service = false;
    assert_eq!(c.run().steps[0].reason, Reason::NotInService);
    let mut c = Case::new();
    c.features = &[];
    c.handling.no_answer = NoAnswer::After {
        seconds: 5,
        to: Divert::Voicemail,
        always: false,
    };
    assert_eq!(c.run().steps[1].reason, Reason::NoVoicemailInPackage);
}

/// Every way a line's settings send a call to a number, with `n` as the number.
fn every_redirect_to(n: &str) -> Vec<(&'static str, Handling)> {
    let base = Handling::default;
    let closed = WeekSchedule([DayRule::UnavailableAllDay; 7]);
    vec![
        (
            "forward all",
            Handling {
                forward_all: Some(n.into()),
                ..base()
            },
        ),
        (
            "permanent redirect",
            Handling {
                permanent_redirect: Some(n.into()),
                ..base()
            },
        ),
        (
            "no answer",
            Handling {
                no_answer: NoAnswer::After {
                    seconds: 0,
                    to: number(n),
                    always: true,
                },
                ..base()
            },
        ),
        (
            "busy",
            Handling {
                busy: Busy::To(number(n)),
                ..base()
            },
        ),
        (
            "out of hours",
            Handling {
                out_of_hours: Some(OutOfHours {
                    schedule: closed,
                    to: number(n),
                }),
                ..base()
            },
        ),
    ]
}

/// The first step that is not ringing, for a call from `caller`.
fn diverted(c: &Case, caller: Caller<'_>) -> Step {
    let p = c.plan(caller, "201", &[], at("2026-11-23T15:00:00Z"));
    p.steps
        .iter()
        .chain(p.on_busy.iter())
        .find(|s| !matches!(s.action, Action::Ring { .. }))
        .cloned()
        .unwrap()
}

#[test]
fn no_redirect_reaches_a_premium_rate_number_by_default_whoever_calls() {
    for (how, h) in every_redirect_to("+19005550123") {
        for caller in [outside(), internal()] {
            let mut c = Case::new();
            c.handling = h.clone();
            c.target.busy = how == "busy";
            let s = diverted(&c, caller);
            assert_eq!(
                (s.action, s.reason),
                (Action::Reject { status: 403 }, Reason::BarredPremium),
                "{how}"
            );
        }
    }
}

#[test]
fn international_redirects_are_refused_only_when_barred() {
    for (how, h) in every_redirect_to("+33142685300") {
        let mut c = Case::new();
        c.handling = h;
        c.target.busy = how == "busy";
        assert!(
            matches!(
                diverted(&c, outside()).action,
                Action::RedirectToNumber { .. }
            ),
            "{how}: allowed by default"
        );
        c.bars.international = true;
        let s = diverted(&c, outside());
        assert_eq!(
            (s.action, s.reason),
            (Action::Reject { status: 403 }, Reason::BarredInternational),
            "{how}"
        );
        assert!(
            s.reason
                .sentence()
                .contains("International calls are barred")
        );
    }
}

#[test]
fn barring_all_outside_refuses_national_redirects_but_not_extensions() {
    let mut c = Case::new();
    c.bars.all_outside = true;
    c.handling.forward_all = Some("+12125550123".into());
    assert_eq!(diverted(&c, outside()).reason, Reason::BarredAllOutside);
    c.handling.forward_all = Some("203".into());
    assert!(matches!(
        diverted(&c, outside()).action,
        Action::RedirectToNumber { .. }
    ));
    c.bars = crate::barring::Bars::default();
    c.handling.forward_all = Some("+19005550123".into());
    assert!(matches!(
        diverted(&c, outside()).action,
        Action::RedirectToNumber { .. }
    ));
}

#[test]
fn every_redirect_to_an_outside_number_needs_call_forwarding_in_the_package() {
    for (how, h) in every_redirect_to("+12125550123") {
        let mut c = Case::new();
        c.handling = h;
        c.target.busy = how == "busy";
        c.features = &[Feature::Voicemail];
        let p = c.plan(outside(), "201", &[], at("2026-11-23T15:00:00Z"));
        // Forward all is not applied without the feature; every other redirect is refused.
        let bad = p
            .steps
            .iter()
            .chain(p.on_busy.iter())
            .any(|s| matches!(s.action, Action::RedirectToNumber { .. }));
        assert!(!bad, "{how} went out without call_forwarding");
        if how != "forward all" {
            assert_eq!(
                diverted(&c, outside()).reason,
                Reason::NoForwardingInPackage,
                "{how}"
            );
        }
    }
    // A redirect to an extension is not a call out.
    let mut c = Case::new();
    c.features = &[Feature::Voicemail];
    c.handling.permanent_redirect = Some("203".into());
    assert!(matches!(
        diverted(&c, outside()).action,
        Action::RedirectToNumber { .. }
    ));
}

#[test]
fn every_reason_has_a_sentence() {
    for r in [
        Reason::EmergencyNumber,
        Reason::Loop,
        Reason::OutOfHours,
        Reason::NoVoicemailInPackage,
        Reason::NoForwardingInPackage,
        Reason::BarredAllOutside,
        Reason::BarredInternational,
        Reason::BarredPremium,
    ] {
        assert!(r.sentence().ends_with('.'));
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn divert() -> impl Strategy<Value = Divert> {
        prop_oneof![
            Just(Divert::Voicemail),
            "L[0-9]".prop_map(|line| Divert::User { line }),
            (any::<bool>(), any::<bool>()).prop_map(|(announce, present_dialled)| Divert::Number {
                number: "+15550001234".into(),
                announce,
                present_dialled
            }),
        ]
    }

    fn day() -> impl Strategy<Value = DayRule> {
        prop_oneof![
            Just(DayRule::AvailableAllDay),
            Just(DayRule::UnavailableAllDay),
            (0u16..1440, 0u16..1440).prop_map(|(a, b)| DayRule::UnavailableBetween {
                from: HhMm(a),
                to: HhMm(b)
            }),
        ]
    }

    fn handling() -> impl Strategy<Value = Handling> {
        (
            proptest::option::of(Just("+15557770000".to_string())),
            prop_oneof![
                Just(NoAnswer::KeepRinging),
                (1u32..120, divert(), any::<bool>()).prop_map(|(seconds, to, always)| {
                    NoAnswer::After {
                        seconds,
                        to,
                        always,
                    }
                })
            ],
            prop_oneof![Just(Busy::Engaged), divert().prop_map(Busy::To)],
            proptest::option::of((proptest::array::uniform7(day()), divert()).prop_map(
                |(d, to)| OutOfHours {
                    schedule: WeekSchedule(d),
                    to,
                },
            )),
            any::<bool>(),
            proptest::option::of(Just("+15558880000".to_string())),
        )
            .prop_map(
                |(
                    forward_all,
                    no_answer,
                    busy,
                    out_of_hours,
                    reject_anonymous,
                    permanent_redirect,
                )| Handling {
                    forward_all,
                    no_answer,
                    busy,
                    out_of_hours,
                    reject_anonymous,
                    permanent_redirect,
                    call_waiting: true,
                },
            )
    }

    proptest! {
        #[test]
        fn plans_are_short_never_revisit_a_line_and_honour_emergency_and_anonymity(
            h in handling(),
            anonymous_caller in any::<bool>(),
            hops in proptest::collection::vec("L[0-9]", 0..7),
            emergency in any::<bool>(),
            busy in any::<bool>(),
            devices in 0u32..3,
            secs in 1_700_000_000i64..1_900_000_000,
        ) {
            let mut c = Case::new();
            c.handling = h.clone();
            c.target.busy = busy;
            c.target.registered_devices = devices;
            let hop_refs: Vec<&str> = hops.iter().map(String::as_str).collect();
            let caller = if anonymous_caller { anonymous() } else { outside() };
            let dialled = if emergency { "911" } else { "201" };
            let p = c.plan(caller, dialled, &hop_refs, Timestamp::from_second(secs).unwrap());
            // Every plan terminates: at most two steps, the last never ringing forever before more.
            prop_assert!(!p.steps.is_empty() && p.steps.len() <= 2);
            if emergency {
                prop_assert_eq!(actions(&p), vec![Action::Emergency]);
                return Ok(());
            }
            // No plan sends the call to a line it already visited, or past the hop limit.
            for s in p.steps.iter().chain(p.on_busy.iter()) {
                if let Action::RedirectToUser { line } = &s.action {
                    prop_assert!(line != "L1" && !hops.contains(line));
                    prop_assert!(hops.len() + 1 < MAX_HOPS);
                }
            }
            let rejected_433 = p.steps.iter().any(|s| s.action == Action::Reject { status: 433 });
            let reached = !hops.contains(&"L1".to_string()) && hops.len() < MAX_HOPS;
            prop_assert_eq!(rejected_433, reached && h.reject_anonymous && anonymous_caller);
        }
    }
}

/// The API answered `format!("{:?}", reason)` before codes were named: the codes keep those
/// values, each names one reason, and every reason has a sentence.
#[test]
fn reason_codes_are_stable_unique_and_found_again() {
    let mut seen = std::collections::HashSet::new();
    for r in Reason::ALL {
        assert_eq!(r.code(), format!("{r:?}"));
        assert!(seen.insert(r.code()), "{r:?}");
        assert_eq!(Reason::from_code(r.code()), Some(r));
        assert!(r.sentence().ends_with('.'), "{r:?}");
    }
    assert_eq!(Reason::from_code("forward_all"), None);
}

#[test]
fn a_line_is_busy_at_its_first_call_without_call_waiting_and_at_its_second_with_it() {
    let mut h = Handling::default();
    assert!(h.call_waiting, "call waiting is on for a new line");
    assert!(!h.busy_with(0));
    assert!(!h.busy_with(1), "one more call may ring");
    assert!(h.busy_with(2));
    h.call_waiting = false;
    assert!(!h.busy_with(0));
    assert!(h.busy_with(1));
}

#[test]
fn a_handling_document_saved_before_call_waiting_existed_has_it_on() {
    let mut v = serde_json::to_value(Handling::default()).unwrap();
    v.as_object_mut().unwrap().remove("call_waiting");
    let h: Handling = serde_json::from_value(v).unwrap();
    assert!(h.call_waiting);
}
