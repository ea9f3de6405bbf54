//! A tiny inline trend for lists and tables.

use super::format::format_optional_nps;
use super::svg::{Num, Writer};
use super::{AXIS, FONT_FAMILY, INK, finite};

const WIDTH: f64 = 96.0;
const HEIGHT: f64 = 24.0;
const PAD: f64 = 3.0;
/// The smallest span of NPS points the sparkline's height stands for, so that noise of a
/// point or two does not look like a cliff.
const MIN_SPAN: f64 = 20.0;

/// A 96 × 24 px line of values (NPS per period, oldest first), scaled to their own range (at
/// least 20 points tall), with a dot on the latest value and a dashed 0 line when the range
/// crosses zero. `None` values leave gaps. It has `role="img"`, an `aria-label` and a
/// `<title>` ("NPS trend over 6 periods: from 12 to 20, lowest 8, highest 20").
pub fn sparkline(values: &[Option<f64>]) -> String {
    let defined: Vec<(usize, f64)> = values
        .iter()
        .enumerate()
        .filter_map(|(index, value)| finite(*value).map(|value| (index, value)))
        .collect();
    let label = summary(values.len(), &defined);
    let mut writer = Writer::new();
    writer
        .open("svg")
        .attr("xmlns", "http://www.w3.org/2000/svg")
        .attr("class", "vc-spark")
        .attr("width", Num(WIDTH))
        .attr("height", Num(HEIGHT))
        .attr("viewBox", format!("0 0 {} {}", Num(WIDTH), Num(HEIGHT)))
        .attr("role", "img")
        .attr("aria-label", &label)
        .attr("font-family", FONT_FAMILY)
        .end();
    writer.title(&label);
    if defined.is_empty() {
        writer
            .open("line")
            .attr("x1", Num(PAD))
            .attr("x2", Num(WIDTH - PAD))
            .attr("y1", Num(HEIGHT / 2.0))
            .attr("y2", Num(HEIGHT / 2.0))
            .attr("stroke", AXIS)
            .attr("stroke-dasharray", "2 3")
            .empty();
        writer.close("svg");
        return writer.finish();
    }
    let (mut low, mut high) = defined.iter().fold(
        (f64::INFINITY, f64::NEG_INFINITY),
        |(low, high), &(_, v)| (low.min(v), high.max(v)),
    );
    if high - low < MIN_SPAN {
        let middle = (low + high) / 2.0;
        low = middle - MIN_SPAN / 2.0;
        high = middle + MIN_SPAN / 2.0;
    }
    let count = values.len();
    let x = |index: usize| {
        if count <= 1 {
            WIDTH / 2.0
        } else {
            PAD + (WIDTH - 2.0 * PAD) * index as f64 / (count - 1) as f64
        }
    };
    let y = |value: f64| PAD + (high - value) / (high - low) * (HEIGHT - 2.0 * PAD);
    if low < 0.0 && high > 0.0 {
        writer
            .open("line")
            .attr("x1", Num(PAD))
            .attr("x2", Num(WIDTH - PAD))
            .attr("y1", Num(y(0.0)))
            .attr("y2", Num(y(0.0)))
            .attr("stroke", AXIS)
            .attr("stroke-width", 1)
            .attr("stroke-dasharray", "2 3")
            .empty();
    }
    let mut path = String::new();
    let mut previous: Option<usize> = None;
    for &(index, value) in &defined {
        let verb = if previous == Some(index.wrapping_sub(1)) {
            'L'
        } else {
            'M'
        };
        path.push_str(&format!("{verb}{} {} ", Num(x(index)), Num(y(value))));
        previous = Some(index);
    }
    writer
        .open("path")
        .attr("d", path.trim_end())
        .attr("fill", "none")
        .attr("stroke", INK)
        .attr("stroke-width", 1.5)
        .attr("stroke-linejoin", "round")
        .attr("stroke-linecap", "round")
        .empty();
    // A value with no neighbour draws no line: give it a dot.
    for (position, &(index, value)) in defined.iter().enumerate() {
        let joined_before = position > 0 && defined[position - 1].0 + 1 == index;
        let joined_after = defined
            .get(position + 1)
            .is_some_and(|next| next.0 == index + 1);
        let latest = position == defined.len() - 1;
        if latest || !(joined_before || joined_after) {
            writer
                .open("circle")
                .attr("cx", Num(x(index)))
                .attr("cy", Num(y(value)))
                .attr("r", if latest { 2.5 } else { 1.5 })
                .attr("fill", INK)
                .empty();
        }
    }
    writer.close("svg");
    writer.finish()
}

/// "NPS trend over 6 periods: from 12 to 20, lowest 8, highest 20".
fn summary(count: usize, defined: &[(usize, f64)]) -> String {
    let (Some(&(_, first)), Some(&(_, last))) = (defined.first(), defined.last()) else {
        return "NPS trend: no data".to_owned();
    };
    let low = defined
        .iter()
        .map(|&(_, v)| v)
        .fold(f64::INFINITY, f64::min);
    let high = defined
        .iter()
        .map(|&(_, v)| v)
        .fold(f64::NEG_INFINITY, f64::max);
    let periods = if count == 1 { "period" } else { "periods" };
    format!(
        "NPS trend over {count} {periods}: from {} to {}, lowest {}, highest {}",
        format_optional_nps(Some(first)),
        format_optional_nps(Some(last)),
        format_optional_nps(Some(low)),
        format_optional_nps(Some(high)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_scale_to_their_range_with_a_dot_on_the_latest() {
        let svg = sparkline(&[Some(0.0), Some(50.0), Some(100.0)]);
        // 0 at the bottom (y = 21), 100 at the top (y = 3), spread over 3…93.
        assert!(svg.contains(r#"d="M3 21 L48 12 L93 3""#));
        assert!(svg.contains(r#"<circle cx="93" cy="3" r="2.5""#));
        assert!(svg.contains(r#"width="96" height="24" viewBox="0 0 96 24""#));
        assert!(svg.contains(
            "aria-label=\"NPS trend over 3 periods: from 0 to 100, lowest 0, highest 100\""
        ));
    }

    #[test]
    fn a_missing_value_leaves_a_gap_and_a_lone_value_gets_a_dot() {
        let svg = sparkline(&[Some(10.0), Some(20.0), None, Some(-10.0), None, Some(30.0)]);
        // Three pieces: 10–20, then −10 alone, then 30 alone (the latest).
        assert!(svg.contains(r#"d="M3 12 L21 7.5 M57 21 M93 3""#));
        assert_eq!(svg.matches("<circle").count(), 2);
        // The range crosses 0: a dashed zero line.
        assert!(svg.contains("stroke-dasharray=\"2 3\""));
    }

    #[test]
    fn a_flat_line_is_drawn_mid_height_not_as_a_cliff() {
        let svg = sparkline(&[Some(40.0), Some(41.0)]);
        assert!(svg.contains(r#"d="M3 12.45 L93 11.55""#));
    }

    #[test]
    fn no_values_draw_a_dashed_placeholder() {
        let svg = sparkline(&[None, None]);
        assert!(svg.contains("aria-label=\"NPS trend: no data\""));
        assert!(svg.contains("stroke-dasharray"));
        assert!(!svg.contains("<path"));
    }
}
