-- Step: an outbox for context ums, fed by triggers on its tables

CREATE TABLE IF NOT EXISTS "ums"."outbox" (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  aggregate_type text NOT NULL,
  aggregate_id text NOT NULL,
  event_type text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE "ums"."outbox" IS 'carve:outbox events of context ums (owner: ums-service); a relay publishes and deletes them';
-- SECURITY DEFINER: any role allowed to write the tables may emit events, without a grant on the outbox.
CREATE OR REPLACE FUNCTION "ums"."carve_outbox_emit"() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $body$
DECLARE
  row_data jsonb;
  key_text text;
BEGIN
  row_data := CASE WHEN TG_OP = 'DELETE' THEN to_jsonb(OLD) ELSE to_jsonb(NEW) END;
  SELECT string_agg(coalesce(row_data ->> k, ''), ',' ORDER BY n) INTO key_text
  FROM unnest(TG_ARGV) WITH ORDINALITY AS a(k, n);
  INSERT INTO "ums"."outbox" (aggregate_type, aggregate_id, event_type, payload)
  VALUES (TG_TABLE_NAME, coalesce(key_text, ''),
          TG_TABLE_NAME || '.' || CASE TG_OP WHEN 'INSERT' THEN 'created' WHEN 'UPDATE' THEN 'updated' ELSE 'deleted' END,
          row_data);
  RETURN NULL;
END
$body$;
DROP TRIGGER IF EXISTS "carve_outbox" ON "ums"."users";
CREATE TRIGGER "carve_outbox" AFTER INSERT OR UPDATE OR DELETE ON "ums"."users"
  FOR EACH ROW EXECUTE FUNCTION "ums"."carve_outbox_emit"('id');
DROP TRIGGER IF EXISTS "carve_outbox" ON "ums"."user_profiles";
CREATE TRIGGER "carve_outbox" AFTER INSERT OR UPDATE OR DELETE ON "ums"."user_profiles"
  FOR EACH ROW EXECUTE FUNCTION "ums"."carve_outbox_emit"('user_id');
DROP TRIGGER IF EXISTS "carve_outbox" ON "ums"."organizations";
CREATE TRIGGER "carve_outbox" AFTER INSERT OR UPDATE OR DELETE ON "ums"."organizations"
  FOR EACH ROW EXECUTE FUNCTION "ums"."carve_outbox_emit"('id');
DROP TRIGGER IF EXISTS "carve_outbox" ON "ums"."org_memberships";
CREATE TRIGGER "carve_outbox" AFTER INSERT OR UPDATE OR DELETE ON "ums"."org_memberships"
  FOR EACH ROW EXECUTE FUNCTION "ums"."carve_outbox_emit"('id');
DROP TRIGGER IF EXISTS "carve_outbox" ON "ums"."modules";
CREATE TRIGGER "carve_outbox" AFTER INSERT OR UPDATE OR DELETE ON "ums"."modules"
  FOR EACH ROW EXECUTE FUNCTION "ums"."carve_outbox_emit"('code');
DROP TRIGGER IF EXISTS "carve_outbox" ON "ums"."module_access";
CREATE TRIGGER "carve_outbox" AFTER INSERT OR UPDATE OR DELETE ON "ums"."module_access"
  FOR EACH ROW EXECUTE FUNCTION "ums"."carve_outbox_emit"('id');
DROP TRIGGER IF EXISTS "carve_outbox" ON "ums"."user_attributes";
CREATE TRIGGER "carve_outbox" AFTER INSERT OR UPDATE OR DELETE ON "ums"."user_attributes"
  FOR EACH ROW EXECUTE FUNCTION "ums"."carve_outbox_emit"('id');
GRANT SELECT, DELETE ON "ums"."outbox" TO "carve_ums_service";
