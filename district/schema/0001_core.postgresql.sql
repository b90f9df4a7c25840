-- District hub, villages, events, device states, announcements, staff, settings: the tables as this migration made them (postgresql).
-- Frozen: never edit;
-- a later change is a new migration.
CREATE TABLE IF NOT EXISTS "announcement" ("id" SERIAL NOT NULL PRIMARY KEY, "title" VARCHAR(200) NOT NULL, "body" TEXT NOT NULL, "starts" TIMESTAMP, "ends" TIMESTAMP, "all_villages" BOOLEAN NOT NULL, "created_at" TIMESTAMP NOT NULL, "created_by" VARCHAR(80) NOT NULL, "deleted_at" TIMESTAMP);
CREATE TABLE IF NOT EXISTS "village" ("code" VARCHAR(13) NOT NULL PRIMARY KEY, "name" VARCHAR(120) NOT NULL, "secret" VARCHAR(128) NOT NULL, "active" BOOLEAN NOT NULL, "created_at" TIMESTAMP NOT NULL, "secret_rotated_at" TIMESTAMP, "acked_through" BIGINT NOT NULL, "last_seen" TIMESTAMP, "edge_version" VARCHAR(40) NOT NULL);
CREATE TABLE IF NOT EXISTS "announcement_target" ("id" SERIAL NOT NULL PRIMARY KEY, "announcement_id" INTEGER NOT NULL, "village_code" VARCHAR(13) NOT NULL, FOREIGN KEY ("announcement_id") REFERENCES "announcement" ("id") ON DELETE CASCADE, FOREIGN KEY ("village_code") REFERENCES "village" ("code") ON DELETE CASCADE);
CREATE INDEX IF NOT EXISTS "announcement_target_announcement_id" ON "announcement_target" ("announcement_id");
CREATE INDEX IF NOT EXISTS "announcement_target_village_code" ON "announcement_target" ("village_code");
CREATE UNIQUE INDEX IF NOT EXISTS "announcement_target_announcement_id_village_code" ON "announcement_target" ("announcement_id", "village_code");
CREATE TABLE IF NOT EXISTS "device_state" ("id" SERIAL NOT NULL PRIMARY KEY, "village_code" VARCHAR(13) NOT NULL, "device_id" INTEGER NOT NULL, "device" VARCHAR(80) NOT NULL, "kind" VARCHAR(20) NOT NULL, "online" BOOLEAN NOT NULL, "printer_online" BOOLEAN, "paper" VARCHAR(10) NOT NULL, "scanner_connected" BOOLEAN, "seq" BIGINT NOT NULL, "occurred_at" TIMESTAMP NOT NULL, FOREIGN KEY ("village_code") REFERENCES "village" ("code") ON DELETE CASCADE);
CREATE INDEX IF NOT EXISTS "device_state_village_code" ON "device_state" ("village_code");
CREATE UNIQUE INDEX IF NOT EXISTS "device_state_village_code_device_id" ON "device_state" ("village_code", "device_id");
CREATE TABLE IF NOT EXISTS "event" ("id" BIGSERIAL NOT NULL PRIMARY KEY, "village_code" VARCHAR(13) NOT NULL, "event_id" VARCHAR(36) NOT NULL, "seq" BIGINT NOT NULL, "type" VARCHAR(64) NOT NULL, "occurred_at" TIMESTAMP NOT NULL, "business_date" DATE NOT NULL, "metric" INTEGER, "data" TEXT NOT NULL, "received_at" TIMESTAMP NOT NULL, FOREIGN KEY ("village_code") REFERENCES "village" ("code") ON DELETE CASCADE);
CREATE INDEX IF NOT EXISTS "event_village_code" ON "event" ("village_code");
CREATE UNIQUE INDEX IF NOT EXISTS "event_village_code_event_id" ON "event" ("village_code", "event_id");
CREATE UNIQUE INDEX IF NOT EXISTS "event_village_code_seq" ON "event" ("village_code", "seq");
CREATE INDEX IF NOT EXISTS "event_business_date_type_village_code" ON "event" ("business_date", "type", "village_code");
CREATE TABLE IF NOT EXISTS "setting" ("key" VARCHAR(64) NOT NULL PRIMARY KEY, "value" TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS "staff_user" ("id" SERIAL NOT NULL PRIMARY KEY, "username" VARCHAR(80) NOT NULL, "password_hash" VARCHAR(255) NOT NULL, "active" BOOLEAN NOT NULL, "created_at" TIMESTAMP NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS "staff_user_username" ON "staff_user" ("username");
