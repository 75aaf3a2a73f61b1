-- Undo: re-add the foreign keys of context catalog (NOT VALID, then validated)
-- fails if orphans appeared meanwhile: run reconcile.sql, fix them, then roll back again

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "reference_data"."locales" IN SHARE ROW EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "catalog"."product_descriptions" IN SHARE ROW EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);

DO $carve$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"catalog"."product_descriptions"'::regclass AND conname = 'product_descriptions_locale_fkey') THEN
    ALTER TABLE "catalog"."product_descriptions" ADD CONSTRAINT "product_descriptions_locale_fkey" FOREIGN KEY ("locale") REFERENCES "reference_data"."locales" ("code") ON UPDATE NO ACTION ON DELETE NO ACTION NOT VALID;
    ALTER TABLE "catalog"."product_descriptions" VALIDATE CONSTRAINT "product_descriptions_locale_fkey";
  END IF;
END
$carve$;
