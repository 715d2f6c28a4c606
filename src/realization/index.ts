export { RealizerDO } from './realizer-do.js';
export { realizeTenant, type RealizationResult } from './realize-tenant.js';
