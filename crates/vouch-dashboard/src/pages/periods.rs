//! A trend's periods laid out for a chart: every period of the range in order, those without
//! figures (no answers, or hidden for anonymity) as gaps.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use vouch_analytics::report::PeriodFigures;
use vouch_core::period::day_of_timestamp;
use vouch_core::{Interval, Period};

use vouch_charts::TrendPoint;

/// The most periods drawn with their gaps; a longer range shows only periods with figures.
const MAX_PERIODS: usize = 400;

/// The trend's points from `first` to `last` (instants in `zone`), periods without figures
/// as [`TrendPoint::missing`]. Without bounds the trend runs from its first to its last
/// period with figures.
pub(crate) fn trend_points(
    trend: &[PeriodFigures],
    interval: Interval,
    first: Option<Timestamp>,
    last: Option<Timestamp>,
    zone: &TimeZone,
) -> Vec<TrendPoint> {
    let start = first
        .map(|at| Period::containing(day_of_timestamp(at, zone), interval))
        .or_else(|| trend.first().map(|point| point.period));
    let end = last
        .map(|at| Period::containing(day_of_timestamp(at, zone), interval))
        .or_else(|| trend.last().map(|point| point.period));
    let present = || {
        trend
            .iter()
            .map(|point| TrendPoint::from_figures(point.period.label(), &point.figures))
            .collect()
    };
    let (Some(start), Some(end)) = (start, end) else {
        return present();
    };
    let mut periods = Vec::new();
    let mut period = start;
    while period <= end {
        if periods.len() == MAX_PERIODS {
            return present();
        }
        periods.push(period);
        period = next(period);
    }
    let mut figures = trend.iter().peekable();
    periods
        .into_iter()
        .map(|period| {
            while figures.peek().is_some_and(|point| point.period < period) {
                figures.next();
            }
            match figures.peek() {
                Some(point) if point.period == period => {
                    TrendPoint::from_figures(period.label(), &point.figures)
                }
                _ => TrendPoint::missing(period.label()),
            }
        })
        .collect()
}

/// The period after `period`.
fn next(period: Period) -> Period {
    // A week is 7 days, a month at most 31 and a quarter at most 92: from the first day, that
    // many days on lands in the next period (and not beyond: the next is at least as long).
    let step = match period.interval() {
        Interval::Week => 7,
        Interval::Month => 31,
        Interval::Quarter => 92,
    };
    Period::containing(period.start_day() + step, period.interval())
}

#[cfg(test)]
mod tests {
    use vouch_core::{Histogram, NpsFigures, Score};

    use super::*;

    fn figures(day: &str, interval: Interval, scores: &[i64]) -> PeriodFigures {
        let mut histogram = Histogram::default();
        for &score in scores {
            histogram.add(Score::new(score).unwrap());
        }
        let at: Timestamp = format!("{day}T12:00:00Z").parse().unwrap();
        PeriodFigures {
            period: Period::containing(day_of_timestamp(at, &TimeZone::UTC), interval),
            figures: NpsFigures::from_histogram(&histogram),
            histogram,
        }
    }

    #[test]
    fn missing_periods_become_gaps_between_the_bounds() {
        let trend = [
            figures("2026-02-10", Interval::Month, &[10, 9]),
            figures("2026-04-02", Interval::Month, &[0]),
        ];
        let from: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let to: Timestamp = "2026-05-31T23:59:59Z".parse().unwrap();
        let points = trend_points(
            &trend,
            Interval::Month,
            Some(from),
            Some(to),
            &TimeZone::UTC,
        );
        let labels: Vec<_> = points.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(
            labels,
            ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"]
        );
        let values: Vec<_> = points.iter().map(|p| p.nps).collect();
        assert_eq!(values, [None, Some(100.0), None, Some(-100.0), None]);
    }

    #[test]
    fn weeks_and_quarters_step_one_period_at_a_time() {
        let trend = [figures("2025-12-29", Interval::Week, &[9])];
        let from: Timestamp = "2025-12-20T00:00:00Z".parse().unwrap();
        let to: Timestamp = "2026-01-12T00:00:00Z".parse().unwrap();
        let weeks = trend_points(&trend, Interval::Week, Some(from), Some(to), &TimeZone::UTC);
        let labels: Vec<_> = weeks.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(
            labels,
            ["2025-W51", "2025-W52", "2026-W01", "2026-W02", "2026-W03"]
        );
        let quarters = trend_points(&[], Interval::Quarter, Some(from), Some(to), &TimeZone::UTC);
        assert_eq!(quarters.len(), 2);
        assert!(trend_points(&[], Interval::Week, None, None, &TimeZone::UTC).is_empty());
    }
}
