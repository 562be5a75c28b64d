// The integrations table: the tenants Lanyard scans, each with references to its sign-in material.
import { asc, eq, sql } from 'drizzle-orm';
import { Conflict } from '../core/errors.ts';
import type { ScanPart } from '../core/scan-parts.ts';
import type { Db, Executor } from './connect.ts';
import { pgErrorCode } from './pg-errors.ts';
import { integrations } from './schema.ts';
import type { Integration, NewIntegration, Store } from './types.ts';

export function createIntegrations(db: Db, guard: () => void): Store['integrations'] {
  return {
    async create(input: NewIntegration): Promise<Integration> {
      guard();
      // Only the known fields are copied, so nothing else a caller holds (a secret value) can reach the table.
      const row = {
        name: input.name,
        provider: input.provider ?? 'azure',
        tenantId: input.tenantId,
        clientId: input.clientId,
        auth: pick(input.auth, ['method', 'secretEnv', 'certificatePath', 'tokenFile']),
        cloud: pick(input.cloud, [
          'name',
          'loginUrl',
          'graphUrl',
          'armUrl',
          'graphAudience',
          'armAudience',
          'caFile',
        ]),
        ...(input.subscriptions?.length
          ? { azureSubscriptions: { pinned: [...input.subscriptions], seen: [] } }
          : {}),
      } as const;
      try {
        const [created] = await db.insert(integrations).values(row).returning();
        return created!;
      } catch (error) {
        if (pgErrorCode(error) === '23505') {
          throw new Conflict(`an integration named "${input.name}" already exists`, {
            fix: 'choose another name, or delete the existing one first',
          });
        }
        throw error;
      }
    },
    list: () => db.select().from(integrations).orderBy(asc(integrations.name)),
    async get(name) {
      const [found] = await db.select().from(integrations).where(eq(integrations.name, name));
      return found;
    },
    async setSubscriptions(id, subscriptions) {
      guard();
      // What access reads changed: the next scan is full (an incremental one reads access on full scans only).
      await db
        .update(integrations)
        .set({ azureSubscriptions: subscriptions, syncState: null })
        .where(eq(integrations.id, id));
    },
    async setQueryPlan(id, plan) {
      guard();
      await db.update(integrations).set({ queryPlan: plan }).where(eq(integrations.id, id));
    },
    async delete(name) {
      guard();
      // Scans, staged facts and versions go with it (foreign keys cascade).
      const deleted = await db
        .delete(integrations)
        .where(eq(integrations.name, name))
        .returning({ id: integrations.id });
      return deleted.length > 0;
    },
  };
}

function pick<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}

/**
 * Part of a scan's commit: the subscriptions a complete access reading saw become the ones the next scan
 * expects, so a subscription that then vanishes from view is reported unknown instead of its roles dropped.
 */
export async function rememberSubscriptions(
  tx: Executor,
  integrationId: string,
  parts: readonly ScanPart[],
  seen: readonly string[] | undefined,
): Promise<void> {
  const access = parts.filter((part) => part.aspect === 'access');
  if (!seen || access.length === 0 || access.some((part) => !part.complete)) return;
  await tx.execute(sql`
    update integrations set azure_subscriptions = jsonb_build_object(
      'pinned', coalesce(azure_subscriptions->'pinned', 'null'::jsonb),
      'seen', ${JSON.stringify([...seen].sort())}::jsonb)
    where id = ${integrationId}::uuid`);
}
