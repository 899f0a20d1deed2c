//! Deterministic synthetic traffic: PAXLST and PNRGOV interchanges for a day of flights, with
//! planted watchlist look-alikes and their ground truth (`paxrisk generate`, the demo, benchmarks).
//!
//! Every person is made up, except the watchlist entries the caller passes in to plant. The same
//! options give byte-identical output: each flight draws from its own ChaCha stream of the seed,
//! so flight *n* is the same whether 10 or 10,000 flights are generated.

mod airports;
mod booking;
mod flight;
mod names;
mod people;
mod plant;
mod schedule;

use chrono::NaiveDate;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

pub use plant::{PlantPerson, VariantKind};

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerateOptions {
    /// Number of flights.
    pub flights: usize,
    /// Seed of every random choice.
    pub seed: u64,
    /// Local departure date of every flight (at its origin).
    pub date: NaiveDate,
    /// Watchlist entries to plant variants of.
    pub plant: Vec<PlantPerson>,
    /// How many planted travellers in all, spread over random flights; entries are used in a
    /// shuffled round so each is planted before any is planted twice. Default: one per entry,
    /// but no more than there are flights.
    pub plant_count: Option<usize>,
    /// Passengers per flight, drawn uniformly from this range (crew come on top).
    pub min_travellers: u32,
    /// Upper end of the passenger range (inclusive).
    pub max_travellers: u32,
    /// Plant shared contacts too: the booking of each planted traveller gets a phone number that
    /// an associate's booking on the next flight also carries, and a companion's booking there
    /// shares the associate's e-mail address (see [`Traffic::linked`]), for link analysis.
    pub plant_links: bool,
}

impl GenerateOptions {
    /// `flights` flights on `date` from `seed`, 100 to 450 passengers each, nothing planted.
    pub fn new(flights: usize, seed: u64, date: NaiveDate) -> Self {
        GenerateOptions {
            flights,
            seed,
            date,
            plant: Vec::new(),
            plant_count: None,
            min_travellers: 100,
            max_travellers: 450,
            plant_links: false,
        }
    }
}

impl Default for GenerateOptions {
    fn default() -> Self {
        GenerateOptions::new(
            10,
            1,
            NaiveDate::from_ymd_opt(2026, 11, 29).unwrap_or_default(),
        )
    }
}

/// One interchange, named so that sorting the names gives the order the carriers sent them in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// e.g. `0001-ZZ101-pnrgov.edi`, `0002-ZZ101-crew.edi`, `0003-ZZ101-paxlst-01.edi`,
    /// `0006-ZZ101-pnrgov-update.edi`.
    pub name: String,
    /// The interchange, UNA to UNZ.
    pub bytes: Vec<u8>,
}

/// A planted traveller: which entry it was made from, how it differs, and where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Planted {
    /// [`PlantPerson::id`] of the entry the traveller was made from.
    pub entry_id: String,
    /// How the traveller differs from the entry.
    pub variant_kind: VariantKind,
    /// The PAXLST file (part) listing the traveller; their PNR is in the flight's `pnrgov` file.
    pub file: String,
    /// Carrier and flight number of the flight the traveller is on.
    pub carrier: String,
    pub flight_number: String,
    /// The name and date of birth (`YYYY-MM-DD`) exactly as written in the files.
    pub surname: String,
    pub given_names: String,
    pub date_of_birth: Option<String>,
}

/// An ordinary traveller linked to a planted one on purpose ([`GenerateOptions::plant_links`]):
/// the `associate` is on a booking whose phone is the planted traveller's booking's phone (one
/// hop); the `companion` is on another booking that shares only the associate's booking's
/// e-mail address (two hops).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlantedLink {
    /// [`PlantPerson::id`] of the entry the linked planted traveller was made from.
    pub entry_id: String,
    /// `associate` (shares the phone) or `companion` (shares the associate's e-mail address).
    pub role: String,
    /// Link hops from this traveller to the planted one.
    pub hops: u32,
    /// The phone number the associate's and the planted traveller's bookings share (fictional).
    pub phone: String,
    /// The e-mail address the associate's and the companion's bookings share.
    pub email: String,
    pub carrier: String,
    pub flight_number: String,
    pub record_locator: String,
    pub surname: String,
    pub given_names: String,
}

/// Generated traffic: the files in push order and the planted travellers among them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Traffic {
    /// Every interchange, sorted by name (= push order).
    pub files: Vec<GeneratedFile>,
    /// The planted travellers, sorted by file.
    pub ground_truth: Vec<Planted>,
    /// Travellers linked to planted ones ([`GenerateOptions::plant_links`]).
    pub linked: Vec<PlantedLink>,
}

