//! Familiar forms of given names (BILL for WILLIAM, MISHA for MIKHAIL). Spelling cannot tell
//! that they are one name, and lists and travel documents often hold one form each.

/// (familiar form, full name), sorted by familiar form. Forms that are also particles or
/// articles (BEN, AL) are left out: they would pair with every BIN and AL-.
const NICKNAMES: &[(&str, &str)] = &[
    ("ALEX", "ALEXANDER"),
    ("ANDY", "ANDREW"),
    ("BENNY", "BENJAMIN"),
    ("BETH", "ELIZABETH"),
    ("BETTY", "ELIZABETH"),
    ("BIBI", "BENJAMIN"),
    ("BILL", "WILLIAM"),
    ("BILLY", "WILLIAM"),
    ("BOB", "ROBERT"),
    ("BOBBY", "ROBERT"),
    ("CHARLIE", "CHARLES"),
    ("CHRIS", "CHRISTOPHER"),
    ("CHUCK", "CHARLES"),
    ("DAN", "DANIEL"),
    ("DANNY", "DANIEL"),
    ("DAVE", "DAVID"),
    ("DICK", "RICHARD"),
    ("DIMA", "DMITRY"),
    ("DREW", "ANDREW"),
    ("ED", "EDWARD"),
    ("EDDIE", "EDWARD"),
    ("FRED", "FREDERICK"),
    ("GREG", "GREGORY"),
    ("HANK", "HENRY"),
    ("HARRY", "HENRY"),
    ("JACK", "JOHN"),
    ("JERRY", "GERALD"),
    ("JIM", "JAMES"),
    ("JIMMY", "JAMES"),
    ("JOE", "JOSEPH"),
    ("KATE", "KATHERINE"),
    ("KEN", "KENNETH"),
    ("KOLYA", "NIKOLAI"),
    ("LARRY", "LAWRENCE"),
    ("LIZ", "ELIZABETH"),
    ("MAGGIE", "MARGARET"),
    ("MATT", "MATTHEW"),
    ("MIKE", "MICHAEL"),
    ("MISHA", "MIKHAIL"),
    ("NACHO", "IGNACIO"),
    ("NICK", "NICHOLAS"),
    ("PACO", "FRANCISCO"),
    ("PANCHO", "FRANCISCO"),
    ("PASHA", "PAVEL"),
    ("PEGGY", "MARGARET"),
    ("PEPE", "JOSE"),
    ("PETE", "PETER"),
    ("RICK", "RICHARD"),
    ("ROB", "ROBERT"),
    ("RON", "RONALD"),
    ("SAM", "SAMUEL"),
    ("SASHA", "ALEXANDER"),
    ("STEVE", "STEPHEN"),
    ("STEVE", "STEVEN"),
    ("TED", "EDWARD"),
    ("TIM", "TIMOTHY"),
    ("TOM", "THOMAS"),
    ("TONY", "ANTHONY"),
    ("VOVA", "VLADIMIR"),
    ("ZHENYA", "YEVGENY"),
];

/// True when one word is a familiar form of the other. Runs for every pair of words the
/// matcher compares, so it is a length check and a binary search.
pub(crate) fn familiar(a: &str, b: &str) -> bool {
    let is_form_of = |form: &str, full: &str| {
        if form.len() > LONGEST_FORM || form.len() > full.len() {
            return false;
        }
        let from = NICKNAMES.partition_point(|(n, _)| *n < form);
        NICKNAMES[from..]
            .iter()
            .take_while(|(n, _)| *n == form)
            .any(|(_, f)| *f == full)
    };
    is_form_of(a, b) || is_form_of(b, a)
}

/// Length of the longest familiar form in the table.
const LONGEST_FORM: usize = 7;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_its_forms_short() {
        assert!(NICKNAMES.windows(2).all(|w| w[0] <= w[1]));
        assert!(NICKNAMES
            .iter()
            .all(|(n, full)| n.len() <= LONGEST_FORM && n.len() <= full.len()));
        assert!(familiar("STEVE", "STEPHEN") && familiar("STEVEN", "STEVE"));
        assert!(familiar("CHARLES", "CHARLIE"));
        assert!(!familiar("BILL", "ROBERT"));
    }
}
