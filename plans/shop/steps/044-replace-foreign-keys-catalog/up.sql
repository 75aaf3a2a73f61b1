-- Step: drop the foreign keys from context catalog into other contexts
-- reconcile.sql finds orphans; cleanup.sql applies ON DELETE actions for loose foreign keys

DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"catalog"."product_descriptions"'::regclass AND conname = 'product_descriptions_locale_fkey') THEN
    ALTER TABLE "catalog"."product_descriptions" DROP CONSTRAINT "product_descriptions_locale_fkey";
  END IF;
END
$carve$;
