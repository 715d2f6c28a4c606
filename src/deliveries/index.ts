export { DeliveryQueueDO } from './delivery-queue-do.js';
export type { DeliveryResult, JobAnswer, NetboxJob } from './types.js';
export { startMove, type Move } from './moves.js';
