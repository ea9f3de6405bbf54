//! NPS per period: a line with its margin of error as a shaded band.

use vouch_core::NpsFigures;

use super::format::{format_count, format_margin, format_nps, format_optional_nps};
use super::svg::{Num, Pct, Writer, open_fluid_svg};
use super::table::{Column, Row, data_table};
use super::{AXIS, GRID, INK, MUTED, SMALL_SAMPLE, finite};

/// One period of a trend, as the report gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendPoint {
    /// The period's label, such as `2026-03`, `2026-W09` or `2026-Q1`.
    pub label: String,
    /// The period's NPS, unrounded; `None` when it has no answers or is hidden (eNPS): the
    /// line then leaves a gap.
    pub nps: Option<f64>,
    /// The 95 % margin of error in NPS points; `None` with `nps`.
    pub margin: Option<f64>,
    /// How many answers the period has.
    pub responses: u64,
}

impl TrendPoint {
    /// A point from a period's figures.
    pub fn from_figures(label: impl Into<String>, figures: &NpsFigures) -> TrendPoint {
        TrendPoint {
            label: label.into(),
            nps: figures.nps,
            margin: figures.margin_of_error,
            responses: figures.responses,
        }
    }

    /// A period with no figure to show (no answers, or hidden for anonymity).
    pub fn missing(label: impl Into<String>) -> TrendPoint {
        TrendPoint {
            label: label.into(),
            nps: None,
            margin: None,
            responses: 0,
        }
    }
}

/// How a trend is drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendOptions {
    /// What the chart shows, for its `<title>`, its `aria-label` and the table's caption.
    pub title: String,
    /// Periods with fewer answers than this are drawn as hollow points (default 30).
    pub min_responses: u64,
    /// The most period labels printed under the axis (default 8); on narrow screens the
    /// stylesheet keeps half of them. The latest period is always labelled.
    pub max_labels: usize,
    /// The chart's height in pixels (default 240; at least 120).
    pub height: u32,
}

impl Default for TrendOptions {
    fn default() -> TrendOptions {
        TrendOptions {
            title: "NPS per period".to_owned(),
            min_responses: SMALL_SAMPLE,
            max_labels: 8,
            height: 240,
        }
    }
}

const TOP: f64 = 12.0;
const BOTTOM: f64 = 30.0;
/// The first and last periods sit this far (in percent of the width) from the edges.
const X_START: f64 = 4.0;
const X_END: f64 = 96.0;
/// Units across the nested, stretched drawing of the line and band: 1000 = 100 %.
const UNITS: f64 = 1000.0;

/// NPS per period as a line, with the margin of error as a shaded band around it.
///
/// The y axis is fixed from −100 to 100, with gridlines at ±50 and ±100 and the 0 line
/// marked darker, so that two trends can be compared by eye. Periods with fewer than
/// `options.min_responses` answers are hollow points; a period without an NPS leaves a gap in
/// the line and the band (a lone period between gaps gets a point and a whisker). Period
/// labels are thinned to `options.max_labels`, counted back from the latest.
///
/// The chart fills its container's width at `options.height` pixels: the line and band are a
/// nested, stretched `viewBox` drawing (strokes do not scale), points and text are placed in
/// percent so they keep their shape and size. Pair it with [`trend_table`].
pub fn trend(points: &[TrendPoint], options: &TrendOptions) -> String {
    let height = f64::from(options.height.max(120));
    let plot = Plot {
        height: height - TOP - BOTTOM,
        count: points.len(),
    };
    let label = summary(points, options);
    let mut writer = Writer::new();
    open_fluid_svg(&mut writer, "vc-chart vc-trend", height, &label);
    grid(&mut writer, &plot);
    let runs = runs(points);
    if !runs.is_empty() {
        band_and_line(&mut writer, &plot, points, &runs, height);
        for run in &runs {
            if run.len() == 1 {
                whisker(&mut writer, &plot, run.start, &points[run.start]);
            }
        }
        for (index, point) in points.iter().enumerate() {
            draw_point(&mut writer, &plot, index, point, options);
        }
    } else {
        let note = if points.is_empty() {
            "No answers in this range yet"
        } else {
            "No NPS to show for these periods"
        };
        writer.element(
            "text",
            &[
                ("x", &"50%"),
                ("y", &Num(TOP + plot.height / 2.0 - 8.0)),
                ("text-anchor", &"middle"),
                ("fill", &MUTED),
                ("stroke", &"#FFFFFF"),
                ("stroke-width", &4),
                ("paint-order", &"stroke"),
            ],
            note,
        );
    }
    x_labels(&mut writer, &plot, points, options.max_labels, height);
    writer.close("svg");
    writer.finish()
}

