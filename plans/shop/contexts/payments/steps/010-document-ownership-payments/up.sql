-- Step: document the ownership of context payments
-- owner: payments-service

CREATE SCHEMA IF NOT EXISTS "carve";
CREATE TABLE IF NOT EXISTS "carve"."ownership" (
  relation regclass PRIMARY KEY,
  context text NOT NULL,
  owner text NOT NULL,
  classification text NOT NULL,
  table_key text NOT NULL
);
INSERT INTO "carve"."ownership" (relation, context, owner, classification, table_key) VALUES
  ('"public"."payment_methods"'::regclass, 'payments', 'payments-service', 'owned', 'payment_methods'),
  ('"public"."payments"'::regclass, 'payments', 'payments-service', 'owned', 'payments'),
  ('"public"."payment_attempts"'::regclass, 'payments', 'payments-service', 'owned', 'payment_attempts'),
  ('"public"."gateway_transactions"'::regclass, 'payments', 'payments-service', 'owned', 'gateway_transactions'),
  ('"public"."webhook_events"'::regclass, 'payments', 'payments-service', 'owned', 'webhook_events'),
  ('"public"."refunds"'::regclass, 'payments', 'payments-service', 'owned', 'refunds')
ON CONFLICT (relation) DO UPDATE SET context = EXCLUDED.context, owner = EXCLUDED.owner, classification = EXCLUDED.classification, table_key = EXCLUDED.table_key;
