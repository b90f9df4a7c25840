-- District hub, edge backups, releases: the tables as this migration made them (sqlite).
-- Frozen: never edit;
-- a later change is a new migration.
CREATE TABLE IF NOT EXISTS "release" ("version" VARCHAR(40) NOT NULL PRIMARY KEY, "manifest" TEXT NOT NULL, "signature" VARCHAR(128) NOT NULL, "sha256" VARCHAR(64) NOT NULL, "size" INTEGER NOT NULL, "created_at" DATETIME NOT NULL);
CREATE TABLE IF NOT EXISTS "village_backup" ("id" INTEGER NOT NULL PRIMARY KEY, "village_code" VARCHAR(13) NOT NULL, "name" VARCHAR(100) NOT NULL, "size" INTEGER NOT NULL, "sha256" VARCHAR(64) NOT NULL, "received_at" DATETIME NOT NULL, FOREIGN KEY ("village_code") REFERENCES "village" ("code") ON DELETE CASCADE);
CREATE INDEX IF NOT EXISTS "village_backup_village_code" ON "village_backup" ("village_code");
CREATE UNIQUE INDEX IF NOT EXISTS "village_backup_village_code_name" ON "village_backup" ("village_code", "name");
CREATE INDEX IF NOT EXISTS "village_backup_village_code_received_at" ON "village_backup" ("village_code", "received_at");
