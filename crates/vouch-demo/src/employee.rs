//! The demo company's employees and their quarterly eNPS pulse, as a stream in time order.
//!
//! A pulse goes out on the second Tuesday of each quarter; people answer over the following
//! two weeks. One department is deliberately tiny, so its eNPS is always suppressed.

use rand::Rng;
use rand::rngs::SmallRng;
use vouch_core::{AttributeValue, Category};
use vouch_store::{Attributes, ContactKey, NewResponse, SurveyId};

use crate::DemoConfig;
use crate::comment::Tone;
use crate::customer_stream::score_around;
use crate::employee_feedback::{Emphasis, Theme, write};
use crate::random::{Purpose, chance, exponential, normal, rng_for, unit, weighted_index};
use crate::timeline::{DAY, Window, civil_from_days, day_of, days_from_civil, timestamp, weekday};

/// Departments with how many people they have and how they feel, in score points.
const DEPARTMENTS: [(&str, u32, f64); 5] = [
    ("Engineering", 36, 0.3),
    ("Sales", 20, -0.4),
    ("Customer Success", 16, -0.6),
    ("Marketing", 12, 0.1),
    ("Operations", 14, 0.0),
];

/// The department with a handful of people, whose eNPS must never be shown.
const SMALL_DEPARTMENT: (&str, f64) = ("Legal", 0.2);

/// Where people work, how many work there, and the rough UTC offset.
const LOCATIONS: [(&str, u32, i64); 5] = [
    ("New York", 35, -5),
    ("London", 20, 0),
    ("Berlin", 15, 1),
    ("Lisbon", 10, 0),
    ("Remote", 20, -2),
];

/// The location of people who never had an office to return to.
const REMOTE: usize = 4;

/// One employee.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Employee {
    /// An index into [`DEPARTMENTS`], or `DEPARTMENTS.len()` for the small one.
    department: usize,
    location: usize,
    hire_day: i64,
    leave_day: i64,
    answer_rate: f64,
    disposition: f64,
}

impl Employee {
    fn draw(seed: u64, index: u64, window: &Window, small_department_size: u64) -> Employee {
        let mut rng = rng_for(seed, Purpose::Employee, index, 0);
        let department = if index < small_department_size {
            DEPARTMENTS.len()
        } else {
            weighted_index(&mut rng, &DEPARTMENTS.map(|(_, people, _)| people))
        };
        let location = weighted_index(&mut rng, &LOCATIONS.map(|(_, people, _)| people));
        let disposition = 1.3 * normal(&mut rng);
        // Half were there before the window; the company hires steadily through it.
        let hire_second = if chance(&mut rng, 0.55) {
            window.start as f64 - unit(&mut rng) * 6.0 * 365.25 * DAY as f64
        } else {
            window.start as f64 + unit(&mut rng) * window.length() as f64
        };
        let hire_day = day_of(hire_second as i64);
        let yearly_attrition = 0.1 * (-0.4 * disposition).exp();
        let stay_days = exponential(&mut rng, 365.25 / yearly_attrition).min(1e9) as i64;
        Employee {
            department,
            location,
            hire_day,
            leave_day: hire_day.saturating_add(stay_days),
            answer_rate: 0.55 + 0.4 * unit(&mut rng),
            disposition,
        }
    }

    fn department_name(&self) -> &'static str {
        DEPARTMENTS
            .get(self.department)
            .map_or(SMALL_DEPARTMENT.0, |department| department.0)
    }

    fn department_leaning(&self) -> f64 {
        DEPARTMENTS
            .get(self.department)
            .map_or(SMALL_DEPARTMENT.1, |department| department.2)
    }

    /// Whether the employee gets the pulse of `day`: new joiners wait a month.
    fn is_surveyed_on(&self, day: i64) -> bool {
        self.hire_day + 30 <= day && day < self.leave_day
    }

    fn attributes(&self, tenure_years: f64) -> Attributes {
        Attributes::from([
            (
                "department".to_owned(),
                AttributeValue::String(self.department_name().to_owned()),
            ),
            (
                "location".to_owned(),
                AttributeValue::String(LOCATIONS[self.location].0.to_owned()),
            ),
            (
                "tenure_years".to_owned(),
                AttributeValue::Number((tenure_years * 10.0).round() / 10.0),
            ),
        ])
    }
}

