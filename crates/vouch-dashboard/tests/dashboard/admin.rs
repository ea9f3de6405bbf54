//! CSRF, roles, workspace isolation, and the admin pages (members, API keys).

use vouch_core::SurveyKind;
use vouch_store::Role;

use crate::helpers::spawn_app;

#[tokio::test]
async fn a_post_without_the_csrf_token_changes_nothing() {
    let app = spawn_app().await;
    let admin = app
        .signed_in("boss@acme.example", &app.acme, Role::Admin)
        .await;
    let csrf = admin.csrf().await;
    let missing = admin
        .post(
            "/app/settings/api-keys",
            &[("name", "ci"), ("scope", "write")],
        )
        .await;
    let forged = admin
        .post(
            "/app/settings/api-keys",
            &[
                ("csrf", "0".repeat(64).as_str()),
                ("name", "ci"),
                ("scope", "write"),
            ],
        )
        .await;
    let forged_header = admin
        .post_with_header(
            "/app/settings/api-keys",
            &[("name", "ci"), ("scope", "write")],
            ("x-csrf-token", "forged"),
        )
        .await;
    for reply in [&missing, &forged, &forged_header] {
        assert_eq!(reply.status, 403, "{}", reply.text);
        assert!(reply.text.contains("Nothing was changed"));
    }
    assert!(app.store.api_keys(app.acme.id).await.unwrap().is_empty());

    let made = admin
        .post(
            "/app/settings/api-keys",
            &[("csrf", &csrf), ("name", "ci"), ("scope", "write")],
        )
        .await;
    assert_eq!(made.status, 200, "{}", made.text);
    let by_header = admin
        .post_with_header(
            "/app/settings/api-keys",
            &[("name", "etl"), ("scope", "read")],
            ("x-csrf-token", &csrf),
        )
        .await;
    assert_eq!(by_header.status, 200, "{}", by_header.text);
    assert_eq!(app.store.api_keys(app.acme.id).await.unwrap().len(), 2);
}

#[tokio::test]
async fn viewers_and_members_cannot_use_admin_forms() {
    let app = spawn_app().await;
    for (email, role) in [
        ("v@acme.example", Role::Viewer),
        ("m@acme.example", Role::Member),
    ] {
        let browser = app.signed_in(email, &app.acme, role).await;
        let csrf = browser.csrf().await;
        let page = browser.get("/app/settings/members").await;
        assert_eq!(page.status, 403, "{role:?}");
        let post = browser
            .post(
                "/app/settings/api-keys",
                &[("csrf", &csrf), ("name", "sneaky"), ("scope", "write")],
            )
            .await;
        assert_eq!(post.status, 403, "{role:?}: {}", post.text);
        let invite = browser
            .post(
                "/app/settings/members/invite",
                &[("csrf", &csrf), ("role", "admin")],
            )
            .await;
        assert_eq!(invite.status, 403, "{role:?}");
    }
    assert!(app.store.api_keys(app.acme.id).await.unwrap().is_empty());
}

