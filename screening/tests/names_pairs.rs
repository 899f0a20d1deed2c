//! The labelled name-pair set in `fixtures/names/pairs.csv` (made-up and public figures' names:
//! transliterations, romanisations, typos, order, missing parts; hard negatives sharing a
//! surname or a given name). Reports precision, recall and F1 of `names::compare` at the
//! default threshold and asserts a floor. `--nocapture` prints the errors and a threshold sweep.

use paxrisk_screening::names::{compare, DEFAULT_NAME_THRESHOLD};

mod pair_sets;

use pair_sets::{quality, Pair};

fn pairs() -> Vec<Pair> {
    pair_sets::load("pairs.csv")
}

#[test]
fn labelled_pairs_reach_the_quality_floor() {
    let pairs = pairs();
    assert!(pairs.len() >= 250, "the evaluation set should stay large");
    let scored = pair_sets::score(&pairs);
    for (p, (score, _)) in pairs.iter().zip(&scored) {
        let wrong = (*score >= DEFAULT_NAME_THRESHOLD) != p.same;
        if wrong {
            println!(
                "{} {:>5.3}  {} | {}",
                if p.same { "missed " } else { "false  " },
                score,
                p.a,
                p.b
            );
        }
    }
    for t in [0.70, 0.75, 0.78, 0.80, 0.82, 0.85, 0.88, 0.90] {
        let (p, r, f1) = quality(&scored, t);
        println!("threshold {t:.2}: precision {p:.3} recall {r:.3} F1 {f1:.3}");
    }
    let (p, r, f1) = quality(&scored, DEFAULT_NAME_THRESHOLD);
    println!("default threshold {DEFAULT_NAME_THRESHOLD}: {} pairs, precision {p:.3}, recall {r:.3}, F1 {f1:.3}", pairs.len());
    assert!(f1 >= 0.90, "F1 {f1:.3} below the floor 0.90");
}

#[test]
fn compare_is_symmetric_enough() {
    for p in pairs() {
        let (x, y) = (compare(&p.a, &p.b), compare(&p.b, &p.a));
        assert!((x - y).abs() < 0.05, "{} / {}: {x:.3} vs {y:.3}", p.a, p.b);
    }
}
