//! Themes: a run replaces a survey's themes, keeping the ids of those it continues and
//! retiring the others; the last run is recorded; a workspace lists every survey's themes.

use vouch_store::{FoundTheme, StoredTheme, ThemeId, ThemeKeywordRow, ThemeRun};

use super::{Tagging, assert_not_found, time};
use crate::fixtures::ok;

/// A keyword in English.
fn keyword(stem: &str, word: &str, weight: f32) -> ThemeKeywordRow {
    ThemeKeywordRow {
        lang: "en".to_owned(),
        stem: stem.to_owned(),
        word: word.to_owned(),
        weight,
    }
}

/// A theme a run found.
fn found(continues: Option<ThemeId>, label: &str, keywords: &[ThemeKeywordRow]) -> FoundTheme {
    FoundTheme {
        continues,
        label: label.to_owned(),
        keywords: keywords.to_vec(),
    }
}

impl Tagging<'_> {
    /// Replacing themes, by run; `NotFound` for another workspace's survey or a `continues`
    /// that is not among the survey's current themes.
    pub(super) async fn themes(&self) {
        let (store, alpha, beta) = (self.store, self.alpha, self.beta);
        let (feedback, other) = (self.feedback.id, self.other.id);
        assert_eq!(ok(store.themes(alpha, None).await, "themes"), vec![]);
        assert_eq!(
            ok(store.theme_run(alpha, feedback).await, "theme_run"),
            None
        );

        let pricing = [
            keyword("price", "price", 0.75),
            keyword("expens", "expensive", 0.1),
        ];
        let support = [keyword("support", "support", 1.0)];
        let speed = [keyword("slow", "slow", 0.5)];
        let first = ok(
            store
                .replace_themes(
                    alpha,
                    feedback,
                    &[
                        found(None, "Pricing", &pricing),
                        found(None, "Support", &support),
                    ],
                    40,
                    time(50),
                )
                .await,
            "replace_themes",
        );
        assert_eq!(first.len(), 2);
        let stored = |theme: &StoredTheme, label: &str, keywords: &[ThemeKeywordRow]| {
            (
                theme.survey,
                theme.label.as_str(),
                theme.keywords.as_slice(),
            ) == (feedback, label, keywords)
        };
        assert!(stored(&first[0], "Pricing", &pricing), "{first:?}");
        assert!(stored(&first[1], "Support", &support), "{first:?}");
        assert!(first[0].id < first[1].id, "by id");
        assert_eq!(
            (first[0].created_at, first[0].updated_at),
            (time(50), time(50))
        );
        assert_eq!(
            ok(store.theme_run(alpha, feedback).await, "theme_run"),
            Some(ThemeRun {
                at: time(50),
                comments: 40
            })
        );
        let elsewhere = ok(
            store
                .replace_themes(alpha, other, &[found(None, "Speed", &speed)], 5, time(50))
                .await,
            "replace_themes (another survey)",
        );
        let mut every = first.clone();
        every.extend(elsewhere.clone());
        assert_eq!(
            ok(store.themes(alpha, None).await, "themes"),
            every,
            "every survey's"
        );
        assert_eq!(
            ok(store.themes(alpha, Some(feedback)).await, "themes"),
            first
        );

        let cheaper = [keyword("cheap", "cheaper", 0.5)];
        let onboarding = [keyword("onboard", "onboarding", 0.25)];
        let second = ok(
            store
                .replace_themes(
                    alpha,
                    feedback,
                    &[
                        found(Some(first[0].id), "Prices", &cheaper),
                        found(None, "Onboarding", &onboarding),
                    ],
                    50,
                    time(60),
                )
                .await,
            "replace_themes (again)",
        );
        assert_eq!(second.len(), 2, "Support was not found again: retired");
        assert_eq!(
            second[0],
            StoredTheme {
                id: first[0].id,
                survey: feedback,
                label: "Prices".to_owned(),
                keywords: cheaper.to_vec(),
                created_at: time(50),
                updated_at: time(60),
            },
            "a continued theme keeps its id and when it was first found"
        );
        assert!(second[1].id > elsewhere[0].id, "a new theme gets a new id");
        assert!(stored(&second[1], "Onboarding", &onboarding));
        assert_eq!(
            ok(store.themes(alpha, Some(feedback)).await, "themes"),
            second
        );

        let refused = [
            (first[1].id, "a retired theme"),
            (elsewhere[0].id, "another survey's theme"),
        ];
        for (id, what) in refused {
            assert_not_found(
                store
                    .replace_themes(
                        alpha,
                        feedback,
                        &[found(None, "New", &speed), found(Some(id), "Old", &speed)],
                        1,
                        time(70),
                    )
                    .await,
                what,
            );
        }
        assert_not_found(
            store.replace_themes(beta, feedback, &[], 1, time(70)).await,
            "a survey through another workspace",
        );
        assert_not_found(
            store
                .replace_themes(alpha, self.away_survey.id, &[], 1, time(70))
                .await,
            "another workspace's survey",
        );
        assert_eq!(
            ok(store.themes(alpha, Some(feedback)).await, "themes"),
            second,
            "refused runs changed nothing"
        );
        assert_eq!(
            ok(store.theme_run(alpha, feedback).await, "theme_run"),
            Some(ThemeRun {
                at: time(60),
                comments: 50
            })
        );
        assert_eq!(ok(store.themes(beta, None).await, "themes"), vec![]);
        assert_eq!(ok(store.theme_run(beta, feedback).await, "theme_run"), None);
        assert_eq!(
            ok(
                store.theme_run(alpha, self.away_survey.id).await,
                "theme_run"
            ),
            None
        );
    }
}
