CREATE TABLE "alerts_held" (
	"integration_id" uuid NOT NULL,
	"alert_key" text NOT NULL,
	"channel" text NOT NULL,
	"alert" jsonb NOT NULL,
	"held_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "alerts_held_pkey" PRIMARY KEY("alert_key","channel")
);
--> statement-breakpoint
ALTER TABLE "alerts_held" ADD CONSTRAINT "alerts_held_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "alerts_held_channel_idx" ON "alerts_held" USING btree ("channel","held_at");