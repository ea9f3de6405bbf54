//! Contacts: matching a key inside a write transaction with attributes merged in (one, or many
//! in one transaction), reading by id, listing pages filtered by attribute values, and the
//! contacts a campaign may ask now.
//!
//! Keys are matched by the rules of [`crate::responses::contact_cache`], which imports follow in bulk:
//! an external id first (filling in a missing email no one else has), else an email whose
//! contact has no external id of its own (giving it the key's), else a new contact.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use vouch_core::{AttributeKind, AttributeValue};
use vouch_store::{
    AttributeDefinition, Attributes, Contact, ContactId, ContactKey, ContactQuery, Eligibility,
    StoreError, StoreResult, WorkspaceId, attributes_to_json,
};

use crate::attributes;
use crate::error::{SqlContext, other};
use crate::now_millis;
use crate::row::conversion_error;
use crate::workspaces::attribute_definitions;

/// The columns [`contact`] reads, in order.
const CONTACT_COLUMNS: &str = "id, external_id, email, attributes";

/// A contact from a row of [`CONTACT_COLUMNS`], its attributes typed by `definitions`.
fn contact(
    row: &rusqlite::Row<'_>,
    definitions: &[AttributeDefinition],
) -> rusqlite::Result<Contact> {
    let attributes = attributes::decode(row.get_ref(3)?.as_str()?, definitions)
        .map_err(|error| conversion_error(3, format!("stored attributes: {error}")))?;
    Ok(Contact {
        id: ContactId(row.get(0)?),
        external_id: row.get(1)?,
        email: row.get(2)?,
        attributes,
    })
}

/// A contact as matched by [`resolve`], with its attributes after the merge.
pub(crate) struct Resolved {
    /// Its id (new or existing).
    pub(crate) id: i64,
    /// Its external id after the match.
    pub(crate) external_id: Option<String>,
    /// Its email after the match.
    pub(crate) email: Option<String>,
    /// Its attributes: the stored ones with the given ones merged in.
    pub(crate) attributes: Attributes,
    /// True when the key matched no contact and this one was created.
    pub(crate) created: bool,
}

/// A contact row as found while matching.
struct Stored {
    id: i64,
    external_id: Option<String>,
    email: Option<String>,
    attributes: String,
}

fn stored(row: &rusqlite::Row<'_>) -> rusqlite::Result<Stored> {
    Ok(Stored {
        id: row.get(0)?,
        external_id: row.get(1)?,
        email: row.get(2)?,
        attributes: row.get(3)?,
    })
}

