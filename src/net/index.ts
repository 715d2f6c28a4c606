export * from './address-format.js';
export * from './address-set.js';
export * from './ip.js';
export * from './service-match.js';
