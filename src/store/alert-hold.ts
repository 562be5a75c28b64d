// The digest's hold over alerts_held (schema.ts): alerts kept whole per channel until the daily digest sends
// them; the integration of each row is the alert's own, so deleting an integration drops what it held.
import { sql } from 'drizzle-orm';
import type { AlertHold } from '../alerts/hold.ts';
import type { Alert } from '../core/alerts.ts';
import { type Db, rows } from './connect.ts';

export function createAlertHold(db: Db, guard: () => void): AlertHold {
  return {
    async hold(alerts, channel) {
      guard();
      if (!alerts.length) return;
      const entries = alerts.map((alert) => ({ key: alert.key, integration: alert.integration.id, alert }));
      await db.execute(sql`
        insert into alerts_held (integration_id, alert_key, channel, alert)
        select (e->>'integration')::uuid, e->>'key', ${channel}, e->'alert'
        from jsonb_array_elements(${JSON.stringify(entries)}::jsonb) e
        on conflict (alert_key, channel) do nothing`);
    },
    async held(channel, before) {
      const found = await rows<{ alert: Alert }>(
        db,
        sql`select alert from alerts_held where channel = ${channel} and held_at < ${before.toISOString()}
            order by held_at, alert_key`,
      );
      return found.map((row) => row.alert);
    },
    async release(keys, channel) {
      guard();
      if (!keys.length) return;
      await db.execute(sql`
        delete from alerts_held where channel = ${channel}
        and alert_key in (select jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb))`);
    },
  };
}
