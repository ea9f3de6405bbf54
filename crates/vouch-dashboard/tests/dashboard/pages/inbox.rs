//! The inbox: search, follow-up that persists, what viewers may do, other workspaces.

use vouch_store::Role;

use super::seed::{Q1, WIZARD_COMMENT, between, seeded};

/// The id of the answer whose comment is [`WIZARD_COMMENT`], found through the inbox search.
async fn wizard_answer(browser: &crate::helpers::Browser) -> String {
    let page = browser.get("/app/inbox?text=Wizard").await;
    assert_eq!(page.status, 200, "{}", page.text);
    let id = between(&page.text, "<a href=\"/app/inbox/", "?");
    assert!(!id.is_empty(), "{}", page.text);
    id.to_owned()
}

#[tokio::test]
async fn the_inbox_lists_newest_first_and_search_finds_a_comment() {
    let seeded = seeded().await;
    let member = seeded
        .browser("mia@acme.example", Role::Member, false)
        .await;
    let all = member.get("/app/inbox").await;
    assert_eq!(all.status, 200, "{}", all.text);
    assert_eq!(all.text.matches("data-keyboard-item").count(), 50);
    assert!(all.text.contains("Older answers"));
    assert!(all.text.contains("dashboard-pages.js"));
    assert!(all.text.contains("plan: "));
    let found = member.get("/app/inbox?text=wizard").await;
    assert_eq!(found.text.matches("data-keyboard-item").count(), 1);
    assert!(found.text.contains(WIZARD_COMMENT));
    assert!(found.text.contains("customer0@client.example"));
    // Older pages carry on from the cursor, with nothing twice.
    let older = between(
        &all.text,
        "<a class=\"button button--secondary\" href=\"",
        "\"",
    )
    .replace("&amp;", "&");
    let second = member.get(&older).await;
    assert_eq!(second.status, 200);
    let first_ids: Vec<&str> = all.text.split("<a href=\"/app/inbox/").skip(1).collect();
    let second_ids: Vec<&str> = second.text.split("<a href=\"/app/inbox/").skip(1).collect();
    assert_eq!(second_ids.len(), 50);
    let id = |chunk: &&str| chunk.split(['?', '"']).next().unwrap_or("").to_owned();
    let first: Vec<String> = first_ids.iter().map(id).collect();
    assert!(second_ids.iter().map(id).all(|id| !first.contains(&id)));
    let the_script = member.get("/assets/dashboard-pages.js").await;
    assert_eq!(the_script.status, 200);
    assert!(the_script.text.contains("data-keyboard-list"));
}

/// The `who` of the inbox's first row.
fn first_who(page: &str) -> &str {
    between(page, "class=\"inbox-item__who\">", "<")
}

#[tokio::test]
async fn the_inbox_lists_by_answer_time_and_counts_the_whole_selection() {
    let seeded = seeded().await;
    // History imported last: the largest id, the oldest answer.
    seeded
        .import_late("2025-06-01T10:00:00Z", "Carried over from the old tool")
        .await;
    let member = seeded
        .browser("mia@acme.example", Role::Member, false)
        .await;
    let all = member.get("/app/inbox").await;
    assert_eq!(all.status, 200, "{}", all.text);
    assert!(
        all.text.contains("401 answers · latest first"),
        "{}",
        all.text
    );
    assert_eq!(first_who(&all.text), "customer299@client.example");
    assert!(!all.text.contains("Carried over"));
    let survey = seeded.nps.id.0;
    let q1 = member
        .get(&format!("/app/inbox?survey={survey}&{Q1}"))
        .await;
    assert!(q1.text.contains("300 answers"), "{}", q1.text);
    let promoters = member
        .get(&format!(
            "/app/inbox?survey={survey}&{Q1}&category=promoter"
        ))
        .await;
    assert!(promoters.text.contains("130 answers"), "{}", promoters.text);
    // The imported answer is the very last one, on the last page.
    let mut page = all;
    let mut pages = 1;
    while let Some((before_link, _)) = page.text.split_once("\" rel=\"next\"") {
        let older = before_link
            .rsplit("href=\"")
            .next()
            .unwrap_or_default()
            .replace("&amp;", "&");
        page = member.get(&older).await;
        assert_eq!(page.status, 200, "{older}: {}", page.text);
        pages += 1;
    }
    assert_eq!(pages, 9, "401 answers in pages of 50");
    let last_rows: Vec<&str> = page.text.split("data-keyboard-item").skip(1).collect();
    assert_eq!(last_rows.len(), 1);
    assert!(last_rows[0].contains("Carried over from the old tool"));
    // A cursor that is not one the inbox wrote is refused and named.
    let forged = member.get("/app/inbox?before=17").await;
    assert_eq!(forged.status, 400, "{}", forged.text);
    assert!(forged.text.contains("before"));
}

