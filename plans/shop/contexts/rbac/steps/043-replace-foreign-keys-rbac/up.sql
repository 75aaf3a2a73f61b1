-- Step: drop the foreign keys from context rbac into other contexts
-- reconcile.sql finds orphans; cleanup.sql applies ON DELETE actions for loose foreign keys

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "rbac"."access_policies" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "ums"."organizations" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "rbac"."roles" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "rbac"."user_role_assignments" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "ums"."users" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
CREATE TABLE IF NOT EXISTS "rbac"."carve_loose_fk_queue" (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  constraint_name text NOT NULL,
  parent_key jsonb NOT NULL,
  queued_at timestamptz NOT NULL DEFAULT now()
);
-- SECURITY DEFINER: the referenced table's owner deletes rows, and its role has no grant on this queue.
CREATE OR REPLACE FUNCTION "rbac"."carve_loose_fk_enqueue"() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $body$
DECLARE
  key jsonb := '{}'::jsonb;
  i int;
BEGIN
  FOR i IN 1 .. TG_NARGS - 1 LOOP
    key := key || jsonb_build_object(TG_ARGV[i], to_jsonb(OLD) -> TG_ARGV[i]);
  END LOOP;
  INSERT INTO "rbac"."carve_loose_fk_queue" (constraint_name, parent_key) VALUES (TG_ARGV[0], key);
  RETURN NULL;
END
$body$;
DROP TRIGGER IF EXISTS "carve_loose_fk_01c4b61f5c" ON "ums"."organizations";
CREATE TRIGGER "carve_loose_fk_01c4b61f5c" AFTER DELETE ON "ums"."organizations"
  FOR EACH ROW EXECUTE FUNCTION "rbac"."carve_loose_fk_enqueue"('access_policies_tenant_id_fkey', 'id');
DROP TRIGGER IF EXISTS "carve_loose_fk_1ad6cc0523" ON "ums"."organizations";
CREATE TRIGGER "carve_loose_fk_1ad6cc0523" AFTER DELETE ON "ums"."organizations"
  FOR EACH ROW EXECUTE FUNCTION "rbac"."carve_loose_fk_enqueue"('roles_tenant_id_fkey', 'id');
DROP TRIGGER IF EXISTS "carve_loose_fk_c9d0b6c111" ON "ums"."users";
CREATE TRIGGER "carve_loose_fk_c9d0b6c111" AFTER DELETE ON "ums"."users"
  FOR EACH ROW EXECUTE FUNCTION "rbac"."carve_loose_fk_enqueue"('user_role_assignments_granted_by_fkey', 'id');
DROP TRIGGER IF EXISTS "carve_loose_fk_edd2483462" ON "ums"."organizations";
CREATE TRIGGER "carve_loose_fk_edd2483462" AFTER DELETE ON "ums"."organizations"
  FOR EACH ROW EXECUTE FUNCTION "rbac"."carve_loose_fk_enqueue"('user_role_assignments_tenant_id_fkey', 'id');
DROP TRIGGER IF EXISTS "carve_loose_fk_2cf4e9be27" ON "ums"."users";
CREATE TRIGGER "carve_loose_fk_2cf4e9be27" AFTER DELETE ON "ums"."users"
  FOR EACH ROW EXECUTE FUNCTION "rbac"."carve_loose_fk_enqueue"('user_role_assignments_user_id_fkey', 'id');
DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"rbac"."access_policies"'::regclass AND conname = 'access_policies_tenant_id_fkey') THEN
    ALTER TABLE "rbac"."access_policies" DROP CONSTRAINT "access_policies_tenant_id_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"rbac"."roles"'::regclass AND conname = 'roles_tenant_id_fkey') THEN
    ALTER TABLE "rbac"."roles" DROP CONSTRAINT "roles_tenant_id_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"rbac"."user_role_assignments"'::regclass AND conname = 'user_role_assignments_granted_by_fkey') THEN
    ALTER TABLE "rbac"."user_role_assignments" DROP CONSTRAINT "user_role_assignments_granted_by_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"rbac"."user_role_assignments"'::regclass AND conname = 'user_role_assignments_tenant_id_fkey') THEN
    ALTER TABLE "rbac"."user_role_assignments" DROP CONSTRAINT "user_role_assignments_tenant_id_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"rbac"."user_role_assignments"'::regclass AND conname = 'user_role_assignments_user_id_fkey') THEN
    ALTER TABLE "rbac"."user_role_assignments" DROP CONSTRAINT "user_role_assignments_user_id_fkey";
  END IF;
END
$carve$;
