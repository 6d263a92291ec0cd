//! A built-in batch for the Reconcile view, so it is never empty without a way forward: YouLend's
//! two documented payloads plus the cases a partner meets in practice (a retried delivery, a
//! pending lender payment, an amount that differs, manual payments, an unbalanced settlement,
//! an unrelated event code and a line that is not JSON).

pub const FILE_NAME: &str = "sample batch";

/// NDJSON, one event per line, deliberately out of order.
pub const BATCH: &str = r#"{"EventCode":"LOA10055","Message":"A settlement from a partner has been processed - payments towards the loan have been initiated","EventProperties":{"LoanId":"a3c3279c-d84a-4ec7-9191-b2b371515bd9","TotalSettlementAmount":"600","SettlementReference":"test repayment","PaymentsToLenders":[{"Amount":"400","PaymentCorrelationId":"a61e16ef-e63a-4cda-b755-95b22ddfae3a"},{"Amount":"200","PaymentCorrelationId":"a5ee16ef-e443a-4cda-b6665-55b12ddfae3a"}],"LeadId":"d8c38d41-6256-44b2-8bd2-3d0219f04b4e"}}
{"EventCode":"LOA10040","EventProperties":{"CorrelationId":"cf08c5de-ef80-460c-aedd-76a49c2ca388","LeadId":"113222a1-1a89-4ef0-bda3-bad07224fe11","LoanId":"d90c9fc1-cdd0-4dfc-810a-e2bab1f76199","PaymentAmount":"10.00","PaymentDate":"2023-10-20T00:00:00Z","PrincipalRemaining":"9880.40"},"Message":"A repayment was made towards the loan"}
{"EventCode":"LOA10040","EventProperties":{"CorrelationId":"a61e16ef-e63a-4cda-b755-95b22ddfae3a","LeadId":"d8c38d41-6256-44b2-8bd2-3d0219f04b4e","LoanId":"a3c3279c-d84a-4ec7-9191-b2b371515bd9","PaymentAmount":"400","PaymentDate":"2023-10-23T09:15:00Z","PrincipalRemaining":"4600.00"},"Message":"A repayment was made towards the loan"}
{"EventCode":"LOA10040","EventProperties":{"CorrelationId":"a61e16ef-e63a-4cda-b755-95b22ddfae3a","LeadId":"d8c38d41-6256-44b2-8bd2-3d0219f04b4e","LoanId":"a3c3279c-d84a-4ec7-9191-b2b371515bd9","PaymentAmount":"400","PaymentDate":"2023-10-23T09:15:00Z","PrincipalRemaining":"4600.00"},"Message":"A repayment was made towards the loan"}
{"EventCode":"LOA10055","Message":"A settlement from a partner has been processed - payments towards the loan have been initiated","EventProperties":{"LoanId":"5b1f0e2a-7c44-4a0e-9d7e-2f6c1b8a9e10","TotalSettlementAmount":"400","SettlementReference":"INV-2024-0311","PaymentsToLenders":[{"Amount":"300.10","PaymentCorrelationId":"0c9d3e58-1f2a-4b6c-8d7e-9fa0b1c2d3e4"},{"Amount":"99.90","PaymentCorrelationId":"7e6d5c4b-3a29-4f18-b7e6-d5c4b3a29f18"}],"LeadId":"e2d4c6b8-0a1f-4e3d-9c5b-7a8f6e4d2c1b","EventId":"2f9a8b7c-6d5e-4f3a-9b8c-7d6e5f4a3b2c"}}
{"EventCode":"LOA10040","EventProperties":{"CorrelationId":"0c9d3e58-1f2a-4b6c-8d7e-9fa0b1c2d3e4","LeadId":"e2d4c6b8-0a1f-4e3d-9c5b-7a8f6e4d2c1b","LoanId":"5b1f0e2a-7c44-4a0e-9d7e-2f6c1b8a9e10","PaymentAmount":"300.10","PaymentDate":"2024-03-12T08:00:00Z","PrincipalRemaining":"7199.90"},"Message":"A repayment was made towards the loan"}
{"EventCode":"LOA10040","EventProperties":{"CorrelationId":"7e6d5c4b-3a29-4f18-b7e6-d5c4b3a29f18","LeadId":"e2d4c6b8-0a1f-4e3d-9c5b-7a8f6e4d2c1b","LoanId":"5b1f0e2a-7c44-4a0e-9d7e-2f6c1b8a9e10","PaymentAmount":"99.00","PaymentDate":"2024-03-12T08:05:00Z","PrincipalRemaining":"7100.90"},"Message":"A repayment was made towards the loan"}
{"EventCode":"LOA10040","EventProperties":{"CorrelationId":"","LeadId":"e2d4c6b8-0a1f-4e3d-9c5b-7a8f6e4d2c1b","LoanId":"5b1f0e2a-7c44-4a0e-9d7e-2f6c1b8a9e10","PaymentAmount":"250.00","PaymentDate":"2024-03-20T14:30:00Z","PrincipalRemaining":"6850.90"},"Message":"A repayment was made towards the loan"}
{"EventCode":"LOA10055","Message":"A settlement from a partner has been processed - payments towards the loan have been initiated","EventProperties":{"LoanId":"91c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e","TotalSettlementAmount":"1000.00","SettlementReference":"APR-BATCH-7","PaymentsToLenders":[{"Amount":"600.00","PaymentCorrelationId":"3b4c5d6e-7f80-4912-a3b4-c5d6e7f8091a"},{"Amount":"350.00","PaymentCorrelationId":"4c5d6e7f-8091-4a23-b4c5-d6e7f8091a2b"}],"LeadId":"c1b2a394-8576-4e3d-a2b1-c0d9e8f7a6b5"}}
{"EventCode":"LOA10040","EventProperties":{"CorrelationId":"3b4c5d6e-7f80-4912-a3b4-c5d6e7f8091a","LeadId":"c1b2a394-8576-4e3d-a2b1-c0d9e8f7a6b5","LoanId":"91c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e","PaymentAmount":"600.00","PaymentDate":"2024-04-02T10:00:00+01:00","PrincipalRemaining":"12400.00"},"Message":"A repayment was made towards the loan"}
{"EventCode":"ONB10009","Message":"Stage 1 submitted","EventProperties":{"LeadId":"c1b2a394-8576-4e3d-a2b1-c0d9e8f7a6b5"}}
{"EventCode":"LOA10040","EventProperties":{"CorrelationId":"MANUAL-2024-0419","LeadId":"c1b2a394-8576-4e3d-a2b1-c0d9e8f7a6b5","LoanId":"91c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e","PaymentAmount":"75.50","PaymentDate":"2024-04-19T16:45:00Z","PrincipalRemaining":"12324.50"},"Message":"A repayment was made towards the loan"}
{"EventCode":"LOA10040","EventProperties":{"CorrelationId":"4c5d6e7f-8091-4a23-b4c5-d6e7f8091a2b","LoanId":"91c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e","PaymentAmount":"350.00","PaymentDate":"not a date"}}
{"EventCode":"LOA10040","EventProperties":{"CorrelationId":"0c9d3e58
"#;

#[cfg(test)]
mod tests {
    use hookwright_core::youlend::reconcile;

    #[test]
    fn the_sample_shows_every_case() {
        let report = reconcile(super::BATCH.as_bytes());
        let s = &report.summary;
        assert_eq!(s.settlements, 3);
        assert_eq!(s.unbalanced_settlements, 1);
        assert!(s.repaid_payments >= 3 && s.pending_payments >= 2);
        assert_eq!(s.amount_mismatches, 1);
        assert_eq!(s.manual_payments, 3);
        assert_eq!(report.duplicates, 1);
        assert_eq!(report.errors.len(), 2);
        assert_eq!(s.other_events, 1);
    }
}
