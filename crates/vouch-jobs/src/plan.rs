//! Which contacts a run of a campaign asks, and when it runs next. Pure: no store, no clock.
//!
//! A repeating campaign is cut into cycles of `repeat_every_days`, anchored on the campaign's
//! creation: cycle `n` starts at `created_at + n × repeat_every_days`. Each contact is asked at
//! most once per cycle (the store skips contacts the campaign invited since the cycle began).
//!
//! Sampling and spreading are decided by a hash of (campaign, contact, cycle), not by a random
//! draw, so that a run that is retried, or a dry run, picks the same people:
//! - a contact is in the sample when its hash, read as a number in [0, 1), is below `sample`;
//! - with `spread_over_weekdays`, the cycle is cut into 24-hour days from its start, and each
//!   contact gets one of the cycle's weekdays (Monday to Friday, in UTC) by a second hash
//!   modulo their number; a run asks only the contacts whose slot is today.

use jiff::{SignedDuration, Timestamp};
use vouch_store::{CampaignId, CampaignRules, ContactId};

const DAY_MS: i64 = 86_400_000;

/// One run of a campaign: which cycle it is in and, when spreading, which weekday of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunPlan {
    /// The cycle number, 0 for a one-off campaign.
    pub cycle: u64,
    /// When the cycle began (the campaign's creation for a one-off campaign).
    pub cycle_start: Timestamp,
    /// With spreading: today's position among the cycle's weekdays and how many weekdays the
    /// cycle has; `None` without spreading.
    pub spread: Option<SpreadSlot>,
}

/// Today's place among a cycle's weekdays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpreadSlot {
    /// Today's index among the cycle's weekdays, or `None` on a weekend (nobody is asked).
    pub today: Option<u32>,
    /// How many weekdays the cycle has.
    pub weekdays: u32,
}

/// The plan of a run of a campaign created at `created_at`, run at `now`.
pub fn run_plan(rules: &CampaignRules, created_at: Timestamp, now: Timestamp) -> RunPlan {
    let Some(every_days) = rules.repeat_every_days.filter(|days| *days > 0) else {
        return RunPlan {
            cycle: 0,
            cycle_start: created_at,
            spread: None,
        };
    };
    let cycle_ms = i64::from(every_days) * DAY_MS;
    let elapsed = (now.as_millisecond() - created_at.as_millisecond()).max(0);
    let cycle = elapsed / cycle_ms;
    let cycle_start = at_ms(created_at.as_millisecond() + cycle * cycle_ms);
    let spread = rules.spread_over_weekdays.then(|| {
        let today_block = (elapsed - cycle * cycle_ms) / DAY_MS;
        let is_weekday = |block: i64| is_weekday(cycle_start.as_millisecond() + block * DAY_MS);
        let weekdays = (0..i64::from(every_days))
            .filter(|b| is_weekday(*b))
            .count() as u32;
        let before_today = (0..today_block).filter(|b| is_weekday(*b)).count() as u32;
        SpreadSlot {
            today: is_weekday(today_block).then_some(before_today),
            weekdays,
        }
    });
    RunPlan {
        cycle: cycle as u64,
        cycle_start,
        spread,
    }
}

/// When the campaign runs next after a run with this plan: `None` for a one-off campaign, the
/// next cycle's start for a repeat, the next weekday (same time of day as the cycle's start)
/// when spreading.
pub fn next_run(rules: &CampaignRules, plan: &RunPlan, now: Timestamp) -> Option<Timestamp> {
    let every_days = rules.repeat_every_days.filter(|days| *days > 0)?;
    let start = plan.cycle_start.as_millisecond();
    if !rules.spread_over_weekdays {
        return Some(at_ms(start + i64::from(every_days) * DAY_MS));
    }
    let today_block = (now.as_millisecond() - start).max(0) / DAY_MS;
    // Within any 7 days after today there is a weekday.
    (today_block + 1..=today_block + 7)
        .map(|block| start + block * DAY_MS)
        .find(|ms| is_weekday(*ms))
        .map(at_ms)
}