#[tokio::test]
async fn each_member_chooses_the_columns_of_their_inbox() {
    let seeded = seeded().await;
    let member = seeded
        .browser("mia@acme.example", Role::Member, false)
        .await;
    let viewer = seeded
        .browser("val@acme.example", Role::Viewer, false)
        .await;
    let inbox = member.get("/app/inbox").await;
    // Until chosen: the attributes most answers carry (here both, by name).
    assert!(
        inbox.text.contains("· country: FR · plan: "),
        "{}",
        inbox.text
    );
    let csrf = inbox.csrf();
    let chosen = member
        .post(
            "/app/inbox/columns",
            &[
                ("csrf", csrf.as_str()),
                ("back", "/app/inbox?category=promoter"),
                ("column", "plan"),
            ],
        )
        .await;
    assert_eq!(chosen.status, 303, "{}", chosen.text);
    assert_eq!(chosen.location(), "/app/inbox?category=promoter");
    let inbox = member.get("/app/inbox").await;
    assert!(inbox.text.contains("· plan: "));
    assert!(!inbox.text.contains("country: "));
    assert!(
        inbox
            .text
            .contains("name=\"column\" value=\"plan\" checked")
    );
    // Kept for this member only, across sign-ins.
    let again = seeded.app.browser();
    again.sign_in_as("mia@acme.example").await;
    assert!(!again.get("/app/inbox").await.text.contains("country: "));
    let theirs = viewer.get("/app/inbox").await;
    assert!(theirs.text.contains("country: FR · plan: "));
    // A viewer chooses their own columns too; unknown attributes are refused.
    let viewer_csrf = theirs.csrf();
    let unknown = viewer
        .post(
            "/app/inbox/columns",
            &[("csrf", viewer_csrf.as_str()), ("column", "seats")],
        )
        .await;
    assert_eq!(unknown.status, 422);
    assert!(unknown.text.contains("seats"));
    let none = viewer
        .post("/app/inbox/columns", &[("csrf", viewer_csrf.as_str())])
        .await;
    assert_eq!(none.status, 303);
    let bare = viewer.get("/app/inbox").await;
    assert!(!bare.text.contains("plan: ") && !bare.text.contains("country: "));
    let reset = member
        .post(
            "/app/inbox/columns",
            &[("csrf", csrf.as_str()), ("reset", "1")],
        )
        .await;
    assert_eq!(reset.status, 303);
    assert!(
        member
            .get("/app/inbox")
            .await
            .text
            .contains("country: FR · plan: ")
    );
    let forged = member
        .post(
            "/app/inbox/columns",
            &[("csrf", "forged"), ("column", "plan")],
        )
        .await;
    assert_eq!(forged.status, 403);
}

/// The ids of an inbox page's rows, in order.
fn row_ids(page: &str) -> Vec<String> {
    page.split("<a href=\"/app/inbox/")
        .skip(1)
        .map(|chunk| chunk.split(['?', '"']).next().unwrap_or("").to_owned())
        .collect()
}

