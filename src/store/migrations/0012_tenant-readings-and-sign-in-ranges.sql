CREATE TABLE "sign_in_ranges" (
	"integration_id" uuid NOT NULL,
	"app_id" text NOT NULL,
	"ip_range" text NOT NULL,
	"first_seen_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"sign_ins" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "sign_in_ranges_pkey" PRIMARY KEY("integration_id","app_id","ip_range")
);
--> statement-breakpoint
CREATE TABLE "tenant_readings" (
	"integration_id" uuid NOT NULL,
	"part" text NOT NULL,
	"scan_id" integer NOT NULL,
	"read_at" timestamp with time zone NOT NULL,
	"data" jsonb NOT NULL,
	CONSTRAINT "tenant_readings_pkey" PRIMARY KEY("integration_id","part")
);
--> statement-breakpoint
ALTER TABLE "sign_in_ranges" ADD CONSTRAINT "sign_in_ranges_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tenant_readings" ADD CONSTRAINT "tenant_readings_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;