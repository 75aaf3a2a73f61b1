-- Step: an outbox for context rbac, fed by triggers on its tables

CREATE TABLE IF NOT EXISTS "rbac"."outbox" (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  aggregate_type text NOT NULL,
  aggregate_id text NOT NULL,
  event_type text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE "rbac"."outbox" IS 'carve:outbox events of context rbac (owner: rbac-service); a relay publishes and deletes them';
-- SECURITY DEFINER: any role allowed to write the tables may emit events, without a grant on the outbox.
CREATE OR REPLACE FUNCTION "rbac"."carve_outbox_emit"() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $body$
DECLARE
  row_data jsonb;
  key_text text;
BEGIN
  row_data := CASE WHEN TG_OP = 'DELETE' THEN to_jsonb(OLD) ELSE to_jsonb(NEW) END;
  SELECT string_agg(coalesce(row_data ->> k, ''), ',' ORDER BY n) INTO key_text
  FROM unnest(TG_ARGV) WITH ORDINALITY AS a(k, n);
  INSERT INTO "rbac"."outbox" (aggregate_type, aggregate_id, event_type, payload)
  VALUES (TG_TABLE_NAME, coalesce(key_text, ''),
          TG_TABLE_NAME || '.' || CASE TG_OP WHEN 'INSERT' THEN 'created' WHEN 'UPDATE' THEN 'updated' ELSE 'deleted' END,
          row_data);
  RETURN NULL;
END
$body$;
DROP TRIGGER IF EXISTS "carve_outbox" ON "rbac"."roles";
CREATE TRIGGER "carve_outbox" AFTER INSERT OR UPDATE OR DELETE ON "rbac"."roles"
  FOR EACH ROW EXECUTE FUNCTION "rbac"."carve_outbox_emit"('id');
DROP TRIGGER IF EXISTS "carve_outbox" ON "rbac"."permissions";
CREATE TRIGGER "carve_outbox" AFTER INSERT OR UPDATE OR DELETE ON "rbac"."permissions"
  FOR EACH ROW EXECUTE FUNCTION "rbac"."carve_outbox_emit"('id');
DROP TRIGGER IF EXISTS "carve_outbox" ON "rbac"."role_permissions";
CREATE TRIGGER "carve_outbox" AFTER INSERT OR UPDATE OR DELETE ON "rbac"."role_permissions"
  FOR EACH ROW EXECUTE FUNCTION "rbac"."carve_outbox_emit"('role_id', 'permission_id');
DROP TRIGGER IF EXISTS "carve_outbox" ON "rbac"."user_role_assignments";
CREATE TRIGGER "carve_outbox" AFTER INSERT OR UPDATE OR DELETE ON "rbac"."user_role_assignments"
  FOR EACH ROW EXECUTE FUNCTION "rbac"."carve_outbox_emit"('id');
DROP TRIGGER IF EXISTS "carve_outbox" ON "rbac"."access_policies";
CREATE TRIGGER "carve_outbox" AFTER INSERT OR UPDATE OR DELETE ON "rbac"."access_policies"
  FOR EACH ROW EXECUTE FUNCTION "rbac"."carve_outbox_emit"('id');
GRANT SELECT, DELETE ON "rbac"."outbox" TO "carve_rbac_service";
