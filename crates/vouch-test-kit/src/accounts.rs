//! Users and keys arranged through the store, as the command line makes them.

use vouch_core::password::{SALT_BYTES, hash_password};
use vouch_store::{NewUser, Role, Store, User, Workspace};

/// The password every arranged user has.
pub const PASSWORD: &str = "correct horse battery";

/// The argon2id hash of [`PASSWORD`] (a fixed salt: tests need no secrecy, only speed).
pub fn password_hash() -> String {
    hash_password(PASSWORD, &[42; SALT_BYTES]).expect("a password hash")
}

/// A user with [`PASSWORD`] and the name "Name of EMAIL", member of `workspace` with `role`
/// and the HR permission when `hr`.
pub async fn user(
    store: &dyn Store,
    email: &str,
    workspace: &Workspace,
    role: Role,
    hr: bool,
) -> User {
    let user = store
        .create_user(NewUser {
            email: email.into(),
            name: format!("Name of {email}"),
            password_hash: password_hash(),
        })
        .await
        .expect("a user");
    store
        .set_membership(workspace.id, user.id, role, hr)
        .await
        .expect("a membership");
    user
}

/// A new API key of `workspace` with `scope`, created through the store as
/// `vouch keys create` does; returns the secret.
#[cfg(feature = "server")]
pub async fn api_key(
    store: &dyn Store,
    workspace: &Workspace,
    name: &str,
    scope: vouch_store::KeyScope,
) -> String {
    let (secret, prefix) = vouch_web::auth::generate_api_key();
    store
        .create_api_key(
            workspace.id,
            vouch_store::NewApiKey {
                name: name.into(),
                scope,
                prefix,
                secret_hash: vouch_web::auth::hash_api_key(&secret),
            },
        )
        .await
        .expect("an API key");
    secret
}
