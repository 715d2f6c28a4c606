import { createApp } from './api/app.js';

export { DeliveryQueueDO } from './deliveries/index.js';
export { HypervisorDO } from './hypervisor/index.js';
export { MigrationDO } from './migration/index.js';
export { RealizerDO } from './realization/index.js';
export { MetricsDO } from './metrics/metrics-do.js';

export default createApp();
