//! The service client's commerce calls: cancelling and changing orders, paying by bank
//! transfer, billing information (开票信息), payer accounts (打款账户) and invoices.

use reqwest::Method;

use super::client::{ClientError, Items, ServiceClient, body};
use crate::wire::{
    BillingProfile, ChangeOrder, Invoice, InvoiceRequest, InvoiceShare, NewBillingProfile,
    NewPayerAccount, Order, PayerAccount, routes,
};

impl ServiceClient {
    /// Cancels an order that is not paid yet.
    pub async fn cancel_order(&self, order_id: &str) -> Result<Order, ClientError> {
        let path = routes::fill(routes::ORDER_CANCEL, order_id);
        self.call(Method::POST, &path, None, true, None).await
    }

    /// 购买信息修改: a new period for an order before anything is paid.
    pub async fn change_order(&self, order_id: &str, years: i64) -> Result<Order, ClientError> {
        let path = routes::fill(routes::ORDER_CHANGE, order_id);
        let req = body(&ChangeOrder { years })?;
        self.call(Method::POST, &path, Some(req), true, None).await
    }

    /// Chooses bank transfer: the order gets (or keeps) its own receiving account.
    pub async fn pay_by_transfer(&self, order_id: &str) -> Result<Order, ClientError> {
        let path = routes::fill(routes::ORDER_TRANSFER, order_id);
        self.call(Method::POST, &path, None, true, None).await
    }

    /// 申请开票 for a completed order, made out to `profile_id` (the default profile if none).
    pub async fn request_invoice(
        &self,
        order_id: &str,
        profile_id: Option<&str>,
    ) -> Result<Invoice, ClientError> {
        let path = routes::fill(routes::ORDER_INVOICE, order_id);
        let req = body(&InvoiceRequest {
            profile_id: profile_id.map(str::to_string),
        })?;
        self.call(Method::POST, &path, Some(req), true, None).await
    }

    pub async fn invoices(&self) -> Result<Vec<Invoice>, ClientError> {
        let items: Items<Invoice> = self
            .call(Method::GET, routes::INVOICES, None, true, None)
            .await?;
        Ok(items.items)
    }

    /// The invoice's PDF.
    pub async fn invoice_pdf(&self, invoice_id: &str) -> Result<Vec<u8>, ClientError> {
        let path = routes::fill(routes::INVOICE_PDF, invoice_id);
        self.call_bytes(Method::GET, &path, None).await
    }

    /// A link to the invoice that anyone can open until it expires.
    pub async fn share_invoice(&self, invoice_id: &str) -> Result<InvoiceShare, ClientError> {
        let path = routes::fill(routes::INVOICE_SHARE, invoice_id);
        self.call(Method::POST, &path, None, true, None).await
    }

    pub async fn billing_profiles(&self) -> Result<Vec<BillingProfile>, ClientError> {
        let items: Items<BillingProfile> = self
            .call(Method::GET, routes::BILLING_PROFILES, None, true, None)
            .await?;
        Ok(items.items)
    }

    pub async fn add_billing_profile(
        &self,
        profile: &NewBillingProfile,
    ) -> Result<BillingProfile, ClientError> {
        let req = body(profile)?;
        self.call(
            Method::POST,
            routes::BILLING_PROFILES,
            Some(req),
            true,
            None,
        )
        .await
    }

    pub async fn update_billing_profile(
        &self,
        profile_id: &str,
        profile: &NewBillingProfile,
    ) -> Result<BillingProfile, ClientError> {
        let path = routes::fill(routes::BILLING_PROFILE, profile_id);
        let req = body(profile)?;
        self.call(Method::PUT, &path, Some(req), true, None).await
    }

    pub async fn delete_billing_profile(&self, profile_id: &str) -> Result<(), ClientError> {
        let path = routes::fill(routes::BILLING_PROFILE, profile_id);
        self.call(Method::DELETE, &path, None, true, None).await
    }

    pub async fn payer_accounts(&self) -> Result<Vec<PayerAccount>, ClientError> {
        let items: Items<PayerAccount> = self
            .call(Method::GET, routes::PAYER_ACCOUNTS, None, true, None)
            .await?;
        Ok(items.items)
    }

    pub async fn add_payer_account(
        &self,
        account: &NewPayerAccount,
    ) -> Result<PayerAccount, ClientError> {
        let req = body(account)?;
        self.call(Method::POST, routes::PAYER_ACCOUNTS, Some(req), true, None)
            .await
    }

    /// Development only: an incoming transfer as if the bank had notified it; its outcome
    /// (`paid`, `partial`, `duplicate` …).
    pub async fn dev_bank_transfer(
        &self,
        account_no: &str,
        amount_fen: i64,
        bank_ref: &str,
        payer_name: &str,
    ) -> Result<String, ClientError> {
        let req = serde_json::json!({
            "account_no": account_no, "amount_fen": amount_fen, "bank_ref": bank_ref,
            "payer_name": payer_name,
        });
        let answer: serde_json::Value = self
            .call(
                Method::POST,
                routes::DEV_BANK_TRANSFER,
                Some(req),
                false,
                None,
            )
            .await?;
        Ok(answer["outcome"].as_str().unwrap_or_default().to_string())
    }

    pub async fn delete_payer_account(&self, payer_id: &str) -> Result<(), ClientError> {
        let path = routes::fill(routes::PAYER_ACCOUNT, payer_id);
        self.call(Method::DELETE, &path, None, true, None).await
    }
}
