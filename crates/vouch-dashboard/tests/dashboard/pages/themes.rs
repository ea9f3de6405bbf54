//! The themes page: tags and automatic themes with exact figures, sorting, links that filter
//! the overview and the inbox, making a tag, finding themes again; the inbox's search.

use jiff::Timestamp;
use vouch_store::{Actor, ResponseId, Role};

use super::seed::{Q1, Seeded, between, seeded};

/// Tags the 60 Q1 answers scoring 2 (all free-plan detractors) `churn-risk`.
pub(super) async fn tag_the_twos(seeded: &Seeded) {
    let store = &seeded.app.store;
    let workspace = seeded.app.acme.id;
    let answers = store
        .responses_after(workspace, ResponseId(0), Some(seeded.nps.id), 1000)
        .await
        .expect("the answers");
    let twos: Vec<ResponseId> = answers
        .iter()
        .filter(|answer| answer.score.value() == 2)
        .map(|answer| answer.id)
        .collect();
    assert_eq!(twos.len(), 60);
    store
        .add_tag(
            workspace,
            "churn-risk",
            &twos,
            Actor::Operator,
            Timestamp::now(),
        )
        .await
        .expect("tagged");
}

/// A link as the browser follows it.
fn unescape(href: &str) -> String {
    href.replace("&#38;", "&")
        .replace("&amp;", "&")
        .replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&#43;", "+")
}

/// The `data-theme` ids of the table's rows, in order.
fn row_ids(text: &str) -> Vec<String> {
    text.split("<tr data-theme=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(unescape)
        .collect()
}

/// The row of theme `id`.
fn row<'a>(text: &'a str, id: &str) -> &'a str {
    between(text, &format!("<tr data-theme=\"{id}\""), "</tr>")
}

/// The cells of a row, as text.
fn cells(row: &str) -> Vec<String> {
    row.split("<td")
        .skip(1)
        .map(|cell| {
            let inner = cell.split_once('>').map_or("", |(_, rest)| rest);
            inner.split("</td>").next().unwrap_or("").trim().to_owned()
        })
        .collect()
}

#[tokio::test]
async fn the_themes_page_lists_tags_and_themes_with_exact_figures() {
    let seeded = seeded().await;
    tag_the_twos(&seeded).await;
    let member = seeded
        .browser("mia@acme.example", Role::Member, false)
        .await;
    let path = format!("/app/surveys/{}/themes", seeded.nps.id.0);
    let page = member.get(&format!("{path}?{Q1}")).await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(page.text.contains("Themes found in"), "{}", page.text);
    assert!(
        page.text
            .contains("Impact: how many points of NPS a theme costs")
    );
    let ids = row_ids(&page.text);
    assert!(ids.contains(&"tag:churn-risk".to_owned()), "{ids:?}");
    assert!(ids.iter().any(|id| id.parse::<i64>().is_ok()), "{ids:?}");
    // The tag: 60 answers of 300 (20 %), all detractors: NPS −100. Without them, 130
    // promoters and 20 detractors of 240 (NPS 45.8), so the impact is 16.7 − 45.8 = −29.2.
    let tag = cells(row(&page.text, "tag:churn-risk"));
    assert_eq!(tag[0], "<span class=\"tag\">tag</span>");
    assert_eq!(tag[1], "60");
    assert_eq!(tag[2], "20.0%");
    assert!(tag[4].starts_with("\u{2212}100"), "{tag:?}");
    assert_eq!(tag[6], "\u{2212}29.2");
    // Impact first by default: the tag costs the most.
    assert_eq!(ids[0], "tag:churn-risk");
    // Visiting again finds nothing anew.
    let again = member.get(&format!("{path}?{Q1}")).await;
    assert!(!again.text.contains("Themes found in"));
    assert_eq!(row_ids(&again.text), ids);
}

