#!/usr/bin/env node
// Production (NODE_ENV=production, as the image sets) runs the compiled bundle (`npm run build`); development and
// tests run the TypeScript sources through tsx.
if (process.env.NODE_ENV === 'production') await import('../dist/server.js');
else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}
