-- District hub, dashboard login lockout per username: the tables as this migration made them (sqlite).
-- Frozen: never edit;
-- a later change is a new migration.
CREATE TABLE IF NOT EXISTS "login_throttle" ("id" INTEGER NOT NULL PRIMARY KEY, "username" VARCHAR(80) NOT NULL, "failures" INTEGER NOT NULL, "last_failure_at" DATETIME NOT NULL, "locked_until" DATETIME);
CREATE UNIQUE INDEX IF NOT EXISTS "login_throttle_username" ON "login_throttle" ("username");
