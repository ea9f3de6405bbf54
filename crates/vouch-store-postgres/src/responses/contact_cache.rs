//! The contacts an import has met, resolved a batch at a time.
//!
//! Matching rules (the same as the SQLite backend's):
//! - A key with an external id matches the contact with that external id. If that contact has
//!   no email yet and the key gives one that no other contact has, the email is filled in.
//! - Otherwise, a key with an email matches the contact with that email, provided that contact
//!   has no external id of its own (it is then given the key's external id).
//! - Otherwise a new contact is created with both keys given (the email only when no other
//!   contact has it, since emails are unique in a workspace).
//!
//! A batch costs at most one lookup of the keys the import has not met yet, one insert of the
//! new contacts and, rarely, one update of keys filled in; the rules then run in memory, row by
//! row, so their outcome is the one a row-at-a-time import would have. The contacts' latest
//! attributes are written once, at commit.

use std::collections::{HashMap, HashSet};

use tokio_postgres::Client;
use vouch_store::StoreResult;

use crate::error::{PgContext, other};

/// How many contacts one attribute update sends.
const UPDATE_CHUNK: usize = 10_000;

/// Who answered one response: at least one key is set, and none is empty.
#[derive(Clone, Copy)]
pub(crate) struct RowKey<'a> {
    pub(crate) external_id: Option<&'a str>,
    pub(crate) email: Option<&'a str>,
}

/// A contact as the import knows it.
struct Entry {
    /// Zero until a contact created in this batch is inserted.
    id: i64,
    has_external_id: bool,
    /// True once the contact has an email or it is known that none can be filled in.
    email_settled: bool,
    /// The latest attributes given, as JSON.
    attributes: String,
    /// True when `attributes` differs from what the database holds.
    stale: bool,
    /// The keys to write: for a new contact, all of them; for a stored one, those filled in.
    keys_to_write: Option<Keys>,
}

#[derive(Default)]
struct Keys {
    external_id: Option<String>,
    email: Option<String>,
}

/// Contacts by external id and by email, for one workspace, within one import transaction.
pub(crate) struct ContactCache {
    workspace: i64,
    now: i64,
    entries: Vec<Entry>,
    by_external_id: HashMap<String, usize>,
    by_email: HashMap<String, usize>,
    /// Entries whose keys must be written before the batch's responses.
    dirty: Vec<usize>,
    created: u64,
    /// True when every contact of the workspace is in the cache, so that a key the cache does
    /// not know is new and needs no lookup.
    complete: bool,
}

impl ContactCache {
    /// An empty cache; `now` stamps the contacts it creates or changes.
    pub(crate) fn new(workspace: i64, now: i64) -> ContactCache {
        ContactCache {
            workspace,
            now,
            entries: Vec::new(),
            by_external_id: HashMap::new(),
            by_email: HashMap::new(),
            dirty: Vec::new(),
            created: 0,
            complete: false,
        }
    }

    /// Declares that the workspace had no contacts when the import began: every contact the
    /// import meets then goes through this cache, and lookups are skipped. A contact that a
    /// concurrent import commits meanwhile makes this import fail with a conflict on insert,
    /// as it would have with lookups, since neither can see the other's uncommitted rows.
    pub(crate) fn start_empty(&mut self) {
        self.complete = self.entries.is_empty();
    }

    /// How many contacts this import created.
    pub(crate) fn created(&self) -> u64 {
        self.created
    }

