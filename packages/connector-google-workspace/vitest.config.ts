import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'connector-google-workspace',
    env: { METADATA_SERVER_DETECTION: 'none' },
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
