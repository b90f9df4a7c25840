-- Edge database, satisfaction survey: the tables as this migration made them. Frozen: never edit;
-- a later change is a new migration.
CREATE TABLE "survey_response" ("id" INTEGER NOT NULL PRIMARY KEY, "service_id" INTEGER, "ticket_id" VARCHAR(255), "counter_number" INTEGER, "score" INTEGER NOT NULL, "improve" VARCHAR(255) NOT NULL, "source" VARCHAR(255) NOT NULL, "at" DATETIME NOT NULL, "business_date" DATE NOT NULL, FOREIGN KEY ("service_id") REFERENCES "service" ("id"), FOREIGN KEY ("ticket_id") REFERENCES "ticket" ("id") ON DELETE SET NULL);
CREATE INDEX "survey_response_service_id" ON "survey_response" ("service_id");
CREATE UNIQUE INDEX "survey_response_ticket_id" ON "survey_response" ("ticket_id");
CREATE INDEX "survey_response_business_date" ON "survey_response" ("business_date");
