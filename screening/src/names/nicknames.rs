//! Familiar forms of given names (BILL for WILLIAM, MISHA for MIKHAIL). Spelling cannot tell
//! that they are one name, and lists and travel documents often hold one form each.

/// (familiar form, full name). Forms that are also particles or articles (BEN, AL) are left
/// out: they would pair with every BIN and AL-.
const NICKNAMES: &[(&str, &str)] = &[
    ("ALEX", "ALEXANDER"),
    ("ANDY", "ANDREW"),
    ("BETH", "ELIZABETH"),
    ("BETTY", "ELIZABETH"),
    ("BENNY", "BENJAMIN"),
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

/// True when one word is a familiar form of the other.
pub(crate) fn familiar(a: &str, b: &str) -> bool {
    NICKNAMES
        .iter()
        .any(|&(n, full)| (a == n && b == full) || (a == full && b == n))
}
