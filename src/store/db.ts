import { drizzle, type DrizzleD1Database } from 'drizzle-orm/d1';
import * as schema from './schema.js';

export type Db = DrizzleD1Database<typeof schema>;

export function openDb(d1: D1Database): Db {
  return drizzle(d1, { schema });
}

/** True when D1 answers a trivial query. */
export async function databaseAnswers(d1: D1Database): Promise<boolean> {
  try {
    await d1.prepare('SELECT 1').first();
    return true;
  } catch {
    return false;
  }
}
