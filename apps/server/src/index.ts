export { buildServer, CSRF_HEADER, type ServerOptions, SHARE_HEADER } from './app.ts';
export { readEnv, type ServerEnv } from './env.ts';
export { type RunningServer, type StartOptions, startServer } from './start.ts';
