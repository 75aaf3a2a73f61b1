-- Undo: re-add the foreign keys of context rbac (NOT VALID, then validated)
-- fails if orphans appeared meanwhile: run reconcile.sql, fix them, then roll back again

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "rbac"."access_policies" IN SHARE ROW EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "ums"."organizations" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "rbac"."roles" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "rbac"."user_role_assignments" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "ums"."users" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
DROP TRIGGER IF EXISTS "carve_loose_fk_01c4b61f5c" ON "ums"."organizations";
DROP TRIGGER IF EXISTS "carve_loose_fk_1ad6cc0523" ON "ums"."organizations";
DROP TRIGGER IF EXISTS "carve_loose_fk_c9d0b6c111" ON "ums"."users";
DROP TRIGGER IF EXISTS "carve_loose_fk_edd2483462" ON "ums"."organizations";
DROP TRIGGER IF EXISTS "carve_loose_fk_2cf4e9be27" ON "ums"."users";
DROP FUNCTION IF EXISTS "rbac"."carve_loose_fk_enqueue"();
DROP TABLE IF EXISTS "rbac"."carve_loose_fk_queue";
DO $carve$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"rbac"."access_policies"'::regclass AND conname = 'access_policies_tenant_id_fkey') THEN
    ALTER TABLE "rbac"."access_policies" ADD CONSTRAINT "access_policies_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "ums"."organizations" ("id") ON UPDATE NO ACTION ON DELETE CASCADE NOT VALID;
    ALTER TABLE "rbac"."access_policies" VALIDATE CONSTRAINT "access_policies_tenant_id_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"rbac"."roles"'::regclass AND conname = 'roles_tenant_id_fkey') THEN
    ALTER TABLE "rbac"."roles" ADD CONSTRAINT "roles_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "ums"."organizations" ("id") ON UPDATE NO ACTION ON DELETE CASCADE NOT VALID;
    ALTER TABLE "rbac"."roles" VALIDATE CONSTRAINT "roles_tenant_id_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"rbac"."user_role_assignments"'::regclass AND conname = 'user_role_assignments_granted_by_fkey') THEN
    ALTER TABLE "rbac"."user_role_assignments" ADD CONSTRAINT "user_role_assignments_granted_by_fkey" FOREIGN KEY ("granted_by") REFERENCES "ums"."users" ("id") ON UPDATE NO ACTION ON DELETE SET NULL NOT VALID;
    ALTER TABLE "rbac"."user_role_assignments" VALIDATE CONSTRAINT "user_role_assignments_granted_by_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"rbac"."user_role_assignments"'::regclass AND conname = 'user_role_assignments_tenant_id_fkey') THEN
    ALTER TABLE "rbac"."user_role_assignments" ADD CONSTRAINT "user_role_assignments_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "ums"."organizations" ("id") ON UPDATE NO ACTION ON DELETE CASCADE NOT VALID;
    ALTER TABLE "rbac"."user_role_assignments" VALIDATE CONSTRAINT "user_role_assignments_tenant_id_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"rbac"."user_role_assignments"'::regclass AND conname = 'user_role_assignments_user_id_fkey') THEN
    ALTER TABLE "rbac"."user_role_assignments" ADD CONSTRAINT "user_role_assignments_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "ums"."users" ("id") ON UPDATE NO ACTION ON DELETE CASCADE NOT VALID;
    ALTER TABLE "rbac"."user_role_assignments" VALIDATE CONSTRAINT "user_role_assignments_user_id_fkey";
  END IF;
END
$carve$;
