//! Shares over days (0–100 %) as SVG line geometry for the `trend.html` partial: one chart per
//! carrier on the carriers page. Like `chart`, no script and no inline style; each series has a
//! class (colour and dash in app.css) and its points carry a `<title>` with the exact value.

use minijinja::context;
use serde::Serialize;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 200.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 10.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 30.0;
/// Label at most this many days on the axis, so labels do not collide.
const DAY_LABELS: usize = 8;

/// One line: a share per day, `None` where the day had nothing to measure.
pub struct Series {
    /// A CSS-safe key (`on-time`, `no-document`...): the line's class is `line-{key}`.
    pub key: &'static str,
    pub label: &'static str,
    pub values: Vec<Option<f64>>,
}

#[derive(Serialize)]
struct Point {
    x: f64,
    y: f64,
    day: String,
    percent: String,
}

#[derive(Serialize)]
struct Line {
    key: &'static str,
    label: &'static str,
    /// `polyline` point lists: a gap (a day without a value) starts a new one.
    paths: Vec<String>,
    points: Vec<Point>,
    /// The text alternative of this line.
    summary: String,
}

fn percent(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

/// The chart of `series` over `days` (`YYYY-MM-DD`, oldest first).
pub fn render(days: &[String], series: Vec<Series>) -> minijinja::Value {
    let plot_h = HEIGHT - TOP - BOTTOM;
    let slot = (WIDTH - LEFT - RIGHT) / days.len().max(1) as f64;
    let x = |i: usize| LEFT + slot * (i as f64 + 0.5);
    let y = |v: f64| HEIGHT - BOTTOM - plot_h * v.clamp(0.0, 1.0);
    let lines: Vec<Line> = series
        .into_iter()
        .map(|s| {
            let mut paths = Vec::new();
            let mut current: Vec<String> = Vec::new();
            let mut points = Vec::new();
            for (i, v) in s.values.iter().enumerate().take(days.len()) {
                match v {
                    Some(v) => {
                        current.push(format!("{:.1},{:.1}", x(i), y(*v)));
                        points.push(Point {
                            x: x(i),
                            y: y(*v),
                            day: days[i].clone(),
                            percent: percent(*v),
                        });
                    }
                    None if !current.is_empty() => paths.push(std::mem::take(&mut current)),
                    None => {}
                }
            }
            if !current.is_empty() {
                paths.push(current);
            }
            let known: Vec<f64> = s.values.iter().flatten().copied().collect();
            let summary = match (known.last(), known.len()) {
                (None, _) => format!("{}: nothing to measure", s.label),
                (Some(last), n) => format!(
                    "{}: {} on the last day measured, {} on average over {n} day{}",
                    s.label,
                    percent(*last),
                    percent(known.iter().sum::<f64>() / n as f64),
                    if n == 1 { "" } else { "s" }
                ),
            };
            Line {
                key: s.key,
                label: s.label,
                paths: paths.into_iter().map(|p| p.join(" ")).collect(),
                points,
                summary,
            }
        })
        .collect();
    let every = days.len().div_ceil(DAY_LABELS).max(1);
    let ticks: Vec<minijinja::Value> = days
        .iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0)
        // `MM-DD`: the year is in the caption.
        .map(|(i, d)| context! { x => x(i), label => d.get(5..).unwrap_or(d) })
        .collect();
    let summary = lines
        .iter()
        .map(|l| l.summary.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    context! {
        width => WIDTH, height => HEIGHT, left => LEFT, right => WIDTH - RIGHT,
        base => HEIGHT - BOTTOM, top_y => TOP, mid_y => TOP + plot_h / 2.0,
        label_y => HEIGHT - BOTTOM + 16.0,
        ticks => ticks, lines => lines,
        summary => format!("{summary}."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_break_at_days_without_a_value_and_stay_in_the_plot() {
        let days: Vec<String> = (1..=4).map(|d| format!("2026-11-0{d}")).collect();
        let v = render(
            &days,
            vec![Series {
                key: "on-time",
                label: "On time",
                values: vec![Some(1.0), Some(0.5), None, Some(0.0)],
            }],
        );
        let line = v.get_attr("lines").unwrap().get_item_by_index(0).unwrap();
        assert_eq!(line.get_attr("paths").unwrap().len(), Some(2));
        let points = line.get_attr("points").unwrap();
        assert_eq!(points.len(), Some(3));
        let top = f64::try_from(points.get_item_by_index(0).unwrap().get_attr("y").unwrap());
        let bottom = f64::try_from(points.get_item_by_index(2).unwrap().get_attr("y").unwrap());
        assert_eq!(top.unwrap(), TOP);
        assert_eq!(bottom.unwrap(), HEIGHT - BOTTOM);
        let summary = v.get_attr("summary").unwrap().to_string();
        assert_eq!(
            summary,
            "On time: 0.0% on the last day measured, 50.0% on average over 3 days."
        );
    }

    #[test]
    fn a_series_without_values_says_so() {
        let v = render(
            &["2026-11-01".to_string()],
            vec![Series {
                key: "no-document",
                label: "No document",
                values: vec![None],
            }],
        );
        assert!(v
            .get_attr("summary")
            .unwrap()
            .to_string()
            .contains("nothing to measure"));
    }
}
