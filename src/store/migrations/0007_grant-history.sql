CREATE TABLE "grant_history" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "grant_history_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"integration_id" uuid NOT NULL,
	"object_id" text NOT NULL,
	"grant_key" text NOT NULL,
	"grant" jsonb NOT NULL,
	"granted_scan_id" integer NOT NULL,
	"granted_seq" integer NOT NULL,
	"revoked_scan_id" integer,
	"revoked_seq" integer
);
--> statement-breakpoint
ALTER TABLE "grant_history" ADD CONSTRAINT "grant_history_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "grant_history_open_unique" ON "grant_history" USING btree ("integration_id","object_id","grant_key") WHERE "grant_history"."revoked_seq" is null;--> statement-breakpoint
CREATE INDEX "grant_history_object_idx" ON "grant_history" USING btree ("integration_id","object_id");