//! Dates of birth as lists write them, reduced to `YYYY` or `YYYY-MM-DD`.

use chrono::NaiveDate;

/// Validates a date of birth given as `YYYY` or `YYYY-MM-DD` (the CSV and JSON contract).
/// Returns the trimmed value, or `None` when it is neither or not a real date.
pub(crate) fn iso_dob(value: &str) -> Option<String> {
    let v = value.trim();
    if v.len() == 4 && v.bytes().all(|b| b.is_ascii_digit()) {
        return plausible_year(v.parse().ok()?).then(|| v.to_string());
    }
    let date = NaiveDate::parse_from_str(v, "%Y-%m-%d").ok()?;
    plausible_year(chrono::Datelike::year(&date)).then(|| date.format("%Y-%m-%d").to_string())
}

fn plausible_year(year: i32) -> bool {
    (1850..=2100).contains(&year)
}

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];

/// Parses one OFAC remark date of birth: `01 Jan 1960`, `Jan 1960`, `1960`, `circa 1960`,
/// `1958 to 1960` or `01 Jan 1961 to 31 Dec 1962`. A range or a `circa` year becomes the years it
/// covers (`circa` as one year either side), capped at ten years so a vague range does not turn
/// into "any date".
pub(crate) fn ofac_dob(text: &str) -> Option<Vec<String>> {
    let text = text.trim().trim_end_matches('.').trim();
    let lower = text.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("circa") {
        let year = year_of(rest.trim())?;
        return Some(year_span(year - 1, year + 1));
    }
    if let Some((from, to)) = lower.split_once(" to ") {
        let (from, to) = (single(from)?, single(to)?);
        return Some(year_span(year_prefix(&from)?, year_prefix(&to)?));
    }
    single(text).map(|d| vec![d])
}

fn year_span(from: i32, to: i32) -> Vec<String> {
    if to < from || to - from > 10 {
        return vec![from.to_string()];
    }
    (from..=to).map(|y| y.to_string()).collect()
}

fn year_prefix(date: &str) -> Option<i32> {
    date.get(..4)?.parse().ok()
}

fn year_of(text: &str) -> Option<i32> {
    let y: i32 = text.trim().parse().ok()?;
    plausible_year(y).then_some(y)
}

/// One date: `01 Jan 1960` → `1960-01-01`; `Jan 1960` and `1960` → `1960`.
fn single(text: &str) -> Option<String> {
    let parts: Vec<&str> = text.split_whitespace().collect();
    match parts.as_slice() {
        [year] => year_of(year).map(|y| y.to_string()),
        [month, year] => {
            month_number(month)?;
            year_of(year).map(|y| y.to_string())
        }
        [day, month, year] => {
            let date =
                NaiveDate::from_ymd_opt(year_of(year)?, month_number(month)?, day.parse().ok()?)?;
            Some(date.format("%Y-%m-%d").to_string())
        }
        _ => None,
    }
}

fn month_number(name: &str) -> Option<u32> {
    let upper = name.to_ascii_uppercase();
    MONTHS
        .iter()
        .position(|m| upper.starts_with(m))
        .map(|i| i as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ofac_forms() {
        assert_eq!(
            ofac_dob("01 Jan 1960"),
            Some(vec!["1960-01-01".to_string()])
        );
        assert_eq!(ofac_dob("1960"), Some(vec!["1960".to_string()]));
        assert_eq!(ofac_dob("Mar 1960"), Some(vec!["1960".to_string()]));
        assert_eq!(ofac_dob("circa 1960").unwrap(), ["1959", "1960", "1961"]);
        assert_eq!(ofac_dob("1958 to 1960").unwrap(), ["1958", "1959", "1960"]);
        assert_eq!(
            ofac_dob("01 Jan 1961 to 31 Dec 1962").unwrap(),
            ["1961", "1962"]
        );
        assert_eq!(ofac_dob("31 Feb 1960"), None);
        assert_eq!(ofac_dob("unknown"), None);
    }

    #[test]
    fn iso_forms() {
        assert_eq!(iso_dob(" 1960 ").as_deref(), Some("1960"));
        assert_eq!(iso_dob("1960-02-29").as_deref(), Some("1960-02-29"));
        assert_eq!(iso_dob("1961-02-29"), None);
        assert_eq!(iso_dob("01/02/1960"), None);
    }
}