#[tokio::test]
async fn an_answer_leads_to_the_newer_and_older_answers_of_its_list() {
    let seeded = seeded().await;
    let member = seeded
        .browser("mia@acme.example", Role::Member, false)
        .await;
    let list = format!("survey={}&{Q1}&category=detractor", seeded.nps.id.0);
    let inbox = member.get(&format!("/app/inbox?{list}")).await;
    let ids = row_ids(&inbox.text);
    assert!(ids.len() >= 3, "{}", inbox.text);
    let second = member.get(&format!("/app/inbox/{}?{list}", ids[1])).await;
    assert_eq!(second.status, 200, "{}", second.text);
    let link = |page: &str, id: &str| {
        let before = page
            .split(&format!("id=\"{id}\""))
            .next()
            .unwrap_or_default();
        before
            .rsplit("href=\"")
            .next()
            .unwrap_or_default()
            .split('"')
            .next()
            .unwrap_or_default()
            .replace("&#38;", "&")
            .replace("&amp;", "&")
    };
    let newer = link(&second.text, "newer-answer");
    let older = link(&second.text, "older-answer");
    assert!(
        newer.starts_with(&format!("/app/inbox/{}?", ids[0])),
        "{newer}"
    );
    assert!(
        older.starts_with(&format!("/app/inbox/{}?", ids[2])),
        "{older}"
    );
    assert!(
        older.contains("category=detractor"),
        "the list's filters travel: {older}"
    );
    // The newest answer has no newer one; the same attributes then and now show once.
    let first = member.get(&newer).await;
    assert!(
        !first.text.contains("id=\"newer-answer\""),
        "{} then {}",
        ids[0],
        link(&first.text, "newer-answer")
    );
    assert!(
        first.text.contains("(when answering and now)"),
        "{}",
        first.text
    );
    assert!(!first.text.contains("The contact now"));
}

#[tokio::test]
async fn closing_an_answer_with_a_note_persists() {
    let seeded = seeded().await;
    let member = seeded
        .browser("mia@acme.example", Role::Member, false)
        .await;
    let id = wizard_answer(&member).await;
    let page = member.get(&format!("/app/inbox/{id}")).await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(page.text.contains(WIZARD_COMMENT));
    assert!(page.text.contains("customer0@client.example"));
    let csrf = page.csrf();
    let closed = member
        .post(
            &format!("/app/inbox/{id}/workflow?text=wizard"),
            &[
                ("csrf", &csrf),
                ("status", "closed"),
                ("assignee", ""),
                ("tags", "onboarding, praise"),
            ],
        )
        .await;
    assert_eq!(closed.status, 303, "{}", closed.text);
    assert_eq!(
        closed.location(),
        format!("/app/inbox/{id}?text=wizard&saved=follow-up")
    );
    let confirmed = member.get(closed.location()).await;
    assert!(
        confirmed.text.contains("Follow-up saved."),
        "{}",
        confirmed.text
    );
    // The confirmation is said once: links onward do not carry it.
    assert!(!confirmed.text.contains("saved=follow-up\""));
    let noted = member
        .post(
            &format!("/app/inbox/{id}/notes"),
            &[("csrf", &csrf), ("note", "Thanked them by phone.")],
        )
        .await;
    assert_eq!(noted.status, 303, "{}", noted.text);
    assert!(
        member
            .get(noted.location())
            .await
            .text
            .contains("Note added.")
    );
    let page = member.get(&format!("/app/inbox/{id}")).await;
    assert!(!page.text.contains("Note added."));
    assert!(between(&page.text, "id=\"status\">", "<").contains("Closed"));
    assert!(page.text.contains("Thanked them by phone."));
    assert!(page.text.contains("value=\"onboarding, praise\""));
    let closed_list = member.get(&format!("/app/inbox?status=closed&{Q1}")).await;
    assert_eq!(closed_list.text.matches("data-keyboard-item").count(), 1);
    assert!(closed_list.text.contains(WIZARD_COMMENT));
    let tagged = member.get("/app/inbox?tag=praise").await;
    assert_eq!(tagged.text.matches("data-keyboard-item").count(), 1);
    let open = member.get("/app/inbox?status=open&text=wizard").await;
    assert_eq!(open.text.matches("data-keyboard-item").count(), 0);
    // Invalid input is shown beside its field, and nothing changes.
    let blank = member
        .post(
            &format!("/app/inbox/{id}/notes"),
            &[("csrf", &csrf), ("note", "  ")],
        )
        .await;
    assert_eq!(blank.status, 422);
    assert!(blank.text.contains("field__error"));
    let stranger = member
        .post(
            &format!("/app/inbox/{id}/workflow"),
            &[("csrf", &csrf), ("status", "open"), ("assignee", "424242")],
        )
        .await;
    assert_eq!(stranger.status, 422);
    let page = member.get(&format!("/app/inbox/{id}")).await;
    assert!(between(&page.text, "id=\"status\">", "<").contains("Closed"));
}

