//! Routing decisions per second on a realistic company: 200 lines with forwarding, no-answer and
//! busy diverts, out-of-hours schedules and a three-level department tree with live limits.
//! Run with `bench/routing/run.sh` (or `cargo bench -p sb-domain --bench routing`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a benchmark fails loudly

use sb_domain::barring::Bars;
use sb_domain::model::{CallPolicyKind, Feature};
use sb_domain::routing::*;
use std::hint::black_box;
use std::time::Instant;

fn handling(i: usize) -> Handling {
    let mut h = Handling::default();
    match i % 6 {
        0 => {}
        1 => {
            h.no_answer = NoAnswer::After {
                seconds: 20,
                to: Divert::Voicemail,
                always: false,
            }
        }
        2 => {
            h.no_answer = NoAnswer::After {
                seconds: 15,
                to: Divert::User {
                    line: format!("L{}", (i + 1) % 200),
                },
                always: false,
            }
        }
        3 => h.forward_all = Some("+15557650000".into()),
        4 => {
            let mut days = [DayRule::UnavailableBetween {
                from: HhMm::new(18, 0).unwrap(),
                to: HhMm::new(8, 0).unwrap(),
            }; 7];
            days[5] = DayRule::UnavailableAllDay;
            days[6] = DayRule::UnavailableAllDay;
            h.out_of_hours = Some(OutOfHours {
                schedule: WeekSchedule(days),
                to: Divert::Voicemail,
            });
            h.busy = Busy::To(Divert::Voicemail);
        }
        _ => {
            h.reject_anonymous = true;
            h.no_answer = NoAnswer::After {
                seconds: 10,
                to: Divert::Number {
                    number: "+15551230000".into(),
                    announce: true,
                    present_dialled: true,
                },
                always: false,
            };
        }
    }
    h
}

fn main() {
    // Test runners list and run every target (nextest calls it with `--list`); only
    // `cargo bench`, which passes `--bench`, measures.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let zone = jiff::tz::TimeZone::get("America/New_York").unwrap();
    let lines: Vec<(String, Handling)> = (0..200).map(|i| (format!("L{i}"), handling(i))).collect();
    let depts = [
        DeptState {
            name: "Team",
            policy: CallPolicyKind::Limited,
            limit: Some(10),
            active_calls: 3,
        },
        DeptState {
            name: "Sales",
            policy: CallPolicyKind::Limited,
            limit: Some(40),
            active_calls: 12,
        },
        DeptState {
            name: "Company",
            policy: CallPolicyKind::Unlimited,
            limit: None,
            active_calls: 0,
        },
    ];
    let callers = [
        Caller {
            number: Some("+15550001111"),
            name: Some("Pat"),
            anonymous: false,
            origin: Origin::Trunk,
        },
        Caller {
            number: None,
            name: None,
            anonymous: true,
            origin: Origin::Trunk,
        },
        Caller {
            number: Some("202"),
            name: Some("Sam"),
            anonymous: false,
            origin: Origin::Line,
        },
    ];
    let start_ts = jiff::Timestamp::from_second(1_795_000_000).unwrap();
    let hops: [&str; 1] = ["L7"];
    let run = |n: usize| {
        let t0 = Instant::now();
        let mut steps = 0usize;
        for i in 0..n {
            let (line, h) = &lines[i % lines.len()];
            let ctx = Context {
                handling: h,
                target: TargetState {
                    line,
                    in_service: true,
                    registered_devices: (i % 3) as u32,
                    busy: i % 11 == 0,
                    presence: Presence::Available,
                },
                target_departments: &depts,
                caller_departments: &depts[1..],
                features: Feature::ALL,
                time_zone: &zone,
                emergency_numbers: &["933"],
                barring: Barring {
                    bars: Bars::COMPANY_DEFAULT,
                    country: "US",
                },
            };
            let call = Call {
                caller: callers[i % 3].clone(),
                dialled: if i % 997 == 0 { "911" } else { "201" },
                hops: if i % 5 == 0 { &hops } else { &[] },
            };
            let now = start_ts
                .checked_add(jiff::SignedDuration::from_secs((i as i64 * 7919) % 604_800))
                .unwrap();
            steps += black_box(decide(&call, &ctx, now)).steps.len();
        }
        (t0.elapsed(), steps)
    };
    run(200_000);
    let n = 2_000_000;
    let mut best = f64::MAX;
    for _ in 0..3 {
        let (d, steps) = run(n);
        black_box(steps);
        best = best.min(d.as_secs_f64());
    }
    let per_sec = n as f64 / best;
    println!("| routing decisions | lines | per second (one core, best of 3) | ns per decision |");
    println!("|---|---|---|---|");
    println!(
        "| {n} | 200 | {:.0} | {:.0} |",
        per_sec,
        best * 1e9 / n as f64
    );
}
