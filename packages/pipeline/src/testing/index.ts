export { freePort, type PrivateRedis, startPrivateRedis } from './redis-server.ts';
export { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';
export { FAST_CONNECTORS, openWorld, REDIS_URL, testClock, type World } from './world.ts';
