-- Step: events of context billing from the WAL (publication carve_events_billing, no trigger)

-- A plain CREATE: a publication of that name not made by this plan fails the step instead of being adopted.
CREATE PUBLICATION "carve_events_billing" FOR TABLE "billing"."billing_accounts", "billing"."invoices", "billing"."invoice_lines", "billing"."credit_notes";
COMMENT ON PUBLICATION "carve_events_billing" IS 'carve:events {}';
