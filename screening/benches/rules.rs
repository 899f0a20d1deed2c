//! 1,000 rules × one 400-traveller flight, the target of issue 6 (≤ 10 ms on one core).
//! Results and the machine: BENCHMARKS.md, "Targeting rules".
//!
//! Rules and travellers are synthetic and deterministic (a small LCG, so the bench needs no
//! random-number crate): 2–6 leaves each (one rule in ten an `any`) over nationality sets, age ranges, origin sets, lead
//! days, cash payment, one-way, agency, route and document validity, as in the engine
//! comparison of screening-rules-privacy.md §B.3.

use chrono::NaiveDate;
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use paxrisk_screening::rules::{
    score, validate, CompiledRule, Direction, Facts, FlightFacts, HistoryFacts, PnrFacts, RuleSet,
    TravellerFacts,
};
use serde_json::{json, Value};

struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.next(items.len() as u64) as usize]
    }
}

const COUNTRIES: &[&str] = &[
    "ISL", "NOR", "SWE", "GBR", "FRA", "DEU", "SGP", "ARE", "USA", "CAN", "BRA", "NGA", "IND",
    "JPN",
];
const AIRPORTS: &[&str] = &[
    "SIN", "DXB", "KEF", "LHR", "CDG", "FRA", "IST", "DOH", "JFK", "GRU", "LOS", "DEL",
];
const AGENCIES: &[&str] = &[
    "AGT1", "AGT2", "AGT3", "AGT4", "AGT5", "AGT6", "AGT7", "AGT8",
];

fn leaf(rng: &mut Lcg) -> Value {
    match rng.next(9) {
        0 => {
            let set: Vec<&str> = (0..1 + rng.next(4)).map(|_| rng.pick(COUNTRIES)).collect();
            json!({"field": "traveller.nationality", "op": "in", "value": set})
        }
        1 => {
            let lo = rng.next(60);
            json!({"field": "traveller.age", "op": "between", "value": [lo, lo + 5 + rng.next(20)]})
        }
        2 => {
            let set: Vec<&str> = (0..1 + rng.next(3)).map(|_| rng.pick(AIRPORTS)).collect();
            json!({"field": "flight.origin", "op": "in", "value": set})
        }
        3 => json!({"field": "pnr.booking_lead_days", "op": "le", "value": rng.next(30)}),
        4 => json!({"field": "pnr.payment_type", "op": "eq", "value": "CA"}),
        5 => json!({"field": "pnr.one_way", "op": "eq", "value": rng.next(2) == 0}),
        6 => {
            json!({"field": "pnr.agency", "op": "in", "value": [rng.pick(AGENCIES), rng.pick(AGENCIES)]})
        }
        7 => json!({"field": "pnr.route", "op": "contains", "value": rng.pick(AIRPORTS)}),
        _ => {
            json!({"not": {"field": "traveller.document_expiry_days", "op": "ge", "value": 30 * rng.next(12)}})
        }
    }
}

fn rules(n: usize) -> Vec<(CompiledRule, u8)> {
    let mut rng = Lcg(7);
    (0..n)
        .map(|_| {
            let leaves: Vec<Value> = (0..2 + rng.next(5)).map(|_| leaf(&mut rng)).collect();
            let condition = if rng.next(10) == 0 {
                json!({"any": leaves})
            } else {
                json!({"all": leaves})
            };
            let c = validate(&condition).expect("synthetic rule is valid");
            (CompiledRule::compile(&c), 5 + rng.next(40) as u8)
        })
        .collect()
}

