import { drizzle, type DrizzleD1Database } from 'drizzle-orm/d1';
import * as schema from './schema.js';

export type Db = DrizzleD1Database<typeof schema>;

// drizzle builds its relational config from the schema on every call: once per binding is enough
const opened = new WeakMap<D1Database, Db>();

export function openDb(d1: D1Database): Db {
  let db = opened.get(d1);
  if (!db) opened.set(d1, (db = drizzle(d1, { schema })));
  return db;
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
