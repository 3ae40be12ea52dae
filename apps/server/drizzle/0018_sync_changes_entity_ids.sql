-- A change-log row names more entities when one statement changed several (a push's orders): see
-- src/db/functions/sync-change-log.sql.
ALTER TABLE "sync_changes" ADD COLUMN "entity_ids" uuid[];