/// One employee answer, with what its comment is about (for tests).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct EmployeeAnswer {
    pub response: NewResponse,
    pub feedback: Option<(Theme, Tone)>,
}

/// An answer whose time is known but whose content is not drawn yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Draft {
    at: i64,
    employee: u64,
    pulse_day: i64,
}

/// The employee answers of a demo, in time order.
pub(crate) struct EmployeeAnswers {
    seed: u64,
    employees: u64,
    small_department_size: u64,
    survey: SurveyId,
    window: Window,
    story: Story,
    /// The first day of the next quarter to send a pulse in.
    next_quarter_day: i64,
    /// This pulse's answers, latest first, so the next one is popped from the end.
    pending: Vec<Draft>,
}

impl EmployeeAnswers {
    /// The answers of the configured employees to `survey`.
    pub fn new(config: &DemoConfig, survey: SurveyId) -> Self {
        let window = Window::of(config);
        let employees = config.employees as u64;
        EmployeeAnswers {
            seed: config.seed,
            employees,
            small_department_size: (employees / 20).min(4),
            survey,
            window,
            story: Story::of(window),
            next_quarter_day: quarter_start(day_of(window.start) - 31),
            pending: Vec::new(),
        }
    }

    fn employee(&self, index: u64) -> Employee {
        Employee::draw(self.seed, index, &self.window, self.small_department_size)
    }

    /// Decides who answers the pulse of the quarter starting on `quarter_day`, and when.
    fn schedule(&mut self, quarter_day: i64) {
        let pulse_day = second_tuesday(quarter_day);
        for index in 0..self.employees {
            let employee = self.employee(index);
            if !employee.is_surveyed_on(pulse_day) {
                continue;
            }
            let mut rng = rng_for(self.seed, Purpose::EmployeeInvite, index, pulse_day as u64);
            if chance(&mut rng, employee.answer_rate) {
                let at = answer_time(&mut rng, pulse_day, employee.location);
                if self.window.contains(at) {
                    self.pending.push(Draft {
                        at,
                        employee: index,
                        pulse_day,
                    });
                }
            }
        }
        self.pending.sort_unstable_by(|a, b| b.cmp(a));
    }

    fn answer(&self, draft: Draft) -> EmployeeAnswer {
        let employee = self.employee(draft.employee);
        let mut rng = rng_for(
            self.seed,
            Purpose::EmployeeAnswer,
            draft.employee,
            draft.pulse_day as u64,
        );
        let tenure_years = (draft.at / DAY - employee.hire_day) as f64 / 365.25;
        let remote = employee.location == REMOTE;
        let leaning = 7.9
            + employee.department_leaning()
            + employee.disposition
            + tenure_leaning(tenure_years)
            + self.story.drift(draft.at, remote);
        let score = score_around(&mut rng, leaning);
        let category = score.category();
        let comment_rate = if category == Category::Detractor {
            0.6
        } else {
            0.4
        };
        let after_return = draft.at >= self.story.return_to_office;
        let feedback = chance(&mut rng, comment_rate).then(|| {
            let emphasis = self.story.emphasis(draft.at, remote);
            write(&mut rng, category, &emphasis, after_return)
        });
        let channel = if chance(&mut rng, 0.75) {
            "email"
        } else {
            "link"
        };
        let (comment, about) = match feedback {
            Some((theme, tone, text)) => (Some(text), Some((theme, tone))),
            None => (None, None),
        };
        EmployeeAnswer {
            response: NewResponse {
                survey: self.survey,
                contact: ContactKey {
                    external_id: Some(format!("emp_{:04}", draft.employee + 1)),
                    email: None,
                },
                attributes: employee.attributes(tenure_years),
                score,
                comment,
                created_at: timestamp(draft.at),
                channel: channel.to_owned(),
            },
            feedback: about,
        }
    }
}

