-- Undo: re-add the foreign keys of context legacy (NOT VALID, then validated)
-- fails if orphans appeared meanwhile: run reconcile.sql, fix them, then roll back again

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