/// Finds or creates the contact `key` names and merges `given` into its attributes (given
/// values win), writing what changed. Runs inside the caller's write transaction; the
/// workspace must exist. Stored dates are typed by `definitions`.
pub(crate) fn resolve(
    connection: &Connection,
    workspace: i64,
    key: &ContactKey,
    given: &Attributes,
    definitions: &[AttributeDefinition],
    now: i64,
) -> StoreResult<Resolved> {
    let (external_id, email) = (non_empty(&key.external_id), non_empty(&key.email));
    let mut found;
    let (mut set_external_id, mut set_email) = (None, None);
    if let Some(external_id) = external_id {
        found = find(connection, workspace, FIND_BY_EXTERNAL_ID, external_id)?;
        match (&found, email) {
            (Some(contact), Some(email))
                if contact.email.is_none() && !email_taken(connection, workspace, email)? =>
            {
                set_email = Some(email);
            }
            (None, Some(email)) => {
                found = find(connection, workspace, FIND_BY_UNCLAIMED_EMAIL, email)?;
                if found.is_some() {
                    set_external_id = Some(external_id);
                }
            }
            _ => {}
        }
    } else if let Some(email) = email {
        found = find(connection, workspace, FIND_BY_EMAIL, email)?;
    } else {
        return Err(other(
            "a contact needs an external id or an email, and has neither",
        ));
    }

    let Some(found) = found else {
        // A new contact. An email given beside an external id may belong to someone else.
        let email = match (external_id, email) {
            (Some(_), Some(email)) if email_taken(connection, workspace, email)? => None,
            (_, email) => email,
        };
        let json = attributes_to_json(given);
        connection
            .prepare_cached(
                "INSERT INTO contacts
                     (workspace_id, external_id, email, attributes, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
            )
            .and_then(|mut insert| insert.execute((workspace, external_id, email, &json, now)))
            .sql_context("failed to create a contact")?;
        return Ok(Resolved {
            id: connection.last_insert_rowid(),
            external_id: external_id.map(str::to_owned),
            email: email.map(str::to_owned),
            attributes: given.clone(),
            created: true,
        });
    };

    let mut attributes = attributes::decode(&found.attributes, definitions).map_err(|error| {
        other(format!(
            "stored attributes of contact {}: {error}",
            found.id
        ))
    })?;
    let unchanged = given
        .iter()
        .all(|(name, value)| attributes.get(name) == Some(value));
    if !unchanged {
        attributes.extend(
            given
                .iter()
                .map(|(name, value)| (name.clone(), value.clone())),
        );
    }
    if !unchanged || set_email.is_some() || set_external_id.is_some() {
        let json = (!unchanged).then(|| attributes_to_json(&attributes));
        connection
            .prepare_cached(
                "UPDATE contacts SET
                     external_id = coalesce(?2, external_id),
                     email = coalesce(?3, email),
                     attributes = coalesce(?4, attributes),
                     updated_at = ?5
                 WHERE id = ?1",
            )
            .and_then(|mut update| {
                update.execute((found.id, set_external_id, set_email, json, now))
            })
            .sql_context("failed to update a contact")?;
    }
    Ok(Resolved {
        id: found.id,
        external_id: found.external_id.or(set_external_id.map(str::to_owned)),
        email: found.email.or(set_email.map(str::to_owned)),
        attributes,
        created: false,
    })
}

/// A key part, unless it is empty.
fn non_empty(part: &Option<String>) -> Option<&str> {
    part.as_deref().filter(|part| !part.is_empty())
}

const FIND_BY_EXTERNAL_ID: &str = "SELECT id, external_id, email, attributes FROM contacts
     WHERE workspace_id = ?1 AND external_id = ?2";
const FIND_BY_EMAIL: &str = "SELECT id, external_id, email, attributes FROM contacts
     WHERE workspace_id = ?1 AND email = ?2";
const FIND_BY_UNCLAIMED_EMAIL: &str = "SELECT id, external_id, email, attributes FROM contacts
     WHERE workspace_id = ?1 AND email = ?2 AND external_id IS NULL";

fn find(
    connection: &Connection,
    workspace: i64,
    sql: &str,
    value: &str,
) -> StoreResult<Option<Stored>> {
    connection
        .prepare_cached(sql)
        .and_then(|mut statement| statement.query_row((workspace, value), stored).optional())
        .sql_context("failed to look a contact up")
}

fn email_taken(connection: &Connection, workspace: i64, email: &str) -> StoreResult<bool> {
    connection
        .prepare_cached("SELECT 1 FROM contacts WHERE workspace_id = ?1 AND email = ?2")
        .and_then(|mut statement| statement.exists((workspace, email)))
        .sql_context("failed to look an email up")
}

/// Records the kinds of attributes not defined yet; kinds already defined stay.
pub(crate) fn define(
    connection: &Connection,
    workspace: i64,
    definitions: &[AttributeDefinition],
) -> StoreResult<()> {
    if definitions.is_empty() {
        return Ok(());
    }
    let mut insert = connection
        .prepare_cached(
            "INSERT OR IGNORE INTO attribute_definitions (workspace_id, name, kind)
             VALUES (?1, ?2, ?3)",
        )
        .sql_context("failed to prepare the attribute definition")?;
    for definition in definitions {
        insert
            .execute((workspace, &definition.name, definition.kind.as_str()))
            .sql_context("failed to define an attribute")?;
    }
    Ok(())
}

/// Creates or updates a contact in a transaction of its own; see
/// [`vouch_store::ContactStore::upsert_contact`].
pub(crate) fn upsert(
    connection: &mut Connection,
    workspace: WorkspaceId,
    key: &ContactKey,
    given: &Attributes,
    definitions: &[AttributeDefinition],
) -> StoreResult<Contact> {
    let transaction = connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .sql_context("failed to start writing a contact")?;
    if !crate::workspaces::exists(&transaction, workspace)? {
        return Err(StoreError::NotFound(format!("workspace {}", workspace.0)));
    }
    define(&transaction, workspace.0, definitions)?;
    let known = attribute_definitions(&transaction, workspace)?;
    let resolved = resolve(&transaction, workspace.0, key, given, &known, now_millis())?;
    transaction
        .commit()
        .sql_context("failed to commit a contact")?;
    Ok(Contact {
        id: ContactId(resolved.id),
        external_id: resolved.external_id,
        email: resolved.email,
        attributes: resolved.attributes,
    })
}

/// Creates or updates many contacts in one transaction; see
/// [`vouch_store::ContactStore::upsert_contacts`]. Returns (created, updated): every entry whose key
/// matched a contact that already existed (or one created earlier in the same call) counts as
/// updated, whether or not its attributes changed.
pub(crate) fn upsert_many(
    connection: &mut Connection,
    workspace: WorkspaceId,
    contacts: &[(ContactKey, Attributes)],
    definitions: &[AttributeDefinition],
) -> StoreResult<(u64, u64)> {
    let transaction = connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .sql_context("failed to start writing contacts")?;
    if !crate::workspaces::exists(&transaction, workspace)? {
        return Err(StoreError::NotFound(format!("workspace {}", workspace.0)));
    }
    define(&transaction, workspace.0, definitions)?;
    let known = attribute_definitions(&transaction, workspace)?;
    let now = now_millis();
    let (mut created, mut updated) = (0, 0);
    for (key, given) in contacts {
        match resolve(&transaction, workspace.0, key, given, &known, now)?.created {
            true => created += 1,
            false => updated += 1,
        }
    }
    transaction
        .commit()
        .sql_context("failed to commit the contacts")?;
    Ok((created, updated))
}

/// The contact with this id in the workspace.
pub(crate) fn by_id(
    connection: &Connection,
    workspace: WorkspaceId,
    id: ContactId,
) -> StoreResult<Option<Contact>> {
    let definitions = attribute_definitions(connection, workspace)?;
    connection
        .prepare_cached(&format!(
            "SELECT {CONTACT_COLUMNS} FROM contacts WHERE workspace_id = ?1 AND id = ?2"
        ))
        .and_then(|mut statement| {
            statement
                .query_row((workspace.0, id.0), |row| contact(row, &definitions))
                .optional()
        })
        .sql_context("failed to read a contact")
}

/// The contacts of these ids in the workspace, in id order.
pub(crate) fn by_ids(
    connection: &Connection,
    workspace: WorkspaceId,
    ids: &[ContactId],
) -> StoreResult<Vec<Contact>> {
    let definitions = attribute_definitions(connection, workspace)?;
    // A JSON array of the ids, read back by `json_each`: one statement for any number.
    let ids = format!(
        "[{}]",
        ids.iter()
            .map(|id| id.0.to_string())
            .collect::<Vec<_>>()
            .join(",")
    );
    connection
        .prepare_cached(&format!(
            "SELECT {CONTACT_COLUMNS} FROM contacts
             WHERE workspace_id = ?1 AND id IN (SELECT value FROM json_each(?2)) ORDER BY id"
        ))
        .and_then(|mut statement| {
            statement
                .query_map((workspace.0, ids), |row| contact(row, &definitions))?
                .collect()
        })
        .sql_context("failed to read contacts")
}

/// One filter of a contact page, bound as the parameters of [`filter_sql`].
struct Filter {
    /// The JSON path of the attribute, `$."name"`, or the bare name for `json_each`.
    name: String,
    /// The canonical text compared with text values, booleans and dates.
    text: String,
    /// The value compared with numbers, when the text reads as one.
    number: Option<f64>,
    /// True when the name cannot be written as a JSON path (it holds a quote or a
    /// backslash): the attribute is then found by `json_each` instead.
    by_each: bool,
}

impl Filter {
    fn of(name: &str, value: &str) -> Filter {
        let by_each = name.contains(['"', '\\']);
        let number = match AttributeValue::parse_as(value, AttributeKind::Number) {
            Ok(AttributeValue::Number(number)) => Some(number),
            _ => None,
        };
        Filter {
            name: match by_each {
                true => name.to_owned(),
                false => format!("$.\"{name}\""),
            },
            text: value.to_owned(),
            number,
            by_each,
        }
    }
}

/// The condition a filter puts on a contact, with its three parameters starting at `first`
/// (the name or path, the text, the number). A value compares by its JSON type: text (and
/// so dates) exactly, numbers as numbers (`3` equals `3.0`), booleans as `true` / `false`.
fn filter_sql(filter: &Filter, first: usize) -> String {
    let (name, text, number) = (first, first + 1, first + 2);
    let compare = |kind: &str, value: &str| {
        format!(
            "CASE {kind}
                 WHEN 'text' THEN {value} = ?{text}
                 WHEN 'integer' THEN {value} = ?{number}
                 WHEN 'real' THEN {value} = ?{number}
                 WHEN 'true' THEN ?{text} = 'true'
                 WHEN 'false' THEN ?{text} = 'false'
                 ELSE 0
             END"
        )
    };
    match filter.by_each {
        false => compare(
            &format!("json_type(attributes, ?{name})"),
            &format!("json_extract(attributes, ?{name})"),
        ),
        true => format!(
            "EXISTS (SELECT 1 FROM json_each(contacts.attributes) AS attribute
                     WHERE attribute.key = ?{name} AND {})",
            compare("attribute.type", "attribute.value")
        ),
    }
}

