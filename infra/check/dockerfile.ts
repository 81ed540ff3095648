import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { officialImage, ROOT } from './shared.ts';

/** The supported production runtime: Node 24 LTS (Node 20 reached its end of life in April 2026). */
export const NODE_MAJOR = 24;

export interface DockerfileReport {
  stages: string[];
  /** The base image of each stage, in order. */
  bases: string[];
  problems: string[];
}

/** Stages, bases and COPY sources of a Dockerfile whose build context is the repository root. */
export function checkDockerfile(text: string): DockerfileReport {
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages: string[] = [];
  const bases: string[] = [];
  const problems: string[] = [];
  let last = { user: '', nodeEnv: false, entrypoint: false };
  let copied: string[] = [];
  for (const line of lines) {
    const [instruction, ...rest] = line.split(/\s+/);
    const op = instruction!.toUpperCase();
    if (op === 'FROM') {
      const [image, as, name] = rest;
      bases.push(image!);
      if (!stages.includes(image!) && !officialImage(image!))
        problems.push(`Dockerfile: base ${image} is neither a stage nor an official image with a pinned major`);
      const node = /^node:(\d+)\b/.exec(image!);
      if (node && Number(node[1]) !== NODE_MAJOR)
        problems.push(`Dockerfile: base ${image} is not Node ${NODE_MAJOR} LTS, the supported runtime`);
      if (as?.toUpperCase() !== 'AS' || !name) problems.push(`Dockerfile: stage from ${image} has no name`);
      else stages.push(name);
      last = { user: '', nodeEnv: false, entrypoint: false };
      copied = [];
    } else if (op === 'COPY') {
      const from = rest.find((a) => a.startsWith('--from='))?.slice('--from='.length);
      const paths = rest.filter((a) => !a.startsWith('--'));
      copied.push(paths.at(-1) ?? '');
      if (from && !stages.includes(from)) problems.push(`Dockerfile: COPY --from=${from} names no earlier stage`);
      if (!from)
        for (const source of paths.slice(0, -1))
          if (!existsSync(join(ROOT, source))) problems.push(`Dockerfile: COPY source ${source} does not exist`);
    } else if (op === 'USER') last.user = rest[0] ?? '';
    else if (op === 'ENV' && rest.includes('NODE_ENV=production')) last.nodeEnv = true;
    else if (op === 'ENTRYPOINT') last.entrypoint = true;
  }
  if (!last.user || ['root', '0'].includes(last.user))
    problems.push('Dockerfile: the final stage must run as non-root');
  if (!last.nodeEnv) problems.push('Dockerfile: the final stage must set NODE_ENV=production');
  if (!last.entrypoint) problems.push('Dockerfile: the final stage needs an init entrypoint');
  for (const path of shippedPaths())
    if (!copied.includes(path)) problems.push(`Dockerfile: the final stage does not ship ${path}`);
  return { stages, bases, problems };
}

/** What the runtime needs: every app with a `bin/` (its launcher and its bundle), and the dashboard the server serves. */
function shippedPaths(): string[] {
  const apps = readdirSync(join(ROOT, 'apps')).filter((app) => existsSync(join(ROOT, 'apps', app, 'bin')));
  return [...apps.flatMap((app) => [`apps/${app}/bin`, `apps/${app}/dist`]), 'apps/web/dist'];
}
