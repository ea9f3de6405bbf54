//! The contacts an import has met, so that a contact seen again costs a hash lookup.
//!
//! Matching rules, shared with [`crate::responses::response::contact`]:
//! - A key with an external id matches the contact with that external id. If that contact has
//!   no email yet and the key gives one that no other contact has, the email is filled in.
//! - Otherwise, a key with an email matches the contact with that email, provided that contact
//!   has no external id of its own (it is then given the key's external id).
//! - Otherwise a new contact is created with both keys given (the email only when no other
//!   contact has it, since emails are unique in a workspace).
//!
//! The cache runs beside the writer, not in it: it works out what each batch changes in
//! contacts ([`ContactChanges`]) and gives every row its contact id, and the writer only
//! writes. It reads contacts it has not met through a connection of its own. That connection
//! sees the database as it was when the import began, since the import holds the write lock
//! until it ends, and whatever the import itself changed is in the cache.
//!
//! New contacts of a batch are sorted by key and numbered in that order: their rows are then
//! appended to the table and their keys go into the unique index one after the other instead
//! of at random places, which makes creating a contact several times cheaper. No one else can
//! take an id while the import holds the write lock.

use std::collections::HashMap;

use std::path::Path;

use rusqlite::Connection;
use vouch_store::StoreResult;

use crate::connection::{POOLED_CACHE_KIB, open_connection};
use crate::error::other;
use crate::responses::contact_rows::{self, ContactChanges, Found, Key, NewContact};
use crate::responses::writer::Row;

/// Database lookups an import makes before it loads every contact of the workspace at once:
/// small imports look up the few contacts they name, big ones load them all in one query.
const LOOKUPS_BEFORE_PRELOAD: u32 = 10_000;

/// Workspaces with more contacts than this are never loaded whole, to bound memory.
const MAX_PRELOADED_CONTACTS: i64 = 1_000_000;

/// A contact as the import knows it.
struct Entry {
    /// Its id; 0 while it is new and not numbered yet.
    id: i64,
    /// Its place in `pending` while it is new and not numbered yet.
    pending: Option<usize>,
    has_external_id: bool,
    /// True once the contact has an email or it is known that none can be filled in.
    email_settled: bool,
    /// The latest attributes given, as JSON.
    attributes: String,
    /// True when `attributes` differs from what the database holds.
    stale: bool,
}

/// A new contact waiting to be inserted.
struct Pending {
    index: usize,
    external_id: Option<String>,
    email: Option<String>,
}

/// The order new contacts are numbered and inserted in.
fn pending_key(pending: &Pending) -> (Option<&str>, Option<&str>) {
    (pending.external_id.as_deref(), pending.email.as_deref())
}

/// Contacts by external id and by email, for one workspace, within one import transaction.
pub(crate) struct ContactCache {
    reader: Connection,
    workspace: i64,
    entries: Vec<Entry>,
    by_external_id: HashMap<String, usize>,
    by_email: HashMap<String, usize>,
    created: u64,
    /// True when every contact of the workspace is in the cache, so a miss needs no lookup.
    complete: bool,
    lookups: u32,
    /// The largest contact id given so far.
    last_id: i64,
    pending: Vec<Pending>,
    changes: ContactChanges,
}

impl ContactCache {
    /// An empty cache for the workspace of an import that has begun, reading the database
    /// at `path`. The cache of a workspace without contacts starts complete.
    pub(crate) fn open(path: &Path, workspace: i64) -> StoreResult<ContactCache> {
        let reader = open_connection(path, POOLED_CACHE_KIB)?;
        Ok(ContactCache {
            workspace,
            entries: Vec::new(),
            by_external_id: HashMap::new(),
            by_email: HashMap::new(),
            created: 0,
            complete: !contact_rows::any(&reader, workspace)?,
            lookups: 0,
            last_id: contact_rows::last_id(&reader)?,
            pending: Vec::new(),
            changes: ContactChanges::default(),
            reader,
        })
    }

    /// How many contacts this import created.
    pub(crate) fn created(&self) -> u64 {
        self.created
    }

