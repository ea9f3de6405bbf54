//! `vouch users create|list`: dashboard accounts of the workspace.

use std::io::BufRead;

use vouch_dashboard::auth_pages::{
    generate_password, hash_password, normalize_email, normalize_name, password_problem,
};
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
    let Some(email) = normalize_email(email) else {
        bad_input!("--email: {email:?} is not an email address");
    };
    let Some(name) = normalize_name(name) else {
        bad_input!("--name: 1 to 100 characters");
    };
    let generated = password.is_none();
    let password = password.unwrap_or_else(generate_password);
    if let Some(problem) = password_problem(&password) {
        bad_input!("--password-stdin: {problem}");
    }
    let hashing = password.clone();
    let password_hash = tokio::task::spawn_blocking(move || hash_password(&hashing)).await??;
    let user = match store
        .create_user(NewUser {
            email: email.clone(),
            name,
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
