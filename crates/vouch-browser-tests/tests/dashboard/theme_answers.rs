//! The answers the Themes page test seeds, and the figures the page should show for them,
//! worked out from the seeds rather than read from the analytics.

use std::collections::BTreeMap;

use vouch_core::{AttributeKind, AttributeValue, Score, SurveyKind};
use vouch_store::{
    Actor, AttributeDefinition, ContactKey, NewResponse, ResponseId, Survey, ThemeId,
};

use super::{Fixture, hours_ago, survey};

/// What a seeded comment is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Topic {
    Support,
    Pricing,
    Mobile,
}

impl Topic {
    pub(super) const ALL: [Topic; 3] = [Topic::Support, Topic::Pricing, Topic::Mobile];

    /// The comments of the topic, taken in turn; no word is shared between topics.
    pub(super) fn comments(self) -> &'static [&'static str] {
        match self {
            Topic::Support => &[
                "Support is slow, my ticket waited three days",
                "Waited days for support to answer a ticket",
                "Slow support, tickets sit unanswered for days",
                "Support takes days to reply to tickets",
                "The support desk answers tickets slowly",
                "Support replies are slow, days per ticket",
                "My ticket to support waited a week",
            ],
            Topic::Pricing => &[
                "Pricing is too expensive for a small team",
                "Too expensive, the price doubled this year",
                "The price is expensive compared to rivals",
                "Expensive pricing, hard to justify the cost",
                "Costs too much, pricing feels expensive",
            ],
            Topic::Mobile => &[
                "The mobile app crashes on startup",
                "Mobile app keeps crashing on my phone",
                "The app crashed again on Android",
                "Android mobile app crash after update",
            ],
        }
    }

    /// A word every comment of the topic has and which discovery keeps as a keyword.
    pub(super) fn keyword(self) -> &'static str {
        match self {
            Topic::Support => "support",
            Topic::Pricing => "expensive",
            Topic::Mobile => "app",
        }
    }
}

/// One seeded answer: its topic (none without a comment), score, `mrr` and whether it is
/// tagged `vip`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Seed {
    pub(super) topic: Option<Topic>,
    pub(super) score: i64,
    pub(super) mrr: f64,
    pub(super) vip: bool,
}

/// The product survey's answers:
///
/// | topic | scores | n | NPS | detractors' mrr |
/// |---|---|---|---|---|
/// | support | 6 × 4, 4 × 7, 4 × 9 | 14 | −14 | 6 × 100 |
/// | pricing | 7 × 3, 2 × 8, 1 × 9 | 10 | −60 | 7 × 500 |
/// | mobile  | 8 × 1               | 8  | −100 | 8 × 200 |
/// | none    | 16 × 10 (9 `vip`), 4 × 8 | 20 | 80 | |
/// | all     |                     | 52 | 0  | |
///
/// So the impacts are mobile −18.2, pricing −14.3, support −5.3, vip +20.9: three orders.
pub(super) fn seeds() -> Vec<Seed> {
    let mut seeds = Vec::new();
    let mut add = |topic: Option<Topic>, score: i64, count: usize, mrr: f64| {
        for at in 0..count {
            let vip = topic.is_none() && score == 10 && at < 9;
            seeds.push(Seed {
                topic,
                score,
                mrr,
                vip,
            });
        }
    };
    add(Some(Topic::Support), 4, 6, 100.0);
    add(Some(Topic::Support), 7, 4, 100.0);
    add(Some(Topic::Support), 9, 4, 100.0);
    add(Some(Topic::Pricing), 3, 7, 500.0);
    add(Some(Topic::Pricing), 8, 2, 500.0);
    add(Some(Topic::Pricing), 9, 1, 500.0);
    add(Some(Topic::Mobile), 1, 8, 200.0);
    add(None, 10, 16, 50.0);
    add(None, 8, 4, 50.0);
    seeds
}

/// The seeded answers as stored, with their seed.
pub(super) struct Product {
    pub(super) survey: Survey,
    pub(super) answers: Vec<(ResponseId, Seed, Option<String>)>,
}

impl Product {
    /// The answers matching `keep`.
    pub(super) fn of(&self, keep: impl Fn(&Seed) -> bool) -> Vec<Seed> {
        self.answers.iter().map(|a| a.1).filter(keep).collect()
    }

    pub(super) fn topic(&self, topic: Topic) -> Vec<Seed> {
        self.of(|seed| seed.topic == Some(topic))
    }
}

/// Creates the product survey with its answers, defines `mrr` and tags the `vip` answers.
pub(super) async fn seed_product(fixture: &Fixture) -> Product {
    let server = &fixture.server;
    let product = survey(server, "Product NPS", SurveyKind::Nps).await;
    let seeds = seeds();
    let mut turn = BTreeMap::<Option<Topic>, usize>::new();
    let mut batch = Vec::new();
    for (n, seed) in seeds.iter().enumerate() {
        let at = turn.entry(seed.topic).or_default();
        let comment = seed
            .topic
            .map(|topic| topic.comments()[*at % topic.comments().len()].to_owned());
        *at += 1;
        let attributes = BTreeMap::from([("mrr".to_owned(), AttributeValue::Number(seed.mrr))]);
        batch.push(NewResponse {
            survey: product.id,
            contact: ContactKey {
                external_id: None,
                email: Some(format!("user{n}@product.example")),
            },
            attributes,
            score: Score::new(seed.score).expect("a score"),
            comment,
            created_at: hours_ago(400 - 7 * n as i64),
            channel: "import".into(),
        });
    }
    let store = &server.store;
    let workspace = server.workspace.id;
    let mut import = store.begin_import(workspace).await.expect("an import");
    let mrr = AttributeDefinition {
        name: "mrr".into(),
        kind: AttributeKind::Number,
    };
    import.define_attributes(&[mrr]).await.expect("defined");
    import.write(&batch).await.expect("answers written");
    import.commit().await.expect("answers committed");
    let stored = store
        .responses_after(workspace, ResponseId(0), Some(product.id), 1_000)
        .await
        .expect("the answers");
    assert_eq!(stored.len(), seeds.len());
    let answers: Vec<_> = stored
        .into_iter()
        .zip(seeds)
        .map(|(response, seed)| {
            assert_eq!(i64::from(response.score.value()), seed.score, "in order");
            (response.id, seed, response.comment)
        })
        .collect();
    let vip: Vec<ResponseId> = answers.iter().filter(|a| a.1.vip).map(|a| a.0).collect();
    assert_eq!(vip.len(), 9);
    let at = jiff::Timestamp::now();
    store
        .add_tag(workspace, "vip", &vip, Actor::Operator, at)
        .await
        .expect("tagged");
    Product {
        survey: product,
        answers,
    }
}