    /// Gives each row its contact id, creating and updating contacts as needed, and returns
    /// what the writer must write for it. After an error the cache must not be used again.
    pub(crate) fn resolve_batch(&mut self, rows: &mut [Row]) -> StoreResult<ContactChanges> {
        let mut handles = Vec::with_capacity(rows.len());
        for row in rows.iter() {
            handles.push(self.resolve(
                row.external_id.as_deref(),
                row.email.as_deref(),
                &row.attributes,
            )?);
        }
        let mut changes = std::mem::take(&mut self.changes);
        changes.created = self.number_pending();
        for (row, handle) in rows.iter_mut().zip(handles) {
            row.contact = self.entries[handle].id;
        }
        Ok(changes)
    }

    /// The latest attributes of every contact whose attributes changed since they were
    /// written, as (id, attributes).
    pub(crate) fn stale_attributes(&mut self) -> Vec<(i64, String)> {
        self.entries
            .iter_mut()
            .filter(|entry| entry.stale)
            .map(|entry| {
                entry.stale = false;
                (entry.id, entry.attributes.clone())
            })
            .collect()
    }

    /// The contact a key names, created if needed, as an index into `entries`; `attributes`
    /// become the contact's latest ones.
    fn resolve(
        &mut self,
        external_id: Option<&str>,
        email: Option<&str>,
        attributes: &str,
    ) -> StoreResult<usize> {
        let index = match (external_id, email) {
            (Some(external_id), _) => match self.by_external_id.get(external_id) {
                Some(&index) => {
                    self.settle_email(index, email)?;
                    index
                }
                None => self.by_external_id_miss(external_id, email, attributes)?,
            },
            (None, Some(email)) => match self.by_email.get(email) {
                Some(&index) => index,
                None => self.by_email_miss(email, attributes)?,
            },
            (None, None) => {
                return Err(other(
                    "a response names neither an external id nor an email",
                ));
            }
        };
        let entry = &mut self.entries[index];
        if entry.attributes != attributes {
            attributes.clone_into(&mut entry.attributes);
            entry.stale = true;
        }
        Ok(index)
    }

    /// Numbers the new contacts of the batch in key order; they go out with the latest
    /// attributes given.
    fn number_pending(&mut self) -> Vec<NewContact> {
        let mut pending = std::mem::take(&mut self.pending);
        pending.sort_unstable_by(|left, right| pending_key(left).cmp(&pending_key(right)));
        pending
            .into_iter()
            .map(|new| {
                self.last_id += 1;
                let entry = &mut self.entries[new.index];
                entry.id = self.last_id;
                entry.pending = None;
                entry.stale = false;
                NewContact {
                    id: entry.id,
                    external_id: new.external_id,
                    email: new.email,
                    attributes: entry.attributes.clone(),
                }
            })
            .collect()
    }

    fn by_external_id_miss(
        &mut self,
        external_id: &str,
        email: Option<&str>,
        attributes: &str,
    ) -> StoreResult<usize> {
        if let Some(index) = self.find(Key::ExternalId, external_id)? {
            self.settle_email(index, email)?;
            return Ok(index);
        }
        let Some(email) = email else {
            return Ok(self.create(Some(external_id), None, attributes));
        };
        let by_email = match self.by_email.get(email) {
            Some(&index) => Some(index),
            None => self.find(Key::Email, email)?,
        };
        match by_email {
            Some(index) if !self.entries[index].has_external_id => {
                match self.entries[index].pending {
                    Some(pending) => {
                        self.pending[pending].external_id = Some(external_id.to_owned())
                    }
                    None => {
                        let id = self.entries[index].id;
                        self.changes.external_ids.push((id, external_id.to_owned()));
                    }
                }
                self.entries[index].has_external_id = true;
                self.by_external_id.insert(external_id.to_owned(), index);
                Ok(index)
            }
            // The email belongs to someone with another external id: a new contact without it.
            Some(_) => Ok(self.create(Some(external_id), None, attributes)),
            None => Ok(self.create(Some(external_id), Some(email), attributes)),
        }
    }

