//! Labelled name-pair sets in `fixtures/names/` and the precision / recall / F1 arithmetic shared
//! by the tests that score them.

#![allow(dead_code)]

/// One labelled pair; `category` is empty for sets without a fourth column.
pub struct Pair {
    pub a: String,
    pub b: String,
    pub same: bool,
    pub category: String,
}

/// Each pair's score by `names::compare` and its label, every score checked to lie in [0, 1].
pub fn score(pairs: &[Pair]) -> Vec<(f64, bool)> {
    pairs
        .iter()
        .map(|p| {
            let score = paxrisk_screening::names::compare(&p.a, &p.b);
            assert!(
                (0.0..=1.0).contains(&score),
                "score out of range for {} / {}",
                p.a,
                p.b
            );
            (score, p.same)
        })
        .collect()
}

/// The pairs of `fixtures/names/<file>` (header `name1,name2,label[,category]`).
pub fn load(file: &str) -> Vec<Pair> {
    let path = format!("{}/../fixtures/names/{file}", env!("CARGO_MANIFEST_DIR"));
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::None)
        .from_path(&path)
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    reader
        .records()
        .map(|r| {
            let r = r.expect("valid CSV row");
            Pair {
                a: r[0].to_string(),
                b: r[1].to_string(),
                same: &r[2] == "1",
                category: r.get(3).unwrap_or("").to_string(),
            }
        })
        .collect()
}

/// (precision, recall, F1) of `scored` (score, same) at `threshold`.
pub fn quality(scored: &[(f64, bool)], threshold: f64) -> (f64, f64, f64) {
    let count = |positive: bool, same: bool| {
        scored
            .iter()
            .filter(|(s, y)| *y == same && (*s >= threshold) == positive)
            .count() as f64
    };
    let (tp, fp, fn_) = (count(true, true), count(true, false), count(false, true));
    let p = if tp + fp > 0.0 { tp / (tp + fp) } else { 0.0 };
    let r = if tp + fn_ > 0.0 { tp / (tp + fn_) } else { 0.0 };
    let f1 = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    (p, r, f1)
}

/// The threshold (on a 0.01 grid) with the best F1, and that F1.
pub fn best_threshold(scored: &[(f64, bool)]) -> (f64, f64) {
    (50..=99)
        .map(|t| f64::from(t) / 100.0)
        .map(|t| (t, quality(scored, t).2))
        .fold((0.0, 0.0), |best, x| if x.1 > best.1 { x } else { best })
}
