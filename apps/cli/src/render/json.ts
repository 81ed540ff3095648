import type { ControlResult } from '@evident/core';
import type { CatalogView } from '../catalog-view.ts';
import { defaultsOf } from '../catalog-view.ts';

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

export function renderResultsJson(results: readonly ControlResult[]): string {
  return json(results);
}

/** The catalog as data: one object per control with its default parameters and (selected) mappings. */
export function renderCatalogJson(view: CatalogView): string {
  return json(
    view.map(({ control: c, mappings }) => ({
      id: c.id,
      title: c.title,
      requirement: c.requirement,
      rationale: c.rationale,
      remediation: c.remediation,
      params: defaultsOf(c),
      mappings,
    })),
  );
}
