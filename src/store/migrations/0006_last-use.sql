CREATE TABLE "last_use" (
	"integration_id" uuid NOT NULL,
	"app_id" text NOT NULL,
	"key_id" text DEFAULT '' NOT NULL,
	"last_used_at" timestamp with time zone NOT NULL,
	CONSTRAINT "last_use_pkey" PRIMARY KEY("integration_id","app_id","key_id")
);
--> statement-breakpoint
ALTER TABLE "integrations" ADD COLUMN "sign_in_watch" jsonb;--> statement-breakpoint
ALTER TABLE "last_use" ADD CONSTRAINT "last_use_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;