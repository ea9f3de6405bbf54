//! `vouch users create|list`: dashboard accounts of the workspace.

use std::io::BufRead;

use vouch_core::limits::MAX_USER_NAME_CHARS;
use vouch_core::password::{SALT_BYTES, check_password, hash_password};
use vouch_core::{Email, UserName};
use vouch_store::{NewUser, Role, Store, StoreError, Workspace};

use crate::cli::UsersCommand;
use crate::{bad_input, outln, table};

/// Runs a `vouch users` command.
pub async fn users(
    store: &dyn Store,
    workspace: &Workspace,
    command: &UsersCommand,
) -> anyhow::Result<()> {
    match command {
        UsersCommand::Create {
            email,
            name,
            admin,
            hr,
            password_stdin,
        } => {
            let password = if *password_stdin {
                Some(read_password()?)
            } else {
                None
            };
            let role = if *admin { Role::Admin } else { Role::Member };
            create(store, workspace, email, name, role, *hr, password).await
        }
        UsersCommand::List { json } => list(store, workspace, *json).await,
    }
}

/// The first line of standard input, without its line ending.
fn read_password() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}

/// Creates a user and makes them a member of the workspace; prints the password when it was
/// generated, alone on the last line.
pub async fn create(
    store: &dyn Store,
    workspace: &Workspace,
    email: &str,
    name: &str,
    role: Role,
    hr: bool,
    password: Option<String>,
) -> anyhow::Result<()> {
    let email = match Email::parse(email) {
        Ok(email) => email.into_string(),
        Err(error) => bad_input!("--email: {error}"),
    };
    let Ok(name) = UserName::parse(name) else {
        bad_input!("--name: 1 to {MAX_USER_NAME_CHARS} characters");
    };
    let generated = password.is_none();
    let password = password.unwrap_or_else(generate_password);
    if let Err(problem) = check_password(&password) {
        bad_input!("--password-stdin: {problem}");
    }
    let password_hash = hash_new_password(&password).await?;
    let user = match store
        .create_user(NewUser {
            email: email.clone(),
            name: name.into_string(),
            password_hash,
        })
        .await
    {
        Ok(user) => user,
        Err(StoreError::Conflict(_)) => bad_input!("--email: a user with {email:?} exists"),
        Err(error) => return Err(error.into()),
    };
    store
        .set_membership(workspace.id, user.id, role, hr)
        .await?;
    outln!(
        "created user {} ({}{}) in workspace {:?}",
        user.email,
        role.as_str(),
        if hr { ", HR" } else { "" },
        workspace.slug
    );
    if generated {
        outln!("password (shown only now):");
        outln!("{password}");
    }
    Ok(())
}

/// A new random password for people who did not choose one (`vouch users create`,
/// `vouch demo`): 20 letters and digits.
pub fn generate_password() -> String {
    use rand::distr::{Alphanumeric, SampleString};
    Alphanumeric.sample_string(&mut rand::rng(), 20)
}

/// Hashes a new password with a fresh random salt, on the blocking pool (argon2 takes tens of
/// milliseconds of CPU).
pub async fn hash_new_password(password: &str) -> anyhow::Result<String> {
    let salt: [u8; SALT_BYTES] = rand::random();
    let password = password.to_owned();
    Ok(tokio::task::spawn_blocking(move || hash_password(&password, &salt)).await??)
}

async fn list(store: &dyn Store, workspace: &Workspace, json: bool) -> anyhow::Result<()> {
    let members = store.members(workspace.id).await?;
    if json {
        let items: Vec<serde_json::Value> = members
            .iter()
            .map(|(user, membership)| {
                serde_json::json!({
                    "id": user.id.0, "email": user.email, "name": user.name,
                    "role": membership.role.as_str(), "hr": membership.hr,
                    "member_since": membership.created_at.to_string(),
                })
            })
            .collect();
        outln!("{}", serde_json::to_string_pretty(&items)?);
        return Ok(());
    }
    let rows: Vec<Vec<String>> = members
        .iter()
        .map(|(user, membership)| {
            vec![
                user.email.clone(),
                user.name.clone(),
                membership.role.as_str().to_owned(),
                if membership.hr { "yes" } else { "no" }.to_owned(),
                membership.created_at.strftime("%Y-%m-%d").to_string(),
            ]
        })
        .collect();
    let header = ["email", "name", "role", "hr", "since"];
    crate::out!("{}", table::render(&header, &rows, &[false; 5]));
    Ok(())
}
