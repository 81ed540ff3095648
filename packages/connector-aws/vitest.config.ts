import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'connector-aws', testTimeout: 60_000, hookTimeout: 30_000 } });
