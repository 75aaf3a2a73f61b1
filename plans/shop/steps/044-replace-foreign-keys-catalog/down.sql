-- Undo: re-add the foreign keys of context catalog (NOT VALID, then validated)
-- fails if orphans appeared meanwhile: run reconcile.sql, fix them, then roll back again


DO $carve$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"catalog"."product_descriptions"'::regclass AND conname = 'product_descriptions_locale_fkey') THEN
    ALTER TABLE "catalog"."product_descriptions" ADD CONSTRAINT "product_descriptions_locale_fkey" FOREIGN KEY ("locale") REFERENCES "reference_data"."locales" ("code") ON UPDATE NO ACTION ON DELETE NO ACTION NOT VALID;
    ALTER TABLE "catalog"."product_descriptions" VALIDATE CONSTRAINT "product_descriptions_locale_fkey";
  END IF;
END
$carve$;
