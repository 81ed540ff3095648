import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { median } from './report.ts';

const WEB = new URL('../../apps/web/', import.meta.url).pathname;
const run = promisify(execFile);

export interface WebBuild {
  dir: string;
  /** What `index.html` loads before anything else: its scripts, module preloads and style sheets. */
  initial: Array<{ file: string; bytes: number; gzip: number }>;
  close(): Promise<void>;
}

/** `apps/web` built for production (as `npm run build` does) into a folder of its own. */
export async function buildWeb(): Promise<WebBuild> {
  const dir = await mkdtemp(join(tmpdir(), 'evident-bench-web-'));
  const vite = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
  await run(process.execPath, [vite, 'build', '--logLevel', 'warn', '--outDir', dir, '--emptyOutDir'], {
    cwd: WEB,
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const html = await readFile(join(dir, 'index.html'), 'utf8');
  const refs = [
    ...html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g),
    ...html.matchAll(/<link[^>]*rel="(?:modulepreload|stylesheet)"[^>]*href="([^"]+)"/g),
    ...html.matchAll(/<link[^>]*href="([^"]+)"[^>]*rel="(?:modulepreload|stylesheet)"/g),
  ].map((m) => m[1]!);
  const initial = await Promise.all(
    [...new Set(refs)].map(async (file) => {
      const body = await readFile(join(dir, file));
      return { file, bytes: body.length, gzip: gzipSync(body).length };
    }),
  );
  if (!initial.some((f) => f.file.endsWith('.js'))) throw new Error('index.html loads no script');
  return { dir, initial, close: () => rm(dir, { recursive: true, force: true }) };
}

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };

/**
 * Milliseconds from navigation to the portfolio's heat map holding `rows` tenant rows, in Debian's Chromium, signed
 * in with the session cookie. The API is the real server; the page and its assets come from `build`.
 */
export async function portfolioRenderMs(
  url: string,
  cookie: string,
  build: WebBuild,
  rows: number,
  repeats: number,
): Promise<{ samples: number[]; median: number; matrixArrived: number }> {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--no-first-run'],
  });
  try {
    const samples: number[] = [];
    const api: number[] = [];
    for (let i = 0; i < repeats; i++) {
      // A fresh context each time: nothing cached, as on a morning's first visit.
      const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
      try {
        const [name, ...value] = cookie.split('=');
        await context.addCookies([{ name: name!, value: value.join('='), url }]);
        await context.route(`${url}/**`, async (route) => {
          const path = new URL(route.request().url()).pathname;
          if (path.startsWith('/trpc/')) return route.continue();
          const file = path.startsWith('/assets/') ? join(build.dir, path) : join(build.dir, 'index.html');
          const body = await readFile(file).catch(() => null);
          if (!body) return route.fulfill({ status: 404 });
          return route.fulfill({ status: 200, body, contentType: TYPES[extname(file)] ?? 'text/html' });
        });
        // Set before the app's scripts run: the moment the heat map's rows are all in the document. (Strings: this
        // code runs in the page, not in Node.)
        await context.addInitScript(`new MutationObserver((_, observer) => {
          if (document.querySelectorAll('table.heatmap tbody tr').length >= ${rows}) {
            window.__rendered = performance.now();
            observer.disconnect();
          }
        }).observe(document, { childList: true, subtree: true });`);
        const page = await context.newPage();
        await page.goto(`${url}/`);
        await page.waitForFunction('window.__rendered !== undefined', null, { timeout: 60_000 });
        samples.push(Number(await page.evaluate('window.__rendered')));
        // When the matrix's response had arrived: what the rest of the time was spent on is rendering.
        api.push(
          Number(
            await page.evaluate(
              `performance.getEntriesByType('resource').filter((e) => e.name.includes('portfolio.matrix'))
                 .map((e) => e.responseEnd).pop() ?? NaN`,
            ),
          ),
        );
      } finally {
        await context.close();
      }
    }
    return { samples, median: median(samples).value, matrixArrived: median(api).value };
  } finally {
    await browser.close();
  }
}