/// A page of the workspace's contacts; see [`ContactQuery`].
pub(crate) fn page(
    connection: &Connection,
    workspace: WorkspaceId,
    query: &ContactQuery,
) -> StoreResult<Vec<Contact>> {
    if query.limit == 0 {
        return Ok(Vec::new());
    }
    let definitions = attribute_definitions(connection, workspace)?;
    let filters: Vec<Filter> = query
        .filters
        .iter()
        .map(|(name, value)| Filter::of(name, value))
        .collect();
    let mut sql = format!(
        "SELECT {CONTACT_COLUMNS} FROM contacts
         WHERE workspace_id = ?1 AND id > ?2"
    );
    for (index, filter) in filters.iter().enumerate() {
        sql.push_str(" AND ");
        sql.push_str(&filter_sql(filter, 4 + 3 * index));
    }
    sql.push_str(" ORDER BY id LIMIT ?3");
    let mut statement = connection
        .prepare_cached(&sql)
        .sql_context("failed to prepare the contact page")?;
    let limit = i64::try_from(query.limit).unwrap_or(i64::MAX);
    let after = query.after.map_or(0, |after| after.0);
    let bind = |statement: &mut rusqlite::Statement<'_>| -> rusqlite::Result<()> {
        statement.raw_bind_parameter(1, workspace.0)?;
        statement.raw_bind_parameter(2, after)?;
        statement.raw_bind_parameter(3, limit)?;
        for (index, filter) in filters.iter().enumerate() {
            let first = 4 + 3 * index;
            statement.raw_bind_parameter(first, &filter.name)?;
            statement.raw_bind_parameter(first + 1, &filter.text)?;
            statement.raw_bind_parameter(first + 2, filter.number)?;
        }
        Ok(())
    };
    bind(&mut statement).sql_context("failed to bind the contact page")?;
    let mut rows = statement.raw_query();
    let mut contacts = Vec::new();
    while let Some(row) = rows.next().sql_context("failed to read contacts")? {
        contacts.push(contact(row, &definitions).sql_context("failed to read a contact")?);
    }
    Ok(contacts)
}

