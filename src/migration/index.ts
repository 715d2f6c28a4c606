export { MigrationDO } from './migration-do.js';
