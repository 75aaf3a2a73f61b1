-- Verify: publication carve_events_billing covers every event table of context billing

DO $carve$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = 'carve_events_billing') THEN
    RAISE EXCEPTION 'carve verify: publication % does not exist', 'carve_events_billing';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_billing' AND schemaname = 'billing' AND tablename = 'billing_accounts') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_billing', '"billing"."billing_accounts"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_billing' AND schemaname = 'billing' AND tablename = 'invoices') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_billing', '"billing"."invoices"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_billing' AND schemaname = 'billing' AND tablename = 'invoice_lines') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_billing', '"billing"."invoice_lines"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_billing' AND schemaname = 'billing' AND tablename = 'credit_notes') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_billing', '"billing"."credit_notes"';
  END IF;
END
$carve$;
