export { HypervisorDO } from './hypervisor-do.js';