#[tokio::test]
async fn themes_sort_by_volume_and_link_to_the_overview_and_the_inbox() {
    let seeded = seeded().await;
    tag_the_twos(&seeded).await;
    let member = seeded
        .browser("mia@acme.example", Role::Member, false)
        .await;
    let path = format!("/app/surveys/{}/themes", seeded.nps.id.0);
    let page = member.get(&format!("{path}?{Q1}&sort=volume")).await;
    assert_eq!(page.status, 200, "{}", page.text);
    let ids = row_ids(&page.text);
    let counts: Vec<u64> = ids
        .iter()
        .map(|id| {
            cells(row(&page.text, id))[1]
                .replace(',', "")
                .parse()
                .unwrap()
        })
        .collect();
    let mut sorted = counts.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(counts, sorted, "{ids:?}");
    // An automatic theme's link filters the overview to its answers.
    let (at, theme) = ids
        .iter()
        .enumerate()
        .find(|(_, id)| id.parse::<i64>().is_ok())
        .expect("an automatic theme");
    let this = row(&page.text, theme);
    let href = unescape(between(this, "class=\"theme-link\" href=\"", "\""));
    assert!(href.contains(&format!("theme={theme}")), "{href}");
    let overview = member.get(&href).await;
    assert_eq!(overview.status, 200, "{}", overview.text);
    let headline = between(&overview.text, "id=\"nps\">", "</p>");
    assert!(
        headline.contains(&format!("n = {}", counts[at])),
        "{headline}"
    );
    assert!(overview.text.contains("Remove theme: "), "a theme chip");
    let inbox = unescape(between(this, "class=\"theme-comments\" href=\"", "\""));
    let listed = member.get(&inbox).await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    assert!(listed.text.contains(&format!("{} answer", counts[at])));
    // An unknown theme or tag is said so, not a failure.
    let unknown = member
        .get(&format!("/app/surveys/{}?theme=999999", seeded.nps.id.0))
        .await;
    assert_eq!(unknown.status, 400);
    assert!(unknown.text.contains("no theme"), "{}", unknown.text);
    let unknown = member.get("/app/inbox?tag=nothing-such").await;
    assert_eq!(unknown.status, 400);
    assert!(unknown.text.contains("no tag"), "{}", unknown.text);
}

#[tokio::test]
async fn a_theme_becomes_a_tag_and_themes_found_again_keep_their_ids() {
    let seeded = seeded().await;
    let member = seeded
        .browser("mia@acme.example", Role::Member, false)
        .await;
    let path = format!("/app/surveys/{}/themes", seeded.nps.id.0);
    let page = member.get(&format!("{path}?{Q1}")).await;
    let ids = row_ids(&page.text);
    let theme = ids
        .iter()
        .find(|id| id.parse::<i64>().is_ok())
        .expect("an automatic theme")
        .clone();
    let csrf = page.csrf();
    let found = member
        .post(&format!("{path}/find"), &[("csrf", csrf.as_str())])
        .await;
    assert_eq!(found.status, 303, "{}", found.text);
    let found = member.get(found.header("location")).await;
    assert!(
        found.text.contains("Themes found again in"),
        "{}",
        found.text
    );
    let again = row_ids(&member.get(&format!("{path}?{Q1}")).await.text);
    assert!(again.contains(&theme), "{again:?} lost {theme}");
    let made = member
        .post(&format!("{path}/{theme}/tag"), &[("csrf", csrf.as_str())])
        .await;
    assert_eq!(made.status, 303, "{}", made.text);
    let made = member.get(made.header("location")).await;
    assert!(
        made.text.contains("created from the theme"),
        "{}",
        made.text
    );
    let rules = seeded.app.store.rules(seeded.app.acme.id).await.unwrap();
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0].survey, Some(seeded.nps.id));
    // Without the form's token, nothing is saved.
    let refused = member.post(&format!("{path}/{theme}/tag"), &[]).await;
    assert_eq!(refused.status, 403);
    let viewer = seeded
        .browser("vic@acme.example", Role::Viewer, false)
        .await;
    let seen = viewer.get(&format!("{path}?{Q1}")).await;
    assert_eq!(seen.status, 200);
    assert!(!seen.text.contains("Make a tag"));
}

#[tokio::test]
async fn the_inbox_searches_best_match_first_and_filters_by_tag() {
    let seeded = seeded().await;
    tag_the_twos(&seeded).await;
    let member = seeded
        .browser("mia@acme.example", Role::Member, false)
        .await;
    let found = member.get("/app/inbox?q=support+slow").await;
    assert_eq!(found.status, 200, "{}", found.text);
    assert!(
        found
            .text
            .contains("match “support slow” · best match first")
    );
    let first = found.text.find("Pricing went up and support is slow");
    let other = found.text.find("Great support team");
    assert!(first.is_some() && other.is_some());
    assert!(first < other, "the answer with both words comes first");
    let bad = member.get("/app/inbox?q=re*").await;
    assert_eq!(bad.status, 200, "{}", bad.text);
    assert!(bad.text.contains("id=\"f-q-error\""), "{}", bad.text);
    let tagged = member.get("/app/inbox?tag=churn-risk").await;
    assert_eq!(tagged.status, 200, "{}", tagged.text);
    assert!(tagged.text.contains("60 answers"), "{}", tagged.text);
    assert!(tagged.text.contains("Remove tag: churn-risk"));
}
