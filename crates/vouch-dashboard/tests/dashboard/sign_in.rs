//! Signing in and out, sessions, lockout, the workspace switch.

use std::time::Instant;

use vouch_store::Role;

use crate::helpers::{PASSWORD, spawn_app};

const WRONG: &str = "Wrong email or password.";

#[tokio::test]
async fn signing_in_starts_a_session_and_failures_read_the_same() {
    let app = spawn_app().await;
    app.user("mia@acme.example", &app.acme, Role::Member, false)
        .await;
    let browser = app.browser();

    let form = browser.get("/login").await;
    assert_eq!(form.status, 200);
    assert!(form.text.contains(r#"name="password""#));
    assert_eq!(form.header("cache-control"), "no-store");

    // Warm up the dummy hash so that timings compare like with like.
    browser.sign_in("nobody@acme.example", "x").await;
    let started = Instant::now();
    let wrong_password = browser
        .sign_in("mia@acme.example", "not the password")
        .await;
    let known_took = started.elapsed();
    let started = Instant::now();
    let unknown_user = browser.sign_in("nobody@acme.example", PASSWORD).await;
    let unknown_took = started.elapsed();
    for reply in [&wrong_password, &unknown_user] {
        assert_eq!(reply.status, 401);
        assert!(reply.text.contains(WRONG), "{}", reply.text);
        assert!(reply.header("set-cookie").is_empty());
    }
    assert_eq!(
        wrong_password.text.replace("mia@acme.example", "E"),
        unknown_user.text.replace("nobody@acme.example", "E"),
        "the same page either way"
    );
    // An unknown email is verified against a dummy hash: comparable time, not an instant answer.
    assert!(
        unknown_took * 4 >= known_took && known_took * 4 >= unknown_took,
        "known {known_took:?} vs unknown {unknown_took:?}"
    );

    let signed = browser.sign_in(" MIA@acme.example ", PASSWORD).await;
    assert_eq!(signed.status, 303, "{}", signed.text);
    assert_eq!(signed.location(), "/app");
    let cookie = signed.header("set-cookie");
    assert!(cookie.starts_with("vouch_session="), "{cookie}");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    assert!(!cookie.contains("Secure"), "http public URL: {cookie}");
    let account = browser.get("/app/settings").await;
    assert_eq!(account.status, 200, "{}", account.text);
    assert!(account.text.contains("Name of mia@acme.example"));
    assert!(account.text.contains(r#"href="/assets/dashboard.css?v="#));
    assert!(
        account
            .text
            .contains(r##"<a class="skip-link" href="#main">"##)
    );
    assert!(account.text.contains(r#"aria-current="page">Settings"#));
    assert!(
        !account.text.contains("API keys"),
        "members see no admin nav"
    );
    assert!(
        account
            .header("content-security-policy")
            .contains("default-src 'none'"),
        "strict CSP"
    );
}

#[tokio::test]
async fn pages_ask_to_sign_in_and_come_back() {
    let app = spawn_app().await;
    app.user("mia@acme.example", &app.acme, Role::Member, false)
        .await;
    let browser = app.browser();
    let page = browser.get("/app/settings?tab=1").await;
    assert_eq!(page.status, 303);
    assert_eq!(page.location(), "/login?next=%2Fapp%2Fsettings%3Ftab%3D1");
    let form = browser.get(page.location()).await;
    assert_eq!(
        form.input_value("next").as_deref(),
        Some("/app/settings?tab=1")
    );
    let signed = browser
        .post(
            "/login",
            &[
                ("email", "mia@acme.example"),
                ("password", PASSWORD),
                ("next", "/app/settings?tab=1"),
            ],
        )
        .await;
    assert_eq!(signed.location(), "/app/settings?tab=1");
    // Never to another site.
    let other = app.browser();
    let signed = other
        .post(
            "/login",
            &[
                ("email", "mia@acme.example"),
                ("password", PASSWORD),
                ("next", "//evil.example/x"),
            ],
        )
        .await;
    assert_eq!(signed.location(), "/app");
    // Other methods without a session: 403, not a redirect.
    let post = app
        .browser()
        .post("/app/settings/api-keys", &[("name", "x")])
        .await;
    assert_eq!(post.status, 403);
    // `/` leads to the dashboard.
    assert_eq!(app.browser().get("/").await.location(), "/app");
    assert_eq!(app.browser().get("/app").await.status, 303);
}

#[tokio::test]
async fn five_failures_lock_sign_in_for_that_account_and_address() {
    let app = spawn_app().await;
    app.user("mia@acme.example", &app.acme, Role::Member, false)
        .await;
    app.user("leo@acme.example", &app.acme, Role::Member, false)
        .await;
    let browser = app.browser();
    for attempt in 1..=5 {
        let reply = browser.sign_in("mia@acme.example", "guess number x").await;
        assert_eq!(reply.status, 401, "attempt {attempt}");
        assert!(reply.text.contains(WRONG));
    }
    let locked = browser.sign_in("mia@acme.example", PASSWORD).await;
    assert_eq!(locked.status, 429, "{}", locked.text);
    assert!(locked.text.contains("Too many failed sign-ins"));
    assert!(
        locked.header("set-cookie").is_empty(),
        "no session while locked"
    );
    // Another account from the same address is not locked.
    let other = browser.sign_in("leo@acme.example", PASSWORD).await;
    assert_eq!(other.status, 303);
}

#[tokio::test]
async fn signing_out_ends_the_session_on_the_server() {
    let app = spawn_app().await;
    let browser = app
        .signed_in("mia@acme.example", &app.acme, Role::Member)
        .await;
    let account = browser.get("/app/settings").await;
    assert_eq!(account.status, 200);
    let csrf = account.csrf();
    assert!(account.text.contains(r#"action="/logout""#));

    // A forged sign-out does nothing.
    let forged = browser.post("/logout", &[("csrf", "forged")]).await;
    assert_eq!(forged.status, 403);
    assert_eq!(browser.get("/app/settings").await.status, 200);

    let out = browser.post("/logout", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, 303);
    assert_eq!(out.location(), "/login?done=logout");
    assert!(out.header("set-cookie").contains("Max-Age=0"));
    let after = browser.get("/app/settings").await;
    assert_eq!(after.status, 303);
    assert!(after.location().starts_with("/login?next="));
}

#[tokio::test]
async fn a_stolen_cookie_stops_working_after_sign_out() {
    let app = spawn_app().await;
    app.user("mia@acme.example", &app.acme, Role::Member, false)
        .await;
    let browser = app.browser();
    let signed = browser.sign_in("mia@acme.example", PASSWORD).await;
    let cookie = signed
        .header("set-cookie")
        .split(';')
        .next()
        .expect("a cookie")
        .to_owned();
    let thief = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client");
    let url = format!("{}/app/settings", app.base);
    let stolen = thief
        .get(&url)
        .header("cookie", &cookie)
        .send()
        .await
        .expect("an answer");
    assert_eq!(stolen.status(), 200);
    let csrf = browser.csrf().await;
    browser.post("/logout", &[("csrf", &csrf)]).await;
    let stolen = thief
        .get(&url)
        .header("cookie", &cookie)
        .send()
        .await
        .expect("an answer");
    assert_eq!(stolen.status(), 303, "the session is gone from the store");
}

#[tokio::test]
async fn members_switch_only_to_their_own_workspaces() {
    let app = spawn_app().await;
    let user = app
        .user("mia@acme.example", &app.acme, Role::Member, false)
        .await;
    app.store
        .set_membership(app.globex.id, user.id, Role::Viewer, false)
        .await
        .expect("a second membership");
    let third = app.store.workspace("initech").await.expect("workspace C");
    let browser = app.browser();
    browser.sign_in("mia@acme.example", PASSWORD).await;
    let page = browser.get("/app/settings").await;
    assert!(
        page.text.contains(r#"action="/app/workspace""#),
        "a switcher"
    );
    assert!(page.text.contains(r#"<option value="globex""#));
    let csrf = page.csrf();

    let refused = browser
        .post(
            "/app/workspace",
            &[("csrf", &csrf), ("workspace", &third.slug)],
        )
        .await;
    assert_eq!(refused.status, 403);
    let switched = browser
        .post(
            "/app/workspace",
            &[("csrf", &csrf), ("workspace", "globex")],
        )
        .await;
    assert_eq!(switched.status, 303);
    let page = browser.get("/app/settings").await;
    assert!(page.text.contains("Role in globex"), "{}", page.text);
    assert!(page.text.contains("viewer"));
}
