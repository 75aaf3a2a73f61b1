-- Undo: re-add the foreign keys of context legacy (NOT VALID, then validated)
-- fails if orphans appeared meanwhile: run reconcile.sql, fix them, then roll back again

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "legacy"."legacy_user_prefs" IN SHARE ROW EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "ums"."users" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
DROP TRIGGER IF EXISTS "carve_loose_fk_82d8143155" ON "ums"."users";
DROP FUNCTION IF EXISTS "legacy"."carve_loose_fk_enqueue"();
DROP TABLE IF EXISTS "legacy"."carve_loose_fk_queue";
DO $carve$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"legacy"."legacy_user_prefs"'::regclass AND conname = 'legacy_user_prefs_user_fk') THEN
    ALTER TABLE "legacy"."legacy_user_prefs" ADD CONSTRAINT "legacy_user_prefs_user_fk" FOREIGN KEY ("user_id") REFERENCES "ums"."users" ("id") ON UPDATE NO ACTION ON DELETE CASCADE NOT VALID;
    ALTER TABLE "legacy"."legacy_user_prefs" VALIDATE CONSTRAINT "legacy_user_prefs_user_fk";
  END IF;
END
$carve$;
