-- Undo: forget the recorded ownership of context orders

DO $carve$
BEGIN
  IF to_regclass('"carve"."ownership"') IS NOT NULL THEN
    DELETE FROM "carve"."ownership" WHERE context = 'orders';
  END IF;
END
$carve$;
DO $carve$
BEGIN
  IF to_regclass('"carve"."ownership"') IS NOT NULL THEN
    IF NOT EXISTS (SELECT 1 FROM "carve"."ownership") THEN
      DROP TABLE "carve"."ownership";
    END IF;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'carve')
     AND NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'carve')
     AND NOT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'carve')
     AND NOT EXISTS (SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'carve') THEN
    DROP SCHEMA "carve";
  END IF;
END
$carve$;
