//! Mapping sqlx errors onto the store's small error enum.

use tolbooth_domain::store::StoreError;

pub(crate) fn map_err(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::RowNotFound => StoreError::NotFound,
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::Conflict("a record with that key already exists")
        }
        // Database messages can quote the values that caused them; keep
        // only the error code for anything that leaves this crate.
        sqlx::Error::Database(db) => StoreError::Unavailable(
            format!(
                "database error {}",
                db.code().map(|c| c.into_owned()).unwrap_or_default()
            )
            .into(),
        ),
        _ => StoreError::Unavailable(Box::new(e)),
    }
}

pub(crate) trait OrStoreError<T> {
    fn store(self) -> Result<T, StoreError>;
}

impl<T> OrStoreError<T> for Result<T, sqlx::Error> {
    fn store(self) -> Result<T, StoreError> {
        self.map_err(map_err)
    }
}