    fn by_email_miss(&mut self, email: &str, attributes: &str) -> StoreResult<usize> {
        match self.find(Key::Email, email)? {
            Some(index) => Ok(index),
            None => Ok(self.create(None, Some(email), attributes)),
        }
    }

    /// The cached contact whose `key` is `value`, after reading it from the database if the
    /// cache is not complete. Callers have already missed the cache.
    fn find(&mut self, key: Key, value: &str) -> StoreResult<Option<usize>> {
        if !self.complete {
            self.lookups += 1;
            if self.lookups == LOOKUPS_BEFORE_PRELOAD {
                self.preload()?;
            }
        }
        if self.complete {
            let cached = match key {
                Key::ExternalId => self.by_external_id.get(value),
                Key::Email => self.by_email.get(value),
            };
            return Ok(cached.copied());
        }
        // A contact the cache knows is registered under each of its keys, so one found here is
        // not in the cache yet.
        let found = contact_rows::find(&self.reader, self.workspace, key, value)?;
        Ok(found.map(|found| self.remember(found)))
    }

    /// Loads every contact of the workspace the cache does not know yet, unless there are too
    /// many; the cache is then complete.
    fn preload(&mut self) -> StoreResult<()> {
        if contact_rows::count(&self.reader, self.workspace)? > MAX_PRELOADED_CONTACTS {
            return Ok(());
        }
        for contact in contact_rows::all(&self.reader, self.workspace)? {
            let known = contact
                .external_id
                .as_ref()
                .is_some_and(|external_id| self.by_external_id.contains_key(external_id))
                || contact
                    .email
                    .as_ref()
                    .is_some_and(|email| self.by_email.contains_key(email));
            if !known {
                self.remember(contact);
            }
        }
        self.complete = true;
        Ok(())
    }

    fn remember(&mut self, found: Found) -> usize {
        let index = self.entries.len();
        self.entries.push(Entry {
            id: found.id,
            pending: None,
            has_external_id: found.external_id.is_some(),
            email_settled: found.email.is_some(),
            attributes: found.attributes,
            stale: false,
        });
        if let Some(external_id) = found.external_id {
            self.by_external_id.insert(external_id, index);
        }
        if let Some(email) = found.email {
            self.by_email.insert(email, index);
        }
        index
    }

    /// A new contact, numbered at the end of the batch (see [`ContactCache::number_pending`]).
    fn create(
        &mut self,
        external_id: Option<&str>,
        email: Option<&str>,
        attributes: &str,
    ) -> usize {
        self.created += 1;
        let index = self.entries.len();
        self.entries.push(Entry {
            id: 0,
            pending: Some(self.pending.len()),
            has_external_id: external_id.is_some(),
            // A contact created without an email may get one from a later row; one created
            // beside an email that was taken will not.
            email_settled: email.is_some() || external_id.is_none(),
            attributes: attributes.to_owned(),
            stale: false,
        });
        if let Some(external_id) = external_id {
            self.by_external_id.insert(external_id.to_owned(), index);
        }
        if let Some(email) = email {
            self.by_email.insert(email.to_owned(), index);
        }
        self.pending.push(Pending {
            index,
            external_id: external_id.map(str::to_owned),
            email: email.map(str::to_owned),
        });
        index
    }

    /// Fills in the email of a contact that has none, unless another contact has it.
    fn settle_email(&mut self, index: usize, email: Option<&str>) -> StoreResult<()> {
        let Some(email) = email else { return Ok(()) };
        if self.entries[index].email_settled {
            return Ok(());
        }
        self.entries[index].email_settled = true;
        if self.by_email.contains_key(email) || self.find(Key::Email, email)?.is_some() {
            return Ok(());
        }
        match self.entries[index].pending {
            Some(pending) => self.pending[pending].email = Some(email.to_owned()),
            None => {
                let id = self.entries[index].id;
                self.changes.emails.push((id, email.to_owned()));
            }
        }
        self.by_email.insert(email.to_owned(), index);
        Ok(())
    }
}
