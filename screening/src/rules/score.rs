//! Risk scores and bands: a traveller's score is the sum of the weights of the live rules they
//! matched, capped at 100; bands cut the score into low / medium / high.

use serde::{Deserialize, Serialize};

/// The highest score.
pub const MAX_SCORE: u8 = 100;

/// Sums rule weights, capped at 100. Saturating, so any number of rules is safe.
pub fn score(weights: impl Iterator<Item = u8>) -> u8 {
    let total: u32 = weights.map(u32::from).fold(0, u32::saturating_add);
    total.min(u32::from(MAX_SCORE)) as u8
}

/// A score band. Ordered: `Low < Medium < High`, so the queue can sort by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Band {
    /// Below the medium threshold: shown on the flight page only.
    Low,
    /// At or above the medium threshold: enters the review queue.
    Medium,
    /// At or above the high threshold.
    High,
}

impl Band {
    /// The band's JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Band::Low => "low",
            Band::Medium => "medium",
            Band::High => "high",
        }
    }
}

/// Band thresholds (inclusive lower bounds), configurable; defaults high ≥ 70, medium ≥ 40.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bands {
    /// Lowest score in band high.
    pub high: u8,
    /// Lowest score in band medium.
    pub medium: u8,
}

impl Default for Bands {
    fn default() -> Self {
        Bands {
            high: 70,
            medium: 40,
        }
    }
}

impl Bands {
    /// Checked thresholds: `0 < medium <= high <= 100`, so every band is reachable and low
    /// is never empty.
    pub fn new(high: u8, medium: u8) -> Result<Bands, String> {
        if medium == 0 || medium > high || high > MAX_SCORE {
            return Err(format!(
                "band thresholds need 0 < medium <= high <= 100; got medium {medium}, high {high}"
            ));
        }
        Ok(Bands { high, medium })
    }

    /// The band of a score.
    pub fn band(&self, score: u8) -> Band {
        if score >= self.high {
            Band::High
        } else if score >= self.medium {
            Band::Medium
        } else {
            Band::Low
        }
    }
}
