import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env.js';

export class MigrationDO extends DurableObject<Env> {}
