//! The numbered schema migrations in `migrations/`, applied when the store opens.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use vouch_store::StoreResult;

use crate::error::{SqlContext, other};
use crate::now_millis;

/// Every migration, by version, in order. Append new ones; never edit one that was released.
const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/0001_initial.sql")),
    (
        2,
        include_str!("../migrations/0002_api_keys_and_idempotency.sql"),
    ),
    (3, include_str!("../migrations/0003_collection.sql")),
    (4, include_str!("../migrations/0004_accounts.sql")),
    (5, include_str!("../migrations/0005_workspace_brand.sql")),
    (6, include_str!("../migrations/0006_member_preferences.sql")),
    (7, include_str!("../migrations/0007_tags_rules_themes.sql")),
    (8, include_str!("../migrations/0008_revenue_rates.sql")),
    (9, include_str!("../migrations/0009_lead_models.sql")),
    (10, include_str!("../migrations/0010_replies.sql")),
    (11, include_str!("../migrations/0011_digest.sql")),
    (12, include_str!("../migrations/0012_webhooks.sql")),
];

/// Applies the migrations the database has not seen yet, all in one transaction, and records
/// each in `schema_migrations`. Two processes opening the same file at once are serialised by
/// the write lock that `BEGIN IMMEDIATE` takes, so each migration runs once.
pub(crate) fn migrate(connection: &mut Connection) -> StoreResult<()> {
    let transaction = connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .sql_context("failed to start the schema migration")?;
    transaction
        .execute_batch(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                 version    INTEGER PRIMARY KEY,
                 applied_at INTEGER NOT NULL
             )",
        )
        .sql_context("failed to create schema_migrations")?;
    let applied: i64 = transaction
        .query_row("SELECT max(version) FROM schema_migrations", [], |row| {
            row.get::<_, Option<i64>>(0)
        })
        .optional()
        .sql_context("failed to read schema_migrations")?
        .flatten()
        .unwrap_or(0);
    let known = MIGRATIONS.last().map_or(0, |(version, _)| *version);
    if applied > known {
        return Err(other(format!(
            "the database is at schema version {applied}, newer than this build of Vouch \
             knows ({known}): upgrade Vouch"
        )));
    }
    for (version, sql) in MIGRATIONS.iter().filter(|(version, _)| *version > applied) {
        transaction
            .execute_batch(sql)
            .sql_context(&format!("failed to apply migration {version}"))?;
        transaction
            .execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)",
                (version, now_millis()),
            )
            .sql_context(&format!("failed to record migration {version}"))?;
    }
    transaction
        .commit()
        .sql_context("failed to commit the schema migration")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_one_by_one() {
        for (index, (version, _)) in MIGRATIONS.iter().enumerate() {
            assert_eq!(*version, index as i64 + 1);
        }
    }

    #[test]
    fn migrating_twice_applies_each_migration_once() {
        let mut connection = Connection::open_in_memory().unwrap();
        migrate(&mut connection).unwrap();
        migrate(&mut connection).unwrap();
        let count: i64 = connection
            .query_row("SELECT count(*) FROM schema_migrations", [], |row| {
                row.get(0)
            })
            .unwrap();
        assert_eq!(count, MIGRATIONS.len() as i64);
    }

    #[test]
    fn surveys_made_before_public_links_get_a_random_slug_and_default_settings() {
        let mut connection = Connection::open_in_memory().unwrap();
        connection
            .execute_batch(
                "CREATE TABLE schema_migrations (
                     version    INTEGER PRIMARY KEY,
                     applied_at INTEGER NOT NULL
                 )",
            )
            .unwrap();
        for (version, sql) in &MIGRATIONS[..2] {
            connection.execute_batch(sql).unwrap();
            connection
                .execute(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, 0)",
                    [version],
                )
                .unwrap();
        }
        connection
            .execute_batch(
                "INSERT INTO workspaces (id, slug, created_at) VALUES (1, 'acme', 0);
                 INSERT INTO surveys (workspace_id, name, kind, question, follow_up, created_at)
                 VALUES (1, 'Onboarding', 'nps', 'Q', 'F', 0),
                        (1, 'Pulse', 'enps', 'Q', 'F', 0);",
            )
            .unwrap();

        migrate(&mut connection).unwrap();

        let slugs: Vec<String> = connection
            .prepare("SELECT slug FROM surveys ORDER BY id")
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(slugs.len(), 2);
        for slug in &slugs {
            let digits = slug.strip_prefix("survey-").unwrap();
            assert_eq!(digits.len(), 10, "{slug}");
            assert!(
                digits
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
                "{slug}"
            );
            assert!(vouch_store::is_valid_slug(slug));
        }
        assert_ne!(slugs[0], slugs[1], "each survey gets its own");
        for id in [1, 2] {
            let survey = crate::surveys::by_id(
                &connection,
                vouch_store::WorkspaceId(1),
                vouch_store::SurveyId(id),
            )
            .unwrap()
            .unwrap();
            assert_eq!(survey.settings, vouch_store::SurveySettings::default());
        }
        let without_slug = connection.execute(
            "INSERT INTO surveys (workspace_id, name, kind, question, follow_up, created_at)
             VALUES (1, 'Third', 'nps', 'Q', 'F', 0)",
            [],
        );
        assert!(without_slug.is_err(), "a survey needs a slug from now on");
        let emptied = connection.execute("UPDATE surveys SET slug = '' WHERE id = 1", []);
        assert!(emptied.is_err(), "a slug cannot be emptied");
    }
}
