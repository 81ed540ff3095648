import { createHash } from 'node:crypto';
import { CATALOG, FRAMEWORKS, type Mapping } from '@evident/controls';

/** The catalog as a pack states it: a fingerprint of what the controls require and map to, and framework versions. */
export function catalogInfo() {
  const content = CATALOG.map((c) => ({
    id: c.id,
    title: c.title,
    requirement: c.requirement,
    needs: c.needs,
    mappings: c.mappings,
  }));
  return {
    fingerprint: createHash('sha256').update(JSON.stringify(content)).digest('hex'),
    controls: CATALOG.length,
    frameworks: FRAMEWORKS.map((f) => ({ id: f.id, version: f.version })),
  };
}

const byId = new Map(CATALOG.map((c) => [c.id, c]));

export function controlInfo(controlId: string): { title: string; mappings: readonly Mapping[] } {
  const control = byId.get(controlId);
  return { title: control?.title ?? controlId, mappings: control?.mappings ?? [] };
}

export const mappingLabel = (m: Mapping) => `${m.framework}:${m.ref}`;
