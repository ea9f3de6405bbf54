//! Contacts upserted one request at a time, with attributes merged: what `responses::ingest` and
//! `upsert_contact` do to contacts, inside their own transaction.
//!
//! The rules are the import's (see [`crate::responses::contact_cache`]), applied to each request as if it came
//! alone:
//! - a key with an external id names the contact with that external id, and fills in its email
//!   if it has none and no other contact has the key's email;
//! - else, a key with an email names the contact with that email if it has no external id of
//!   its own (it then takes the key's), and otherwise a new contact with the external id only;
//! - a key with only an email names the contact with that email;
//! - a key that names nobody creates a contact.
//!
//! The attributes given are merged into the contact's (a given value replaces the one of the
//! same name, the others stay), and the merged set is what a response records.
//!
//! # Concurrency
//!
//! [`LOCK_CONTACTS`] loads every stored contact a batch's keys can name with `FOR UPDATE`, in id
//! order: two writers lock the contacts they share in the same order, so neither waits for the
//! other while holding what the other needs. New contacts are then inserted with `ON CONFLICT
//! DO NOTHING`, sorted by key. A contact that another writer committed after the lookup (the
//! lookup's snapshot predates it, even when the lookup waited for that writer's locks) shows up
//! as a row that was not inserted; [`resolve`] then locks what now holds those keys and applies
//! the batch again, keeping the contacts it did insert, until every new contact is in. Changes
//! to stored contacts are written last ([`ContactChanges`]); a key filled in that another writer
//! took meanwhile fails with a uniqueness error, and the caller rolls back and runs again (see
//! [`crate::transaction::is_transient`]), as it does when the server breaks a deadlock, which
//! the lock order above leaves possible only through those late lookups.

use std::collections::HashMap;

use futures_util::future::try_join;
use tokio_postgres::Row;
use vouch_store::StoreError;
use vouch_store::{
    AttributeDefinition, Attributes, Contact, ContactId, ContactKey, StoreResult,
    attributes_from_json, attributes_to_json,
};

use crate::error::{PgContext, other};

/// Loads and locks the stored contacts that keys may name: `$1` workspace, `$2` external ids,
/// `$3` emails.
///
/// Written so that it stays fast, and right, when it has to wait for another writer:
/// - the keys are joined from `unnest` rather than tested with `= ANY(array)`: a prepared
///   statement soon runs a generic plan, which cannot know how many keys there are, and for
///   `= ANY` it may walk the workspace's contacts in id order testing each against every key;
/// - the contacts are found first, in a materialized CTE, and only then locked: a row that a
///   concurrent writer changed is re-checked after the wait (`EvalPlanQual`), and the re-check
///   of a CTE row only compares the id, where re-checking a filter on the keys costs a pass over
///   all of them per row (seconds for a batch of a thousand), and re-checking a semi-join on
///   them can even drop the row.
pub(crate) const LOCK_CONTACTS: &str = "
    WITH named AS MATERIALIZED (
        SELECT k.id FROM unnest($2::text[]) AS u (key)
            JOIN contacts k ON k.workspace_id = $1 AND k.external_id = u.key
        UNION
        SELECT m.id FROM unnest($3::text[]) AS u (key)
            JOIN contacts m ON m.workspace_id = $1 AND m.email = u.key)
    SELECT c.id, c.external_id, c.email, c.attributes
    FROM named JOIN contacts c ON c.id = named.id
    ORDER BY c.id
    FOR UPDATE OF c";

/// Inserts new contacts, sorted by key, skipping any that another writer created meanwhile.
///
/// Rows are inserted in key order, so that writers creating the same contacts lock their keys
/// in the same order; but ids are drawn first, in the order the contacts were given (first
/// named first), so that contacts created together are numbered as the caller listed them.
/// Ids drawn for contacts another writer created are left unused.
const INSERT_CONTACTS: &str = "
    INSERT INTO contacts
        (id, workspace_id, external_id, email, attributes, created_at, updated_at)
    OVERRIDING SYSTEM VALUE
    SELECT u.id, $1, u.external_id, u.email, u.attributes, $2, $2
    FROM (
        SELECT nextval(pg_get_serial_sequence('contacts', 'id')) AS id, g.*
        FROM unnest($3::text[], $4::text[], $5::text[])
            WITH ORDINALITY AS g (external_id, email, attributes, position)
        ORDER BY g.position
        OFFSET 0) AS u
    ORDER BY u.external_id, u.email
    ON CONFLICT DO NOTHING
    RETURNING id, external_id, email";

/// Writes the keys and attributes of contacts already locked; see [`ContactChanges`].
pub(crate) const UPDATE_CONTACTS: &str = "
    UPDATE contacts AS c
    SET external_id = u.external_id, email = u.email, attributes = u.attributes, updated_at = $2
    FROM unnest($3::bigint[], $4::text[], $5::text[], $6::text[])
        AS u (id, external_id, email, attributes)
    WHERE c.id = u.id AND c.workspace_id = $1";

