export * from './entities.ts';
export * from './errors.ts';
export * from './exception.ts';
export * from './facts.ts';
export * from './ids.ts';
export * from './result.ts';
export * from './sign-in-clients.ts';
export * from './tri.ts';
