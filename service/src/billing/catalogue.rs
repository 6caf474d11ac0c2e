//! The operator's catalogue of products.

use mcert_core::clock::unix_millis;

use super::{OrderError, Orders, Product, repo};

impl Orders {
    /// Adds or updates a product (operator action).
    pub async fn put_product(&self, p: &Product, needs_review: bool) -> Result<(), OrderError> {
        let now = unix_millis(self.clock.now());
        // Orders keep their own amounts, so changing a price affects only new orders.
        sqlx::query(
            "INSERT INTO products (id, name, personal_certs, organization_certs, price_fen_per_year, currency, needs_review, active, created_at, purpose)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $9)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, personal_certs = excluded.personal_certs,
                 organization_certs = excluded.organization_certs, price_fen_per_year = excluded.price_fen_per_year,
                 currency = excluded.currency, needs_review = excluded.needs_review, purpose = excluded.purpose, active = 1",
        )
        .bind(&p.id)
        .bind(&p.name)
        .bind(p.personal_certs)
        .bind(p.organization_certs)
        .bind(p.price_fen_per_year)
        .bind(&p.currency)
        .bind(i64::from(needs_review))
        .bind(now)
        .bind(&p.purpose)
        .execute(self.store.pool())
        .await?;
        Ok(())
    }

    /// Withdraws every product not in `keep` from sale (existing orders are unaffected).
    pub async fn retire_products_except(&self, keep: &[String]) -> Result<(), OrderError> {
        for product in self.products(None).await? {
            if !keep.contains(&product.id) {
                sqlx::query("UPDATE products SET active = 0 WHERE id = $1")
                    .bind(&product.id)
                    .execute(self.store.pool())
                    .await?;
            }
        }
        Ok(())
    }

    /// What is for sale in 申请证书: new certificates and packages.
    pub async fn catalogue(&self) -> Result<Vec<Product>, OrderError> {
        self.products(Some("new")).await
    }

    /// The active products, of one purpose (`new`, `renewal`, `change`, `reissue`) or all.
    pub async fn products(&self, purpose: Option<&str>) -> Result<Vec<Product>, OrderError> {
        let rows: Vec<repo::ProductRow> = sqlx::query_as(
            "SELECT id, name, personal_certs, organization_certs, price_fen_per_year, currency, purpose FROM products
             WHERE active = 1 AND ($1 IS NULL OR purpose = $1) ORDER BY id",
        )
        .bind(purpose)
        .fetch_all(self.store.pool())
        .await?;
        Ok(rows.into_iter().map(Product::from).collect())
    }
}
