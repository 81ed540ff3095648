export * from './audit.ts';
export * from './exceptions.ts';
export * from './facts.ts';
export * from './organizations.ts';
export * from './results.ts';
export * from './runs.ts';
export * from './signing-keys.ts';
export * from './tenants.ts';
