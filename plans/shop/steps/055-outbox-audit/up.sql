-- Step: an outbox for context audit, fed by triggers on its tables

CREATE TABLE IF NOT EXISTS "audit"."outbox" (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  aggregate_type text NOT NULL,
  aggregate_id text NOT NULL,
  event_type text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE "audit"."outbox" IS 'carve:outbox events of context audit (owner: audit-service); a relay publishes and deletes them';
-- SECURITY DEFINER: any role allowed to write the tables may emit events, without a grant on the outbox.
CREATE OR REPLACE FUNCTION "audit"."carve_outbox_emit"() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $body$
DECLARE
  row_data jsonb;
  key_text text;
BEGIN
  row_data := CASE WHEN TG_OP = 'DELETE' THEN to_jsonb(OLD) ELSE to_jsonb(NEW) END;
  SELECT string_agg(coalesce(row_data ->> k, ''), ',' ORDER BY n) INTO key_text
  FROM unnest(TG_ARGV) WITH ORDINALITY AS a(k, n);
  INSERT INTO "audit"."outbox" (aggregate_type, aggregate_id, event_type, payload)
  VALUES (TG_TABLE_NAME, coalesce(key_text, ''),
          TG_TABLE_NAME || '.' || CASE TG_OP WHEN 'INSERT' THEN 'created' WHEN 'UPDATE' THEN 'updated' ELSE 'deleted' END,
          row_data);
  RETURN NULL;
END
$body$;
DROP TRIGGER IF EXISTS "carve_outbox" ON "audit"."audit_events";
CREATE TRIGGER "carve_outbox" AFTER INSERT OR UPDATE OR DELETE ON "audit"."audit_events"
  FOR EACH ROW EXECUTE FUNCTION "audit"."carve_outbox_emit"('id');
DROP TRIGGER IF EXISTS "carve_outbox" ON "audit"."auth_events";
CREATE TRIGGER "carve_outbox" AFTER INSERT OR UPDATE OR DELETE ON "audit"."auth_events"
  FOR EACH ROW EXECUTE FUNCTION "audit"."carve_outbox_emit"('id');
DROP TRIGGER IF EXISTS "carve_outbox" ON "audit"."rbac_decisions";
CREATE TRIGGER "carve_outbox" AFTER INSERT OR UPDATE OR DELETE ON "audit"."rbac_decisions"
  FOR EACH ROW EXECUTE FUNCTION "audit"."carve_outbox_emit"('id');
DROP TRIGGER IF EXISTS "carve_outbox" ON "audit"."action_traces";
CREATE TRIGGER "carve_outbox" AFTER INSERT OR UPDATE OR DELETE ON "audit"."action_traces"
  FOR EACH ROW EXECUTE FUNCTION "audit"."carve_outbox_emit"('id', 'occurred_at');
DROP TRIGGER IF EXISTS "carve_outbox" ON "audit"."error_logs";
CREATE TRIGGER "carve_outbox" AFTER INSERT OR UPDATE OR DELETE ON "audit"."error_logs"
  FOR EACH ROW EXECUTE FUNCTION "audit"."carve_outbox_emit"('id');
GRANT SELECT, DELETE ON "audit"."outbox" TO "carve_audit_service";
