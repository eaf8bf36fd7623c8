/** Opens the store a location names: a postgres:// URL is PostgreSQL, anything else a SQLite file. */
import { SqliteStore } from './sqlite/store';
import type { CentralStore } from './types';

export async function openStore(location: string): Promise<CentralStore> {
  if (/^postgres(ql)?:\/\//i.test(location)) {
    const { PostgresStore } = await import('./postgres/store');
    return PostgresStore.open(location);
  }
  return new SqliteStore(location);
}
