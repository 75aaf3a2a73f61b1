-- Verify: every table of context payments has its owner recorded

DO $carve$
DECLARE
  missing text;
BEGIN
  IF to_regclass('"carve"."ownership"') IS NULL THEN
    RAISE EXCEPTION 'carve verify: the ownership registry % does not exist', '"carve"."ownership"';
  END IF;
  SELECT string_agg(k, ', ' ORDER BY k) INTO missing
  FROM unnest(ARRAY['payment_methods', 'payments', 'payment_attempts', 'gateway_transactions', 'webhook_events', 'refunds']::text[]) AS k
  WHERE k <> '' AND NOT EXISTS (
    SELECT 1 FROM "carve"."ownership" o
    WHERE o.table_key = k AND o.context = 'payments' AND o.owner = 'payments-service'
  );
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION 'carve verify: no recorded owner % for: %', 'payments-service', missing;
  END IF;
END
$carve$;
