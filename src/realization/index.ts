export { RealizerDO } from './realizer-do.js';
export { hypervisorStub, realizeTenant, type RealizationResult } from './realize-tenant.js';
