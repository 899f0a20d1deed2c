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
/// matcher compares, so it is a length check, a look at the first letters and a binary search.
pub(crate) fn familiar(a: &str, b: &str) -> bool {
    let is_form_of = |form: &str, full: &str| {
        if form.len() > LONGEST_FORM || form.len() > full.len() || !initials_paired(form, full) {
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

/// Per first letter of a familiar form (A–Z), a bit per first letter of the full names it
/// stands for: the matcher compares a traveller's words with thousands of list words, nearly
/// all unrelated, and one look here settles most pairs before the table is searched.
const INITIALS: [u32; 26] = {
    let mut table = [0u32; 26];
    let mut i = 0;
    while i < NICKNAMES.len() {
        let (form, full) = (NICKNAMES[i].0.as_bytes(), NICKNAMES[i].1.as_bytes());
        table[(form[0] - b'A') as usize] |= 1 << (full[0] - b'A');
        i += 1;
    }
    table
};

/// Whether some familiar form that starts with `form`'s letter stands for a full name that
/// starts with `full`'s.
fn initials_paired(form: &str, full: &str) -> bool {
    match (form.as_bytes().first(), full.as_bytes().first()) {
        (Some(f @ b'A'..=b'Z'), Some(g @ b'A'..=b'Z')) => {
            INITIALS[usize::from(f - b'A')] & 1 << (g - b'A') != 0
        }
        _ => false,
    }
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
        // Every pair of the table passes the first-letter look-up, both ways round.
        assert!(NICKNAMES
            .iter()
            .all(|(n, full)| familiar(n, full) && familiar(full, n)));
        assert!(!initials_paired("ZED", "ALEXANDER") && !initials_paired("", "BOB"));
    }
}
