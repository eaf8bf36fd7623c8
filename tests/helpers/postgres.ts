/**
 * The tests' throw-away PostgreSQL cluster: the one starter (scripts/lib/postgres-cluster.ts) with fsync off, since
 * durability of the server itself is not under test (a killed client or service is).
 */
import { startCluster, type PostgresCluster } from '../../scripts/lib/postgres-cluster';

export type TestPostgres = PostgresCluster;

export function startPostgres(): Promise<TestPostgres> {
  return startCluster({ durable: false, maxConnections: 100 });
}
