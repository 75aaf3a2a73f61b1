-- Undo: the outbox of context payments

DO $carve$
BEGIN
  IF to_regclass('"payments"."payment_methods"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "payments"."payment_methods";
  END IF;
  IF to_regclass('"payments"."payments"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "payments"."payments";
  END IF;
  IF to_regclass('"payments"."payment_attempts"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "payments"."payment_attempts";
  END IF;
  IF to_regclass('"payments"."gateway_transactions"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "payments"."gateway_transactions";
  END IF;
  IF to_regclass('"payments"."webhook_events"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "payments"."webhook_events";
  END IF;
  IF to_regclass('"payments"."refunds"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "payments"."refunds";
  END IF;
END
$carve$;
DROP FUNCTION IF EXISTS "payments"."carve_outbox_emit"();
DO $carve$
BEGIN
  IF to_regclass('"payments"."outbox"') IS NOT NULL THEN
    REVOKE ALL ON "payments"."outbox" FROM "carve_payments_service";
    DROP TABLE "payments"."outbox";
  END IF;
END
$carve$;
