#!/usr/bin/env node
// Production (NODE_ENV=production, as the image sets) runs the compiled bundle (`npm run build`); development and
// tests run the TypeScript sources through tsx.
if (process.env.NODE_ENV === 'production') await import('../dist/evident.js');
else {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../src/main.ts');
  process.exitCode = await main(process.argv.slice(2));
}