/// Whether the campaign's run with this plan asks `contact` (sample, then weekday slot).
pub fn keeps(
    campaign: CampaignId,
    rules: &CampaignRules,
    plan: &RunPlan,
    contact: ContactId,
) -> bool {
    if !in_sample(campaign, contact, plan.cycle, rules.sample) {
        return false;
    }
    match plan.spread {
        None => true,
        Some(SpreadSlot { today: None, .. }) | Some(SpreadSlot { weekdays: 0, .. }) => false,
        Some(SpreadSlot {
            today: Some(today),
            weekdays,
        }) => slot(campaign, contact, plan.cycle, weekdays) == today,
    }
}

/// The contacts of a page that the run asks, in the order given.
pub fn plan_page(
    campaign: CampaignId,
    rules: &CampaignRules,
    plan: &RunPlan,
    contacts: &[ContactId],
) -> Vec<ContactId> {
    contacts
        .iter()
        .copied()
        .filter(|contact| keeps(campaign, rules, plan, *contact))
        .collect()
}

/// Whether a contact is in the campaign's sample for a cycle: a hash of the three, read as a
/// number in [0, 1), is below `sample`. A sample of 1 or more keeps everyone.
pub fn in_sample(campaign: CampaignId, contact: ContactId, cycle: u64, sample: f64) -> bool {
    if sample >= 1.0 {
        return true;
    }
    let hash = hash(SAMPLE_SALT, campaign, contact, cycle);
    ((hash >> 11) as f64 / (1u64 << 53) as f64) < sample
}

/// The weekday of the cycle (an index below `weekdays`) a contact is asked on.
pub fn slot(campaign: CampaignId, contact: ContactId, cycle: u64, weekdays: u32) -> u32 {
    (hash(SLOT_SALT, campaign, contact, cycle) % u64::from(weekdays.max(1))) as u32
}

const SAMPLE_SALT: u64 = 0x5341_4d50_4c45_0001;
const SLOT_SALT: u64 = 0x534c_4f54_0000_0002;

/// A stable 64-bit hash (splitmix64 rounds): the same on every machine and Rust version, so
/// the people picked do not change with an upgrade.
fn hash(salt: u64, campaign: CampaignId, contact: ContactId, cycle: u64) -> u64 {
    let mut state = mix(salt ^ campaign.0 as u64);
    state = mix(state ^ contact.0 as u64);
    mix(state ^ cycle)
}

fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Monday to Friday, in UTC.
fn is_weekday(ms: i64) -> bool {
    // 1970-01-01 was a Thursday: with Monday as 0 it is day 3.
    let weekday = (ms.div_euclid(DAY_MS) + 3).rem_euclid(7);
    weekday < 5
}

fn at_ms(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or(Timestamp::MAX)
}

