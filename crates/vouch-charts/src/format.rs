//! How the dashboard prints numbers: NPS as whole numbers, percentages to one decimal,
//! counts with thousands separated.
//!
//! Rounding is half away from zero everywhere (`2.5` → `3`, `-2.5` → `−3`), and a value that
//! rounds to zero prints as `0`, never `-0`. Negative numbers use the minus sign U+2212 (`−`),
//! which lines up with `+` and which screen readers read as "minus".

/// What is printed where there is no figure (no answers, or hidden for anonymity).
pub const NO_VALUE: &str = "—";

/// The minus sign printed before negative numbers.
pub const MINUS: char = '\u{2212}';

/// A count with thousands separated by commas: `format_count(12345) == "12,345"`.
pub fn format_count(count: u64) -> String {
    let digits = count.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (position, digit) in digits.chars().enumerate() {
        if position > 0 && (digits.len() - position).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// An NPS as the dashboard shows it: a whole number, rounded half away from zero, with
/// thousands never needed (−100…100): `42`, `−12`, `0` (also for `-0.4`).
///
/// A non-finite value prints as [`NO_VALUE`].
pub fn format_nps(nps: f64) -> String {
    signed_whole(nps, false)
}

/// A change of NPS between two periods, always signed when it is not zero: `+5`, `−3`, `0`.
pub fn format_nps_change(difference: f64) -> String {
    signed_whole(difference, true)
}

/// The change a reader works out from two NPS as printed (each rounded as [`format_nps`]
/// rounds it), so that "44 … before 45" reads as a change of −1, not of 0.
pub fn shown_nps_change(now: f64, before: f64) -> f64 {
    now.round() - before.round()
}

/// A margin of error as printed beside an NPS: `± 8` (with a no-break space, so it never
/// wraps away from its sign). Margins under one point keep one decimal (`± 0.4`), so that a
/// large sample does not read as "no uncertainty at all"; a margin of exactly zero is `± 0`.
pub fn format_margin(margin: f64) -> String {
    if !margin.is_finite() {
        return NO_VALUE.to_owned();
    }
    let margin = margin.abs();
    let tenths = (margin * 10.0).round();
    if tenths > 0.0 && tenths < 10.0 {
        format!("±\u{a0}0.{}", tenths as u64)
    } else {
        format!("±\u{a0}{}", margin.round() as u64)
    }
}

/// `part` as a percentage of `whole`, to one decimal, rounded half up in exact integer
/// arithmetic: `format_percent(1, 8) == "12.5%"`, `format_percent(1, 3) == "33.3%"`.
///
/// With `whole == 0` there is no share to print: [`NO_VALUE`].
pub fn format_percent(part: u64, whole: u64) -> String {
    match percent_tenths(part, whole) {
        Some(tenths) => format!("{}.{}%", tenths / 10, tenths % 10),
        None => NO_VALUE.to_owned(),
    }
}

/// `1000 × part / whole` rounded half up: the percentage in tenths of a point.
pub(super) fn percent_tenths(part: u64, whole: u64) -> Option<u64> {
    if whole == 0 {
        return None;
    }
    let (part, whole) = (u128::from(part), u128::from(whole));
    // round(1000 p / w) = floor((2000 p + w) / 2w) for non-negative numbers.
    Some(((2000 * part + whole) / (2 * whole)) as u64)
}

fn signed_whole(value: f64, plus: bool) -> String {
    if !value.is_finite() {
        return NO_VALUE.to_owned();
    }
    // f64::round rounds half away from zero.
    let rounded = value.round();
    if rounded == 0.0 {
        return "0".to_owned();
    }
    let magnitude = rounded.abs() as u64;
    if rounded < 0.0 {
        format!("{MINUS}{magnitude}")
    } else if plus {
        format!("+{magnitude}")
    } else {
        magnitude.to_string()
    }
}

/// An NPS that may be missing: [`format_nps`] or [`NO_VALUE`].
pub(super) fn format_optional_nps(nps: Option<f64>) -> String {
    nps.map_or_else(|| NO_VALUE.to_owned(), format_nps)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shown_change_agrees_with_the_figures_shown() {
        // 44.4 prints as 44 and 44.55 as 45: the change reads −1, not 0.
        assert_eq!(
            format_nps_change(shown_nps_change(44.4, 44.55)),
            "\u{2212}1"
        );
        assert_eq!(format_nps_change(shown_nps_change(44.4, 43.6)), "0");
        assert_eq!(format_nps_change(shown_nps_change(-2.5, -10.0)), "+7");
    }

    #[test]
    fn counts_have_thousands_separated() {
        assert_eq!(format_count(0), "0");
        assert_eq!(format_count(999), "999");
        assert_eq!(format_count(1000), "1,000");
        assert_eq!(format_count(12345), "12,345");
        assert_eq!(format_count(1_234_567), "1,234,567");
        assert_eq!(format_count(u64::MAX), "18,446,744,073,709,551,615");
    }

    #[test]
    fn nps_is_a_whole_number_rounded_half_away_from_zero_and_never_minus_zero() {
        assert_eq!(format_nps(-0.4), "0");
        assert_eq!(format_nps(0.4), "0");
        assert_eq!(format_nps(-0.0), "0");
        assert_eq!(format_nps(0.5), "1");
        assert_eq!(format_nps(-0.5), "−1");
        assert_eq!(format_nps(2.5), "3");
        assert_eq!(format_nps(-2.5), "−3");
        assert_eq!(format_nps(42.49), "42");
        assert_eq!(format_nps(100.0), "100");
        assert_eq!(format_nps(-100.0), "−100");
        assert_eq!(format_nps(f64::NAN), NO_VALUE);
    }

    #[test]
    fn changes_are_signed_except_zero() {
        assert_eq!(format_nps_change(4.6), "+5");
        assert_eq!(format_nps_change(-3.2), "−3");
        assert_eq!(format_nps_change(-0.3), "0");
        assert_eq!(format_nps_change(0.0), "0");
    }

    #[test]
    fn margins_are_whole_unless_under_one_point() {
        assert_eq!(format_margin(7.6), "±\u{a0}8");
        assert_eq!(format_margin(12.5), "±\u{a0}13");
        assert_eq!(format_margin(0.44), "±\u{a0}0.4");
        assert_eq!(format_margin(0.96), "±\u{a0}1");
        assert_eq!(format_margin(0.0), "±\u{a0}0");
        assert_eq!(format_margin(f64::INFINITY), NO_VALUE);
    }

    #[test]
    fn percentages_have_one_decimal_rounded_half_up() {
        assert_eq!(format_percent(1, 8), "12.5%");
        assert_eq!(format_percent(1, 3), "33.3%");
        assert_eq!(format_percent(2, 3), "66.7%");
        // 1/16 = 6.25 % exactly: half up gives 6.3.
        assert_eq!(format_percent(1, 16), "6.3%");
        assert_eq!(format_percent(0, 5), "0.0%");
        assert_eq!(format_percent(5, 5), "100.0%");
        assert_eq!(format_percent(1, 0), NO_VALUE);
        assert_eq!(format_percent(u64::MAX, u64::MAX), "100.0%");
    }
}
