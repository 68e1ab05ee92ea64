/** The small SQL interface every domain service uses, whichever driver is underneath. */

/** Something that runs parameterised SQL: the database itself or an open transaction. */
export interface Sql {
  /** Runs one statement and returns its rows. */
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
}

/** A database: runs SQL, opens transactions, closes. */
export interface Database extends Sql {
  readonly kind: 'pglite' | 'postgres';
  /** Runs fn inside one transaction: committed when fn resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  /** Runs several statements separated by semicolons (migrations), without parameters. */
  exec(text: string): Promise<void>;
  close(): Promise<void>;
}

/** Returns the first row, or null. */
export async function maybeOne<T>(sql: Sql, text: string, params?: readonly unknown[]): Promise<T | null> {
  const rows = await sql.query<T>(text, params);
  return rows[0] ?? null;
}

/** Returns the first row; throws when there is none (a bug, not a user error). */
export async function one<T>(sql: Sql, text: string, params?: readonly unknown[]): Promise<T> {
  const row = await maybeOne<T>(sql, text, params);
  if (!row) throw new Error('expected one row, got none');
  return row;
}

/** Converts a timestamp from either driver to an ISO string. */
export function iso(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  return new Date(String(value)).toISOString();
}

/** Converts a nullable timestamp to an ISO string or null. */
export function isoOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : iso(value);
}
