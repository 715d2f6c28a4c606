import type { Env } from '../env.js';

/** One API request count: method, route pattern, status and how many. */
export interface RequestCount {
  method: string;
  route: string;
  status: number;
  n: number;
}

/** The one object that sums API request counts. */
export const metricsOf = (env: Pick<Env, 'METRICS'>) => env.METRICS.get(env.METRICS.idFromName('global'));
