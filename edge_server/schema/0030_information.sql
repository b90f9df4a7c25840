-- Edge database, village information: the tables as this migration made them. Frozen: never edit;
-- a later change is a new migration.
CREATE TABLE "announcement_image" ("id" INTEGER NOT NULL PRIMARY KEY, "announcement_id" INTEGER NOT NULL, "filename" VARCHAR(255) NOT NULL, "width" INTEGER NOT NULL, "height" INTEGER NOT NULL, "uploaded_at" DATETIME NOT NULL, FOREIGN KEY ("announcement_id") REFERENCES "announcement" ("id") ON DELETE CASCADE);
CREATE UNIQUE INDEX "announcement_image_announcement_id" ON "announcement_image" ("announcement_id");
CREATE TABLE "camera" ("id" INTEGER NOT NULL PRIMARY KEY, "name" VARCHAR(255) NOT NULL, "location" VARCHAR(255) NOT NULL, "url" VARCHAR(1000) NOT NULL, "active" INTEGER NOT NULL, "sort_order" INTEGER NOT NULL, "refresh_seconds" INTEGER NOT NULL, "last_image_at" DATETIME, "last_attempt_at" DATETIME, "last_error" VARCHAR(255) NOT NULL, "failures" INTEGER NOT NULL);
CREATE TABLE "contact" ("id" INTEGER NOT NULL PRIMARY KEY, "label" VARCHAR(255) NOT NULL, "value" VARCHAR(255) NOT NULL, "kind" VARCHAR(255) NOT NULL, "sort_order" INTEGER NOT NULL);
CREATE TABLE "holiday" ("id" INTEGER NOT NULL PRIMARY KEY, "day" DATE NOT NULL, "name" VARCHAR(255) NOT NULL, "service_id" INTEGER, FOREIGN KEY ("service_id") REFERENCES "service" ("id") ON DELETE CASCADE);
CREATE INDEX "holiday_day" ON "holiday" ("day");
CREATE INDEX "holiday_service_id" ON "holiday" ("service_id");
CREATE TABLE "link" ("id" INTEGER NOT NULL PRIMARY KEY, "title" VARCHAR(255) NOT NULL, "url" VARCHAR(1000) NOT NULL, "description" VARCHAR(255) NOT NULL, "sort_order" INTEGER NOT NULL, "active" INTEGER NOT NULL);
CREATE TABLE "official" ("id" INTEGER NOT NULL PRIMARY KEY, "name" VARCHAR(255) NOT NULL, "position" VARCHAR(255) NOT NULL, "sort_order" INTEGER NOT NULL);
CREATE TABLE "service_hours" ("id" INTEGER NOT NULL PRIMARY KEY, "service_id" INTEGER NOT NULL, "weekly" TEXT NOT NULL, FOREIGN KEY ("service_id") REFERENCES "service" ("id") ON DELETE CASCADE);
CREATE UNIQUE INDEX "service_hours_service_id" ON "service_hours" ("service_id");
