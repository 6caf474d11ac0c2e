//! The commerce calls of the app object: cancelling and changing orders (购买信息修改), paying by
//! bank transfer, invoices (申请开票, the PDF, share links), billing information (开票信息) and
//! payer accounts (打款账户). Thin wrappers over the core's service client; the service decides
//! everything.

use crate::*;

#[uniffi::export(async_runtime = "tokio")]
impl McertApp {
    /// 【取消】 an order that is not paid yet.
    pub async fn cancel_order(&self, order_id: String) -> Result<OrderView, McertError> {
        let o = self.device().await.client().cancel_order(&order_id).await?;
        Ok(order_view(o))
    }

    /// 【购买信息修改】: a new period (1, 2 or 3 years) before anything was paid.
    pub async fn change_order(
        &self,
        order_id: String,
        years: i64,
    ) -> Result<OrderView, McertError> {
        let o = self
            .device()
            .await
            .client()
            .change_order(&order_id, years)
            .await?;
        Ok(order_view(o))
    }

    /// 【转账支付】: the order gets (or keeps) its own receiving account; the returned order
    /// carries the instructions in `transfer`.
    pub async fn pay_by_transfer(&self, order_id: String) -> Result<OrderView, McertError> {
        let o = self
            .device()
            .await
            .client()
            .pay_by_transfer(&order_id)
            .await?;
        Ok(order_view(o))
    }

    /// 【申请开票】 for a completed order, made out to `profile_id` (the default one if none).
    pub async fn request_invoice(
        &self,
        order_id: String,
        profile_id: Option<String>,
    ) -> Result<InvoiceView, McertError> {
        let i = self
            .device()
            .await
            .client()
            .request_invoice(&order_id, profile_id.as_deref())
            .await?;
        Ok(invoice_view(i))
    }

    /// 【发票下载】: the account's invoices.
    pub async fn invoices(&self) -> Result<Vec<InvoiceView>, McertError> {
        let list = self.device().await.client().invoices().await?;
        Ok(list.into_iter().map(invoice_view).collect())
    }

    /// The invoice's PDF.
    pub async fn invoice_pdf(&self, invoice_id: String) -> Result<Vec<u8>, McertError> {
        Ok(self
            .device()
            .await
            .client()
            .invoice_pdf(&invoice_id)
            .await?)
    }

    /// 【分享】: a link anyone can open until it expires.
    pub async fn share_invoice(&self, invoice_id: String) -> Result<InvoiceShareView, McertError> {
        let s = self
            .device()
            .await
            .client()
            .share_invoice(&invoice_id)
            .await?;
        Ok(share_view(s))
    }

    /// 【开票信息】
    pub async fn billing_profiles(&self) -> Result<Vec<BillingProfileView>, McertError> {
        let list = self.device().await.client().billing_profiles().await?;
        Ok(list.into_iter().map(billing_profile_view).collect())
    }

    pub async fn add_billing_profile(
        &self,
        form: BillingProfileForm,
    ) -> Result<BillingProfileView, McertError> {
        let p = self
            .device()
            .await
            .client()
            .add_billing_profile(&form.into())
            .await?;
        Ok(billing_profile_view(p))
    }

    /// Edits a profile (also how one becomes the default).
    pub async fn update_billing_profile(
        &self,
        profile_id: String,
        form: BillingProfileForm,
    ) -> Result<BillingProfileView, McertError> {
        let p = self
            .device()
            .await
            .client()
            .update_billing_profile(&profile_id, &form.into())
            .await?;
        Ok(billing_profile_view(p))
    }

    pub async fn delete_billing_profile(&self, profile_id: String) -> Result<(), McertError> {
        Ok(self
            .device()
            .await
            .client()
            .delete_billing_profile(&profile_id)
            .await?)
    }

    /// 【打款账户】, numbers masked.
    pub async fn payer_accounts(&self) -> Result<Vec<PayerAccountView>, McertError> {
        let list = self.device().await.client().payer_accounts().await?;
        Ok(list.into_iter().map(payer_account_view).collect())
    }

    pub async fn add_payer_account(
        &self,
        form: PayerAccountForm,
    ) -> Result<PayerAccountView, McertError> {
        let p = self
            .device()
            .await
            .client()
            .add_payer_account(&form.into())
            .await?;
        Ok(payer_account_view(p))
    }

    pub async fn delete_payer_account(&self, payer_id: String) -> Result<(), McertError> {
        Ok(self
            .device()
            .await
            .client()
            .delete_payer_account(&payer_id)
            .await?)
    }
}