    /// The contact id of each row, creating contacts as needed; `attributes[i]` (JSON) become
    /// the latest attributes of row `i`'s contact.
    pub(crate) async fn resolve(
        &mut self,
        client: &Client,
        keys: &[RowKey<'_>],
        attributes: &[&str],
    ) -> StoreResult<Vec<i64>> {
        self.look_up_unknown(client, keys).await?;
        let entries: Vec<usize> = keys
            .iter()
            .zip(attributes)
            .map(|(key, attributes)| {
                let index = self.resolve_in_memory(*key, attributes);
                let entry = &mut self.entries[index];
                if entry.attributes != *attributes {
                    (*attributes).clone_into(&mut entry.attributes);
                    entry.stale = true;
                }
                index
            })
            .collect();
        self.write_keys(client).await?;
        Ok(entries
            .iter()
            .map(|&index| self.entries[index].id)
            .collect())
    }

    /// Loads the stored contacts that keys not met yet may name.
    async fn look_up_unknown(&mut self, client: &Client, keys: &[RowKey<'_>]) -> StoreResult<()> {
        if self.complete {
            return Ok(());
        }
        let mut external_ids = HashSet::new();
        let mut emails = HashSet::new();
        for key in keys {
            let wants_email = match key.external_id {
                Some(external_id) => match self.by_external_id.get(external_id) {
                    Some(&index) => !self.entries[index].email_settled,
                    None => {
                        external_ids.insert(external_id);
                        true
                    }
                },
                None => true,
            };
            if let Some(email) = key.email
                && wants_email
                && !self.by_email.contains_key(email)
            {
                emails.insert(email);
            }
        }
        if external_ids.is_empty() && emails.is_empty() {
            return Ok(());
        }
        let external_ids: Vec<&str> = external_ids.into_iter().collect();
        let emails: Vec<&str> = emails.into_iter().collect();
        let rows = client
            .query(
                "SELECT id, external_id, email, attributes FROM contacts
                 WHERE workspace_id = $1 AND (external_id = ANY($2) OR email = ANY($3))",
                &[&self.workspace, &external_ids, &emails],
            )
            .await
            .pg_context("failed to look contacts up")?;
        for row in rows {
            let external_id: Option<String> =
                row.try_get(1).pg_context("failed to read a contact")?;
            let email: Option<String> = row.try_get(2).pg_context("failed to read a contact")?;
            let known = external_id
                .as_ref()
                .is_some_and(|key| self.by_external_id.contains_key(key))
                || email
                    .as_ref()
                    .is_some_and(|key| self.by_email.contains_key(key));
            if known {
                continue;
            }
            let index = self.entries.len();
            self.entries.push(Entry {
                id: row.try_get(0).pg_context("failed to read a contact")?,
                has_external_id: external_id.is_some(),
                email_settled: email.is_some(),
                attributes: row.try_get(3).pg_context("failed to read a contact")?,
                stale: false,
                keys_to_write: None,
            });
            if let Some(external_id) = external_id {
                self.by_external_id.insert(external_id, index);
            }
            if let Some(email) = email {
                self.by_email.insert(email, index);
            }
        }
        Ok(())
    }

    /// Applies the matching rules to one key, against contacts already loaded.
    fn resolve_in_memory(&mut self, key: RowKey<'_>, attributes: &str) -> usize {
        match (key.external_id, key.email) {
            (Some(external_id), email) => match self.by_external_id.get(external_id) {
                Some(&index) => {
                    self.settle_email(index, email);
                    index
                }
                None => match email.map(|email| (email, self.by_email.get(email).copied())) {
                    Some((_, Some(index))) if !self.entries[index].has_external_id => {
                        self.adopt_external_id(index, external_id);
                        index
                    }
                    // The email belongs to someone with another external id: a new contact
                    // without it.
                    Some((_, Some(_))) | None => self.create(Some(external_id), None, attributes),
                    Some((email, None)) => self.create(Some(external_id), Some(email), attributes),
                },
            },
            (None, Some(email)) => match self.by_email.get(email) {
                Some(&index) => index,
                None => self.create(None, Some(email), attributes),
            },
            // Callers check that a key is set; an empty key matches nobody.
            (None, None) => self.create(None, None, attributes),
        }
    }

    fn create(
        &mut self,
        external_id: Option<&str>,
        email: Option<&str>,
        attributes: &str,
    ) -> usize {
        let index = self.entries.len();
        self.entries.push(Entry {
            id: 0,
            has_external_id: external_id.is_some(),
            // A contact created without an email may get one from a later row; one created
            // beside an email that was taken will not.
            email_settled: email.is_some() || external_id.is_none(),
            attributes: attributes.to_owned(),
            stale: false,
            keys_to_write: Some(Keys {
                external_id: external_id.map(str::to_owned),
                email: email.map(str::to_owned),
            }),
        });
        self.dirty.push(index);
        if let Some(external_id) = external_id {
            self.by_external_id.insert(external_id.to_owned(), index);
        }
        if let Some(email) = email {
            self.by_email.insert(email.to_owned(), index);
        }
        index
    }

    /// Fills in the email of a contact that has none, unless another contact has it.
    fn settle_email(&mut self, index: usize, email: Option<&str>) {
        let Some(email) = email else { return };
        if self.entries[index].email_settled {
            return;
        }
        self.entries[index].email_settled = true;
        if self.by_email.contains_key(email) {
            return;
        }
        self.keys_of(index).email = Some(email.to_owned());
        self.by_email.insert(email.to_owned(), index);
    }

    /// Gives a contact known only by email the external id a response named it by.
    fn adopt_external_id(&mut self, index: usize, external_id: &str) {
        self.entries[index].has_external_id = true;
        self.keys_of(index).external_id = Some(external_id.to_owned());
        self.by_external_id.insert(external_id.to_owned(), index);
    }

    /// The keys to write for an entry, marking it dirty.
    fn keys_of(&mut self, index: usize) -> &mut Keys {
        let entry = &mut self.entries[index];
        if entry.keys_to_write.is_none() {
            self.dirty.push(index);
        }
        entry.keys_to_write.get_or_insert_with(Keys::default)
    }

    /// Inserts the contacts created in this batch and writes keys filled in.
    async fn write_keys(&mut self, client: &Client) -> StoreResult<()> {
        let dirty = std::mem::take(&mut self.dirty);
        let (new, filled): (Vec<usize>, Vec<usize>) = dirty
            .into_iter()
            .partition(|&index| self.entries[index].id == 0);
        if !filled.is_empty() {
            let ids: Vec<i64> = filled.iter().map(|&index| self.entries[index].id).collect();
            let (external_ids, emails) = self.take_keys(&filled);
            client
                .execute(
                    "UPDATE contacts AS c
                     SET external_id = coalesce(u.external_id, c.external_id),
                         email = coalesce(u.email, c.email),
                         updated_at = $2
                     FROM unnest($3::bigint[], $4::text[], $5::text[]) AS u (id, external_id, email)
                     WHERE c.id = u.id AND c.workspace_id = $1",
                    &[&self.workspace, &self.now, &ids, &external_ids, &emails],
                )
                .await
                .pg_context("failed to fill in contact keys")?;
        }
        if new.is_empty() {
            return Ok(());
        }
        let (external_ids, emails) = self.take_keys(&new);
        let attributes: Vec<&str> = new
            .iter()
            .map(|&index| self.entries[index].attributes.as_str())
            .collect();
        let rows = client
            .query(
                "INSERT INTO contacts (workspace_id, external_id, email, attributes, created_at, updated_at)
                 SELECT $1, u.external_id, u.email, u.attributes, $2, $2
                 FROM unnest($3::text[], $4::text[], $5::text[]) AS u (external_id, email, attributes)
                 RETURNING id, external_id, email",
                &[&self.workspace, &self.now, &external_ids, &emails, &attributes],
            )
            .await
            .pg_context("failed to create contacts")?;
        for row in rows {
            let id: i64 = row.try_get(0).pg_context("failed to create contacts")?;
            let external_id: Option<&str> =
                row.try_get(1).pg_context("failed to create contacts")?;
            let email: Option<&str> = row.try_get(2).pg_context("failed to create contacts")?;
            let index = match (external_id, email) {
                (Some(external_id), _) => self.by_external_id.get(external_id),
                (None, Some(email)) => self.by_email.get(email),
                (None, None) => None,
            };
            if let Some(&index) = index {
                self.entries[index].id = id;
                self.entries[index].stale = false;
            }
        }
        if new.iter().any(|&index| self.entries[index].id == 0) {
            return Err(other(
                "a contact created by the import could not be read back",
            ));
        }
        self.created += new.len() as u64;
        Ok(())
    }

    /// The keys to write of these entries, as two columns, leaving none to write.
    fn take_keys(&mut self, indexes: &[usize]) -> (Vec<Option<String>>, Vec<Option<String>>) {
        indexes
            .iter()
            .map(|&index| {
                let keys = self.entries[index].keys_to_write.take().unwrap_or_default();
                (keys.external_id, keys.email)
            })
            .unzip()
    }

    /// Writes the latest attributes of every contact whose attributes changed.
    pub(crate) async fn flush(&mut self, client: &Client) -> StoreResult<()> {
        let stale: Vec<usize> = (0..self.entries.len())
            .filter(|&index| self.entries[index].stale)
            .collect();
        for chunk in stale.chunks(UPDATE_CHUNK) {
            let ids: Vec<i64> = chunk.iter().map(|&index| self.entries[index].id).collect();
            let attributes: Vec<&str> = chunk
                .iter()
                .map(|&index| self.entries[index].attributes.as_str())
                .collect();
            client
                .execute(
                    "UPDATE contacts AS c SET attributes = u.attributes, updated_at = $1
                     FROM unnest($2::bigint[], $3::text[]) AS u (id, attributes)
                     WHERE c.id = u.id",
                    &[&self.now, &ids, &attributes],
                )
                .await
                .pg_context("failed to update contacts' attributes")?;
        }
        for &index in &stale {
            self.entries[index].stale = false;
        }
        Ok(())
    }
}
