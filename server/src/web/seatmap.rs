//! A flight's seat map from its travellers' seats: rows × seat letters with empty seats, each
//! occupant marked by band and by booking group (travellers on one record locator), and the
//! travellers without a (readable) seat listed apart. Pure: the page passes what it loaded.

use std::collections::{BTreeMap, HashMap};

use minijinja::context;
use serde::Serialize;

use crate::ingest::views::TravellerView;

/// Rows and letters beyond these are not a cabin but bad data: such seats are listed apart.
const MAX_ROW: u32 = 120;
const MAX_LETTER: char = 'L';
/// Group colours cycle through this many classes (the group number is printed too).
const GROUP_COLOURS: usize = 8;

/// `12A` → (12, 'A'); leading zeros and spaces are allowed (`012A`, `12 A`).
fn parse(seat: &str) -> Option<(u32, char)> {
    let s: String = seat.chars().filter(|c| !c.is_whitespace()).collect();
    let digits = s.chars().take_while(char::is_ascii_digit).count();
    let row: u32 = s[..digits].parse().ok()?;
    let mut rest = s[digits..].chars();
    let letter = rest.next()?.to_ascii_uppercase();
    // I is never a seat letter (it reads as 1): a seat `12I` is listed apart.
    let fits =
        (1..=MAX_ROW).contains(&row) && ('A'..=MAX_LETTER).contains(&letter) && letter != 'I';
    (fits && rest.next().is_none()).then_some((row, letter))
}

/// Someone in a seat (or listed apart).
#[derive(Serialize)]
struct Occupant {
    id: String,
    name: String,
    kind: String,
    band: Option<String>,
    /// The booking group's number (1, 2, ...) when the booking has two or more travellers here.
    group: Option<usize>,
    /// The seat as sent, for those listed apart.
    seat: Option<String>,
}

/// One seat of the grid.
#[derive(Serialize)]
struct Cell {
    label: String,
    occupants: Vec<Occupant>,
    /// The band of the most severe occupant, for the cell's colour.
    band: Option<String>,
    group: Option<usize>,
    colour: Option<usize>,
}

