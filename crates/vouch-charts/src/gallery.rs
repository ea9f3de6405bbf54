//! A test that draws every chart for a sample data set into `chart-gallery.html` in the
//! target directory (`$CARGO_TARGET_DIR`, or the workspace's `target/`), styled by
//! `assets/dashboard.css` and laid out as the overview would be, so that a person can look
//! at the charts in context, at full width and on a phone.

use std::path::{Path, PathBuf};

use vouch_core::{Histogram, NpsFigures, compare};

use super::{
    SegmentBar, TrendOptions, TrendPoint, distribution, distribution_table, escape, format_count,
    format_margin, format_nps, format_nps_change, segments, segments_table, sparkline, split_bar,
    trend, trend_table,
};

const STYLESHEET: &str = include_str!("../../vouch-dashboard/assets/dashboard.css");

/// A histogram with all promoters at 10, passives at 8, detractors at 0…6 spread evenly.
fn histogram(promoters: u64, passives: u64, detractors: u64) -> Histogram {
    let mut counts = [0u64; 11];
    counts[10] = promoters - promoters / 3;
    counts[9] = promoters / 3;
    counts[8] = passives / 2;
    counts[7] = passives - passives / 2;
    for (score, count) in counts.iter_mut().take(7).enumerate() {
        *count = detractors / 7 + u64::from((score as u64) < detractors % 7);
    }
    Histogram::from_counts(counts)
}

fn monthly() -> Vec<TrendPoint> {
    let months = [
        ("2025-04", 60, 30, 30),
        ("2025-05", 70, 35, 28),
        ("2025-06", 66, 40, 25),
        ("2025-07", 10, 5, 3),
        ("2025-08", 0, 0, 0),
        ("2025-09", 80, 38, 22),
        ("2025-10", 92, 40, 20),
        ("2025-11", 88, 45, 24),
        ("2025-12", 95, 40, 18),
        ("2026-01", 101, 42, 17),
        ("2026-02", 110, 45, 15),
        ("2026-03", 118, 44, 14),
    ];
    months
        .iter()
        .map(|&(label, p, pa, d)| {
            TrendPoint::from_figures(label, &NpsFigures::from_histogram(&histogram(p, pa, d)))
        })
        .collect()
}

fn weekly() -> Vec<TrendPoint> {
    (1..=52u64)
        .map(|week| {
            let label = format!("2025-W{week:02}");
            if week == 20 || week == 21 {
                return TrendPoint::missing(label);
            }
            let n = 22 + (week * 37) % 50;
            let promoters = n * (45 + (week * 13) % 25) / 100;
            let detractors = n * (12 + (week * 7) % 14) / 100;
            let figures = NpsFigures::from_histogram(&histogram(
                promoters,
                n - promoters - detractors,
                detractors,
            ));
            TrendPoint::from_figures(label, &figures)
        })
        .collect()
}

fn plans() -> Vec<SegmentBar> {
    [
        ("Enterprise", 420, 110, 48),
        ("Business", 230, 95, 60),
        ("Starter", 110, 80, 50),
        ("Free trial", 5, 4, 5),
        (
            "Legacy (2019 pricing, grandfathered annual contracts)",
            9,
            22,
            31,
        ),
    ]
    .iter()
    .map(|&(label, p, pa, d)| {
        SegmentBar::from_figures(label, &NpsFigures::from_histogram(&histogram(p, pa, d)))
    })
    .collect()
}

fn card(title: &str, subtitle: &str, body: &str, class: &str) -> String {
    format!(
        "<section class=\"card {class}\"><div class=\"card__header\"><h2 class=\"card__title\">\
         {}</h2><span class=\"card__subtitle\">{}</span></div>{body}</section>\n",
        escape(title),
        escape(subtitle),
    )
}

fn figure(chart: &str, table: Option<&str>) -> String {
    let table = table.map_or_else(String::new, |table| {
        format!(
            "<details class=\"chart-data\"><summary>Show as a table</summary>\
             <div class=\"table-wrap\">{table}</div></details>"
        )
    });
    format!("<figure class=\"chart\">{chart}{table}</figure>")
}

