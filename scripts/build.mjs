#!/usr/bin/env node
// Bundles each app's entry point into apps/<app>/dist/: the workspace packages (TypeScript sources) are compiled
// in, every external dependency stays an import from node_modules. Production runs these, never a TS loader.
import { cp, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;

/** Per app, its output file and the module it runs. */
export const APPS = {
  worker: { out: 'worker', contents: "import './src/main.ts';" },
  server: { out: 'server', contents: "import './src/main.ts';" },
  cli: {
    out: 'evident',
    contents: "import { main } from './src/main.ts';\nprocess.exitCode = await main(process.argv.slice(2));",
  },
};

/** Workspace packages are bundled; anything else from node_modules is left to Node's resolver. */
const externals = {
  name: 'externals',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@evident/') ? undefined : { path: args.path, external: true },
    );
  },
};

/**
 * A package reading a folder beside its sources (`new URL('../migrations', import.meta.url)`) finds it next to the
 * bundle instead: the folder is copied to `<outdir>/<package>/<folder>` and the URL rewritten to point there.
 */
function assets(outdir) {
  const REF = /new URL\('\.\.\/([a-z-]+)', import\.meta\.url\)/g;
  return {
    name: 'assets',
    setup(b) {
      b.onLoad({ filter: /[/\\]packages[/\\][a-z-]+[/\\]src[/\\].*\.ts$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        if (!REF.test(source)) return undefined;
        const pkgDir = args.path.slice(0, args.path.lastIndexOf('/src/'));
        const pkg = pkgDir.slice(pkgDir.lastIndexOf('/') + 1);
        const copies = [];
        const contents = source.replace(REF, (_, folder) => {
          copies.push(cp(join(pkgDir, folder), join(outdir, pkg, folder), { recursive: true }));
          return `new URL('./${pkg}/${folder}', import.meta.url)`;
        });
        await Promise.all(copies);
        return { contents, loader: 'ts' };
      });
    },
  };
}

/** One ESM bundle of `contents` (resolved from `resolveDir`) for Node 20, with its source map. */
export async function bundle({ contents, resolveDir, outfile }) {
  await build({
    absWorkingDir: root,
    stdin: { contents, resolveDir, sourcefile: 'entry.ts', loader: 'ts' },
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    sourcemap: true,
    plugins: [externals, assets(dirname(outfile))],
    logLevel: 'warning',
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const only = process.argv.slice(2);
  for (const [app, { out, contents }] of Object.entries(APPS)) {
    if (only.length > 0 && !only.includes(app)) continue;
    await bundle({ contents, resolveDir: `${root}apps/${app}`, outfile: `${root}apps/${app}/dist/${out}.js` });
  }
}
