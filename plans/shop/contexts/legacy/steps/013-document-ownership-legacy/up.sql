-- Step: document the ownership of context legacy
-- owner: admin

CREATE SCHEMA IF NOT EXISTS "carve";
CREATE TABLE IF NOT EXISTS "carve"."ownership" (
  relation regclass PRIMARY KEY,
  context text NOT NULL,
  owner text NOT NULL,
  classification text NOT NULL,
  table_key text NOT NULL
);
INSERT INTO "carve"."ownership" (relation, context, owner, classification, table_key) VALUES
  ('"public"."legacy_user_prefs"'::regclass, 'legacy', 'admin', 'deprecated', 'legacy_user_prefs'),
  ('"public"."old_payment_log"'::regclass, 'legacy', 'admin', 'deprecated', 'old_payment_log')
ON CONFLICT (relation) DO UPDATE SET context = EXCLUDED.context, owner = EXCLUDED.owner, classification = EXCLUDED.classification, table_key = EXCLUDED.table_key;
