//! Invitations, password resets, the user's own password.

use vouch_store::Role;

use crate::helpers::{PASSWORD, spawn_app};

/// The token of an invitation link shown on the members page.
fn invite_token(text: &str) -> String {
    let start = text.find("/invite/").expect("an invitation link") + "/invite/".len();
    text[start..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect()
}

#[tokio::test]
async fn an_invitation_link_makes_an_account_once() {
    let app = spawn_app().await;
    let admin = app
        .signed_in("boss@acme.example", &app.acme, Role::Admin)
        .await;
    let csrf = admin.csrf().await;
    let made = admin
        .post(
            "/app/settings/members/invite",
            &[
                ("csrf", &csrf),
                ("role", "viewer"),
                ("hr", "on"),
                ("email", ""),
            ],
        )
        .await;
    assert_eq!(made.status, 200, "{}", made.text);
    assert!(made.text.contains(&format!("{}/invite/", app.base)));
    let token = invite_token(&made.text);
    assert_eq!(token.len(), 64);

    let newcomer = app.browser();
    let page = newcomer.get(&format!("/invite/{token}")).await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("Join acme"));
    assert!(page.text.contains("viewer"));
    let short = newcomer
        .post(
            &format!("/invite/{token}"),
            &[
                ("name", "Noa"),
                ("email", "noa@acme.example"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(short.status, 422);
    assert!(short.text.contains("at least 10 characters"));
    let joined = newcomer
        .post(
            &format!("/invite/{token}"),
            &[
                ("name", "Noa"),
                ("email", "Noa@Acme.example"),
                ("password", "a long new password"),
            ],
        )
        .await;
    assert_eq!(joined.status, 303, "{}", joined.text);
    assert_eq!(joined.location(), "/app");
    let account = newcomer.get("/app/settings").await;
    assert_eq!(account.status, 200);
    assert!(account.text.contains("noa@acme.example"));
    assert!(
        account.text.contains("viewer, HR (eNPS)"),
        "{}",
        account.text
    );

    let again = app
        .browser()
        .post(
            &format!("/invite/{token}"),
            &[
                ("name", "Eve"),
                ("email", "eve@x.example"),
                ("password", "another password"),
            ],
        )
        .await;
    assert_eq!(again.status, 410, "a link works once");
    assert!(
        app.store
            .user_by_email("eve@x.example")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_signed_in_user_accepts_with_one_button() {
    let app = spawn_app().await;
    let admin = app
        .signed_in("boss@acme.example", &app.acme, Role::Admin)
        .await;
    let csrf = admin.csrf().await;
    let made = admin
        .post(
            "/app/settings/members/invite",
            &[
                ("csrf", &csrf),
                ("role", "member"),
                ("email", "kai@globex.example"),
            ],
        )
        .await;
    let token = invite_token(&made.text);
    let kai = app
        .signed_in("kai@globex.example", &app.globex, Role::Viewer)
        .await;
    let page = kai.get(&format!("/invite/{token}")).await;
    assert!(
        page.text
            .contains("You are signed in as kai@globex.example")
    );
    let forged = kai
        .post(&format!("/invite/{token}"), &[("csrf", "nope")])
        .await;
    assert_eq!(forged.status, 403);
    let accepted = kai
        .post(&format!("/invite/{token}"), &[("csrf", &page.csrf())])
        .await;
    assert_eq!(accepted.status, 303, "{}", accepted.text);
    let account = kai.get("/app/settings").await;
    assert!(
        account.text.contains("Role in acme"),
        "switched to the new workspace"
    );
    // The invitation named kai's address: someone else could not have used it.
    let memberships = app
        .store
        .memberships(
            app.store
                .user_by_email("kai@globex.example")
                .await
                .unwrap()
                .unwrap()
                .0
                .id,
        )
        .await
        .unwrap();
    assert_eq!(memberships.len(), 2);
}

#[tokio::test]
async fn a_reset_link_works_once_and_ends_other_sessions() {
    let app = spawn_app().await;
    let user = app
        .user("mia@acme.example", &app.acme, Role::Member, false)
        .await;
    let old_session = app.browser();
    old_session.sign_in("mia@acme.example", PASSWORD).await;
    assert_eq!(old_session.get("/app/settings").await.status, 200);

    let stranger = app.browser();
    let form = stranger.get("/reset").await;
    assert_eq!(form.status, 200);
    let known = stranger
        .post("/reset", &[("email", "Mia@acme.example")])
        .await;
    let unknown = stranger
        .post("/reset", &[("email", "nobody@acme.example")])
        .await;
    assert_eq!(known.status, 200);
    assert_eq!(known.text, unknown.text, "the same answer either way");
    assert!(known.text.contains("If an account uses this email"));

    let jobs = app.wait_for_jobs("send_password_reset", 1).await;
    assert_eq!(jobs.len(), 1, "only the known email gets a link");
    let payload: serde_json::Value = serde_json::from_str(&jobs[0].payload).unwrap();
    assert_eq!(payload["user"], user.id.0);
    let token = payload["token"].as_str().expect("a token").to_owned();
    let path = format!("/reset/{token}");

    // Looking at the link and a refused password do not use it up.
    assert_eq!(stranger.get(&path).await.status, 200);
    let short = stranger
        .post(&path, &[("password", "short"), ("confirm", "short")])
        .await;
    assert_eq!(short.status, 422);
    let differ = stranger
        .post(
            &path,
            &[
                ("password", "new password 1"),
                ("confirm", "new password 2"),
            ],
        )
        .await;
    assert_eq!(differ.status, 422);
    let reset = stranger
        .post(
            &path,
            &[
                ("password", "brand new password"),
                ("confirm", "brand new password"),
            ],
        )
        .await;
    assert_eq!(reset.status, 303, "{}", reset.text);
    assert_eq!(reset.location(), "/app");
    assert_eq!(stranger.get("/app/settings").await.status, 200, "signed in");
    assert_eq!(
        old_session.get("/app/settings").await.status,
        303,
        "other sessions ended"
    );
    let again = app
        .browser()
        .post(
            &path,
            &[
                ("password", "third password!"),
                ("confirm", "third password!"),
            ],
        )
        .await;
    assert_eq!(again.status, 410, "a link works once");

    assert_eq!(
        app.browser()
            .sign_in("mia@acme.example", PASSWORD)
            .await
            .status,
        401
    );
    assert_eq!(
        app.browser()
            .sign_in("mia@acme.example", "brand new password")
            .await
            .status,
        303
    );
}

#[tokio::test]
async fn users_change_their_own_password() {
    let app = spawn_app().await;
    let browser = app
        .signed_in("mia@acme.example", &app.acme, Role::Viewer)
        .await;
    let csrf = browser.csrf().await;
    let wrong = browser
        .post(
            "/app/settings/password",
            &[
                ("csrf", &csrf),
                ("current", "not it at all"),
                ("password", "a new password"),
                ("confirm", "a new password"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 422);
    let changed = browser
        .post(
            "/app/settings/password",
            &[
                ("csrf", &csrf),
                ("current", PASSWORD),
                ("password", "a new password"),
                ("confirm", "a new password"),
            ],
        )
        .await;
    assert_eq!(changed.status, 303, "{}", changed.text);
    let page = browser.get("/app/settings?saved=1").await;
    assert_eq!(page.status, 200, "still signed in with a new session");
    assert!(page.text.contains("Your password was changed"));
}
