//! Charts drawn on the server as SVG geometry: queue load by hour (`chart.html`) and counts over
//! periods ([`series`], `rule_chart.html`). No script, no inline style: the bars' colours come
//! from classes in app.css.

use chrono::{DateTime, Timelike, Utc};
use minijinja::context;
use serde::Serialize;

/// Hours on the chart.
pub const HOURS: usize = 24;
const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 40.0;
const BOTTOM: f64 = 34.0;
const TOP: f64 = 12.0;

/// One stacked part of a bar.
#[derive(Serialize)]
struct Segment {
    band: &'static str,
    count: usize,
    y: f64,
    h: f64,
}

/// One hour's bar.
#[derive(Serialize)]
struct Bar {
    x: f64,
    w: f64,
    /// The hour as `HH:00` UTC.
    hour: String,
    /// Label the axis every third hour, so labels do not collide.
    label: bool,
    total: usize,
    segments: Vec<Segment>,
}

/// Counts per hour from `start` (an hour boundary) for `high` and `medium` items;
/// other bands go with `medium` (the queue holds no others).
pub fn by_hour(start_ms: i64, due_ms: impl IntoIterator<Item = (i64, bool)>) -> Vec<[usize; 2]> {
    let mut out = vec![[0usize; 2]; HOURS];
    for (t, high) in due_ms {
        let h = (t - start_ms).div_euclid(3_600_000);
        if (0..HOURS as i64).contains(&h) {
            out[h as usize][usize::from(!high)] += 1;
        }
    }
    out
}

/// The start of the hour `now_ms` falls in.
pub fn hour_start(now_ms: i64) -> i64 {
    now_ms - now_ms.rem_euclid(3_600_000)
}

/// The chart's geometry and text alternative.
pub fn render(start_ms: i64, counts: &[[usize; 2]]) -> minijinja::Value {
    let max = counts.iter().map(|c| c[0] + c[1]).max().unwrap_or(0).max(1);
    // A round top for the axis: the next multiple of 5 (or 1..5 as is).
    let top = if max <= 5 { max } else { max.div_ceil(5) * 5 };
    let plot_h = HEIGHT - TOP - BOTTOM;
    let slot = (WIDTH - LEFT) / HOURS as f64;
    let start = DateTime::<Utc>::from_timestamp_millis(start_ms).unwrap_or_default();
    let bars: Vec<Bar> = counts
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let hour = (start + chrono::Duration::hours(i as i64)).hour();
            let mut base = HEIGHT - BOTTOM;
            let segments = [("high", c[0]), ("medium", c[1])]
                .into_iter()
                .filter(|(_, n)| *n > 0)
                .map(|(band, count)| {
                    let h = plot_h * count as f64 / top as f64;
                    base -= h;
                    Segment {
                        band,
                        count,
                        y: base,
                        h,
                    }
                })
                .collect();
            Bar {
                x: LEFT + slot * i as f64 + 2.0,
                w: slot - 4.0,
                hour: format!("{hour:02}:00"),
                label: i % 3 == 0,
                total: c[0] + c[1],
                segments,
            }
        })
        .collect();
    let total: usize = counts.iter().map(|c| c[0] + c[1]).sum();
    let busiest = counts
        .iter()
        .enumerate()
        .max_by_key(|(_, c)| c[0] + c[1])
        .filter(|(_, c)| c[0] + c[1] > 0)
        .map(|(i, c)| {
            let h = (start + chrono::Duration::hours(i as i64)).hour();
            format!("the busiest hour is {h:02}:00 UTC with {}", c[0] + c[1])
        });
    context! {
        width => WIDTH, height => HEIGHT, left => LEFT, base => HEIGHT - BOTTOM, top_y => TOP,
        top => top, mid => top as f64 / 2.0, mid_y => TOP + plot_h / 2.0,
        label_y => HEIGHT - BOTTOM + 16.0,
        bars => bars,
        summary => match busiest {
            Some(b) => format!("{total} open items due in the next 24 hours; {b}."),
            None => "No open items due in the next 24 hours.".to_string(),
        },
    }
}

/// One bar of a [`series`] chart.
#[derive(Serialize)]
struct Column {
    x: f64,
    w: f64,
    y: f64,
    h: f64,
    /// The period, e.g. `2026-11-29` or `2026-W48`.
    label: String,
    count: u64,
    /// Label the axis under this bar (about eight labels whatever the length).
    tick: bool,
}