/// The trend as an HTML table (`<table class="vc-data">`): period, NPS, margin of error,
/// responses and a note ("n < 30: read with care", "not shown"). The companion of
/// [`trend`]; its caption is `options.title`.
pub fn trend_table(points: &[TrendPoint], options: &TrendOptions) -> String {
    let columns = [
        Column {
            heading: "Period",
            numeric: false,
        },
        Column {
            heading: "NPS",
            numeric: true,
        },
        Column {
            heading: "Margin of error",
            numeric: true,
        },
        Column {
            heading: "Responses",
            numeric: true,
        },
        Column {
            heading: "Note",
            numeric: false,
        },
    ];
    let rows: Vec<Row> = points
        .iter()
        .map(|point| {
            let nps = finite(point.nps);
            let small = nps.is_some() && point.responses < options.min_responses;
            let note = if nps.is_none() {
                "not shown".to_owned()
            } else if small {
                format!("n < {}: read with care", options.min_responses)
            } else {
                String::new()
            };
            Row {
                header: point.label.clone(),
                cells: vec![
                    format_optional_nps(nps),
                    nps.and(finite(point.margin))
                        .map_or_else(|| super::NO_VALUE.to_owned(), format_margin),
                    format_count(point.responses),
                    note,
                ],
                class: small.then_some("vc-small"),
            }
        })
        .collect();
    data_table(&options.title, &columns, &rows, None)
}

/// Where things go: the plot's height and how many periods share its width.
struct Plot {
    height: f64,
    count: usize,
}

impl Plot {
    /// The x of period `index`, in percent of the width.
    fn x(&self, index: usize) -> f64 {
        if self.count <= 1 {
            return 50.0;
        }
        X_START + (X_END - X_START) * index as f64 / (self.count - 1) as f64
    }

    /// The y of an NPS value, in pixels from the top (clamped to −100…100).
    fn y(&self, nps: f64) -> f64 {
        TOP + (100.0 - nps.clamp(-100.0, 100.0)) / 200.0 * self.height
    }
}

/// Gridlines at ±100 and ±50, the 0 line darker, with their values above them on the left.
fn grid(writer: &mut Writer, plot: &Plot) {
    for value in [100.0, 50.0, -50.0, -100.0, 0.0] {
        let y = plot.y(value);
        let zero = value == 0.0;
        writer
            .open("line")
            .attr("class", if zero { "vc-zero" } else { "vc-grid" })
            .attr("x1", 0)
            .attr("x2", "100%")
            .attr("y1", Num(y))
            .attr("y2", Num(y))
            .attr("stroke", if zero { AXIS } else { GRID })
            .attr("stroke-width", if zero { 1.5 } else { 1.0 })
            .empty();
        writer.element(
            "text",
            &[
                ("class", &"vc-y"),
                ("x", &0),
                ("y", &Num(y - 4.0)),
                ("font-size", &11),
                ("fill", &MUTED),
                ("stroke", &"#FFFFFF"),
                ("stroke-width", &3),
                ("paint-order", &"stroke"),
            ],
            &format_nps(value),
        );
    }
}