/// `days` days as a duration.
pub fn days(days: u32) -> SignedDuration {
    SignedDuration::from_hours(i64::from(days) * 24)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(sample: f64, every: Option<u32>, spread: bool) -> CampaignRules {
        CampaignRules {
            filters: Vec::new(),
            sample,
            throttle_days: 90,
            reminder_after_days: None,
            repeat_every_days: every,
            spread_over_weekdays: spread,
        }
    }

    fn ts(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn ids(n: i64) -> Vec<ContactId> {
        (1..=n).map(ContactId).collect()
    }

    #[test]
    fn a_full_sample_keeps_everyone() {
        let rules = rules(1.0, None, false);
        let plan = run_plan(
            &rules,
            ts("2026-03-02T09:00:00Z"),
            ts("2026-03-02T09:00:01Z"),
        );
        assert_eq!(plan.cycle, 0);
        assert_eq!(
            plan_page(CampaignId(1), &rules, &plan, &ids(500)).len(),
            500
        );
        assert_eq!(next_run(&rules, &plan, ts("2026-03-02T09:00:01Z")), None);
    }

    #[test]
    fn a_sample_keeps_about_its_share_and_the_same_people_every_time() {
        let rules = rules(0.25, None, false);
        let plan = run_plan(
            &rules,
            ts("2026-03-02T09:00:00Z"),
            ts("2026-03-02T10:00:00Z"),
        );
        let kept = plan_page(CampaignId(7), &rules, &plan, &ids(20_000));
        let share = kept.len() as f64 / 20_000.0;
        assert!((0.235..0.265).contains(&share), "{share}");
        assert_eq!(kept, plan_page(CampaignId(7), &rules, &plan, &ids(20_000)));
        // Another campaign samples other people.
        let other = plan_page(CampaignId(8), &rules, &plan, &ids(20_000));
        assert_ne!(kept, other);
    }

    #[test]
    fn the_sample_hash_is_pinned() {
        // A change of hash would change who is asked mid-cycle: pinned on purpose.
        let picked: Vec<i64> = (1..=20)
            .filter(|id| in_sample(CampaignId(1), ContactId(*id), 0, 0.5))
            .collect();
        assert_eq!(picked, PINNED_SAMPLE);
    }

    const PINNED_SAMPLE: [i64; 9] = [3, 4, 5, 7, 8, 11, 13, 17, 19];

    #[test]
    fn repeats_are_cut_into_cycles_from_the_creation() {
        let rules = rules(1.0, Some(30), false);
        let created = ts("2026-01-01T08:00:00Z");
        let plan = run_plan(&rules, created, ts("2026-02-15T12:00:00Z"));
        assert_eq!(plan.cycle, 1);
        assert_eq!(plan.cycle_start, ts("2026-01-31T08:00:00Z"));
        assert_eq!(
            next_run(&rules, &plan, ts("2026-02-15T12:00:00Z")),
            Some(ts("2026-03-02T08:00:00Z"))
        );
        // A run a little before its creation time (clocks) is in cycle 0.
        let early = run_plan(&rules, created, ts("2026-01-01T07:59:59Z"));
        assert_eq!((early.cycle, early.cycle_start), (0, created));
    }

    #[test]
    fn spreading_gives_each_contact_one_weekday_of_the_cycle() {
        let rules = rules(1.0, Some(14), true);
        // Monday 2026-03-02, 09:00 UTC.
        let created = ts("2026-03-02T09:00:00Z");
        let contacts = ids(5_000);
        let mut asked = Vec::new();
        let mut now = created;
        let mut runs = 0;
        while now < ts("2026-03-16T09:00:00Z") {
            let plan = run_plan(&rules, created, now);
            assert_eq!(plan.cycle, 0);
            assert_eq!(plan.spread.unwrap().weekdays, 10);
            asked.extend(plan_page(CampaignId(3), &rules, &plan, &contacts));
            now = next_run(&rules, &plan, now).unwrap();
            runs += 1;
        }
        assert_eq!(runs, 10, "one run per weekday, weekends skipped");
        assert_eq!(
            now,
            ts("2026-03-16T09:00:00Z"),
            "the next cycle's first day"
        );
        asked.sort();
        assert_eq!(asked, contacts, "everyone exactly once over the cycle");
    }

    #[test]
    fn a_weekend_run_asks_nobody_and_moves_to_monday() {
        let rules = rules(1.0, Some(7), true);
        let created = ts("2026-03-02T09:00:00Z");
        let saturday = ts("2026-03-07T10:00:00Z");
        let plan = run_plan(&rules, created, saturday);
        assert_eq!(plan.spread.unwrap().today, None);
        assert!(plan_page(CampaignId(3), &rules, &plan, &ids(100)).is_empty());
        assert_eq!(
            next_run(&rules, &plan, saturday),
            Some(ts("2026-03-09T09:00:00Z"))
        );
    }

    #[test]
    fn weekdays_are_monday_to_friday() {
        assert!(is_weekday(ts("2026-03-02T00:00:00Z").as_millisecond())); // Monday
        assert!(is_weekday(ts("2026-03-06T23:59:59Z").as_millisecond())); // Friday
        assert!(!is_weekday(ts("2026-03-07T00:00:00Z").as_millisecond())); // Saturday
        assert!(!is_weekday(ts("2026-03-08T12:00:00Z").as_millisecond())); // Sunday
    }
}
