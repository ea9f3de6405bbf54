//! `vouch contacts delete`: GDPR erasure.

use crate::outln;
use vouch_store::{ContactKey, Store, Workspace};

use crate::bad_input;

/// Erases one contact and every response it gave.
pub async fn delete(
    store: &dyn Store,
    workspace: &Workspace,
    external_id: Option<String>,
    email: Option<String>,
) -> anyhow::Result<()> {
    let key = ContactKey {
        external_id,
        email: email.as_deref().map(vouch_core::email::normalise),
    };
    let Some(contact) = store.contact(workspace.id, &key).await? else {
        bad_input!("no such contact in workspace {:?}", workspace.slug);
    };
    let erased = store.delete_contact(workspace.id, contact.id).await?;
    outln!("erased the contact and its {erased} response(s)");
    Ok(())
}