/// A bar chart of counts over consecutive periods (days, weeks), for the `rule_chart.html`
/// macro: `id` makes the caption's ids unique on a page; `unit` names what is counted.
pub fn series(id: &str, caption: &str, unit: &str, points: &[(String, u64)]) -> minijinja::Value {
    let max = points.iter().map(|p| p.1).max().unwrap_or(0).max(1);
    let top = if max <= 5 { max } else { max.div_ceil(5) * 5 };
    let plot_h = HEIGHT - TOP - BOTTOM;
    let slot = (WIDTH - LEFT) / points.len().max(1) as f64;
    // A gap between bars while they are wide enough to show one.
    let gap = if slot > 6.0 {
        (slot * 0.15).min(4.0)
    } else {
        0.0
    };
    let every = points.len().div_ceil(8).max(1);
    let columns: Vec<Column> = points
        .iter()
        .enumerate()
        .map(|(i, (label, count))| {
            let h = plot_h * *count as f64 / top as f64;
            Column {
                x: LEFT + slot * i as f64 + gap / 2.0,
                w: slot - gap,
                y: HEIGHT - BOTTOM - h,
                h,
                label: label.clone(),
                count: *count,
                tick: i % every == 0,
            }
        })
        .collect();
    let total: u64 = points.iter().map(|p| p.1).sum();
    // The first of equal peaks (`max_by_key` keeps the last).
    let most = points
        .iter()
        .rev()
        .filter(|p| p.1 > 0)
        .max_by_key(|p| p.1)
        .map(|p| format!("; the most, {}, in {}", p.1, p.0))
        .unwrap_or_default();
    let summary = match (points.first(), points.last()) {
        (Some(first), Some(last)) => format!(
            "{total} {unit} from {} to {} ({} bars){most}.",
            first.0,
            last.0,
            points.len()
        ),
        _ => format!("No {unit}."),
    };
    context! {
        id, caption, width => WIDTH, height => HEIGHT, left => LEFT, base => HEIGHT - BOTTOM,
        top_y => TOP, top => top, label_y => HEIGHT - BOTTOM + 16.0,
        columns => columns, summary => summary,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_fall_into_their_hour_and_band() {
        let start = hour_start(10 * 3_600_000 + 1234);
        assert_eq!(start, 10 * 3_600_000);
        let c = by_hour(
            start,
            [
                (start + 5, true),
                (start + 3_600_000 * 2 + 1, false),
                (start + 3_600_000 * 2 + 9, true),
                (start - 1, true),
                (start + 3_600_000 * 24, true),
            ],
        );
        assert_eq!(c[0], [1, 0]);
        assert_eq!(c[2], [1, 1]);
        assert_eq!(c.iter().map(|x| x[0] + x[1]).sum::<usize>(), 3);
    }

    #[test]
    fn bars_stack_within_the_plot() {
        let mut counts = vec![[0, 0]; HOURS];
        counts[3] = [2, 3];
        let v = render(0, &counts);
        let bar = v.get_attr("bars").unwrap().get_item_by_index(3).unwrap();
        assert_eq!(bar.get_attr("total").unwrap().as_usize(), Some(5));
        let segs = bar.get_attr("segments").unwrap();
        let y_high = segs.get_item_by_index(0).unwrap().get_attr("y").unwrap();
        assert!(f64::try_from(y_high).unwrap() >= TOP - 1e-9);
        assert!(v
            .get_attr("summary")
            .unwrap()
            .to_string()
            .contains("03:00 UTC with 5"));
    }

    #[test]
    fn a_series_has_one_bar_per_period_scaled_to_the_top() {
        let points: Vec<(String, u64)> = (1..=10).map(|d| (format!("d{d}"), d % 3)).collect();
        let v = series("x", "caption", "hits", &points);
        let cols = v.get_attr("columns").unwrap();
        assert_eq!(cols.len(), Some(10));
        assert_eq!(v.get_attr("top").unwrap().as_usize(), Some(2));
        // The tallest bars reach the top line; a zero has no height.
        let col = |i: usize, k: &str| {
            f64::try_from(cols.get_item_by_index(i).unwrap().get_attr(k).unwrap()).unwrap()
        };
        assert!((col(1, "y") - TOP).abs() < 1e-9);
        assert_eq!(col(2, "h"), 0.0);
        assert!(v
            .get_attr("summary")
            .unwrap()
            .to_string()
            .starts_with("10 hits from d1 to d10 (10 bars); the most, 2, in d2"));
    }
}
