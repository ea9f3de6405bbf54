//! The scoring pass: valences summed clause by clause, with boosters, negation, contrast and
//! emphasis applied as VADER does, then the evidence a label is decided from.

use super::decision::Evidence;
use super::lexicon::{NEGATED, Role};
use super::scan::{Break, Emphasis};

/// How many words after a negator it reaches.
const NEGATION_SCOPE: usize = 3;
/// How many words after a booster it reaches.
const BOOST_SCOPE: usize = 2;
/// How many words after a negator that also reaches back (German "nicht") it reaches: the
/// verb it negates often ends the clause ("können uns nicht mehr per SSO anmelden").
const LONG_NEGATION_SCOPE: usize = 5;
/// How many words before a backward negator ("gefällt mir nicht") it reaches.
const BACK_SCOPE: usize = 6;
/// Added to the magnitude of a valence written in capitals (VADER's `C_INCR`).
const CAPS: f32 = 0.733;
/// Added to the magnitude of the sum per `!`, at most four times (VADER's).
const EXCLAMATION: f32 = 0.292;
/// Added to the sum for an exasperated `?!` or `??`.
const EXASPERATION: f32 = -0.6;
/// Weight of what comes before a contrast in its sentence, and of what follows it.
const BEFORE_CONTRAST: f32 = 0.5;
const AFTER_CONTRAST: f32 = 1.5;
/// Weight of a clause opened by a concession ("although …").
const CONCESSION: f32 = 0.5;
/// What a wish after a contrast adds.
const WISH_AFTER_CONTRAST: f32 = -0.8;
/// A clause whose weighted sum reaches this (either way) counts as a clause of that polarity.
const CLEAR_CLAUSE: f32 = 0.5;
/// How many items after a remedy ("fixed", "résolu") the complaint it cancels may come.
const REMEDY_SCOPE: usize = 3;
/// What a wait for a long stretch of time adds ("took three weeks to get an answer").
const DELAY: f32 = -1.8;
/// How many items apart the wait and the stretch of time may stand in their clause.
const DELAY_SCOPE: usize = 5;
/// What praise in a question or a wish is multiplied by ("is the export any good?", "it would
/// be great if …").
const QUESTION: f32 = 0.25;

/// One word (or phrase, or emoji) of a comment as the scorer sees it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Item {
    /// What the lexicon says it does; `None` for unknown words.
    pub role: Option<Role>,
    /// Written in capitals while other words are not.
    pub caps: bool,
    /// What separates it from the item before.
    pub brk: Break,
    /// An emoji or emoticon: carries valence, is never negated.
    pub symbol: bool,
    /// In a sentence ending in `?`: praise there is asked about, not given.
    pub question: bool,
}

#[derive(Debug, Clone, Copy)]
struct Segment {
    sum: f32,
    weight: f32,
}

/// The running state of one pass.
struct Pass<'i> {
    items: &'i [Item],
    segments: Vec<Segment>,
    sentence_start: usize,
    after_contrast: bool,
    negation_left: usize,
    /// The polarity of the judgements the open negation has flipped so far.
    negated_sign: Option<f32>,
    /// The last negator met in the clause: "plus" after "ne" is a negation too.
    any_negator: Option<usize>,
    /// The last negator met in the clause when it reaches only ahead ("ne", not "pas").
    plain_negator: Option<usize>,
    /// The last negator that added its own valence (nothing to negate): "ne … toujours pas"
    /// counts once.
    last_negator: Option<usize>,
    boost: f32,
    boost_left: usize,
    /// Items left in which a complaint is cancelled by the remedy before it.
    remedy_left: usize,
    /// The last complaint added: its item, its segment and what it added.
    last_complaint: Option<(usize, usize, f32)>,
    /// The last valence added: its item, its segment and what it added.
    last_valence: Option<(usize, usize, f32)>,
    /// The last valence added was negated.
    last_negated: bool,
    /// The largest magnitude of any one valence.
    strongest: f32,
    /// A wish was met in this sentence.
    wishing: bool,
    /// A request asked as a question was met in this sentence.
    asking: bool,
    /// A contrast or concession was met: opposite clauses then need less to be mixed.
    contrasted: bool,
    /// The last wait word and the last long stretch of time in this clause.
    wait_at: Option<usize>,
    long_at: Option<usize>,
    /// A delay was complained of in this clause: praise after it is what was waited for.
    delayed: bool,
    /// What every positive valence added, and every negative one (as a magnitude).
    praise: f32,
    complaint: f32,
    /// How many negators were met.
    negations: u32,
    /// A sentence asked a question; a wish was met.
    questioned: bool,
    wished: bool,
}

