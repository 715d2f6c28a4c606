export * from './affected-hypervisors.js';
export * from './compile-rule-set.js';
export * from './content-hash.js';
export * from './types.js';
export * from './rule-set-codec.js';
export * from './rule-set-parts.js';
