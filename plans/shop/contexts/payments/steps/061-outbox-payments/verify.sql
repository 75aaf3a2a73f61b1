-- Verify: publication carve_events_payments covers every event table of context payments

DO $carve$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = 'carve_events_payments') THEN
    RAISE EXCEPTION 'carve verify: publication % does not exist', 'carve_events_payments';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_payments' AND schemaname = 'payments' AND tablename = 'payment_methods') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_payments', '"payments"."payment_methods"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_payments' AND schemaname = 'payments' AND tablename = 'payments') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_payments', '"payments"."payments"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_payments' AND schemaname = 'payments' AND tablename = 'payment_attempts') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_payments', '"payments"."payment_attempts"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_payments' AND schemaname = 'payments' AND tablename = 'gateway_transactions') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_payments', '"payments"."gateway_transactions"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_payments' AND schemaname = 'payments' AND tablename = 'webhook_events') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_payments', '"payments"."webhook_events"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_payments' AND schemaname = 'payments' AND tablename = 'refunds') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_payments', '"payments"."refunds"';
  END IF;
END
$carve$;
