//! The promoter / passive / detractor split as one stacked horizontal bar.

use vouch_core::Category;

use super::format::{format_count, format_percent, percent_tenths};
use super::svg::{Num, Pct, Writer, open_fluid_svg};
use super::{MUTED, ON_CATEGORY, TRACK, category_colour, category_plural};

const HEIGHT: f64 = 84.0;
const BAR_Y: f64 = 2.0;
const BAR_HEIGHT: f64 = 34.0;
const LEGEND_NAME_Y: f64 = 57.0;
const LEGEND_SHARE_Y: f64 = 76.0;
/// The share (in tenths of a percent) from which the percentage fits inside its segment at
/// any width: 16 % of a 320 px phone chart is 51 px, enough for "45.3%" in 13 px bold.
const FITS_EVERYWHERE: u64 = 160;
/// From 10 %, it fits in charts wider than 480 px (class `vc-fit-md`, which the stylesheet
/// hides in narrower ones).
const FITS_MEDIUM: u64 = 100;
/// From 6 %, it fits in charts wider than 720 px (class `vc-fit-lg`).
const FITS_LARGE: u64 = 60;

/// One stacked bar: % detractors | % passives | % promoters, each in its category's colour,
/// the percentage (one decimal) printed inside each segment where it fits, and a legend
/// under the bar naming each category with its percentage, always.
///
/// Whether a percentage fits depends on the chart's width, which the server does not know:
/// from a 16 % share it is always printed; from 10 % and from 6 % it carries the class
/// `vc-fit-md` or `vc-fit-lg`, which `dashboard.css` hides when the chart's container is
/// narrower than 480 or 720 px (a container query on `.chart`).
///
/// Each segment has a `<title>` with its count; the whole has `role="img"`, an
/// `aria-label` and a `<title>` summarising the split. With no responses it draws an empty
/// track saying "No answers yet".
pub fn split_bar(detractors: u64, passives: u64, promoters: u64) -> String {
    let parts = [
        (Category::Detractor, detractors),
        (Category::Passive, passives),
        (Category::Promoter, promoters),
    ];
    let total = detractors
        .saturating_add(passives)
        .saturating_add(promoters);
    let label = summary(&parts, total);
    let mut writer = Writer::new();
    open_fluid_svg(&mut writer, "vc-chart vc-split", HEIGHT, &label);
    if total == 0 {
        empty(&mut writer);
        legend(&mut writer, &parts, total);
        writer.close("svg");
        return writer.finish();
    }
    // Segment edges from cumulative counts, so that widths add up to exactly 100 %.
    let mut edges = [0.0; 4];
    let mut running = 0u64;
    for (i, (_, count)) in parts.iter().enumerate() {
        running += count;
        edges[i + 1] = 100.0 * running as f64 / total as f64;
    }
    for (i, &(category, count)) in parts.iter().enumerate() {
        if count == 0 {
            continue;
        }
        let (start, end) = (round2(edges[i]), round2(edges[i + 1]));
        writer.open("g").attr("class", "vc-segment").end();
        writer.title(&format!(
            "{}: {} of {} responses ({})",
            category_plural(category),
            format_count(count),
            format_count(total),
            format_percent(count, total),
        ));
        writer
            .open("rect")
            .attr("x", Pct(start))
            .attr("y", Num(BAR_Y))
            .attr("width", Pct(end - start))
            .attr("height", Num(BAR_HEIGHT))
            .attr("fill", category_colour(category))
            .empty();
        let tenths = percent_tenths(count, total).unwrap_or(0);
        let class = if tenths >= FITS_EVERYWHERE {
            Some("vc-in")
        } else if tenths >= FITS_MEDIUM {
            Some("vc-in vc-fit-md")
        } else if tenths >= FITS_LARGE {
            Some("vc-in vc-fit-lg")
        } else {
            None
        };
        if let Some(class) = class {
            writer.element(
                "text",
                &[
                    ("class", &class),
                    ("x", &Pct((start + end) / 2.0)),
                    ("y", &Num(BAR_Y + BAR_HEIGHT / 2.0 + 4.5)),
                    ("text-anchor", &"middle"),
                    ("font-size", &13),
                    ("font-weight", &600),
                    ("fill", &ON_CATEGORY),
                ],
                &format_percent(count, total),
            );
        }
        writer.close("g");
    }
    // White hairlines between adjacent segments keep them apart in print and for low vision.
    for (i, edge) in edges.iter().enumerate().take(3).skip(1) {
        let before = parts[..i].iter().any(|(_, count)| *count > 0);
        let after = parts[i..].iter().any(|(_, count)| *count > 0);
        if before && after && parts[i].1 > 0 {
            writer
                .open("line")
                .attr("x1", Pct(round2(*edge)))
                .attr("x2", Pct(round2(*edge)))
                .attr("y1", Num(BAR_Y))
                .attr("y2", Num(BAR_Y + BAR_HEIGHT))
                .attr("stroke", "#FFFFFF")
                .attr("stroke-width", 2)
                .empty();
        }
    }
    legend(&mut writer, &parts, total);
    writer.close("svg");
    writer.finish()
}

/// The legend under the bar, in thirds: a swatch and the category's name, and under the
/// name its percentage in bold (two lines, so that it fits a phone).
fn legend(writer: &mut Writer, parts: &[(Category, u64); 3], total: u64) {
    for (i, &(category, count)) in parts.iter().enumerate() {
        let x = Pct(100.0 * i as f64 / 3.0);
        writer.open("g").attr("class", "vc-legend").end();
        writer
            .open("rect")
            .attr("x", x)
            .attr("y", Num(LEGEND_NAME_Y - 10.0))
            .attr("width", 11)
            .attr("height", 11)
            .attr("rx", 2)
            .attr("fill", category_colour(category))
            .empty();
        writer.element(
            "text",
            &[("x", &x), ("dx", &16), ("y", &Num(LEGEND_NAME_Y))],
            category_plural(category),
        );
        writer.element(
            "text",
            &[
                ("x", &x),
                ("dx", &16),
                ("y", &Num(LEGEND_SHARE_Y)),
                ("font-size", &15),
                ("font-weight", &650),
            ],
            &format_percent(count, total),
        );
        writer.close("g");
    }
}

