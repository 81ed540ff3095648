import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'web', include: ['e2e/**/*.test.ts', 'src/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 120_000 },
});
