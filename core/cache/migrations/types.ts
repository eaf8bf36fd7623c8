/** A numbered schema change. `up` runs inside the migration's own transaction. */
export interface Migration {
  version: number;
  name: string;
  up: string;
}
