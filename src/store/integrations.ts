// The integrations table: the tenants Lanyard scans, each with references to its sign-in material.
import { asc, eq } from 'drizzle-orm';
import { Conflict } from '../core/errors.ts';
import type { Db } from './connect.ts';
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