/// Generates the traffic `opts` describe. Pure: no clock, no I/O, same output for same options.
pub fn generate(opts: &GenerateOptions) -> Traffic {
    let per_flight = plan_plants(opts);
    let associates = plan_associates(opts, &per_flight);
    // Order-preserving parallel map: the output does not depend on the number of threads.
    let mut flights: Vec<flight::FlightTraffic> = per_flight
        .par_iter()
        .zip(associates.par_iter())
        .enumerate()
        .map(|(index, (plants, associates))| {
            let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
            // Stream 0 plans the plants; flight n draws from stream n + 1.
            rng.set_stream(index as u64 + 1);
            flight::build(&mut rng, index, opts, plants, associates)
        })
        .collect();

    // Number the files across flights in the order they are sent.
    let mut order: Vec<(chrono::NaiveDateTime, usize, usize)> = Vec::new();
    for (f, traffic) in flights.iter().enumerate() {
        for (e, event) in traffic.events.iter().enumerate() {
            order.push((event.at, f, e));
        }
    }
    order.sort();
    let width = order.len().to_string().len().max(4);
    let mut names = vec![Vec::new(); flights.len()];
    for (f, traffic) in flights.iter().enumerate() {
        names[f] = vec![String::new(); traffic.events.len()];
    }
    let mut files = Vec::with_capacity(order.len());
    for (n, &(_, f, e)) in order.iter().enumerate() {
        let name = format!(
            "{:0width$}-{}-{}.edi",
            n + 1,
            flights[f].schedule.key(),
            flights[f].events[e].label
        );
        names[f][e] = name.clone();
        let bytes = std::mem::take(&mut flights[f].events[e].bytes);
        files.push(GeneratedFile { name, bytes });
    }

    let mut ground_truth = Vec::new();
    let mut linked = Vec::new();
    for (f, traffic) in flights.into_iter().enumerate() {
        for mut l in traffic.linked {
            l.carrier = traffic.schedule.carrier.code.into();
            l.flight_number = traffic.schedule.number.clone();
            linked.push(l);
        }
        for p in traffic.planted {
            ground_truth.push(Planted {
                entry_id: p.entry_id,
                variant_kind: p.kind,
                file: names[f][p.event].clone(),
                carrier: traffic.schedule.carrier.code.into(),
                flight_number: traffic.schedule.number.clone(),
                surname: p.traveller.surname.into(),
                given_names: p.traveller.given_names.into(),
                date_of_birth: p.traveller.date_of_birth.map(String::from),
            });
        }
    }
    ground_truth.sort_by(|a, b| a.file.cmp(&b.file).then(a.entry_id.cmp(&b.entry_id)));
    linked.sort_by(|a, b| a.entry_id.cmp(&b.entry_id).then(a.hops.cmp(&b.hops)));
    Traffic {
        files,
        ground_truth,
        linked,
    }
}

/// The shared phone of plant number `k`: in the range Ofcom keeps for drama (020 7946 0xxx),
/// which the ordinary bookings (+1 555 010x xxx) never use.
fn planted_phone(k: usize) -> String {
    format!("+442079460{:03}", k % 1000)
}

/// With [`GenerateOptions::plant_links`], each plant (the k-th, in flight order) gets a phone,
/// and the next flight (the same one when there is only one) an associate party with it.
fn plan_associates(
    opts: &GenerateOptions,
    per_flight: &[Vec<(&PlantPerson, Option<String>)>],
) -> Vec<Vec<(String, String)>> {
    let mut out = vec![Vec::new(); per_flight.len()];
    if !opts.plant_links {
        return out;
    }
    for (f, plants) in per_flight.iter().enumerate() {
        for (p, phone) in plants {
            if let Some(phone) = phone {
                out[(f + 1) % per_flight.len()].push((p.id.clone(), phone.clone()));
            }
        }
    }
    out
}

/// Which entries go on which flight, drawn from stream 0 of the seed, each with its shared
/// phone when links are planted.
fn plan_plants(opts: &GenerateOptions) -> Vec<Vec<(&PlantPerson, Option<String>)>> {
    let mut out: Vec<Vec<(&PlantPerson, Option<String>)>> = vec![Vec::new(); opts.flights];
    if opts.plant.is_empty() || opts.flights == 0 {
        return out;
    }
    let count = opts
        .plant_count
        .unwrap_or(opts.flights.min(opts.plant.len()));
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let mut entries: Vec<&PlantPerson> = opts.plant.iter().collect();
    entries.shuffle(&mut rng);
    for k in 0..count {
        let flight = rng.gen_range(0..opts.flights);
        let phone = opts.plant_links.then(|| planted_phone(k));
        out[flight].push((entries[k % entries.len()], phone));
    }
    out
}

#[cfg(test)]
mod tests;
