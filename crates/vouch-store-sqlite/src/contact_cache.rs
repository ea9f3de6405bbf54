//! The contacts an import has met, so that a contact seen again costs a hash lookup.
//!
//! Matching rules, shared with [`crate::response::contact`]:
//! - A key with an external id matches the contact with that external id. If that contact has
//!   no email yet and the key gives one that no other contact has, the email is filled in.
//! - Otherwise, a key with an email matches the contact with that email, provided that contact
//!   has no external id of its own (it is then given the key's external id).
//! - Otherwise a new contact is created with both keys given (the email only when no other
//!   contact has it, since emails are unique in a workspace).

use std::collections::HashMap;
use std::slice;

use rusqlite::{Connection, OptionalExtension};
use vouch_store::StoreResult;

use crate::bulk::{BulkInsert, ROWS_PER_STATEMENT, Value};
use crate::error::{SqlContext, other};

/// Database lookups an import makes before it loads every contact of the workspace at once:
/// small imports look up the few contacts they name, big ones load them all in one query.
const LOOKUPS_BEFORE_PRELOAD: u32 = 10_000;

/// Workspaces with more contacts than this are never loaded whole, to bound memory.
const MAX_PRELOADED_CONTACTS: i64 = 1_000_000;

/// The key a contact is looked up by.
#[derive(Clone, Copy)]
enum Key {
    ExternalId,
    Email,
}

impl Key {
    fn column(self) -> &'static str {
        match self {
            Key::ExternalId => "external_id",
            Key::Email => "email",
        }
    }
}

/// A contact as the import knows it.
struct Entry {
    id: i64,
    has_external_id: bool,
    /// True once the contact has an email or it is known that none can be filled in.
    email_settled: bool,
    /// The latest attributes given, as JSON.
    attributes: String,
    /// True when `attributes` differs from what the database holds.
    stale: bool,
}

/// A stored contact as read back during an import.
struct Found {
    id: i64,
    external_id: Option<String>,
    email: Option<String>,
    attributes: String,
}

/// Contacts by external id and by email, for one workspace, within one import transaction.
pub(crate) struct ContactCache {
    workspace: i64,
    now: i64,
    entries: Vec<Entry>,
    by_external_id: HashMap<String, usize>,
    by_email: HashMap<String, usize>,
    created: u64,
    /// True when every contact of the workspace is in the cache, so a miss needs no lookup.
    complete: bool,
    lookups: u32,
    /// The id the next new contact gets.
    next_id: i64,
    /// New contacts not inserted yet, as indexes into `entries`, with their keys.
    pending: Vec<Pending>,
}

/// A new contact waiting to be inserted with others in one statement.
struct Pending {
    index: usize,
    external_id: Option<String>,
    email: Option<String>,
}

/// Inserts contacts with ids chosen by the import; `?1` is the workspace and `?2` the time.
const INSERT_CONTACTS: BulkInsert = BulkInsert {
    head: "INSERT OR FAIL INTO contacts
               (id, workspace_id, external_id, email, attributes, created_at, updated_at)",
    row: &[
        Value::Own,
        Value::Shared(1),
        Value::Own,
        Value::Own,
        Value::Own,
        Value::Shared(2),
        Value::Shared(2),
    ],
    shared: 2,
};