/// The condition that keeps contacts matching every attribute of `filters` with one of the
/// values given for it (AND across attributes, OR between values of one attribute), each
/// compared as [`filter_sql`] does, with the filters' parameters numbered from `first`. Returns
/// the condition and the filters in the order their parameters are numbered.
fn grouped_filters_sql(filters: &[(String, String)], first: usize) -> (String, Vec<Filter>) {
    let mut names: Vec<&str> = Vec::new();
    for (name, _) in filters {
        if !names.contains(&name.as_str()) {
            names.push(name);
        }
    }
    let mut sql = String::from("1");
    let mut bound = Vec::with_capacity(filters.len());
    for name in names {
        let alternatives: Vec<String> = filters
            .iter()
            .filter(|(other, _)| other == name)
            .map(|(_, value)| {
                let filter = Filter::of(name, value);
                let condition = filter_sql(&filter, first + 3 * bound.len());
                bound.push(filter);
                condition
            })
            .collect();
        sql.push_str(" AND (");
        sql.push_str(&alternatives.join(" OR "));
        sql.push(')');
    }
    (sql, bound)
}

/// Contacts that may be asked now; see [`vouch_store::ContactStore::eligible_contacts`]. The throttle
/// looks for an invitation (of any survey or channel) or a response of the contact at or after
/// `not_surveyed_since`, through the contact's index on each table; addresses are compared
/// lower-cased with the workspace's suppressions.
pub(crate) fn eligible(
    connection: &Connection,
    workspace: WorkspaceId,
    query: &Eligibility,
) -> StoreResult<Vec<Contact>> {
    if query.limit == 0 {
        return Ok(Vec::new());
    }
    let definitions = attribute_definitions(connection, workspace)?;
    const FIRST_FILTER: usize = 8;
    let (filters_sql, filters) = grouped_filters_sql(&query.filters, FIRST_FILTER);
    let sql = format!(
        "SELECT {CONTACT_COLUMNS} FROM contacts
         WHERE workspace_id = ?1 AND id > ?2
           AND NOT EXISTS (SELECT 1 FROM invitations i
                           WHERE i.contact_id = contacts.id AND i.created_at >= ?4)
           AND NOT EXISTS (SELECT 1 FROM responses r
                           WHERE r.contact_id = contacts.id AND r.created_at >= ?4)
           AND (?5 IS NULL OR NOT EXISTS (
                   SELECT 1 FROM invitations i
                   WHERE i.contact_id = contacts.id AND i.campaign_id = ?5
                     AND i.created_at >= ?6))
           AND (?7 = 0 OR (email IS NOT NULL AND NOT EXISTS (
                   SELECT 1 FROM email_suppressions s
                   WHERE s.workspace_id = ?1 AND s.email = lower(contacts.email))))
           AND {filters_sql}
         ORDER BY id LIMIT ?3"
    );
    let mut statement = connection
        .prepare_cached(&sql)
        .sql_context("failed to prepare the eligible contacts")?;
    let limit = i64::try_from(query.limit).unwrap_or(i64::MAX);
    let after = query.after.map_or(0, |after| after.0);
    let (campaign, cycle) = match query.campaign {
        Some((campaign, since)) => (Some(campaign.0), Some(since.as_millisecond())),
        None => (None, None),
    };
    let bind = |statement: &mut rusqlite::Statement<'_>| -> rusqlite::Result<()> {
        statement.raw_bind_parameter(1, workspace.0)?;
        statement.raw_bind_parameter(2, after)?;
        statement.raw_bind_parameter(3, limit)?;
        statement.raw_bind_parameter(4, query.not_surveyed_since.as_millisecond())?;
        statement.raw_bind_parameter(5, campaign)?;
        statement.raw_bind_parameter(6, cycle)?;
        statement.raw_bind_parameter(7, query.need_email)?;
        for (index, filter) in filters.iter().enumerate() {
            let first = FIRST_FILTER + 3 * index;
            statement.raw_bind_parameter(first, &filter.name)?;
            statement.raw_bind_parameter(first + 1, &filter.text)?;
            statement.raw_bind_parameter(first + 2, filter.number)?;
        }
        Ok(())
    };
    bind(&mut statement).sql_context("failed to bind the eligible contacts")?;
    let mut rows = statement.raw_query();
    let mut contacts = Vec::new();
    while let Some(row) = rows.next().sql_context("failed to read contacts")? {
        contacts.push(contact(row, &definitions).sql_context("failed to read a contact")?);
    }
    Ok(contacts)
}
