CREATE TABLE "alerts_sent" (
	"integration_id" uuid NOT NULL,
	"alert_key" text NOT NULL,
	"channel" text NOT NULL,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "alerts_sent_pkey" PRIMARY KEY("alert_key","channel")
);
--> statement-breakpoint
CREATE TABLE "check_evaluations" (
	"integration_id" uuid NOT NULL,
	"check_id" text NOT NULL,
	"scan_id" integer,
	"evaluated_at" timestamp with time zone NOT NULL,
	"passed" integer NOT NULL,
	"failed" integer NOT NULL,
	"unknown" integer NOT NULL,
	"not_applicable" integer NOT NULL,
	"unknown_reasons" jsonb NOT NULL,
	CONSTRAINT "check_evaluations_pkey" PRIMARY KEY("integration_id","check_id")
);
--> statement-breakpoint
CREATE TABLE "findings" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "findings_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"integration_id" uuid NOT NULL,
	"check_id" text NOT NULL,
	"object_id" text NOT NULL,
	"key_id" text DEFAULT '' NOT NULL,
	"app_id" text NOT NULL,
	"display_name" text NOT NULL,
	"severity" text NOT NULL,
	"message" text NOT NULL,
	"state" text NOT NULL,
	"first_seen_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"resolved_at" timestamp with time zone,
	"last_scan_id" integer,
	CONSTRAINT "findings_state_check" CHECK ("findings"."state" in ('open', 'resolved'))
);
--> statement-breakpoint
CREATE TABLE "outbox_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "outbox_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"event_id" uuid NOT NULL,
	"type" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"event" jsonb NOT NULL,
	CONSTRAINT "outbox_events_event_id_unique" UNIQUE("event_id")
);
--> statement-breakpoint
CREATE TABLE "outbox_pending" (
	"sink" text NOT NULL,
	"outbox_id" bigint NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	CONSTRAINT "outbox_pending_pkey" PRIMARY KEY("sink","outbox_id")
);
--> statement-breakpoint
CREATE TABLE "suppressions" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "suppressions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"integration_id" uuid NOT NULL,
	"check_id" text NOT NULL,
	"object_id" text,
	"key_id" text,
	"reason" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lifted_at" timestamp with time zone,
	"lifted_by" text
);
--> statement-breakpoint
ALTER TABLE "alerts_sent" ADD CONSTRAINT "alerts_sent_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "check_evaluations" ADD CONSTRAINT "check_evaluations_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "findings" ADD CONSTRAINT "findings_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbox_pending" ADD CONSTRAINT "outbox_pending_outbox_id_outbox_events_id_fk" FOREIGN KEY ("outbox_id") REFERENCES "public"."outbox_events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "suppressions" ADD CONSTRAINT "suppressions_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "findings_subject_unique" ON "findings" USING btree ("integration_id","check_id","object_id","key_id");--> statement-breakpoint
CREATE INDEX "findings_state_idx" ON "findings" USING btree ("state","severity");--> statement-breakpoint
CREATE INDEX "outbox_pending_due_idx" ON "outbox_pending" USING btree ("sink","next_attempt_at","outbox_id");--> statement-breakpoint
CREATE INDEX "suppressions_check_idx" ON "suppressions" USING btree ("integration_id","check_id");