/// Scores the items of one comment: the evidence its label is decided from.
pub(super) fn score(items: &[Item], emphasis: Emphasis) -> Evidence {
    let mut pass = Pass {
        items,
        segments: Vec::with_capacity(8),
        sentence_start: 0,
        after_contrast: false,
        negation_left: 0,
        negated_sign: None,
        last_negator: None,
        any_negator: None,
        plain_negator: None,
        boost: 1.0,
        boost_left: 0,
        remedy_left: 0,
        last_complaint: None,
        last_valence: None,
        last_negated: false,
        strongest: 0.0,
        contrasted: false,
        wishing: false,
        asking: false,
        wait_at: None,
        long_at: None,
        delayed: false,
        praise: 0.0,
        complaint: 0.0,
        negations: 0,
        questioned: false,
        wished: false,
    };
    pass.open_segment(1.0);
    for at in 0..items.len() {
        pass.step(at);
    }
    pass.finish(emphasis)
}

impl Pass<'_> {
    fn step(&mut self, at: usize) {
        let item = self.items[at];
        if item.brk != Break::None {
            self.negation_left = 0;
            self.boost_left = 0;
            self.remedy_left = 0;
            self.any_negator = None;
            self.plain_negator = None;
            (self.wait_at, self.long_at, self.delayed) = (None, None, false);
            if item.brk == Break::Sentence {
                self.sentence_start = self.segments.len();
                self.after_contrast = false;
                self.wishing = false;
                self.asking = false;
            }
            let weight = if self.after_contrast {
                AFTER_CONTRAST
            } else {
                1.0
            };
            self.open_segment(weight);
        }
        match item.role {
            Some(Role::Filler) => return,
            Some(Role::Wait { .. }) => self.delay(at, true),
            Some(Role::LongTime) => self.delay(at, false),
            _ => {}
        }
        if let Some((value, negated)) = self.valence_at(at) {
            self.add_valence(at, value, negated, item);
        } else {
            match item.role {
                Some(Role::Booster { factor, back, .. }) => self.booster(at, factor, back),
                Some(Role::Negator { back, long, unused }) => self.negator(at, back, long, unused),
                Some(Role::NegatorOrBooster { .. })
                    if self.negation_left > 0
                        || self.any_negator.is_some_and(|n| at - n <= NEGATION_SCOPE) =>
                {
                    self.negator(at, false, false, 0.0)
                }
                Some(Role::NegatorOrBooster { factor }) => self.booster(at, factor, false),
                Some(Role::Contrast) => self.contrast(),
                Some(Role::Wish) => self.wish(),
                Some(Role::Ask) => self.asking = true,
                Some(Role::Only) => self.only(at),
                Some(Role::Concession) => {
                    self.contrasted = true;
                    self.open_segment(CONCESSION)
                }
                _ => {}
            }
        }
        self.negation_left = self.negation_left.saturating_sub(1);
        self.boost_left = self.boost_left.saturating_sub(1);
        self.remedy_left = self.remedy_left.saturating_sub(1);
        if self.boost_left == 0 {
            self.boost = 1.0;
        }
    }

    /// The valence item `at` carries: a valence word, or a booster with nothing to boost.
    fn valence_at(&self, at: usize) -> Option<(f32, f32)> {
        match self.items[at].role? {
            Role::Valence { value, negated } | Role::Remedy { value, negated } => {
                Some((value, negated))
            }
            Role::Wait { value } if value != 0.0 => Some((value, value * NEGATED)),
            Role::Booster { alone, ahead, .. }
                if alone != 0.0
                    && !self.valence_within(at, BOOST_SCOPE)
                    && (!ahead || self.word_follows(at)) =>
            {
                Some((alone, alone * NEGATED))
            }
            _ => None,
        }
    }

    /// True when a word other than a booster follows `at` in its clause: "too" before "basic"
    /// complains of excess, "too" ending "love it too" or before "many" does not.
    fn word_follows(&self, at: usize) -> bool {
        self.items.get(at + 1).is_some_and(|next| {
            next.brk == Break::None
                && !next.symbol
                && !matches!(
                    next.role,
                    Some(Role::Booster { .. } | Role::NegatorOrBooster { .. })
                )
        })
    }

    /// True when a word valence follows `at` within `scope` items (fillers not counted), in
    /// the same clause and before any contrast.
    fn valence_within(&self, at: usize, scope: usize) -> bool {
        let mut left = scope;
        for item in &self.items[at + 1..] {
            if item.brk != Break::None || left == 0 {
                return false;
            }
            match item.role {
                Some(Role::Filler) => continue,
                Some(Role::Contrast | Role::Concession) => return false,
                Some(
                    Role::Valence { .. } | Role::Remedy { .. } | Role::Wait { .. } | Role::LongTime,
                ) if !item.symbol => return true,
                _ => left -= 1,
            }
        }
        false
    }

    fn add_valence(&mut self, at: usize, value: f32, negated: f32, item: Item) {
        // A negation reaches a list of judgements of one polarity ("no bugs or outages") and
        // stops at the first of the other ("n'a pas résolu mon problème").
        if self.negation_left > 0 && self.negated_sign.is_some_and(|sign| sign != value.signum()) {
            self.negation_left = 0;
        }
        let negating = self.negation_left > 0 && !item.symbol;
        if self.remedy_left > 0 && !item.symbol && value < 0.0 && !negating {
            return;
        }
        if !negating && matches!(item.role, Some(Role::Remedy { .. })) {
            self.remedy(at);
        }
        let mut valence = if negating { negated } else { value };
        if negating {
            self.negated_sign = Some(value.signum());
        }
        if item.caps {
            valence += CAPS * valence.signum();
        }
        if self.boost_left > 0 {
            valence *= self.boost;
            self.boost = 1.0;
            self.boost_left = 0;
        }
        let awaited = self.delayed && !item.symbol;
        if ((item.question || self.wishing || awaited) && valence > 0.0)
            || (item.question && self.asking)
        {
            valence *= QUESTION;
        }
        self.strongest = self.strongest.max(valence.abs());
        self.questioned |= item.question;
        if valence > 0.0 {
            self.praise += valence;
        } else {
            self.complaint -= valence;
        }
        self.add(valence);
        self.last_valence = Some((at, self.segments.len() - 1, valence));
        self.last_negated = negating;
        if valence < 0.0 && !item.symbol {
            self.last_complaint = self.last_valence;
        }
    }

    /// A wait word and a long stretch of time near each other in a clause, in either order
    /// ("took us three weeks", "zwei Wochen gebraucht"), complain of a delay, once a clause and
    /// not through a negation ("didn't take weeks").
    fn delay(&mut self, at: usize, is_wait: bool) {
        let other = if is_wait {
            self.wait_at = Some(at);
            self.long_at
        } else {
            self.long_at = Some(at);
            self.wait_at
        };
        if self.delayed || self.negation_left > 0 || other.is_none_or(|o| at - o > DELAY_SCOPE) {
            return;
        }
        self.delayed = true;
        self.add(DELAY);
        self.strongest = self.strongest.max(-DELAY);
    }

    /// A remedy cancels the complaint just before it in its clause ("the bug was fixed") and
    /// the one right after it ("fixed the bug").
    fn remedy(&mut self, at: usize) {
        self.remedy_left = REMEDY_SCOPE + 1;
        if let Some((item, segment, added)) = self.last_complaint.take()
            && segment == self.segments.len() - 1
            && at - item <= REMEDY_SCOPE + 1
        {
            self.add(-added);
            if self.last_valence.is_some_and(|(last, ..)| last == item) {
                self.last_valence = None;
            }
        }
    }

    fn booster(&mut self, at: usize, factor: f32, back: bool) {
        if factor < 0.0 {
            // "pas très", "peu": the booster carries the negation an open "ne" announced.
            self.negation_left = 0;
        }
        if back
            && !self.valence_within(at, BOOST_SCOPE)
            && let Some((item, segment, added)) = self.last_valence
            && item + 1 == at
            && segment == self.segments.len() - 1
        {
            self.add(added * factor - added);
            self.strongest = self.strongest.max((added * factor).abs());
            self.last_valence = Some((item, segment, added * factor));
            return;
        }
        self.boost *= factor;
        self.boost_left = BOOST_SCOPE + 1;
    }

    fn negator(&mut self, at: usize, back: bool, long: bool, unused: f32) {
        self.negations += 1;
        self.any_negator = Some(at);
        self.plain_negator = (!back).then_some(at);
        let recent = self.last_negator.is_some_and(|n| at - n <= NEGATION_SCOPE);
        let scope = if long {
            LONG_NEGATION_SCOPE
        } else {
            NEGATION_SCOPE
        };
        if self.valence_within(at, scope) {
            self.negation_left = scope + 1;
            self.negated_sign = None;
            return;
        }
        // "ne marche pas": the "pas" after the verb "ne" negated negates nothing more.
        let settled = !long && self.last_negated;
        if back && !settled && self.negate_back(at) {
            return;
        }
        // A bare "No," answering nothing in its clause is no lack.
        let followed = back
            || self
                .items
                .get(at + 1)
                .is_some_and(|next| next.brk == Break::None);
        if !recent && unused != 0.0 && followed {
            self.add(unused);
            self.strongest = self.strongest.max(unused.abs());
            self.last_negator = Some(at);
        }
    }

    /// "ne … que" is "only": the lone "ne" before it negates nothing, neither the valence it
    /// already flipped ("n'utilise que") nor what follows ("n'a que des avantages").
    fn only(&mut self, at: usize) {
        let Some(negator) = self.plain_negator.take() else {
            return;
        };
        if at - negator > NEGATION_SCOPE + 1 {
            return;
        }
        self.negation_left = 0;
        if let (true, Some((item, segment, added))) = (self.last_negated, self.last_valence)
            && item > negator
            && let Some(Role::Valence { value, negated } | Role::Remedy { value, negated }) =
                self.items[item].role
            && negated != 0.0
        {
            let plain = added * value / negated;
            self.add(plain - added);
            self.last_valence = Some((item, segment, plain));
            self.last_negated = false;
        }
    }

    /// Negates the valence just before a negator that reaches back, when it is close enough.
    fn negate_back(&mut self, at: usize) -> bool {
        let Some((item, segment, added)) = self.last_valence else {
            return false;
        };
        if segment != self.segments.len() - 1 || at - item > BACK_SCOPE {
            return false;
        }
        let negated = match self.items[item].role {
            Some(Role::Valence { value, negated } | Role::Remedy { value, negated })
                if value != 0.0 =>
            {
                added * negated / value
            }
            _ => added * NEGATED,
        };
        self.add(negated - added);
        self.strongest = self.strongest.max(negated.abs());
        self.last_valence = None;
        true
    }

    /// A wish after a "but" asks for what is missing: a mild complaint ("great charts, but I
    /// wish I could build my own").
    fn wish(&mut self) {
        self.wishing = true;
        self.wished = true;
        if self.after_contrast {
            self.add(WISH_AFTER_CONTRAST);
            self.strongest = self.strongest.max(-WISH_AFTER_CONTRAST);
        }
    }

    fn contrast(&mut self) {
        for segment in &mut self.segments[self.sentence_start..] {
            segment.weight *= BEFORE_CONTRAST;
        }
        self.after_contrast = true;
        self.contrasted = true;
        self.negation_left = 0;
        self.boost_left = 0;
        self.open_segment(AFTER_CONTRAST);
    }

    fn open_segment(&mut self, weight: f32) {
        self.segments.push(Segment { sum: 0.0, weight });
    }

    fn add(&mut self, valence: f32) {
        if let Some(segment) = self.segments.last_mut() {
            segment.sum += valence;
        }
    }

    fn finish(self, emphasis: Emphasis) -> Evidence {
        let mut total: f32 = self.segments.iter().map(|s| s.sum * s.weight).sum();
        if total != 0.0 {
            total += total.signum() * EXCLAMATION * emphasis.exclamations.min(4) as f32;
        }
        if emphasis.exasperated {
            total += EXASPERATION;
        }
        // A clause's polarity is as clear before a "but" as after it: only weights above 1 count.
        let sums = self.segments.iter().map(|s| s.sum * s.weight.max(1.0));
        let count = |clear: fn(f32) -> bool| sums.clone().filter(|&sum| clear(sum)).count() as u32;
        Evidence {
            total,
            most_positive: sums.clone().fold(0.0f32, f32::max),
            most_negative: sums.clone().fold(0.0f32, f32::min),
            strongest: self.strongest,
            praise: self.praise,
            complaint: self.complaint,
            positive_clauses: count(|sum| sum >= CLEAR_CLAUSE),
            negative_clauses: count(|sum| sum <= -CLEAR_CLAUSE),
            contrasted: self.contrasted,
            question: self.questioned,
            wish: self.wished,
            negations: self.negations,
            exclamations: emphasis.exclamations,
        }
    }
}