fn travellers(n: usize) -> Vec<Facts> {
    let mut rng = Lcg(11);
    let departure = NaiveDate::from_ymd_opt(2026, 11, 29)
        .unwrap()
        .and_hms_opt(8, 0, 0)
        .unwrap();
    let flight = FlightFacts {
        carrier: Some("ZZ".into()),
        number: Some("101".into()),
        origin: Some("SIN".into()),
        destination: Some("KEF".into()),
        origin_country: Some("SGP".into()),
        destination_country: Some("ISL".into()),
        direction: Some(Direction::Inbound),
        departure_local: Some(departure),
    };
    (0..n)
        .map(|_| Facts {
            traveller: TravellerFacts {
                surname: Some("DOE".into()),
                given_names: Some("JANE".into()),
                nationality: Some(rng.pick(COUNTRIES).into()),
                gender: Some(rng.pick(&["M", "F"]).into()),
                age: Some(rng.next(80) as i64),
                document_type: Some("P".into()),
                document_country: Some(rng.pick(COUNTRIES).into()),
                document_expiry_days: Some(rng.next(3_000) as i64 - 100),
                residence: None,
                kind: Some("passenger".into()),
                seat: Some("12A".into()),
                bag_count: Some(rng.next(3) as u32),
            },
            flight: flight.clone(),
            // One traveller in ten has API data only.
            pnr: (rng.next(10) != 0).then(|| PnrFacts {
                booking_date: departure
                    .date()
                    .checked_sub_days(chrono::Days::new(rng.next(60))),
                payment_type: Some(rng.pick(&["CA", "CC", "CC", "CC", "MS"]).into()),
                one_way: Some(rng.next(3) == 0),
                travellers_count: Some(1 + rng.next(4) as u32),
                agency: Some(rng.pick(AGENCIES).into()),
                route: vec!["SIN".into(), rng.pick(AIRPORTS).into(), "KEF".into()],
                ..PnrFacts::default()
            }),
            history: HistoryFacts::default(),
        })
        .collect()
}

/// What the screening job does per flight: every rule for every traveller, explanations for
/// the rules that matched, and the score.
fn screen(rules: &[(CompiledRule, u8)], flight: &[Facts]) -> (usize, u32) {
    let mut hits = 0;
    let mut total = 0u32;
    for facts in flight {
        let table = facts.table();
        let mut weights = Vec::new();
        for (rule, weight) in rules {
            if rule.matches(&table) {
                hits += 1;
                black_box(rule.explain(&table));
                weights.push(*weight);
            }
        }
        total += u32::from(score(weights.into_iter()));
    }
    (hits, total)
}

/// One flight through the server's path (`RuleSet::screen` + score), timed by the CPU time of
/// this thread as well as the wall clock: on a machine shared with builds, wall time counts the
/// time other processes held the core, CPU time does not. Linux only (`/proc/thread-self`);
/// elsewhere only the wall time is printed.
fn cpu_time_per_flight(set: &RuleSet<u8>, flight: &[Facts]) {
    // `schedstat`: nanoseconds on the CPU, nanoseconds waiting for it, time slices.
    fn on_cpu_ns() -> Option<u64> {
        let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
        s.split_whitespace().next()?.parse().ok()
    }
    let run = || {
        let mut total = 0u32;
        for facts in flight {
            let hits = set.screen(black_box(facts));
            total += u32::from(score(hits.iter().map(|h| *h.key)));
        }
        black_box(total)
    };
    for _ in 0..20 {
        run();
    }
    let mut cpu = Vec::new();
    let mut wall = Vec::new();
    for _ in 0..200 {
        let (c0, t0) = (on_cpu_ns(), std::time::Instant::now());
        run();
        wall.push(t0.elapsed().as_secs_f64() * 1e3);
        if let (Some(a), Some(b)) = (c0, on_cpu_ns()) {
            cpu.push((b - a) as f64 / 1e6);
        }
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied()
    };
    eprintln!(
        "RuleSet::screen, 1,000 rules x 400 travellers, median of 200 flights: {:.2} ms CPU, {:.2} ms wall",
        median(&mut cpu).unwrap_or(f64::NAN),
        median(&mut wall).unwrap_or(f64::NAN)
    );
}

fn bench(c: &mut Criterion) {
    let rules = rules(1_000);
    let flight = travellers(400);
    let (hits, _) = screen(&rules, &flight);
    eprintln!(
        "1,000 rules x 400 travellers: {hits} hits ({:.2}%)",
        100.0 * hits as f64 / 400_000.0
    );
    let set = RuleSet::new(rules.iter().map(|(r, w)| (*w, r.clone())));
    cpu_time_per_flight(&set, &flight);

    c.bench_function("rules/match_only_1000x400", |b| {
        b.iter(|| {
            let mut n = 0;
            for facts in &flight {
                let table = facts.table();
                for (rule, _) in &rules {
                    n += usize::from(rule.matches(black_box(&table)));
                }
            }
            n
        })
    });
    c.bench_function("rules/ruleset_screen_flight_1000x400", |b| {
        b.iter(|| {
            let mut total = 0u32;
            for facts in &flight {
                let hits = set.screen(black_box(facts));
                total += u32::from(score(hits.iter().map(|h| *h.key)));
            }
            total
        })
    });
    c.bench_function("rules/screen_flight_1000x400", |b| {
        b.iter(|| screen(black_box(&rules), black_box(&flight)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
