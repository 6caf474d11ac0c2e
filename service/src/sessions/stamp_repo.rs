//! The stamp columns of `rp_sessions` (owned by the sessions domain, with `repo`): the seal
//! picked for the current stamp, the platform's digest, and moving on to the next stamp of a
//! session with several.

use sqlx::AnyConnection;

use super::repo::SessionState;

/// `stamp`: records the seal the phone picked for stamp `place`, while the session is
/// scanned, at that stamp, and the platform has not yet sent its digest; returns false otherwise.
pub async fn choose_seal(
    conn: &mut AnyConnection,
    id: &str,
    place: u32,
    seal_id: &str,
    grant_id: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let changed = sqlx::query(
        "UPDATE rp_sessions SET stamp_seal_id = $1, stamp_grant_id = $2
         WHERE id = $3 AND status = $4 AND document_digests IS NULL AND stamp_place = $5",
    )
    .bind(seal_id)
    .bind(grant_id)
    .bind(id)
    .bind(SessionState::Scanned.as_str())
    .bind(i64::from(place))
    .execute(conn)
    .await?
    .rows_affected();
    Ok(changed == 1)
}

/// `stamp`: records the prepared PDF's digest (JSON of `DocumentDigests`) for the seal
/// `seal_id`, once; returns false when the session is not scanned, another seal is picked
/// now, or a digest was already sent.
pub async fn set_stamp_digest(
    conn: &mut AnyConnection,
    id: &str,
    place: u32,
    seal_id: &str,
    digests: &str,
) -> Result<bool, sqlx::Error> {
    let changed = sqlx::query(
        "UPDATE rp_sessions SET document_digests = $1
         WHERE id = $2 AND status = $3 AND stamp_seal_id = $4 AND document_digests IS NULL
             AND stamp_place = $5",
    )
    .bind(digests)
    .bind(id)
    .bind(SessionState::Scanned.as_str())
    .bind(seal_id)
    .bind(i64::from(place))
    .execute(conn)
    .await?
    .rows_affected();
    Ok(changed == 1)
}

/// `stamp`: stamp `place` is made (its digest was signed and checked): `stamped` (JSON of the
/// stamps made so far, this one included) is kept and the session moves on to the next stamp,
/// with no seal picked and no digest yet. Returns false when another completion of this stamp
/// came first.
pub async fn next_place(
    conn: &mut AnyConnection,
    id: &str,
    place: u32,
    stamped: &str,
) -> Result<bool, sqlx::Error> {
    let changed = sqlx::query(
        "UPDATE rp_sessions SET stamp_place = $1, stamped = $2, stamp_seal_id = NULL,
             stamp_grant_id = NULL, document_digests = NULL
         WHERE id = $3 AND status = $4 AND stamp_place = $5 AND document_digests IS NOT NULL",
    )
    .bind(i64::from(place) + 1)
    .bind(stamped)
    .bind(id)
    .bind(SessionState::Scanned.as_str())
    .bind(i64::from(place))
    .execute(conn)
    .await?
    .rows_affected();
    Ok(changed == 1)
}
