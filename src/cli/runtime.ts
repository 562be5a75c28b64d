// The CLI's composition root: where the store lives and how a scan reaches Graph.
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Store, StoreOptions } from '../store/index.ts';

export interface GlobalOptions {
  database?: string;
  home?: string;
}

export function lanyardHome(options: GlobalOptions): string {
  return options.home ?? process.env.LANYARD_HOME ?? join(homedir(), '.lanyard');
}

/**
 * PostgreSQL when a URL is given (flag or LANYARD_DATABASE_URL), else PGlite under LANYARD_HOME: through the share
 * of the process holding it, if one does (`lanyard serve`), unless `exclusive`.
 */
export async function openConfiguredStore(
  options: GlobalOptions,
  { exclusive }: Pick<StoreOptions, 'exclusive'> = {},
): Promise<Store> {
  // Loaded on first use: the database drivers and PGlite are most of the CLI's start-up time and memory,
  // and commands that print help or fail validation never need them.
  const { openStore } = await import('../store/index.ts');
  const url = options.database ?? process.env.LANYARD_DATABASE_URL;
  if (url) return openStore({ url });
  return openStore({ dataDir: join(lanyardHome(options), 'data'), ...(exclusive ? { exclusive } : {}) });
}

/** Opens the store for one command and always closes it, so the PGlite lock is released. */
export async function withStore<T>(options: GlobalOptions, run: (store: Store) => Promise<T>): Promise<T> {
  const store = await openConfiguredStore(options);
  try {
    return await run(store);
  } finally {
    await store.close();
  }
}