/// Who a request names: an external id (perhaps with an email), or an email alone. Empty keys
/// count as missing.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Who<'a> {
    /// An external id, and perhaps an email.
    ExternalId(&'a str, Option<&'a str>),
    /// An email only.
    Email(&'a str),
}

impl<'a> Who<'a> {
    /// The key's parts, or `None` when it names neither an external id nor an email.
    pub(crate) fn of(key: &'a ContactKey) -> Option<Who<'a>> {
        let non_empty = |part: &'a Option<String>| part.as_deref().filter(|part| !part.is_empty());
        match (non_empty(&key.external_id), non_empty(&key.email)) {
            (Some(external_id), email) => Some(Who::ExternalId(external_id, email)),
            (None, Some(email)) => Some(Who::Email(email)),
            (None, None) => None,
        }
    }

    fn external_id(self) -> Option<&'a str> {
        match self {
            Who::ExternalId(external_id, _) => Some(external_id),
            Who::Email(_) => None,
        }
    }

    fn email(self) -> Option<&'a str> {
        match self {
            Who::ExternalId(_, email) => email,
            Who::Email(email) => Some(email),
        }
    }
}

/// The parameters of [`LOCK_CONTACTS`] for these keys: external ids, then emails.
pub(crate) fn lock_parameters(keys: &[Who<'_>]) -> (Vec<String>, Vec<String>) {
    let mut external_ids: Vec<String> = keys
        .iter()
        .filter_map(|who| who.external_id().map(str::to_owned))
        .collect();
    let mut emails: Vec<String> = keys
        .iter()
        .filter_map(|who| who.email().map(str::to_owned))
        .collect();
    for list in [&mut external_ids, &mut emails] {
        list.sort_unstable();
        list.dedup();
    }
    (external_ids, emails)
}

/// How many times [`resolve`] inserts new contacts before it leaves the race to a fresh
/// transaction.
const ROUNDS: usize = 8;

/// What the database holds for a contact this transaction has locked or inserted.
#[derive(Clone)]
struct Stored {
    id: i64,
    external_id: Option<String>,
    email: Option<String>,
    json: String,
}

/// A contact as the book knows it.
#[derive(Clone)]
struct Entry {
    /// `None` for a contact not in the database yet.
    stored: Option<Stored>,
    external_id: Option<String>,
    email: Option<String>,
    /// Its attributes: as stored, then with the batch's requests merged in.
    attributes: Attributes,
    /// True once a request changed its keys or attributes.
    touched: bool,
}

/// Contacts by external id and by email, as the requests of a batch are applied one by one.
#[derive(Clone)]
pub(crate) struct ContactBook {
    entries: Vec<Entry>,
    by_external_id: HashMap<String, usize>,
    by_email: HashMap<String, usize>,
}

impl ContactBook {
    fn empty() -> ContactBook {
        ContactBook {
            entries: Vec::new(),
            by_external_id: HashMap::new(),
            by_email: HashMap::new(),
        }
    }

    /// Adds the contacts [`LOCK_CONTACTS`] returned that the book does not know yet (the book
    /// must hold stored contacts only); `definitions` type their attributes.
    fn add_rows(&mut self, rows: &[Row], definitions: &[AttributeDefinition]) -> StoreResult<()> {
        let context = "failed to read a contact";
        for row in rows {
            let id: i64 = row.try_get(0).pg_context(context)?;
            let external_id: Option<String> = row.try_get(1).pg_context(context)?;
            let email: Option<String> = row.try_get(2).pg_context(context)?;
            // Every contact has a key, and keys are unique: a known key is a known contact.
            let known = external_id
                .as_ref()
                .is_some_and(|key| self.by_external_id.contains_key(key))
                || email
                    .as_ref()
                    .is_some_and(|key| self.by_email.contains_key(key));
            if known {
                continue;
            }
            let json: String = row.try_get(3).pg_context(context)?;
            let attributes = attributes_from_json(&json, definitions).map_err(|error| {
                other(format!("a contact's attributes are unreadable: {error:#}"))
            })?;
            self.add(Entry {
                stored: Some(Stored {
                    id,
                    external_id: external_id.clone(),
                    email: email.clone(),
                    json,
                }),
                external_id,
                email,
                attributes,
                touched: false,
            });
        }
        Ok(())
    }

    fn add(&mut self, entry: Entry) -> usize {
        let index = self.entries.len();
        if let Some(external_id) = &entry.external_id {
            self.by_external_id.insert(external_id.clone(), index);
        }
        if let Some(email) = &entry.email {
            self.by_email.insert(email.clone(), index);
        }
        self.entries.push(entry);
        index
    }

    /// Applies one request: finds or creates the contact its key names and merges `given` into
    /// its attributes. Returns the contact's place in the book.
    pub(crate) fn apply(&mut self, who: Who<'_>, given: &Attributes) -> usize {
        let index = match who {
            Who::ExternalId(external_id, email) => match self.by_external_id.get(external_id) {
                Some(&index) => {
                    if let Some(email) = email {
                        self.fill_in_email(index, email);
                    }
                    index
                }
                None => match email.map(|email| (email, self.by_email.get(email).copied())) {
                    Some((_, Some(index))) if self.entries[index].external_id.is_none() => {
                        self.entries[index].external_id = Some(external_id.to_owned());
                        self.entries[index].touched = true;
                        self.by_external_id.insert(external_id.to_owned(), index);
                        index
                    }
                    // The email belongs to someone with another external id.
                    Some((_, Some(_))) => self.create(Some(external_id), None),
                    Some((email, None)) => self.create(Some(external_id), Some(email)),
                    None => self.create(Some(external_id), None),
                },
            },
            Who::Email(email) => match self.by_email.get(email) {
                Some(&index) => index,
                None => self.create(None, Some(email)),
            },
        };
        let entry = &mut self.entries[index];
        for (name, value) in given {
            if entry.attributes.get(name) != Some(value) {
                entry.attributes.insert(name.clone(), value.clone());
                entry.touched = true;
            }
        }
        index
    }

    fn fill_in_email(&mut self, index: usize, email: &str) {
        if self.entries[index].email.is_some() || self.by_email.contains_key(email) {
            return;
        }
        self.entries[index].email = Some(email.to_owned());
        self.entries[index].touched = true;
        self.by_email.insert(email.to_owned(), index);
    }

    fn create(&mut self, external_id: Option<&str>, email: Option<&str>) -> usize {
        self.add(Entry {
            stored: None,
            external_id: external_id.map(str::to_owned),
            email: email.map(str::to_owned),
            attributes: Attributes::new(),
            touched: true,
        })
    }

    /// The contact's attributes as merged so far.
    pub(crate) fn attributes(&self, index: usize) -> &Attributes {
        &self.entries[index].attributes
    }

    /// The id of a contact in the database.
    pub(crate) fn id(&self, index: usize) -> StoreResult<i64> {
        self.entries[index]
            .id()
            .ok_or_else(|| other("a contact was used before it was written"))
    }

    /// The contact as it now stands.
    pub(crate) fn contact(&self, index: usize) -> StoreResult<Contact> {
        let entry = &self.entries[index];
        Ok(Contact {
            id: ContactId(self.id(index)?),
            external_id: entry.external_id.clone(),
            email: entry.email.clone(),
            attributes: entry.attributes.clone(),
        })
    }

    /// Places of the contacts not in the database yet.
    fn new_entries(&self) -> Vec<usize> {
        (0..self.entries.len())
            .filter(|&index| self.entries[index].stored.is_none())
            .collect()
    }

    /// What must be written to stored contacts for them to be as the book has them.
    fn changes(&self) -> ContactChanges {
        let mut changes = ContactChanges::default();
        for entry in &self.entries {
            let Some(stored) = entry.stored.as_ref().filter(|_| entry.touched) else {
                continue;
            };
            let json = attributes_to_json(&entry.attributes);
            if stored.json == json
                && stored.external_id == entry.external_id
                && stored.email == entry.email
            {
                continue;
            }
            changes.ids.push(stored.id);
            changes.external_ids.push(entry.external_id.clone());
            changes.emails.push(entry.email.clone());
            changes.attributes.push(json);
        }
        changes
    }
}

impl Entry {
    fn id(&self) -> Option<i64> {
        self.stored.as_ref().map(|stored| stored.id)
    }
}

/// The contacts of a batch of requests: found, locked, created and merged.
pub(crate) struct Resolution {
    /// The contacts, with every request applied.
    pub(crate) book: ContactBook,
    /// For each request, its contact's place in `book` and the attributes as merged up to it.
    pub(crate) placed: Vec<(usize, Attributes)>,
    /// What is left to write to stored contacts.
    pub(crate) changes: ContactChanges,
    /// How many contacts this call inserted.
    pub(crate) created: usize,
}

/// Applies `requests` in order to the contacts `locked` ([`LOCK_CONTACTS`] of their keys)
/// and inserts the contacts they create; see the module documentation for races.
pub(crate) async fn resolve(
    client: &deadpool_postgres::ClientWrapper,
    workspace: i64,
    now: i64,
    locked: &[Row],
    definitions: &[AttributeDefinition],
    requests: &[(Who<'_>, &Attributes)],
) -> StoreResult<Resolution> {
    let (insert, lock) = try_join(
        client.prepare_cached(INSERT_CONTACTS),
        client.prepare_cached(LOCK_CONTACTS),
    )
    .await
    .pg_context("failed to prepare the contact upsert")?;
    // The contacts as they were before the batch, growing as new ones are inserted or found.
    let mut before = ContactBook::empty();
    before.add_rows(locked, definitions)?;
    let mut created = 0;
    for _ in 0..ROUNDS {
        let mut book = before.clone();
        let placed: Vec<(usize, Attributes)> = requests
            .iter()
            .map(|(who, given)| {
                let index = book.apply(*who, given);
                (index, book.attributes(index).clone())
            })
            .collect();
        let new = book.new_entries();
        if new.is_empty() {
            let changes = book.changes();
            return Ok(Resolution {
                book,
                placed,
                changes,
                created,
            });
        }
        let mut external_ids = Vec::with_capacity(new.len());
        let mut emails = Vec::with_capacity(new.len());
        let mut attributes = Vec::with_capacity(new.len());
        for &index in &new {
            let entry = &book.entries[index];
            external_ids.push(entry.external_id.as_deref());
            emails.push(entry.email.as_deref());
            attributes.push(attributes_to_json(&entry.attributes));
        }
        let inserted = client
            .query(
                &insert,
                &[&workspace, &now, &external_ids, &emails, &attributes],
            )
            .await
            .pg_context("failed to create contacts")?;
        let context = "failed to create a contact";
        created += inserted.len();
        for row in &inserted {
            let id: i64 = row.try_get(0).pg_context(context)?;
            let external_id: Option<&str> = row.try_get(1).pg_context(context)?;
            let email: Option<&str> = row.try_get(2).pg_context(context)?;
            let index = match (external_id, email) {
                (Some(external_id), _) => book.by_external_id.get(external_id),
                (None, Some(email)) => book.by_email.get(email),
                (None, None) => None,
            };
            let Some(&index) = index else {
                return Err(other("a contact created could not be read back"));
            };
            let json = attributes_to_json(&book.entries[index].attributes);
            let stored = Stored {
                id,
                external_id: external_id.map(str::to_owned),
                email: email.map(str::to_owned),
                json,
            };
            book.entries[index].stored = Some(stored.clone());
            // Before the batch, the contact had no attributes: applying the batch again gives
            // each request the same snapshot, and the same final attributes as were inserted.
            before.add(Entry {
                stored: Some(stored),
                external_id: external_id.map(str::to_owned),
                email: email.map(str::to_owned),
                attributes: Attributes::new(),
                touched: false,
            });
        }
        if inserted.len() == new.len() {
            let changes = book.changes();
            return Ok(Resolution {
                book,
                placed,
                changes,
                created,
            });
        }
        // Another writer committed contacts with some of these keys: lock them, and apply the
        // batch again knowing them.
        let missing: Vec<Who<'_>> = new
            .iter()
            .filter(|&&index| book.entries[index].stored.is_none())
            .filter_map(|&index| {
                let entry = &book.entries[index];
                match (&entry.external_id, &entry.email) {
                    (Some(external_id), email) => {
                        Some(Who::ExternalId(external_id, email.as_deref()))
                    }
                    (None, Some(email)) => Some(Who::Email(email)),
                    (None, None) => None,
                }
            })
            .collect();
        let (external_ids, emails) = lock_parameters(&missing);
        let found = client
            .query(&lock, &[&workspace, &external_ids, &emails])
            .await
            .pg_context("failed to lock contacts")?;
        before.add_rows(&found, definitions)?;
    }
    Err(StoreError::Conflict(
        "other writers kept creating the same contacts".into(),
    ))
}

/// Keys and attributes to write to stored contacts, the parameters of [`UPDATE_CONTACTS`].
#[derive(Default)]
pub(crate) struct ContactChanges {
    ids: Vec<i64>,
    external_ids: Vec<Option<String>>,
    emails: Vec<Option<String>>,
    attributes: Vec<String>,
}

impl ContactChanges {
    /// Writes the changes with `update`, the prepared [`UPDATE_CONTACTS`]. Nothing is sent when
    /// there is nothing to write.
    pub(crate) async fn write(
        &self,
        client: &deadpool_postgres::ClientWrapper,
        update: &tokio_postgres::Statement,
        workspace: i64,
        now: i64,
    ) -> StoreResult<u64> {
        if self.ids.is_empty() {
            return Ok(0);
        }
        client
            .execute(
                update,
                &[
                    &workspace,
                    &now,
                    &self.ids,
                    &self.external_ids,
                    &self.emails,
                    &self.attributes,
                ],
            )
            .await
            .pg_context("failed to update contacts")
    }
}

#[cfg(test)]
mod tests;
