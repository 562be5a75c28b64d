CREATE TABLE "scan_access" (
	"scan_id" integer NOT NULL,
	"object_id" text NOT NULL,
	"grants" jsonb NOT NULL,
	CONSTRAINT "scan_access_pkey" PRIMARY KEY("scan_id","object_id")
);
--> statement-breakpoint
ALTER TABLE "scan_access" ADD CONSTRAINT "scan_access_scan_id_scans_id_fk" FOREIGN KEY ("scan_id") REFERENCES "public"."scans"("id") ON DELETE cascade ON UPDATE no action;