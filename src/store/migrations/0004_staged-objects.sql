CREATE TABLE "scan_objects" (
	"scan_id" integer NOT NULL,
	"object_id" text NOT NULL,
	"identity" jsonb,
	"owners" jsonb,
	"federated" jsonb,
	CONSTRAINT "scan_objects_pkey" PRIMARY KEY("scan_id","object_id")
);
--> statement-breakpoint
DROP TABLE "scan_facts" CASCADE;--> statement-breakpoint
ALTER TABLE "scan_objects" ADD CONSTRAINT "scan_objects_scan_id_scans_id_fk" FOREIGN KEY ("scan_id") REFERENCES "public"."scans"("id") ON DELETE cascade ON UPDATE no action;