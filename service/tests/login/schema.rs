//! The two engines' migrations are kept by hand, one set each: this proves that both end with
//! the same tables, columns, column kinds, nullability, primary keys, foreign keys, unique
//! constraints and indexes.

use std::collections::BTreeSet;

use super::*;

/// One fact about the schema, engine-neutral.
type Fact = String;

/// INTEGER/BIGINT → int, TEXT → text, BLOB/BYTEA → bytes.
fn kind(declared: &str) -> &'static str {
    let d = declared.to_ascii_lowercase();
    if d.contains("int") {
        "int"
    } else if d.contains("char") || d.contains("text") {
        "text"
    } else if d.contains("blob") || d.contains("bytea") {
        "bytes"
    } else {
        "other"
    }
}

async fn sqlite_facts(pool: &sqlx::AnyPool) -> BTreeSet<Fact> {
    let mut facts = BTreeSet::new();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table'
         AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx_%' ORDER BY name",
    )
    .fetch_all(pool)
    .await
    .expect("tables");
    for t in &tables {
        // The names come from the catalogue, not from input.
        let cols: Vec<(String, String, i64, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT name, type, \"notnull\", pk FROM pragma_table_info('{t}')"
        )))
        .fetch_all(pool)
        .await
        .expect("columns");
        for (name, ty, notnull, pk) in cols {
            // SQLite lets a PRIMARY KEY column be NULL unless declared otherwise; PostgreSQL
            // never does. A key column is not-null on both.
            let not_null = notnull == 1 || pk > 0;
            facts.insert(format!(
                "column {t}.{name} {} not_null={not_null}",
                kind(&ty)
            ));
            if pk > 0 {
                facts.insert(format!("primary_key {t}.{name}"));
            }
        }
        let fks: Vec<(String, String, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT \"from\", \"table\", \"to\" FROM pragma_foreign_key_list('{t}')"
        )))
        .fetch_all(pool)
        .await
        .expect("foreign keys");
        for (from, table, to) in fks {
            facts.insert(format!("foreign_key {t}.{from} -> {table}.{to}"));
        }
        let indexes: Vec<(String, i64, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT name, \"unique\", origin FROM pragma_index_list('{t}')"
        )))
        .fetch_all(pool)
        .await
        .expect("indexes");
        for (index, unique, origin) in indexes {
            if origin == "pk" {
                continue;
            }
            let cols: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT name FROM pragma_index_info('{index}') ORDER BY seqno"
            )))
            .fetch_all(pool)
            .await
            .expect("index columns");
            facts.insert(format!(
                "index {t}({}) unique={}",
                cols.join(","),
                unique == 1
            ));
        }
    }
    facts
}

async fn postgres_facts(pool: &sqlx::AnyPool) -> BTreeSet<Fact> {
    let mut facts = BTreeSet::new();
    let cols: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text
         FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name NOT LIKE '\\_sqlx\\_%'",
    )
    .fetch_all(pool)
    .await
    .expect("columns");
    for (t, name, ty, nullable) in cols {
        facts.insert(format!(
            "column {t}.{name} {} not_null={}",
            kind(&ty),
            nullable == "NO"
        ));
    }
    let pks: Vec<(String, String)> = sqlx::query_as(
        "SELECT tc.table_name::text, kcu.column_name::text
         FROM information_schema.table_constraints tc
         JOIN information_schema.key_column_usage kcu
           ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema
         WHERE tc.table_schema = current_schema() AND tc.constraint_type = 'PRIMARY KEY'
           AND tc.table_name NOT LIKE '\\_sqlx\\_%'",
    )
    .fetch_all(pool)
    .await
    .expect("primary keys");
    for (t, c) in pks {
        facts.insert(format!("primary_key {t}.{c}"));
    }
    let fks: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT cl.relname::text, a.attname::text, fcl.relname::text, fa.attname::text
         FROM pg_constraint co
         JOIN pg_class cl ON cl.oid = co.conrelid
         JOIN pg_class fcl ON fcl.oid = co.confrelid
         JOIN pg_namespace n ON n.oid = cl.relnamespace
         JOIN pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = co.conkey[1]
         JOIN pg_attribute fa ON fa.attrelid = co.confrelid AND fa.attnum = co.confkey[1]
         WHERE co.contype = 'f' AND n.nspname = current_schema()",
    )
    .fetch_all(pool)
    .await
    .expect("foreign keys");
    for (t, from, table, to) in fks {
        facts.insert(format!("foreign_key {t}.{from} -> {table}.{to}"));
    }
    // Unique constraints and indexes (a UNIQUE column makes an index on both engines).
    let indexes: Vec<(String, String, bool)> = sqlx::query_as(
        "SELECT t.relname::text,
                string_agg(a.attname::text, ',' ORDER BY array_position(ix.indkey::int2[], a.attnum)),
                ix.indisunique
         FROM pg_index ix
         JOIN pg_class t ON t.oid = ix.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(ix.indkey)
         WHERE n.nspname = current_schema() AND NOT ix.indisprimary
           AND t.relname NOT LIKE '\\_sqlx\\_%'
         GROUP BY t.relname, ix.indexrelid, ix.indisunique",
    )
    .fetch_all(pool)
    .await
    .expect("indexes");
    for (t, cols, unique) in indexes {
        facts.insert(format!("index {t}({cols}) unique={unique}"));
    }
    facts
}

#[tokio::test]
async fn both_engines_end_with_the_same_schema() {
    let dbs = databases().await;
    if dbs.len() < 2 {
        eprintln!("PostgreSQL is not configured: the schema comparison is skipped");
        return;
    }
    let mut facts = Vec::new();
    for db in &dbs {
        let store = Store::connect(&db.url).await.expect("store");
        facts.push(match store.engine() {
            mcert_service::store::Engine::Sqlite => sqlite_facts(store.pool()).await,
            mcert_service::store::Engine::Postgres => postgres_facts(store.pool()).await,
        });
        store.close().await;
    }
    let (sqlite, postgres) = (&facts[0], &facts[1]);
    assert!(sqlite.len() > 50, "{sqlite:#?}");
    let only_sqlite: Vec<_> = sqlite.difference(postgres).collect();
    let only_postgres: Vec<_> = postgres.difference(sqlite).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "schemas differ\nonly on SQLite: {only_sqlite:#?}\nonly on PostgreSQL: {only_postgres:#?}"
    );
}