impl Iterator for EmployeeAnswers {
    type Item = EmployeeAnswer;

    fn next(&mut self) -> Option<EmployeeAnswer> {
        loop {
            if let Some(draft) = self.pending.pop() {
                return Some(self.answer(draft));
            }
            if self.employees == 0 || self.next_quarter_day > day_of(self.window.end - 1) {
                return None;
            }
            let quarter_day = self.next_quarter_day;
            self.schedule(quarter_day);
            self.next_quarter_day = quarter_start(quarter_day + 100);
        }
    }
}

/// The first day of the calendar quarter containing `day`.
fn quarter_start(day: i64) -> i64 {
    let (year, month, _) = civil_from_days(day);
    let first_month = (i64::from(month) - 1) / 3 * 3 + 1;
    days_from_civil(year, first_month, 1)
}

/// The second Tuesday on or after `day`.
fn second_tuesday(day: i64) -> i64 {
    let to_tuesday = (1 - weekday(day)).rem_euclid(7);
    day + to_tuesday + 7
}

/// When an employee answers a pulse sent on `pulse_day`: most the same day or the next, a wave
/// after the reminder a week later, in working hours where they are.
fn answer_time(rng: &mut SmallRng, pulse_day: i64, location: usize) -> i64 {
    let roll = unit(rng);
    let delay = if roll < 0.4 {
        0
    } else if roll < 0.6 {
        1
    } else if roll < 0.72 {
        rng.random_range(2..=6)
    } else if roll < 0.88 {
        7
    } else {
        rng.random_range(8..=13)
    };
    let local_second = (9.0 * 3_600.0 + unit(rng) * 9.0 * 3_600.0) as i64;
    let second_of_day = (local_second - LOCATIONS[location].2 * 3_600).rem_euclid(DAY);
    (pulse_day + delay) * DAY + second_of_day
}

/// New joiners are enthusiastic; the middle years are the hardest.
fn tenure_leaning(tenure_years: f64) -> f64 {
    if tenure_years < 1.0 {
        0.5
    } else if tenure_years < 2.0 {
        0.0
    } else if tenure_years < 4.0 {
        -0.4
    } else {
        0.1
    }
}

/// What happens to the company's people over the window: three office days a week become
/// mandatory 40 % of the way in, a pay review follows at 65 %, managers are trained at 80 %.
#[derive(Debug, Clone, Copy)]
struct Story {
    return_to_office: i64,
    pay_review: i64,
    manager_training: i64,
}

impl Story {
    fn of(window: Window) -> Story {
        Story {
            return_to_office: window.at(0.4),
            pay_review: window.at(0.65),
            manager_training: window.at(0.8),
        }
    }

    fn drift(&self, at: i64, remote: bool) -> f64 {
        let mut drift = 0.0;
        if !remote && self.return_to_office <= at {
            let days = (at - self.return_to_office) as f64 / DAY as f64;
            drift -= 1.2 * (0.3 + 0.7 * (-days / 200.0).exp());
        }
        if self.pay_review <= at {
            drift += 0.6;
        }
        if self.manager_training <= at {
            drift += 0.3;
        }
        drift
    }

    fn emphasis(&self, at: i64, remote: bool) -> Emphasis {
        let mut emphasis = [1.0; 6];
        if !remote && self.return_to_office <= at {
            let days = (at - self.return_to_office) as f64 / DAY as f64;
            emphasis[Theme::RemoteWork as usize] *= 2.0 + 3.0 * (-days / 120.0).exp();
        }
        if at < self.pay_review {
            emphasis[Theme::Pay as usize] *= 1.5;
        }
        emphasis
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pulses_go_out_on_the_second_tuesday_of_each_quarter() {
        let april_first_2026 = days_from_civil(2026, 4, 1);
        assert_eq!(quarter_start(april_first_2026 + 50), april_first_2026);
        let pulse = second_tuesday(april_first_2026);
        assert_eq!(civil_from_days(pulse), (2026, 4, 14));
        assert_eq!(weekday(pulse), 1);
    }
}
