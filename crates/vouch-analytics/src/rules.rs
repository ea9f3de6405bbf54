//! Keyword rules at work: which responses a rule's terms match, and putting its tag on them.
//!
//! A rule is matched against every response once, in id order: from the first one when it is
//! saved (the past, run by a background job or by `vouch rules add` itself), then each new
//! response as it arrives ([`apply_to_new`], called after every write). The store keeps how far
//! each rule got (`TagRule::through`), so a pass that stops half-way resumes where it was, and
//! two passes that overlap only tag a response once.

use jiff::Timestamp;
use vouch_core::tag::{TagNameError, check_tag_name};
use vouch_core::text::{Term, TermError, words};
use vouch_store::{
    NewTagRule, ResponseId, Store, StoreError, StoredResponse, SurveyId, TagRule, WorkspaceId,
};

/// Responses read from the store per page of a pass.
pub const PASS_PAGE: usize = 5_000;

/// Why a rule could not be run.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A saved rule's terms no longer read (written by another version).
    #[error("rule {rule}: {error}")]
    Terms {
        /// The rule's id.
        rule: i64,
        /// What is wrong with its terms.
        error: TermError,
    },
}

/// What is wrong with a rule as typed (the command line, the API, the dashboard's form).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleInputError {
    /// The tag's name.
    #[error("{0}")]
    Tag(#[from] TagNameError),
    /// The terms.
    #[error("{0}")]
    Terms(#[from] TermError),
}

impl RuleInputError {
    /// The field at fault: `tag` or `match`.
    pub fn field(&self) -> &'static str {
        match self {
            RuleInputError::Tag(_) => "tag",
            RuleInputError::Terms(_) => "match",
        }
    }
}

/// A rule as typed, checked: the rule to save (terms written back in their one spelling) and
/// its matcher, for a dry run.
pub fn check_rule(
    tag: &str,
    terms: &str,
    survey: Option<SurveyId>,
) -> Result<(NewTagRule, Matcher), RuleInputError> {
    let tag = check_tag_name(tag)?;
    let parsed = Term::parse_list(terms)?;
    let rule = NewTagRule {
        tag,
        terms: Term::write_list(&parsed),
        survey,
    };
    Ok((rule, Matcher::new(parsed, survey)))
}

/// Terms and the survey they are limited to: what a rule (saved or not) matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matcher {
    terms: Vec<Term>,
    survey: Option<SurveyId>,
}

impl Matcher {
    /// Matches comments holding any of `terms`, in `survey`'s responses or every survey's.
    pub fn new(terms: Vec<Term>, survey: Option<SurveyId>) -> Matcher {
        Matcher { terms, survey }
    }

    /// The matcher of a saved rule.
    pub fn of_rule(rule: &TagRule) -> Result<Matcher, RuleError> {
        let terms = Term::parse_list(&rule.terms).map_err(|error| RuleError::Terms {
            rule: rule.id.0,
            error,
        })?;
        Ok(Matcher::new(terms, rule.survey))
    }

    /// True when the comment's folded words hold one of the terms.
    pub fn matches_words(&self, folded: &[String]) -> bool {
        self.terms.iter().any(|term| term.matches(folded))
    }

    /// True when the response is in the rule's survey and its comment holds one of the terms.
    pub fn matches(&self, response: &StoredResponse) -> bool {
        if self.survey.is_some_and(|survey| survey != response.survey) {
            return false;
        }
        match &response.comment {
            Some(comment) => self.matches_words(&words(comment).collect::<Vec<_>>()),
            None => false,
        }
    }
}

/// How many of the workspace's responses the matcher matches now: a rule's dry run. `progress`
/// hears how many responses were read so far after each page.
pub async fn count_matches(
    store: &dyn Store,
    workspace: WorkspaceId,
    matcher: &Matcher,
    mut progress: impl FnMut(u64),
) -> Result<u64, RuleError> {
    let mut after = ResponseId(0);
    let (mut matched, mut read) = (0, 0);
    loop {
        let page = store
            .responses_after(workspace, after, matcher.survey, PASS_PAGE)
            .await?;
        let Some(last) = page.last() else {
            return Ok(matched);
        };
        after = last.id;
        matched += page
            .iter()
            .filter(|response| matcher.matches(response))
            .count() as u64;
        read += page.len() as u64;
        progress(read);
    }
}

/// What a pass of one rule did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RulePass {
    /// Responses the rule matched (now carrying its tag).
    pub matched: u64,
    /// Of those, the ones that did not carry the tag before.
    pub tagged: u64,
}

