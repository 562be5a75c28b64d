// The inventory filters of src/core/inventory-query.ts in SQL over identity versions (aliased `v`), so a
// listing filters in the database instead of loading whole tenants. Each rule mirrors `matchesFilter`; the
// store tests check both give the same answer.
import { type SQL, sql } from 'drizzle-orm';
import type { InventoryFilter } from '../core/inventory-query.ts';

const TYPE_CONDITION: Record<string, SQL> = {
  application: sql`v.kind = 'application'`,
  'managed-identity': sql`v.kind = 'servicePrincipal' and v.data->>'servicePrincipalType' = 'ManagedIdentity'`,
  'service-principal': sql`v.kind = 'servicePrincipal' and v.data->>'servicePrincipalType' is distinct from 'ManagedIdentity'`,
};

const list = (values: readonly string[]) => sql`string_to_array(${values.join('\u001f')}::text, e'\\x1f')`;

/** `and …` conditions for the filter, evaluated at `now` (epoch ms). */
export function inventoryFilterSql(filter: InventoryFilter, now: number): SQL {
  const parts: SQL[] = [];
  if (filter.types?.length) {
    parts.push(
      sql`(${sql.join(
        filter.types.map((type) => sql`(${TYPE_CONDITION[type] ?? sql`false`})`),
        sql` or `,
      )})`,
    );
  }
  if (filter.publishers?.length) parts.push(sql`v.data->>'publisher' = any(${list(filter.publishers)})`);
  if (filter.ownerless) {
    parts.push(
      sql`jsonb_array_length(v.data->'owners') = 0 and not coalesce(v.data->'unknown' @> '["owners"]', false)`,
    );
  }
  const typed = filter.credentialTypes?.length
    ? sql`c->>'type' = any(${list(filter.credentialTypes)})`
    : sql`true`;
  const credential = (condition: SQL) =>
    sql`exists (select 1 from jsonb_array_elements(v.data->'credentials') c where ${typed} and ${condition})`;
  const at = new Date(now).toISOString();
  // Graph's dates are ISO 8601; anything else is no date (as Date.parse's NaN is in the core), not an error.
  const ends = sql`(case when c->>'endDateTime' ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}'
    then (c->>'endDateTime')::timestamptz end)`;
  if (filter.credentialTypes?.length) parts.push(credential(sql`true`));
  if (filter.expired) parts.push(credential(sql`${ends} <= ${at}::timestamptz`));
  if (filter.expiresWithinMs !== undefined) {
    const until = new Date(now + filter.expiresWithinMs).toISOString();
    parts.push(credential(sql`${ends} > ${at}::timestamptz and ${ends} <= ${until}::timestamptz`));
  }
  return parts.length ? sql`and ${sql.join(parts, sql` and `)}` : sql``;
}