/// The maximal runs of consecutive periods that have an NPS.
fn runs(points: &[TrendPoint]) -> Vec<std::ops::Range<usize>> {
    let mut runs = Vec::new();
    let mut start = None;
    for (index, point) in points.iter().enumerate() {
        match (finite(point.nps).is_some(), start) {
            (true, None) => start = Some(index),
            (false, Some(first)) => {
                runs.push(first..index);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(first) = start {
        runs.push(first..points.len());
    }
    runs
}

/// The band and the line of every run of two or more periods, in one stretched drawing.
fn band_and_line(
    writer: &mut Writer,
    plot: &Plot,
    points: &[TrendPoint],
    runs: &[std::ops::Range<usize>],
    height: f64,
) {
    let unit = |index: usize| Num(plot.x(index) * UNITS / 100.0);
    let mut band = String::new();
    let mut line = String::new();
    for run in runs.iter().filter(|run| run.len() > 1) {
        let value = |index: usize| finite(points[index].nps).unwrap_or(0.0);
        let margin = |index: usize| finite(points[index].margin).unwrap_or(0.0).abs();
        for (step, index) in run.clone().enumerate() {
            let verb = if step == 0 { 'M' } else { 'L' };
            push_point(&mut line, verb, unit(index), plot.y(value(index)));
            let upper = plot.y(value(index) + margin(index));
            push_point(&mut band, verb, unit(index), upper);
        }
        for index in run.clone().rev() {
            let lower = plot.y(value(index) - margin(index));
            push_point(&mut band, 'L', unit(index), lower);
        }
        band.push('Z');
    }
    if line.is_empty() {
        return;
    }
    writer
        .open("svg")
        .attr("x", 0)
        .attr("y", 0)
        .attr("width", "100%")
        .attr("height", Num(height))
        .attr("viewBox", format!("0 0 {} {}", Num(UNITS), Num(height)))
        .attr("preserveAspectRatio", "none")
        .attr("aria-hidden", "true")
        .end();
    writer
        .open("path")
        .attr("class", "vc-band")
        .attr("d", band.trim_end())
        .attr("fill", INK)
        .attr("fill-opacity", 0.12)
        .empty();
    writer
        .open("path")
        .attr("class", "vc-line")
        .attr("d", line.trim_end())
        .attr("fill", "none")
        .attr("stroke", INK)
        .attr("stroke-width", 2)
        .attr("stroke-linejoin", "round")
        .attr("stroke-linecap", "round")
        .attr("vector-effect", "non-scaling-stroke")
        .empty();
    writer.close("svg");
}

fn push_point(path: &mut String, verb: char, x: Num, y: f64) {
    path.push(verb);
    path.push_str(&format!("{x} {} ", Num(y)));
}

/// The margin of error of a period with no neighbour to make a band with: a vertical bar of
/// the band's shade.
fn whisker(writer: &mut Writer, plot: &Plot, index: usize, point: &TrendPoint) {
    let (Some(nps), Some(margin)) = (finite(point.nps), finite(point.margin)) else {
        return;
    };
    let x = Pct(plot.x(index));
    writer
        .open("line")
        .attr("class", "vc-whisker")
        .attr("x1", x)
        .attr("x2", x)
        .attr("y1", Num(plot.y(nps + margin.abs())))
        .attr("y2", Num(plot.y(nps - margin.abs())))
        .attr("stroke", INK)
        .attr("stroke-opacity", 0.12)
        .attr("stroke-width", 8)
        .empty();
}

/// One period's point: filled, or hollow when its sample is small; with its figures in a
/// `<title>` and a larger invisible target for the pointer.
fn draw_point(
    writer: &mut Writer,
    plot: &Plot,
    index: usize,
    point: &TrendPoint,
    options: &TrendOptions,
) {
    let Some(nps) = finite(point.nps) else {
        return;
    };
    let small = point.responses < options.min_responses;
    let (x, y) = (Pct(plot.x(index)), Num(plot.y(nps)));
    writer
        .open("g")
        .attr(
            "class",
            if small {
                "vc-point vc-point-small"
            } else {
                "vc-point"
            },
        )
        .end();
    writer.title(&point_description(point, nps, options));
    writer
        .open("circle")
        .attr("cx", x)
        .attr("cy", y)
        .attr("r", 10)
        .attr("fill", "transparent")
        .empty();
    let circle = writer.open("circle").attr("cx", x).attr("cy", y);
    if small {
        circle
            .attr("r", 3.5)
            .attr("fill", "#FFFFFF")
            .attr("stroke", INK)
            .attr("stroke-width", 2)
            .empty();
    } else {
        circle
            .attr("r", 4)
            .attr("fill", INK)
            .attr("stroke", "#FFFFFF")
            .attr("stroke-width", 1.5)
            .empty();
    }
    writer.close("g");
}

/// "2026-03: NPS 42 ± 8, 120 responses", with "(n < 30: read with care)" when small.
fn point_description(point: &TrendPoint, nps: f64, options: &TrendOptions) -> String {
    let mut text = format!("{}: NPS {}", point.label, format_nps(nps));
    if let Some(margin) = finite(point.margin) {
        text.push(' ');
        text.push_str(&format_margin(margin));
    }
    text.push_str(&format!(
        ", {} {}",
        format_count(point.responses),
        if point.responses == 1 {
            "response"
        } else {
            "responses"
        }
    ));
    if point.responses < options.min_responses {
        text.push_str(&format!(" (n < {}: read with care)", options.min_responses));
    }
    text
}

/// Period labels under the plot, at most `max_labels`, counted back from the latest so it is
/// always labelled; those of every other kept step are marked `vc-x-narrow`, the ones the
/// stylesheet keeps on a narrow screen.
fn x_labels(
    writer: &mut Writer,
    plot: &Plot,
    points: &[TrendPoint],
    max_labels: usize,
    height: f64,
) {
    let count = points.len();
    if count == 0 {
        return;
    }
    let step = count.div_ceil(max_labels.max(1));
    for (index, point) in points.iter().enumerate() {
        let from_end = count - 1 - index;
        if !from_end.is_multiple_of(step) {
            continue;
        }
        let narrow = from_end.is_multiple_of(2 * step);
        let (anchor, dx) = if count == 1 {
            ("middle", 0)
        } else if index == 0 {
            ("start", -6)
        } else if index == count - 1 {
            ("end", 6)
        } else {
            ("middle", 0)
        };
        let tag = writer
            .open("text")
            .attr("class", if narrow { "vc-x vc-x-narrow" } else { "vc-x" })
            .attr("x", Pct(plot.x(index)));
        let tag = if dx != 0 { tag.attr("dx", dx) } else { tag };
        tag.attr("y", Num(height - 10.0))
            .attr("text-anchor", anchor)
            .attr("fill", MUTED)
            .end();
        writer.text(&point.label);
        writer.close("text");
    }
}

/// "NPS per month: 12 periods from 2025-04 to 2026-03; latest 2026-03: NPS 42 ± 8, 120
/// responses. Hollow points have fewer than 30 responses."
fn summary(points: &[TrendPoint], options: &TrendOptions) -> String {
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return format!("{}: no answers in this range yet", options.title);
    };
    let mut text = if points.len() == 1 {
        format!("{}: 1 period, {}", options.title, first.label)
    } else {
        format!(
            "{}: {} periods from {} to {}",
            options.title,
            points.len(),
            first.label,
            last.label
        )
    };
    let latest = points
        .iter()
        .rev()
        .find_map(|point| finite(point.nps).map(|nps| (point, nps)));
    match latest {
        Some((point, nps)) => {
            text.push_str("; latest ");
            text.push_str(&point_description(point, nps, options));
        }
        None => text.push_str("; no NPS to show"),
    }
    let small = points
        .iter()
        .any(|point| finite(point.nps).is_some() && point.responses < options.min_responses);
    if small {
        text.push_str(&format!(
            ". Hollow points have fewer than {} responses",
            options.min_responses
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(label: &str, nps: Option<f64>, margin: Option<f64>, responses: u64) -> TrendPoint {
        TrendPoint {
            label: label.to_owned(),
            nps,
            margin,
            responses,
        }
    }

    fn sample() -> Vec<TrendPoint> {
        vec![
            point("2026-01", Some(0.0), Some(10.0), 120),
            point("2026-02", Some(50.0), Some(10.0), 100),
            point("2026-03", None, None, 0),
            point("2026-04", Some(-50.0), Some(20.0), 12),
            point("2026-05", Some(100.0), Some(0.0), 40),
        ]
    }

    #[test]
    fn points_sit_at_their_period_and_value_on_a_fixed_axis() {
        // Height 240: the plot spans y = 12 (100) to 210 (−100), 0 at 111; periods spread
        // over 4 %…96 % of the width, 23 % apart for five.
        let svg = trend(&sample(), &TrendOptions::default());
        assert!(svg.contains(r##"<circle cx="4%" cy="111" r="4" fill="#1F2933""##));
        assert!(svg.contains(r##"<circle cx="27%" cy="61.5" r="4" fill="#1F2933""##));
        assert!(svg.contains(r##"<circle cx="96%" cy="12" r="4" fill="#1F2933""##));
        assert!(svg.contains(r#"width="100%" height="240""#));
    }

    #[test]
    fn the_axis_runs_from_minus_100_to_100_with_zero_marked() {
        let svg = trend(&sample(), &TrendOptions::default());
        assert!(svg.contains(
            r##"<line class="vc-zero" x1="0" x2="100%" y1="111" y2="111" stroke="#8C96A0""##
        ));
        for (value, y) in [
            ("100", "12"),
            ("50", "61.5"),
            ("−50", "160.5"),
            ("−100", "210"),
        ] {
            assert!(svg.contains(&format!(
                r#"<line class="vc-grid" x1="0" x2="100%" y1="{y}""#
            )));
            assert!(svg.contains(&format!(">{value}</text>")), "label {value}");
        }
        assert!(svg.contains(">0</text>"));
    }

    #[test]
    fn a_missing_period_leaves_a_gap_in_line_and_band() {
        let svg = trend(&sample(), &TrendOptions::default());
        // The line: 2026-01 → 2026-02, a gap, 2026-04 → 2026-05 (x in thousandths).
        assert!(svg.contains(r#"class="vc-line" d="M40 111 L270 61.5 M730 160.5 L960 12""#));
        // The band closes each run on its own.
        assert!(svg.contains(
            r#"class="vc-band" d="M40 101.1 L270 51.6 L270 71.4 L40 120.9 ZM730 140.7 L960 12 L960 12 L730 180.3 Z""#
        ));
        // No point and no title for the missing period.
        assert!(!svg.contains("<title>2026-03"));
        assert!(!svg.contains(r#"cx="50%""#));
    }

    #[test]
    fn a_small_period_is_a_hollow_point_and_says_so() {
        let svg = trend(&sample(), &TrendOptions::default());
        assert!(svg.contains(
            "<g class=\"vc-point vc-point-small\"><title>2026-04: NPS −50 ±\u{a0}20, 12 responses \
             (n &lt; 30: read with care)</title>"
        ));
        assert!(
            svg.contains(
                r##"<circle cx="73%" cy="160.5" r="3.5" fill="#FFFFFF" stroke="#1F2933""##
            )
        );
        assert_eq!(svg.matches("vc-point-small").count(), 1);
        // The threshold is an option.
        let options = TrendOptions {
            min_responses: 10,
            ..TrendOptions::default()
        };
        assert!(!trend(&sample(), &options).contains("vc-point-small"));
    }

    #[test]
    fn a_lone_period_between_gaps_gets_a_point_and_a_whisker() {
        let points = vec![
            point("Q1", None, None, 0),
            point("Q2", Some(20.0), Some(10.0), 50),
            point("Q3", None, None, 0),
        ];
        let svg = trend(&points, &TrendOptions::default());
        assert!(svg.contains(r#"<line class="vc-whisker" x1="50%" x2="50%" y1="81.3" y2="101.1""#));
        assert!(svg.contains(r#"<circle cx="50%" cy="91.2" r="4""#));
        assert!(!svg.contains("vc-line"));
    }

    #[test]
    fn labels_are_escaped_everywhere() {
        let points = vec![
            point("<script>alert(1)</script>", Some(10.0), Some(5.0), 100),
            point(
                "\"><img src=x onerror=alert(1)>",
                Some(12.0),
                Some(5.0),
                100,
            ),
        ];
        let options = TrendOptions {
            title: "<b>NPS</b> & co".to_owned(),
            ..TrendOptions::default()
        };
        let svg = trend(&points, &options);
        let table = trend_table(&points, &options);
        for markup in [&svg, &table] {
            assert!(!markup.contains("<script>"));
            assert!(!markup.contains("<img"));
            assert!(!markup.contains("<b>"));
            assert!(markup.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
            assert!(markup.contains("&lt;b&gt;NPS&lt;/b&gt; &amp; co"));
        }
        assert!(svg.contains("aria-label=\"&lt;b&gt;NPS&lt;/b&gt; &amp; co: 2 periods from"));
        assert!(svg.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
    }

    #[test]
    fn labels_thin_out_counting_back_from_the_latest() {
        let points: Vec<TrendPoint> = (1..=24)
            .map(|week| point(&format!("W{week:02}"), Some(10.0), Some(5.0), 40))
            .collect();
        let svg = trend(&points, &TrendOptions::default());
        // 24 periods, 8 labels: every third, ending on the latest; every sixth on a phone.
        let shown: Vec<&str> = ["W03", "W06", "W09", "W12", "W15", "W18", "W21", "W24"].into();
        for label in &shown {
            assert!(svg.contains(&format!(">{label}</text>")), "{label}");
        }
        assert_eq!(svg.matches("class=\"vc-x").count(), 8);
        assert_eq!(svg.matches("class=\"vc-x vc-x-narrow\"").count(), 4);
        assert!(svg.contains(
            r#"<text class="vc-x vc-x-narrow" x="96%" dx="6" y="230" text-anchor="end""#
        ));
        assert!(!svg.contains(">W02</text>"));
    }

    #[test]
    fn nothing_to_draw_says_so_and_keeps_the_axis() {
        let empty = trend(&[], &TrendOptions::default());
        assert!(empty.contains(">No answers in this range yet</text>"));
        assert!(empty.contains("vc-zero"));
        let hidden = trend(
            &[TrendPoint::missing("Q1"), TrendPoint::missing("Q2")],
            &TrendOptions::default(),
        );
        assert!(hidden.contains(">No NPS to show for these periods</text>"));
        assert!(hidden.contains(">Q2</text>"));
        for svg in [empty, hidden] {
            assert!(!svg.contains("NaN") && !svg.contains("inf"));
        }
    }

    #[test]
    fn the_table_has_a_row_per_period_with_notes() {
        let html = trend_table(&sample(), &TrendOptions::default());
        assert!(html.starts_with("<table class=\"vc-data\"><caption>NPS per period</caption>"));
        assert!(html.contains(
            "<tr class=\"vc-small\"><th scope=\"row\">2026-04</th><td class=\"num\">−50</td>\
             <td class=\"num\">±\u{a0}20</td><td class=\"num\">12</td>\
             <td>n &lt; 30: read with care</td></tr>"
        ));
        assert!(html.contains(
            "<tr><th scope=\"row\">2026-03</th><td class=\"num\">—</td><td class=\"num\">—</td>\
             <td class=\"num\">0</td><td>not shown</td></tr>"
        ));
    }

    #[test]
    fn the_same_input_gives_the_same_bytes() {
        let options = TrendOptions::default();
        assert_eq!(trend(&sample(), &options), trend(&sample(), &options));
    }
}
