-- Step: document the ownership of context billing
-- owner: billing-service

CREATE SCHEMA IF NOT EXISTS "carve";
CREATE TABLE IF NOT EXISTS "carve"."ownership" (
  relation regclass PRIMARY KEY,
  context text NOT NULL,
  owner text NOT NULL,
  classification text NOT NULL,
  table_key text NOT NULL
);
INSERT INTO "carve"."ownership" (relation, context, owner, classification, table_key) VALUES
  ('"public"."billing_accounts"'::regclass, 'billing', 'billing-service', 'owned', 'billing_accounts'),
  ('"public"."invoices"'::regclass, 'billing', 'billing-service', 'owned', 'invoices'),
  ('"public"."invoice_lines"'::regclass, 'billing', 'billing-service', 'owned', 'invoice_lines'),
  ('"public"."credit_notes"'::regclass, 'billing', 'billing-service', 'owned', 'credit_notes')
ON CONFLICT (relation) DO UPDATE SET context = EXCLUDED.context, owner = EXCLUDED.owner, classification = EXCLUDED.classification, table_key = EXCLUDED.table_key;