/// Runs a saved rule from where it got to up to the latest response, tagging what it matches.
/// `progress` hears how many responses were read so far after each page. A rule deleted
/// meanwhile stops the pass with `NotFound`.
pub async fn run_rule(
    store: &dyn Store,
    workspace: WorkspaceId,
    rule: &TagRule,
    mut progress: impl FnMut(u64),
) -> Result<RulePass, RuleError> {
    let matcher = Matcher::of_rule(rule)?;
    let mut after = rule.through;
    let (mut pass, mut read) = (RulePass::default(), 0);
    loop {
        // The rule's survey narrows the read; `through` still moves over every survey's ids.
        let page = store
            .responses_after(workspace, after, matcher.survey, PASS_PAGE)
            .await?;
        let Some(last) = page.last() else {
            // Every response of the rule's survey has been read: the past is done even when
            // the latest responses when it was saved were other surveys'.
            let done = after.max(rule.backfill_until);
            store
                .apply_rule(workspace, rule.id, &[], done, Timestamp::now())
                .await?;
            return Ok(pass);
        };
        after = last.id;
        let matched: Vec<ResponseId> = page
            .iter()
            .filter(|response| matcher.matches(response))
            .map(|response| response.id)
            .collect();
        pass.matched += matched.len() as u64;
        pass.tagged += store
            .apply_rule(workspace, rule.id, &matched, after, Timestamp::now())
            .await?;
        read += page.len() as u64;
        progress(read);
    }
}

/// Applies every rule that has finished with the past to the responses that arrived since it
/// last ran; returns how many tags were put on. Called after each write of responses (the
/// server's group commit, an answer, an import), so that a response is tagged on arrival.
pub async fn apply_to_new(store: &dyn Store, workspace: WorkspaceId) -> Result<u64, RuleError> {
    let rules: Vec<TagRule> = store
        .rules(workspace)
        .await?
        .into_iter()
        .filter(TagRule::caught_up)
        .collect();
    let Some(from) = rules.iter().map(|rule| rule.through).min() else {
        return Ok(0);
    };
    let matchers = rules
        .iter()
        .map(Matcher::of_rule)
        .collect::<Result<Vec<_>, _>>()?;
    let mut after = from;
    let mut tagged = 0;
    loop {
        let page = store
            .responses_after(workspace, after, None, PASS_PAGE)
            .await?;
        let Some(last) = page.last() else {
            return Ok(tagged);
        };
        after = last.id;
        let folded: Vec<Option<Vec<String>>> = page
            .iter()
            .map(|response| response.comment.as_deref().map(|c| words(c).collect()))
            .collect();
        for (rule, matcher) in rules.iter().zip(&matchers) {
            let matched = matched_since(&page, &folded, rule, matcher);
            match store
                .apply_rule(workspace, rule.id, &matched, after, Timestamp::now())
                .await
            {
                Ok(gained) => tagged += gained,
                // Deleted since it was read: nothing to do for it.
                Err(StoreError::NotFound(_)) => {}
                Err(error) => return Err(error.into()),
            }
        }
    }
}

/// The responses of a page a rule has not seen yet and matches.
fn matched_since(
    page: &[StoredResponse],
    folded: &[Option<Vec<String>>],
    rule: &TagRule,
    matcher: &Matcher,
) -> Vec<ResponseId> {
    page.iter()
        .zip(folded)
        .filter(|(response, _)| response.id > rule.through)
        .filter(|(response, _)| {
            matcher
                .survey
                .is_none_or(|survey| survey == response.survey)
        })
        .filter(|(_, words)| words.as_deref().is_some_and(|w| matcher.matches_words(w)))
        .map(|(response, _)| response.id)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use vouch_core::Score;
    use vouch_store::ContactId;

    fn response(id: i64, survey: i64, comment: Option<&str>) -> StoredResponse {
        StoredResponse {
            id: ResponseId(id),
            survey: SurveyId(survey),
            contact: ContactId(1),
            score: Score::new(3).expect("a score"),
            comment: comment.map(str::to_owned),
            created_at: Timestamp::UNIX_EPOCH,
            channel: "api".into(),
            attributes: Default::default(),
        }
    }

    #[test]
    fn a_matcher_needs_its_survey_and_one_term() {
        let terms = Term::parse_list("refund*, \"money back\"").expect("terms");
        let matcher = Matcher::new(terms, Some(SurveyId(1)));
        assert!(matcher.matches(&response(1, 1, Some("I want my MONEY back!"))));
        assert!(matcher.matches(&response(2, 1, Some("Refunded at last"))));
        assert!(!matcher.matches(&response(3, 2, Some("Refunded at last"))));
        assert!(!matcher.matches(&response(4, 1, Some("money is back"))));
        assert!(!matcher.matches(&response(5, 1, None)));
    }
}