fn kpi(figures: &NpsFigures, previous: &Histogram, current: &Histogram) -> String {
    let nps = figures.nps.map_or_else(|| "—".to_owned(), format_nps);
    let moe = figures
        .margin_of_error
        .map_or_else(String::new, format_margin);
    let change = compare(current, previous).map_or_else(String::new, |comparison| {
        let arrow = if comparison.difference.round() > 0.0 {
            "▲"
        } else if comparison.difference.round() < 0.0 {
            "▼"
        } else {
            "▶"
        };
        let verdict = if comparison.significant {
            "<span class=\"verdict verdict--significant\">significant</span>"
        } else {
            "<span class=\"verdict verdict--noise\">within noise</span>"
        };
        format!(
            "<p class=\"change\"><span class=\"change__arrow\" aria-hidden=\"true\">{arrow}</span>\
             <span class=\"change__value\">{}</span> <span class=\"change__versus\">vs previous \
             90 days</span> {verdict}</p>",
            format_nps_change(comparison.difference)
        )
    });
    let small = if figures.is_small_sample() {
        "<p class=\"note-small\">n &lt; 30: read with care</p>"
    } else {
        ""
    };
    format!(
        "<p class=\"kpi__label\">Net Promoter Score</p><p class=\"kpi__value\">\
         <span class=\"kpi__number\">{nps}</span><span class=\"kpi__moe\">{moe}</span>\
         <span class=\"kpi__n\">n = {}</span></p>{change}{small}",
        format_count(figures.responses)
    )
}

fn comments() -> String {
    let items = [
        (
            10,
            "promoter",
            "Ana Ruiz · Northwind",
            "The new reporting saved our CS team hours every week. Exports just work.",
            "reporting",
        ),
        (
            3,
            "detractor",
            "Jon Park · Globex",
            "Support took four days to answer a billing question, and the answer was wrong. \
             We are reconsidering the renewal; the product is fine but this is the third time \
             this quarter that a simple invoice change needed several escalations.",
            "support",
        ),
        (
            8,
            "passive",
            "anonymous",
            "Good overall, but the mobile app is slow to load dashboards.",
            "performance",
        ),
        (
            9,
            "promoter",
            "Li Wei · Initech",
            "<script>alert('comments are escaped')</script> Great onboarding.",
            "onboarding",
        ),
    ];
    let mut html = String::from("<ol class=\"comments\">");
    for (score, category, who, text, tag) in items {
        let who_class = if who == "anonymous" {
            "comment__who anonymous"
        } else {
            "comment__who"
        };
        html.push_str(&format!(
            "<li class=\"comment\"><span class=\"chip chip--{category}\" title=\"{category}\">\
             {score}<span class=\"visually-hidden\"> ({category})</span></span>\
             <div class=\"comment__body\"><p class=\"comment__text line-clamp\">{}</p>\
             <p class=\"comment__meta\"><span class=\"{who_class}\">{}</span>\
             <time datetime=\"2026-03-28\">2 days ago</time><a class=\"tag\" href=\"#\">{}</a>\
             </p></div></li>",
            escape(text),
            escape(who),
            escape(tag),
        ));
    }
    html.push_str(
        "</ol><p class=\"card__footer\"><a href=\"#\">All 1,234 answers in the inbox →</a></p>",
    );
    html
}

