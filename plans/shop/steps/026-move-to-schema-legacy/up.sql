-- Step: move the tables of context legacy into schema legacy
-- and leave a compatibility view under each old name

CREATE SCHEMA IF NOT EXISTS "legacy";
DO $carve$
BEGIN
  IF to_regclass('"legacy"."legacy_user_prefs"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."legacy_user_prefs"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."legacy_user_prefs" SET SCHEMA "legacy";
  END IF;
  IF to_regclass('"legacy"."old_payment_log"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."old_payment_log"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."old_payment_log" SET SCHEMA "legacy";
  END IF;
END
$carve$;

CREATE OR REPLACE VIEW "public"."legacy_user_prefs" AS
  SELECT "user_id", "pref_name", "pref_val", "ins_ts"
  FROM "legacy"."legacy_user_prefs";
COMMENT ON VIEW "public"."legacy_user_prefs" IS 'carve:compatibility-view legacy.legacy_user_prefs (owner: admin). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."old_payment_log" AS
  SELECT "log_id", "order_ref", "psp", "psp_txn", "amount_cents", "resp_code", "raw_resp", "ins_ts"
  FROM "legacy"."old_payment_log";
COMMENT ON VIEW "public"."old_payment_log" IS 'carve:compatibility-view legacy.old_payment_log (owner: admin). Legacy access path; move readers to the owner''s API or a read model.';
