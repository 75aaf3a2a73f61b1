-- Undo: the outbox of context billing

DO $carve$
BEGIN
  IF to_regclass('"billing"."billing_accounts"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "billing"."billing_accounts";
  END IF;
  IF to_regclass('"billing"."invoices"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "billing"."invoices";
  END IF;
  IF to_regclass('"billing"."invoice_lines"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "billing"."invoice_lines";
  END IF;
  IF to_regclass('"billing"."credit_notes"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "billing"."credit_notes";
  END IF;
END
$carve$;
DROP FUNCTION IF EXISTS "billing"."carve_outbox_emit"();
DO $carve$
BEGIN
  IF to_regclass('"billing"."outbox"') IS NOT NULL THEN
    REVOKE ALL ON "billing"."outbox" FROM "carve_billing_service";
    DROP TABLE "billing"."outbox";
  END IF;
END
$carve$;