fn plan_table(rows: &[SegmentBar]) -> String {
    let mut html = String::from(
        "<div class=\"table-wrap\"><table class=\"table\"><caption>Plans, with their NPS per \
         month</caption><thead><tr><th scope=\"col\"><button class=\"sort\" type=\"button\">Plan\
         </button></th><th scope=\"col\" class=\"num\" aria-sort=\"descending\"><button \
         class=\"sort\" type=\"button\">NPS</button></th><th scope=\"col\" class=\"num\">\
         <button class=\"sort\" type=\"button\">± MOE</button></th><th scope=\"col\" \
         class=\"num\"><button class=\"sort\" type=\"button\">Responses</button></th>\
         <th scope=\"col\">Last 12 months</th></tr></thead><tbody>",
    );
    for (index, row) in rows.iter().enumerate() {
        let values: Vec<Option<f64>> = (0..12)
            .map(|month| {
                if index == 3 && month % 3 != 0 {
                    return None;
                }
                row.nps.map(|nps| {
                    nps - 12.0 + (month as f64 * 1.7) + ((month * (index + 3)) % 7) as f64
                })
            })
            .collect();
        let class = if row.small { " class=\"is-small\"" } else { "" };
        html.push_str(&format!(
            "<tr{class}><th scope=\"row\">{}</th><td class=\"num\">{}</td><td class=\"num\">{}\
             </td><td class=\"num\">{}</td><td>{}</td></tr>",
            escape(&row.label),
            row.nps.map_or_else(|| "—".to_owned(), format_nps),
            row.margin.map_or_else(|| "—".to_owned(), format_margin),
            format_count(row.responses),
            sparkline(&values),
        ));
    }
    html.push_str("</tbody></table></div>");
    html
}

fn inbox() -> String {
    let items = [
        (
            3,
            "detractor",
            "Jon Park",
            "Support took four days to answer a billing…",
            "2 h",
        ),
        (
            10,
            "promoter",
            "Ana Ruiz",
            "The new reporting saved our CS team hours…",
            "5 h",
        ),
        (
            6,
            "detractor",
            "anonymous",
            "Pricing page is confusing",
            "1 d",
        ),
        (
            8,
            "passive",
            "Sam Lee",
            "Good overall, mobile app is slow",
            "2 d",
        ),
    ];
    let mut list = String::from("<ul class=\"inbox-list\" aria-label=\"Answers\">");
    for (index, (score, category, who, text, when)) in items.iter().enumerate() {
        let current = if index == 0 {
            " aria-current=\"true\""
        } else {
            ""
        };
        list.push_str(&format!(
            "<li class=\"inbox-item\"><a href=\"#\"{current}><span class=\"chip chip--small \
             chip--{category}\">{score}</span><span class=\"inbox-item__who\">{}</span>\
             <span class=\"inbox-item__when\">{}</span><p class=\"inbox-item__text\">{}</p></a></li>",
            escape(who),
            escape(when),
            escape(text),
        ));
    }
    list.push_str("</ul>");
    let detail = "<article class=\"card inbox-detail\"><div class=\"inbox-detail__head\">\
        <span class=\"chip chip--detractor\">3</span><div><h2 class=\"card__title\">Jon Park · \
        Globex</h2><span class=\"card__subtitle\">Answered 28 March 2026, 14:02 · email \
        campaign</span></div><span class=\"status status--open\">Open\
        </span></div><blockquote class=\"inbox-detail__comment\">Support took four days to \
        answer a billing question, and the answer was wrong.</blockquote><dl class=\"attributes\">\
        <dt>Plan</dt><dd>Enterprise</dd><dt>Country</dt><dd>Germany</dd><dt>MRR</dt><dd>€4,200\
        </dd><dt>Seats</dt><dd>85</dd></dl><h3>Notes</h3><ul class=\"notes\"><li><strong>Mia\
        </strong>: Called, billing fixed. Following up Friday.</li></ul><form class=\"form\">\
        <div class=\"field\"><label for=\"status\">Status</label><select id=\"status\"><option>\
        Open</option><option>In progress</option><option>Closed</option></select></div>\
        <div class=\"field\"><label for=\"note\">Internal note</label><textarea id=\"note\" \
        aria-describedby=\"note-hint\"></textarea><span class=\"field__hint\" id=\"note-hint\">\
        Only your team sees notes.</span></div><div class=\"field\"><label for=\"reply\">Reply \
        to Jon</label><input id=\"reply\" type=\"text\" aria-invalid=\"true\" \
        aria-describedby=\"reply-error\"><span class=\"field__error\" id=\"reply-error\">Write \
        a reply before sending.</span></div><div class=\"button-row\"><button class=\"button\" \
        type=\"button\">Send reply</button><button class=\"button button--secondary\" \
        type=\"button\">Save note</button><button class=\"button button--quiet\" \
        type=\"button\">Close answer</button></div></form></article>";
    format!("<div class=\"inbox\">{list}{detail}</div>")
}