/// The seat map for the template: `letters`, `rows` (each with `number` and `cells`), `groups`
/// (number, colour, record locator, size), `unseated`, and counts.
pub fn build(travellers: &[TravellerView], seats: &HashMap<String, String>) -> minijinja::Value {
    // Bookings with two or more travellers on this flight get a group number, in locator order.
    let mut sizes: BTreeMap<&str, usize> = BTreeMap::new();
    for t in travellers {
        if let Some(l) = t.record_locator.as_deref().filter(|l| !l.is_empty()) {
            *sizes.entry(l).or_default() += 1;
        }
    }
    let groups: HashMap<&str, usize> = sizes
        .iter()
        .filter(|(_, n)| **n > 1)
        .enumerate()
        .map(|(i, (l, _))| (*l, i + 1))
        .collect();
    let occupant = |t: &TravellerView, seat: Option<&String>| Occupant {
        id: t.id.clone(),
        name: format!("{}, {}", t.surname, t.given_names),
        kind: t.kind.clone(),
        band: t.band.clone(),
        group: t
            .record_locator
            .as_deref()
            .and_then(|l| groups.get(l).copied()),
        seat: seat.cloned(),
    };
    let mut seated: BTreeMap<(u32, char), Vec<Occupant>> = BTreeMap::new();
    let mut unseated = Vec::new();
    for t in travellers {
        let seat = seats.get(&t.id);
        match seat.and_then(|s| parse(s)) {
            Some(at) => seated.entry(at).or_default().push(occupant(t, None)),
            None => unseated.push(occupant(t, seat)),
        }
    }
    // Every letter from A to the last one used (but I), every row from the first to the last
    // one used: the seats between are shown empty.
    let last = seated.keys().map(|k| k.1).max().unwrap_or('A');
    let letters: Vec<char> = ('A'..=last).filter(|c| *c != 'I').collect();
    let (first_row, last_row) = match (seated.keys().next(), seated.keys().last()) {
        (Some(a), Some(b)) => (a.0, b.0),
        _ => (1, 0),
    };
    let rows: Vec<minijinja::Value> = (first_row..=last_row)
        .map(|row| {
            let cells: Vec<Cell> = letters
                .iter()
                .map(|&letter| {
                    let occupants = seated.remove(&(row, letter)).unwrap_or_default();
                    let band = ["high", "medium", "low"]
                        .into_iter()
                        .find(|b| occupants.iter().any(|o| o.band.as_deref() == Some(b)))
                        .map(str::to_string);
                    let group = occupants.iter().find_map(|o| o.group);
                    Cell {
                        label: format!("{row}{letter}"),
                        band,
                        group,
                        colour: group.map(|g| (g - 1) % GROUP_COLOURS + 1),
                        occupants,
                    }
                })
                .collect();
            context! { number => row, cells => cells }
        })
        .collect();
    let mut legend: Vec<(usize, &str, usize)> =
        groups.iter().map(|(l, g)| (*g, *l, sizes[l])).collect();
    legend.sort();
    let legend: Vec<minijinja::Value> = legend
        .into_iter()
        .map(|(g, l, n)| {
            context! { number => g, colour => (g - 1) % GROUP_COLOURS + 1, locator => l, size => n }
        })
        .collect();
    let occupied = travellers.len() - unseated.len();
    context! {
        letters => letters.iter().map(char::to_string).collect::<Vec<_>>(),
        rows => rows,
        groups => legend,
        unseated => unseated,
        seated => occupied,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(id: &str, locator: Option<&str>, band: Option<&str>) -> TravellerView {
        TravellerView {
            id: id.into(),
            flight_id: "f".into(),
            kind: "passenger".into(),
            surname: format!("S{id}"),
            given_names: "G".into(),
            date_of_birth: None,
            gender: None,
            nationality: None,
            record_locator: locator.map(str::to_string),
            source: "api".into(),
            masked: false,
            documents: Vec::new(),
            score: None,
            band: band.map(str::to_string),
        }
    }

    #[test]
    fn seats_parse_or_are_refused() {
        assert_eq!(parse("12A"), Some((12, 'A')));
        assert_eq!(parse("012c"), Some((12, 'C')));
        assert_eq!(parse(" 3 F"), Some((3, 'F')));
        for bad in ["", "A12", "12", "12AB", "0A", "999A", "12Z", "12I", "INF"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_grid_spans_the_used_rows_and_letters_with_groups_and_bands() {
        let people = [
            t("1", Some("ABC123"), None),
            t("2", Some("ABC123"), Some("high")),
            t("3", Some("ZZZ999"), None),
            t("4", None, None),
            t("5", None, None),
        ];
        let seats = HashMap::from([
            ("1".to_string(), "10A".to_string()),
            ("2".to_string(), "10B".to_string()),
            ("3".to_string(), "12D".to_string()),
            ("5".to_string(), "STBY".to_string()),
        ]);
        let map = build(&people, &seats);
        let letters = map.get_attr("letters").unwrap();
        assert_eq!(letters.len(), Some(4), "A to D");
        let rows = map.get_attr("rows").unwrap();
        assert_eq!(rows.len(), Some(3), "rows 10, 11 (empty), 12");
        let cell = |r: usize, c: usize| {
            rows.get_item_by_index(r)
                .unwrap()
                .get_attr("cells")
                .unwrap()
                .get_item_by_index(c)
                .unwrap()
        };
        assert_eq!(cell(0, 1).get_attr("label").unwrap().as_str(), Some("10B"));
        assert_eq!(cell(0, 1).get_attr("band").unwrap().as_str(), Some("high"));
        assert_eq!(cell(0, 0).get_attr("group").unwrap().as_usize(), Some(1));
        assert_eq!(cell(0, 1).get_attr("group").unwrap().as_usize(), Some(1));
        // A booking of one is no group.
        assert!(cell(2, 3).get_attr("group").unwrap().is_none());
        assert_eq!(
            cell(1, 2).get_attr("occupants").unwrap().len(),
            Some(0),
            "11C is empty"
        );
        let groups = map.get_attr("groups").unwrap();
        assert_eq!(groups.len(), Some(1));
        let g = groups.get_item_by_index(0).unwrap();
        assert_eq!(g.get_attr("locator").unwrap().as_str(), Some("ABC123"));
        assert_eq!(g.get_attr("size").unwrap().as_usize(), Some(2));
        // No seat, and a seat that is not one, are listed apart (with what was sent).
        let apart = map.get_attr("unseated").unwrap();
        assert_eq!(apart.len(), Some(2));
        assert_eq!(
            apart
                .get_item_by_index(1)
                .unwrap()
                .get_attr("seat")
                .unwrap()
                .as_str(),
            Some("STBY")
        );
        assert_eq!(map.get_attr("seated").unwrap().as_usize(), Some(3));
    }

    #[test]
    fn no_seats_no_grid() {
        let map = build(&[t("1", None, None)], &HashMap::new());
        assert_eq!(map.get_attr("rows").unwrap().len(), Some(0));
        assert_eq!(map.get_attr("unseated").unwrap().len(), Some(1));
    }
}
