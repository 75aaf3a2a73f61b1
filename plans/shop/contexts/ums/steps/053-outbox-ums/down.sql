-- Undo: the events publication of context ums
-- drops the relay's slot too when no reader holds it (a slot left behind keeps WAL forever)

DO $carve$
DECLARE
  note text := (SELECT obj_description(oid, 'pg_publication') FROM pg_catalog.pg_publication WHERE pubname = 'carve_events_ums');
  rel text;
  slot record;
BEGIN
  IF note IS NULL OR note NOT LIKE 'carve:events %' THEN
    RETURN;
  END IF;
  FOR slot IN SELECT slot_name, active FROM pg_catalog.pg_replication_slots WHERE slot_name = ANY (ARRAY['carve_relay_ums']::text[]) LOOP
    -- carve relay holds an advisory lock (0x63727672, hashtext(slot)) while it runs; a streaming
    -- reader (Debezium) makes the slot active.
    IF slot.active OR EXISTS (SELECT 1 FROM pg_catalog.pg_locks WHERE locktype = 'advisory' AND objsubid = 2
                              AND classid = 1668445810::oid AND objid = (hashtext(slot.slot_name)::bigint & 4294967295)::oid) THEN
      RAISE EXCEPTION 'carve: replication slot % is in use: stop its reader (carve relay, Debezium) first', slot.slot_name;
    END IF;
    PERFORM pg_catalog.pg_drop_replication_slot(slot.slot_name);
  END LOOP;
  FOREACH rel IN ARRAY coalesce(nullif(btrim(substr(note, 13)), ''), '{}')::text[] LOOP
    IF rel <> '' AND to_regclass(rel) IS NOT NULL THEN
      EXECUTE 'ALTER TABLE ' || rel || ' REPLICA IDENTITY DEFAULT';
    END IF;
  END LOOP;
  EXECUTE format('DROP PUBLICATION %I', 'carve_events_ums');
END
$carve$;