fn page() -> String {
    let current = histogram(771, 299, 164);
    let previous = histogram(690, 320, 210);
    let figures = NpsFigures::from_histogram(&current);
    let monthly = monthly();
    let monthly_options = TrendOptions {
        title: "NPS per month".to_owned(),
        ..TrendOptions::default()
    };
    let weekly_options = TrendOptions {
        title: "NPS per week, 2025".to_owned(),
        height: 200,
        ..TrendOptions::default()
    };
    let plans = plans();
    let small = NpsFigures::from_histogram(&histogram(9, 6, 4));

    let mut body = String::new();
    body.push_str(
        "<a class=\"skip-link\" href=\"#main\">Skip to content</a>\
         <header class=\"site-header\"><div class=\"site-header__inner\"><a class=\"brand\" \
         href=\"#\"><span class=\"brand__mark\" aria-hidden=\"true\"></span>Vouch</a>\
         <nav class=\"site-nav\" aria-label=\"Main\"><ul><li><a href=\"#\" aria-current=\"page\">\
         Overview</a></li><li><a href=\"#\">Inbox</a></li><li><a href=\"#\">Themes</a></li><li>\
         <a href=\"#\">Segments</a></li><li><a href=\"#\">Surveys</a></li><li><a href=\"#\">\
         Settings</a></li></ul></nav><div class=\"site-header__end\">Acme Inc · Mia</div></div>\
         </header><main id=\"main\" class=\"page\"><div class=\"page-header\"><h1>Customer NPS\
         </h1><span class=\"page-header__meta\">1 Jan – 31 Mar 2026 · compared with the 90 days \
         before</span></div><form class=\"filter-bar\" role=\"search\" aria-label=\"Filters\">\
         <div class=\"filter-bar__field\"><label for=\"f-survey\">Survey</label><select \
         id=\"f-survey\"><option>Customer NPS</option></select></div><div \
         class=\"filter-bar__field\"><label for=\"f-period\">Period</label><select \
         id=\"f-period\"><option>Last 90 days</option></select></div><div \
         class=\"filter-bar__field\"><label for=\"f-plan\">Plan</label><select id=\"f-plan\">\
         <option>Any plan</option></select></div><div class=\"filter-bar__field\"><label \
         for=\"f-country\">Country</label><select id=\"f-country\"><option>Any country</option>\
         </select></div><div class=\"filter-bar__active\"><span class=\"filter-chip\">industry \
         = SaaS<a href=\"#\" aria-label=\"Remove industry = SaaS\">×</a></span><a \
         class=\"filter-bar__clear\" href=\"#\">Clear filters</a></div></form>",
    );
    body.push_str("<div class=\"overview\">");
    body.push_str(&card(
        "NPS",
        "last 90 days",
        &kpi(&figures, &previous, &current),
        "kpi",
    ));
    body.push_str(&card(
        "Promoters, passives, detractors",
        &format!("{} answers", format_count(figures.responses)),
        &format!(
            "{}{}",
            figure(
                &split_bar(figures.detractors, figures.passives, figures.promoters),
                None
            ),
            figure(
                &distribution(current.counts()),
                Some(&distribution_table(current.counts()))
            ),
        ),
        "",
    ));
    body.push_str(&card(
        "Trend",
        "hollow: fewer than 30 answers · band: margin of error",
        &figure(
            &trend(&monthly, &monthly_options),
            Some(&trend_table(&monthly, &monthly_options)),
        ),
        "card--wide",
    ));
    body.push_str("</div><div class=\"overview overview--halves\">");
    body.push_str(&card(
        "NPS by plan",
        "bars from 0 · whiskers: margin of error",
        &figure(&segments(&plans), Some(&segments_table(&plans))),
        "",
    ));
    body.push_str(&card("Latest comments", "", &comments(), ""));
    body.push_str("</div>");

    body.push_str(
        "<h2 class=\"section-heading\">Other states</h2><div class=\"overview overview--halves\">",
    );
    body.push_str(&card(
        "NPS, small sample",
        "one team",
        &format!(
            "<div class=\"is-small\">{}</div>",
            kpi(&small, &histogram(7, 5, 5), &histogram(9, 6, 4))
        ),
        "",
    ));
    body.push_str(&card(
        "NPS, no answers",
        "new survey",
        "<div class=\"empty\"><p class=\"empty__title\">No answers yet</p><p \
         class=\"empty__text\">Send your first survey, or share its link, and answers will \
         appear here as they arrive.</p><a class=\"button\" href=\"#\">Send a survey</a></div>",
        "",
    ));
    body.push_str(&card(
        "Weekly trend, thinned labels",
        "52 weeks, two missing",
        &figure(&trend(&weekly(), &weekly_options), None),
        "card--wide",
    ));
    let hidden = [
        TrendPoint::missing("2026-Q1"),
        TrendPoint::missing("2026-Q2"),
    ];
    body.push_str(&card(
        "Trend, nothing to show",
        "eNPS periods under 5 answers",
        &figure(&trend(&hidden, &TrendOptions::default()), None),
        "",
    ));
    let lone = [
        TrendPoint::missing("2025-Q4"),
        TrendPoint {
            label: "2026-Q1".to_owned(),
            nps: Some(-35.0),
            margin: Some(24.0),
            responses: 21,
        },
        TrendPoint::missing("2026-Q2"),
    ];
    body.push_str(&card(
        "Trend, one lone small period",
        "a whisker instead of a band",
        &figure(&trend(&lone, &TrendOptions::default()), None),
        "",
    ));
    body.push_str(&card(
        "Split, a thin share",
        "3 % detractors, 8 % passives",
        &figure(&split_bar(3, 8, 89), None),
        "",
    ));
    body.push_str(&card(
        "Split and distribution, no answers",
        "",
        &format!(
            "{}{}",
            figure(&split_bar(0, 0, 0), None),
            figure(&distribution(&[0; 11]), None)
        ),
        "",
    ));
    let hostile = [
        SegmentBar {
            label: "<script>alert('x')</script>".to_owned(),
            nps: Some(-62.0),
            margin: Some(30.0),
            responses: 13,
            small: true,
        },
        SegmentBar {
            label: "\"><img src=x onerror=alert(1)>".to_owned(),
            nps: Some(88.0),
            margin: Some(20.0),
            responses: 45,
            small: false,
        },
        SegmentBar {
            label: "Hidden team (eNPS)".to_owned(),
            nps: None,
            margin: None,
            responses: 0,
            small: false,
        },
    ];
    body.push_str(&card(
        "Segments, hostile labels and a hidden group",
        "labels are text, never markup",
        &figure(&segments(&hostile), None),
        "",
    ));
    body.push_str(&card(
        "Segments, none",
        "",
        &figure(&segments(&[]), None),
        "",
    ));
    body.push_str(&card(
        "Plans",
        "sortable table with sparklines",
        &plan_table(&plans),
        "card--wide",
    ));
    body.push_str("</div><h2 class=\"section-heading\">Inbox</h2>");
    body.push_str(&inbox());
    body.push_str(
        "</main><footer class=\"site-footer\">Vouch · chart gallery (generated by a test)</footer>",
    );

    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
         content=\"width=device-width, initial-scale=1\"><title>Vouch chart gallery</title>\
         <style>\n{STYLESHEET}\n</style></head><body>{body}</body></html>\n"
    )
}

/// Where the gallery goes: `$CARGO_TARGET_DIR`, else the workspace's `target/`.
fn gallery_path() -> PathBuf {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if Path::new(&dir).is_absolute() => PathBuf::from(dir),
        Some(dir) => workspace.join(dir),
        None => workspace.join("target"),
    };
    target.join("chart-gallery.html")
}

#[test]
fn chart_gallery_is_written() {
    let html = page();
    assert!(!html.contains("NaN"));
    assert!(!html.contains("<script>"));
    assert!(!html.contains("<img"));
    assert_eq!(html, page(), "the gallery is deterministic");
    let path = gallery_path();
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&path, html).unwrap();
    println!("chart gallery: {}", path.display());
}
