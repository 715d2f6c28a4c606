import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env.js';

export class HypervisorDO extends DurableObject<Env> {}
