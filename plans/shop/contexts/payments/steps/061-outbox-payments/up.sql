-- Step: events of context payments from the WAL (publication carve_events_payments, no trigger)

-- A plain CREATE: a publication of that name not made by this plan fails the step instead of being adopted.
CREATE PUBLICATION "carve_events_payments" FOR TABLE "payments"."payment_methods", "payments"."payments", "payments"."payment_attempts", "payments"."gateway_transactions", "payments"."webhook_events", "payments"."refunds";
COMMENT ON PUBLICATION "carve_events_payments" IS 'carve:events {}';