#[tokio::test]
async fn another_workspace_s_ids_are_not_found() {
    let app = spawn_app().await;
    let own = app.survey(&app.acme, "Customers", SurveyKind::Nps).await;
    let theirs = app
        .survey(&app.globex, "Their customers", SurveyKind::Nps)
        .await;
    let outsider = app
        .user("eve@globex.example", &app.globex, Role::Admin, false)
        .await;
    let admin = app
        .signed_in("boss@acme.example", &app.acme, Role::Admin)
        .await;

    let mine = admin.get(&format!("/app/surveys/{}", own.id.0)).await;
    assert_eq!(mine.status, 200, "{}", mine.text);
    let other = admin.get(&format!("/app/surveys/{}", theirs.id.0)).await;
    assert_eq!(other.status, 404);
    assert!(!other.text.contains("Their customers"));
    // `/app` goes to the workspace's own first survey.
    assert_eq!(
        admin.get("/app").await.location(),
        format!("/app/surveys/{}", own.id.0)
    );

    // Members of another workspace cannot be changed or removed from here.
    let csrf = admin.csrf().await;
    let change = admin
        .post(
            &format!("/app/settings/members/{}", outsider.id.0),
            &[("csrf", &csrf), ("role", "viewer")],
        )
        .await;
    assert_eq!(change.status, 404);
    let remove = admin
        .post(
            &format!("/app/settings/members/{}/remove", outsider.id.0),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(remove.status, 404);
    let members = app.store.members(app.globex.id).await.unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!(members[0].1.role, Role::Admin);
}

#[tokio::test]
async fn enps_surveys_need_the_hr_permission() {
    let app = spawn_app().await;
    let pulse = app.survey(&app.acme, "Pulse", SurveyKind::Enps).await;
    let plain = app
        .signed_in("m@acme.example", &app.acme, Role::Member)
        .await;
    assert_eq!(
        plain
            .get(&format!("/app/surveys/{}", pulse.id.0))
            .await
            .status,
        404
    );
    assert_eq!(plain.get("/app").await.location(), "/app/surveys");
    app.user("hr@acme.example", &app.acme, Role::Viewer, true)
        .await;
    let hr = app.browser();
    hr.sign_in("hr@acme.example", crate::helpers::PASSWORD)
        .await;
    assert_eq!(
        hr.get("/app").await.location(),
        format!("/app/surveys/{}", pulse.id.0)
    );
}

#[tokio::test]
async fn admins_manage_members_but_keep_an_admin() {
    let app = spawn_app().await;
    let boss = app
        .user("boss@acme.example", &app.acme, Role::Admin, false)
        .await;
    let mia = app
        .user("mia@acme.example", &app.acme, Role::Viewer, false)
        .await;
    let admin = app.browser();
    admin
        .sign_in("boss@acme.example", crate::helpers::PASSWORD)
        .await;
    let page = admin.get("/app/settings/members").await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(page.text.contains("mia@acme.example"));
    assert!(page.text.contains(r#"aria-current="page">Members"#));
    let csrf = page.csrf();

    let last = admin
        .post(
            &format!("/app/settings/members/{}", boss.id.0),
            &[("csrf", &csrf), ("role", "member")],
        )
        .await;
    assert_eq!(last.status, 409, "the last admin stays");
    let promoted = admin
        .post(
            &format!("/app/settings/members/{}", mia.id.0),
            &[("csrf", &csrf), ("role", "member"), ("hr", "on")],
        )
        .await;
    assert_eq!(promoted.status, 303);
    let members = app.store.members(app.acme.id).await.unwrap();
    let row = members.iter().find(|(user, _)| user.id == mia.id).unwrap();
    assert_eq!((row.1.role, row.1.hr), (Role::Member, true));
    let bad_role = admin
        .post(
            &format!("/app/settings/members/{}", mia.id.0),
            &[("csrf", &csrf), ("role", "owner")],
        )
        .await;
    assert_eq!(bad_role.status, 422);

    let mia_browser = app.browser();
    mia_browser
        .sign_in("mia@acme.example", crate::helpers::PASSWORD)
        .await;
    assert_eq!(mia_browser.get("/app/settings").await.status, 200);
    let removed = admin
        .post(
            &format!("/app/settings/members/{}/remove", mia.id.0),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(removed.status, 303);
    assert_eq!(app.store.members(app.acme.id).await.unwrap().len(), 1);
    assert_ne!(
        mia_browser.get("/app/settings").await.status,
        200,
        "a removed member's session ends"
    );
}

#[tokio::test]
async fn api_keys_are_shown_once_work_and_can_be_revoked() {
    let app = spawn_app().await;
    let admin = app
        .signed_in("boss@acme.example", &app.acme, Role::Admin)
        .await;
    let page = admin.get("/app/settings/api-keys").await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("No API keys yet"));
    let csrf = page.csrf();
    let made = admin
        .post(
            "/app/settings/api-keys",
            &[("csrf", &csrf), ("name", "ci"), ("scope", "read")],
        )
        .await;
    assert_eq!(made.status, 200);
    let key = made
        .input_value("new-key-value")
        .or_else(|| {
            let start = made.text.find("value=\"vk_")? + "value=\"".len();
            Some(made.text[start..start + 43].to_owned())
        })
        .expect("the key");
    assert!(key.starts_with("vk_"), "{key}");
    let listed = admin.get("/app/settings/api-keys").await;
    assert!(!listed.text.contains(&key), "shown only once");

    let client = reqwest::Client::new();
    let url = format!("{}/api/v1/surveys", app.base);
    let ok = client.get(&url).bearer_auth(&key).send().await.unwrap();
    assert_eq!(ok.status(), 200);
    let twice = admin
        .post(
            "/app/settings/api-keys",
            &[("csrf", &csrf), ("name", "ci"), ("scope", "read")],
        )
        .await;
    assert_eq!(twice.status, 409);

    let revoked = admin
        .post(
            "/app/settings/api-keys/revoke",
            &[("csrf", &csrf), ("name", "ci")],
        )
        .await;
    assert_eq!(revoked.status, 303);
    tokio::time::sleep(vouch_web::auth::KEY_CACHE_TTL).await;
    let refused = client.get(&url).bearer_auth(&key).send().await.unwrap();
    assert_eq!(refused.status(), 401);
}

#[tokio::test]
async fn writers_need_the_member_role_and_the_token() {
    let app = spawn_app().await;
    let survey = app.survey(&app.acme, "Customers", SurveyKind::Nps).await;
    let path = format!("/app/surveys/{}/settings", survey.id.0);
    let viewer = app
        .signed_in("v@acme.example", &app.acme, Role::Viewer)
        .await;
    let csrf = viewer.csrf().await;
    let refused = viewer
        .post(&path, &[("csrf", &csrf), ("name", "Renamed by a viewer")])
        .await;
    assert_eq!(refused.status, 403, "{}", refused.text);
    let member = app
        .signed_in("m@acme.example", &app.acme, Role::Member)
        .await;
    let forged = member
        .post(
            &path,
            &[("csrf", "forged"), ("name", "Renamed by a forger")],
        )
        .await;
    assert_eq!(forged.status, 403);
    let unchanged = app
        .store
        .survey(app.acme.id, survey.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(unchanged, survey, "nothing changed");
}

#[tokio::test]
async fn admins_set_the_brand_respondents_see() {
    let app = spawn_app().await;
    let admin = app
        .signed_in("boss@acme.example", &app.acme, Role::Admin)
        .await;
    let page = admin.get("/app/settings/brand").await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(
        page.text.contains("href=\"/app/settings/brand\""),
        "in the admins' nav"
    );
    let csrf = page.csrf();
    let refused = admin
        .post(
            "/app/settings/brand",
            &[
                ("csrf", &csrf),
                ("name", "Acme"),
                ("color", "blue"),
                ("logo_url", ""),
            ],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert!(refused.text.contains("#RRGGBB") && refused.text.contains("value=\"blue\""));
    let saved = admin
        .post(
            "/app/settings/brand",
            &[
                ("csrf", &csrf),
                ("name", " Acme Analytics "),
                ("color", "#1D4ED8"),
                ("logo_url", "https://acme.example/logo.svg"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.text);
    let workspace = app
        .store
        .workspace_by_id(app.acme.id)
        .await
        .expect("the store")
        .expect("the workspace");
    assert_eq!(workspace.brand_name(), Some("Acme Analytics"));
    assert_eq!(workspace.brand.color.as_deref(), Some("#1D4ED8"));
    let shown = admin.get("/app/settings/brand?saved=1").await;
    assert!(shown.text.contains("value=\"Acme Analytics\"") && shown.text.contains("Saved."));
    // Members may not see or change it.
    let member = app
        .signed_in("mia@acme.example", &app.acme, Role::Member)
        .await;
    assert_eq!(member.get("/app/settings/brand").await.status, 403);
    let csrf = member.csrf().await;
    let forbidden = member
        .post(
            "/app/settings/brand",
            &[("csrf", &csrf), ("name", "Sneaky")],
        )
        .await;
    assert_eq!(forbidden.status, 403);
}