impl ContactCache {
    /// An empty cache; `now` stamps the contacts it creates or changes. The cache of a
    /// workspace without contacts starts complete.
    pub(crate) fn new(
        connection: &Connection,
        workspace: i64,
        now: i64,
    ) -> StoreResult<ContactCache> {
        let any_contact = connection
            .prepare_cached("SELECT 1 FROM contacts WHERE workspace_id = ?1 LIMIT 1")
            .and_then(|mut statement| statement.exists([workspace]))
            .sql_context("failed to look for contacts")?;
        // The import holds the write lock, so no one else takes an id before it commits.
        // AUTOINCREMENT keeps the largest id ever used in sqlite_sequence; ids of erased
        // contacts stay taken.
        let last_id: i64 = connection
            .query_row(
                "SELECT max(
                     coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'contacts'), 0),
                     coalesce((SELECT max(id) FROM contacts), 0))",
                [],
                |row| row.get(0),
            )
            .sql_context("failed to read the contact sequence")?;
        Ok(ContactCache {
            workspace,
            now,
            entries: Vec::new(),
            by_external_id: HashMap::new(),
            by_email: HashMap::new(),
            created: 0,
            complete: !any_contact,
            lookups: 0,
            next_id: last_id + 1,
            pending: Vec::new(),
        })
    }

    /// How many contacts this import created.
    pub(crate) fn created(&self) -> u64 {
        self.created
    }

    /// The id of the contact a response's key names, created if needed; `attributes` become
    /// the contact's latest ones.
    pub(crate) fn resolve(
        &mut self,
        connection: &Connection,
        external_id: Option<&str>,
        email: Option<&str>,
        attributes: &str,
    ) -> StoreResult<i64> {
        let index = match (external_id, email) {
            (Some(external_id), _) => match self.by_external_id.get(external_id) {
                Some(&index) => {
                    self.settle_email(connection, index, email)?;
                    index
                }
                None => self.by_external_id_miss(connection, external_id, email, attributes)?,
            },
            (None, Some(email)) => match self.by_email.get(email) {
                Some(&index) => index,
                None => self.by_email_miss(connection, email, attributes)?,
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
        Ok(entry.id)
    }

    /// Inserts the new contacts that wait, many per statement.
    pub(crate) fn insert_pending(&mut self, connection: &Connection) -> StoreResult<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let mut many = connection
            .prepare_cached(&INSERT_CONTACTS.sql(ROWS_PER_STATEMENT))
            .sql_context("failed to prepare the contact insert")?;
        let mut one = connection
            .prepare_cached(&INSERT_CONTACTS.sql(1))
            .sql_context("failed to prepare the contact insert")?;
        for chunk in self.pending.chunks(ROWS_PER_STATEMENT) {
            if chunk.len() == ROWS_PER_STATEMENT {
                insert_contacts(&mut many, chunk, &self.entries, self.workspace, self.now)?;
            } else {
                for pending in chunk {
                    insert_contacts(
                        &mut one,
                        slice::from_ref(pending),
                        &self.entries,
                        self.workspace,
                        self.now,
                    )?;
                }
            }
        }
        for pending in self.pending.drain(..) {
            self.entries[pending.index].stale = false;
        }
        Ok(())
    }

    /// Inserts the contacts that wait and writes the latest attributes of every contact whose
    /// attributes changed.
    pub(crate) fn flush(&mut self, connection: &Connection) -> StoreResult<()> {
        self.insert_pending(connection)?;
        let mut update = connection
            .prepare_cached("UPDATE contacts SET attributes = ?1, updated_at = ?2 WHERE id = ?3")
            .sql_context("failed to prepare the contact update")?;
        for entry in self.entries.iter_mut().filter(|entry| entry.stale) {
            update
                .execute((&entry.attributes, self.now, entry.id))
                .sql_context("failed to update a contact's attributes")?;
            entry.stale = false;
        }
        Ok(())
    }

    fn by_external_id_miss(
        &mut self,
        connection: &Connection,
        external_id: &str,
        email: Option<&str>,
        attributes: &str,
    ) -> StoreResult<usize> {
        if let Some(index) = self.find(connection, Key::ExternalId, external_id)? {
            self.settle_email(connection, index, email)?;
            return Ok(index);
        }
        let Some(email) = email else {
            return Ok(self.create(Some(external_id), None, attributes));
        };
        let by_email = match self.by_email.get(email) {
            Some(&index) => Some(index),
            None => self.find(connection, Key::Email, email)?,
        };
        match by_email {
            Some(index) if !self.entries[index].has_external_id => {
                self.adopt_external_id(connection, index, external_id)?;
                Ok(index)
            }
            // The email belongs to someone with another external id: a new contact without it.
            Some(_) => Ok(self.create(Some(external_id), None, attributes)),
            None => Ok(self.create(Some(external_id), Some(email), attributes)),
        }
    }

    fn by_email_miss(
        &mut self,
        connection: &Connection,
        email: &str,
        attributes: &str,
    ) -> StoreResult<usize> {
        match self.find(connection, Key::Email, email)? {
            Some(index) => Ok(index),
            None => Ok(self.create(None, Some(email), attributes)),
        }
    }

    /// The cached contact whose `key` is `value`, after reading it from the database if the
    /// cache is not complete. Callers have already missed the cache.
    fn find(
        &mut self,
        connection: &Connection,
        key: Key,
        value: &str,
    ) -> StoreResult<Option<usize>> {
        if !self.complete {
            self.lookups += 1;
            if self.lookups == LOOKUPS_BEFORE_PRELOAD {
                self.preload(connection)?;
            }
        }
        if self.complete {
            let cached = match key {
                Key::ExternalId => self.by_external_id.get(value),
                Key::Email => self.by_email.get(value),
            };
            return Ok(cached.copied());
        }
        let sql = format!(
            "SELECT id, external_id, email, attributes FROM contacts
             WHERE workspace_id = ?1 AND {} = ?2",
            key.column()
        );
        let found = connection
            .prepare_cached(&sql)
            .and_then(|mut statement| {
                statement
                    .query_row((self.workspace, value), found)
                    .optional()
            })
            .sql_context("failed to look a contact up")?;
        // A contact the cache knows is registered under each of its keys, so one found here is
        // not in the cache yet.
        Ok(found.map(|found| self.remember(found)))
    }

    /// Loads every contact of the workspace the cache does not know yet, unless there are too
    /// many; the cache is then complete.
    fn preload(&mut self, connection: &Connection) -> StoreResult<()> {
        let count: i64 = connection
            .query_row(
                "SELECT count(*) FROM contacts WHERE workspace_id = ?1",
                [self.workspace],
                |row| row.get(0),
            )
            .sql_context("failed to count contacts")?;
        if count > MAX_PRELOADED_CONTACTS {
            return Ok(());
        }
        let mut statement = connection
            .prepare(
                "SELECT id, external_id, email, attributes FROM contacts WHERE workspace_id = ?1",
            )
            .sql_context("failed to prepare the contact preload")?;
        let contacts = statement
            .query_map([self.workspace], found)
            .sql_context("failed to load contacts")?;
        for contact in contacts {
            let contact = contact.sql_context("failed to load a contact")?;
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

    /// A new contact, inserted later with others (see [`ContactCache::insert_pending`]).
    fn create(
        &mut self,
        external_id: Option<&str>,
        email: Option<&str>,
        attributes: &str,
    ) -> usize {
        self.created += 1;
        let index = self.entries.len();
        self.entries.push(Entry {
            id: self.next_id,
            has_external_id: external_id.is_some(),
            // A contact created without an email may get one from a later row; one created
            // beside an email that was taken will not.
            email_settled: email.is_some() || external_id.is_none(),
            attributes: attributes.to_owned(),
            stale: false,
        });
        self.next_id += 1;
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
    fn settle_email(
        &mut self,
        connection: &Connection,
        index: usize,
        email: Option<&str>,
    ) -> StoreResult<()> {
        let Some(email) = email else { return Ok(()) };
        if self.entries[index].email_settled {
            return Ok(());
        }
        self.entries[index].email_settled = true;
        if self.by_email.contains_key(email) {
            return Ok(());
        }
        if self.find(connection, Key::Email, email)?.is_some() {
            return Ok(());
        }
        self.insert_pending(connection)?;
        connection
            .prepare_cached("UPDATE contacts SET email = ?1, updated_at = ?2 WHERE id = ?3")
            .and_then(|mut update| update.execute((email, self.now, self.entries[index].id)))
            .sql_context("failed to fill in a contact's email")?;
        self.by_email.insert(email.to_owned(), index);
        Ok(())
    }

    /// Gives a contact known only by email the external id a response named it by.
    fn adopt_external_id(
        &mut self,
        connection: &Connection,
        index: usize,
        external_id: &str,
    ) -> StoreResult<()> {
        self.insert_pending(connection)?;
        connection
            .prepare_cached("UPDATE contacts SET external_id = ?1, updated_at = ?2 WHERE id = ?3")
            .and_then(|mut update| update.execute((external_id, self.now, self.entries[index].id)))
            .sql_context("failed to give a contact its external id")?;
        self.entries[index].has_external_id = true;
        self.by_external_id.insert(external_id.to_owned(), index);
        Ok(())
    }
}

fn found(row: &rusqlite::Row<'_>) -> rusqlite::Result<Found> {
    Ok(Found {
        id: row.get(0)?,
        external_id: row.get(1)?,
        email: row.get(2)?,
        attributes: row.get(3)?,
    })
}

/// Runs an insert of as many new contacts as `pending`.
fn insert_contacts(
    statement: &mut rusqlite::Statement<'_>,
    pending: &[Pending],
    entries: &[Entry],
    workspace: i64,
    now: i64,
) -> StoreResult<()> {
    let bind = |statement: &mut rusqlite::Statement<'_>| -> rusqlite::Result<()> {
        statement.raw_bind_parameter(1, workspace)?;
        statement.raw_bind_parameter(2, now)?;
        for (row, pending) in pending.iter().enumerate() {
            let first = INSERT_CONTACTS.first_parameter(row);
            let entry = &entries[pending.index];
            statement.raw_bind_parameter(first, entry.id)?;
            statement.raw_bind_parameter(first + 1, &pending.external_id)?;
            statement.raw_bind_parameter(first + 2, &pending.email)?;
            statement.raw_bind_parameter(first + 3, &entry.attributes)?;
        }
        Ok(())
    };
    bind(statement)
        .and_then(|()| statement.raw_execute())
        .sql_context("failed to create contacts")?;
    Ok(())
}
