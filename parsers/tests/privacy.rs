//! Diagnostics never carry personal data (DESIGN.md: personal data never appears in logs, and
//! diagnostics are shown to carriers and stored with message states): over every corpus file and
//! fixture, no diagnostic sentence contains a traveller's surname, given name, date of birth or
//! document number.

mod support;

use paxrisk_parsers::{Message, Traveller};
use support::{corpus, parse};

fn personal(t: &Traveller) -> Vec<String> {
    let mut v = vec![t.surname.clone(), t.given_names.clone()];
    v.extend(t.given_names.split_whitespace().map(Into::into));
    v.extend(t.documents.iter().map(|d| d.number.clone()));
    v.extend(t.date_of_birth.clone());
    v.into_iter()
        .filter(|s| s.chars().count() >= 4)
        .map(Into::into)
        .collect()
}

fn check(name: &str, bytes: &[u8]) {
    let msgs = parse(bytes);
    let mut secrets = Vec::new();
    for m in &msgs {
        match m {
            Message::Paxlst(x) => x
                .travellers
                .iter()
                .for_each(|t| secrets.extend(personal(t))),
            Message::Pnrgov(x) => x
                .pnrs
                .iter()
                .flat_map(|p| &p.travellers)
                .for_each(|t| secrets.extend(personal(t))),
            Message::Other(_) => {}
        }
    }
    for m in &msgs {
        for d in m.diagnostics() {
            for s in &secrets {
                assert!(
                    !d.message.contains(s.as_str()),
                    "{name}: a diagnostic quotes personal data: {d:?}"
                );
            }
        }
    }
}

#[test]
fn no_diagnostic_quotes_personal_data() {
    let fixtures =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/messages");
    let mut dirs = vec![fixtures];
    dirs.extend(corpus());
    let mut files = 0;
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).expect("readable directory").flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if let Ok(bytes) = std::fs::read(&p) {
                check(&p.display().to_string(), &bytes);
                files += 1;
            }
        }
    }
    assert!(files >= 6);
}