fn empty(writer: &mut Writer) {
    writer
        .open("rect")
        .attr("x", 0)
        .attr("y", Num(BAR_Y))
        .attr("width", "100%")
        .attr("height", Num(BAR_HEIGHT))
        .attr("rx", 4)
        .attr("fill", TRACK)
        .empty();
    writer.element(
        "text",
        &[
            ("x", &"50%"),
            ("y", &Num(BAR_Y + BAR_HEIGHT / 2.0 + 4.5)),
            ("text-anchor", &"middle"),
            ("fill", &MUTED),
        ],
        "No answers yet",
    );
}

/// "Detractors 20.0% (200), passives 30.0% (300), promoters 50.0% (500) of 1,000 responses".
fn summary(parts: &[(Category, u64); 3], total: u64) -> String {
    if total == 0 {
        return "Promoters, passives and detractors: no answers yet".to_owned();
    }
    let described: Vec<String> = parts
        .iter()
        .map(|&(category, count)| {
            format!(
                "{} {} ({})",
                category_plural(category).to_lowercase(),
                format_percent(count, total),
                format_count(count)
            )
        })
        .collect();
    let mut text = described.join(", ");
    text[..1].make_ascii_uppercase();
    format!("{text} of {} responses", format_count(total))
}

/// Rounds a percentage to two decimals, as it is printed.
fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_span_their_shares_in_category_colours() {
        let svg = split_bar(200, 300, 500);
        assert!(svg.contains(r##"<rect x="0%" y="2" width="20%" height="34" fill="#D55E00"/>"##));
        assert!(svg.contains(r##"<rect x="20%" y="2" width="30%" height="34" fill="#9E9E9E"/>"##));
        assert!(svg.contains(r##"<rect x="50%" y="2" width="50%" height="34" fill="#009E73"/>"##));
        for share in ["20.0%", "30.0%", "50.0%"] {
            // Inside the bar and in the legend.
            assert_eq!(svg.matches(&format!(">{share}</text>")).count(), 2);
        }
        // Dark text on every colour, including the grey.
        assert!(!svg.contains(r##"fill="#FFFFFF" font"##));
        assert_eq!(svg.matches(r##"fill="#111111""##).count(), 3);
    }

    #[test]
    fn it_is_an_image_with_a_summary() {
        let svg = split_bar(200, 300, 500);
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.contains(r#"role="img""#));
        let summary = "Detractors 20.0% (200), passives 30.0% (300), promoters 50.0% (500) \
                       of 1,000 responses";
        assert!(svg.contains(&format!(r#"aria-label="{summary}""#)));
        assert!(svg.contains(&format!("<title>{summary}</title>")));
        assert!(svg.contains("<title>Promoters: 500 of 1,000 responses (50.0%)</title>"));
        assert!(svg.ends_with("</svg>"));
    }

    #[test]
    fn a_percentage_is_printed_inside_only_where_it_fits() {
        // 3 % does not fit at all, 8 % only in wide charts, 12 % in medium ones, the rest
        // everywhere.
        let svg = split_bar(3, 8, 89);
        assert!(!svg.contains(r#"x="1.5%""#));
        assert!(svg.contains(r#"<text class="vc-in vc-fit-lg" x="7%""#));
        assert!(svg.contains(r#"<text class="vc-in" x="55.5%""#));
        let svg = split_bar(12, 20, 68);
        assert!(svg.contains(r#"<text class="vc-in vc-fit-md" x="6%""#));
        assert!(svg.contains(r#"<text class="vc-in" x="22%""#));
        // The legend prints every share regardless.
        let svg = split_bar(3, 8, 89);
        assert!(svg.contains(r#"<text x="0%" dx="16" y="57">Detractors</text>"#));
        assert!(svg.contains(
            r#"<text x="0%" dx="16" y="76" font-size="15" font-weight="650">3.0%</text>"#
        ));
    }

    #[test]
    fn an_empty_category_draws_no_segment_and_no_separator() {
        let svg = split_bar(0, 0, 7);
        assert_eq!(svg.matches("<rect x=\"0%\" y=\"2\"").count(), 1);
        assert!(svg.contains(r##"width="100%" height="34" fill="#009E73""##));
        assert!(!svg.contains("<line"));
        assert!(svg.contains(
            r#"<text x="33.33%" dx="16" y="76" font-size="15" font-weight="650">0.0%</text>"#
        ));
    }

    #[test]
    fn no_answers_say_so() {
        let svg = split_bar(0, 0, 0);
        assert!(svg.contains(">No answers yet</text>"));
        // The legend still says what the bar will show.
        assert!(svg.contains(">Promoters</text>"));
        assert_eq!(svg.matches(">—</text>").count(), 3);
        assert!(!svg.contains("NaN"));
    }

    #[test]
    fn thirds_add_up_to_the_whole_width() {
        let svg = split_bar(1, 1, 1);
        assert!(svg.contains(r#"x="0%" y="2" width="33.33%""#));
        assert!(svg.contains(r#"x="33.33%" y="2" width="33.34%""#));
        assert!(svg.contains(r#"x="66.67%" y="2" width="33.33%""#));
    }
}
