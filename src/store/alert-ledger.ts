// The alert ledger over alerts_sent (schema.ts): what each channel accepted, per alert key, kept for good, so
// restarts and rescans never send an alert twice through one channel.
import { sql } from 'drizzle-orm';
import type { AlertLedger } from '../alerts/ledger.ts';
import { type Db, rows } from './connect.ts';

export function createAlertLedger(db: Db, guard: () => void, integrationId: string): AlertLedger {
  return {
    async sent(keys, channel) {
      if (!keys.length) return new Set();
      const found = await rows<{ alert_key: string }>(
        db,
        sql`select alert_key from alerts_sent where channel = ${channel}
            and alert_key in (select jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb))`,
      );
      return new Set(found.map((row) => row.alert_key));
    },
    async record(keys, channel) {
      guard();
      if (!keys.length) return;
      await db.execute(sql`
        insert into alerts_sent (integration_id, alert_key, channel)
        select ${integrationId}::uuid, k, ${channel}
        from jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb) k
        on conflict (alert_key, channel) do nothing`);
    },
  };
}