#[tokio::test]
async fn a_viewer_sees_disabled_forms_and_cannot_post() {
    let seeded = seeded().await;
    let viewer = seeded
        .browser("vic@acme.example", Role::Viewer, false)
        .await;
    let id = wizard_answer(&viewer).await;
    let page = viewer.get(&format!("/app/inbox/{id}")).await;
    assert_eq!(page.status, 200);
    for form in ["id=\"workflow-form\"", "id=\"note-form\""] {
        let body = between(&page.text, form, "</form>");
        let fieldset = between(body, "<fieldset", ">");
        assert!(fieldset.ends_with(" disabled"), "{form}: {body}");
        assert_eq!(
            body.matches("<fieldset").count(),
            1,
            "every control inside it"
        );
    }
    let csrf = page.csrf();
    for (path, fields) in [
        (
            format!("/app/inbox/{id}/workflow"),
            vec![("csrf", csrf.as_str()), ("status", "closed")],
        ),
        (
            format!("/app/inbox/{id}/notes"),
            vec![("csrf", csrf.as_str()), ("note", "hi")],
        ),
    ] {
        let refused = viewer.post(&path, &fields).await;
        assert_eq!(refused.status, 403, "{path}");
    }
    let page = viewer.get(&format!("/app/inbox/{id}")).await;
    assert!(between(&page.text, "id=\"status\">", "<").contains("Open"));
    assert!(!page.text.contains("id=\"notes\""));
    // The settings of a survey are for members.
    let settings = viewer
        .get(&format!("/app/surveys/{}/settings", seeded.nps.id.0))
        .await;
    assert_eq!(settings.status, 403);
}

#[tokio::test]
async fn a_forged_form_changes_nothing() {
    let seeded = seeded().await;
    let member = seeded
        .browser("mia@acme.example", Role::Member, false)
        .await;
    let id = wizard_answer(&member).await;
    let forged = member
        .post(
            &format!("/app/inbox/{id}/workflow"),
            &[("csrf", "0000"), ("status", "closed")],
        )
        .await;
    assert_eq!(forged.status, 403);
    let page = member.get(&format!("/app/inbox/{id}")).await;
    assert!(between(&page.text, "id=\"status\">", "<").contains("Open"));
}

#[tokio::test]
async fn answers_and_contacts_of_another_workspace_are_not_found() {
    let seeded = seeded().await;
    let app = &seeded.app;
    let theirs = app
        .store
        .responses_after(app.globex.id, vouch_store::ResponseId(0), None, 10)
        .await
        .expect("their answers");
    let answer = theirs.first().expect("one answer");
    let admin = seeded.browser("ada@acme.example", Role::Admin, true).await;
    let page = admin.get(&format!("/app/inbox/{}", answer.id.0)).await;
    assert_eq!(page.status, 404);
    let contact = admin
        .get(&format!("/app/contacts/{}", answer.contact.0))
        .await;
    assert_eq!(contact.status, 404);
    let csrf = admin.csrf().await;
    let post = admin
        .post(
            &format!("/app/inbox/{}/notes", answer.id.0),
            &[("csrf", &csrf), ("note", "snooping")],
        )
        .await;
    assert_eq!(post.status, 404);
    let inbox = admin.get("/app/inbox?text=secret").await;
    assert!(!inbox.text.contains("Globex secret comment"));
}

#[tokio::test]
async fn a_contact_page_lists_their_answers() {
    let seeded = seeded().await;
    let member = seeded
        .browser("mia@acme.example", Role::Member, false)
        .await;
    let id = wizard_answer(&member).await;
    let page = member.get(&format!("/app/inbox/{id}")).await;
    let contact = between(&page.text, "<a href=\"/app/contacts/", "\"");
    let page = member.get(&format!("/app/contacts/{contact}")).await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(page.text.contains("customer0@client.example"));
    assert!(page.text.contains(WIZARD_COMMENT));
    assert!(page.text.contains("<dt>plan</dt>"));
}