/// Figures worked out from seeds: (answers, promoters, detractors, detractors' mrr).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Tally {
    pub(super) n: u64,
    pub(super) promoters: u64,
    pub(super) detractors: u64,
    pub(super) value: f64,
}

impl Tally {
    pub(super) fn of(seeds: &[Seed]) -> Tally {
        let mut tally = Tally::default();
        for seed in seeds {
            tally.n += 1;
            tally.promoters += u64::from(seed.score >= 9);
            if seed.score <= 6 {
                tally.detractors += 1;
                tally.value += seed.mrr;
            }
        }
        tally
    }

    pub(super) fn nps(self) -> f64 {
        100.0 * (self.promoters as f64 - self.detractors as f64) / self.n as f64
    }

    /// 1.96 standard errors, in points.
    pub(super) fn margin(self) -> f64 {
        let (p, d) = (
            self.promoters as f64 / self.n as f64,
            self.detractors as f64 / self.n as f64,
        );
        196.0 * ((p + d - (p - d).powi(2)) / self.n as f64).sqrt()
    }

    /// The rest of `all` without these answers.
    pub(super) fn without(all: Tally, part: Tally) -> Tally {
        Tally {
            n: all.n - part.n,
            promoters: all.promoters - part.promoters,
            detractors: all.detractors - part.detractors,
            value: all.value - part.value,
        }
    }
}

/// A number as the page prints it: with a real minus sign.
pub(super) fn minus(text: String) -> String {
    text.replace('-', "\u{2212}")
}

/// The figures a row should show for `part` of `all`.
pub(super) fn expected_row(all: Tally, part: Tally) -> BTreeMap<&'static str, String> {
    let impact = all.nps() - Tally::without(all, part).nps();
    let impact = (impact * 10.0).round() / 10.0;
    let share = (1000 * part.n + all.n / 2) / all.n;
    BTreeMap::from([
        ("responses", part.n.to_string()),
        ("share", format!("{}.{}%", share / 10, share % 10)),
        ("nps", minus(format!("{}", part.nps().round()))),
        ("margin", format!("±\u{a0}{}", part.margin().round())),
        (
            "impact",
            minus(format!(
                "{}{impact:.1}",
                if impact > 0.0 { "+" } else { "" }
            )),
        ),
        ("value", format!("{}", part.value.round())),
    ])
}

/// The stored automatic themes of the product survey, each with the topic its keywords name.
pub(super) async fn stored_themes(fixture: &Fixture, product: &Product) -> Vec<(ThemeId, Topic)> {
    let server = &fixture.server;
    let themes = server
        .store
        .themes(server.workspace.id, Some(product.survey.id))
        .await
        .expect("the themes");
    let named: Vec<(ThemeId, Topic)> = themes
        .iter()
        .filter_map(|theme| {
            let words: Vec<&str> = theme.keywords.iter().map(|k| k.word.as_str()).collect();
            let topic = Topic::ALL
                .into_iter()
                .find(|topic| words.contains(&topic.keyword()))?;
            Some((theme.id, topic))
        })
        .collect();
    assert_eq!(
        named.len(),
        themes.len(),
        "one theme per topic: {themes:#?}"
    );
    for topic in Topic::ALL {
        let of_topic = named.iter().filter(|(_, t)| *t == topic).count();
        assert_eq!(of_topic, 1, "one theme about {topic:?}: {themes:#?}");
    }
    named
}

/// The theme id of `topic`.
pub(super) fn theme_of(themes: &[(ThemeId, Topic)], topic: Topic) -> String {
    let (id, _) = themes.iter().find(|(_, t)| *t == topic).expect("a theme");
    id.0.to_string()
}

/// The answers of the product survey a rule's prefixes (`pric*, expens*`) match.
pub(super) fn matched_by(product: &Product, terms: &str) -> Vec<ResponseId> {
    let prefixes: Vec<String> = terms
        .split(',')
        .map(|term| {
            let term = term.trim();
            assert!(term.ends_with('*'), "a stem as a prefix: {terms}");
            term.trim_end_matches('*').to_lowercase()
        })
        .collect();
    product
        .answers
        .iter()
        .filter(|(_, _, comment)| {
            comment.as_deref().is_some_and(|comment| {
                comment
                    .to_lowercase()
                    .split(|c: char| !c.is_alphanumeric())
                    .any(|word| prefixes.iter().any(|prefix| word.starts_with(prefix)))
            })
        })
        .map(|answer| answer.0)
        .collect()
}
