import { type ControlResult, type ControlStatus, type EvidenceRef, worstStatus } from '@evident/core';
import { CATALOG } from './catalog/index.ts';
import type { Control } from './control.ts';
import { type Framework, type FrameworkId, frameworkById, type Mapping } from './frameworks.ts';

const byRef = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

export interface FrameworkCoverage {
  framework: Framework;
  controls: Array<{ id: string; title: string; refs: Mapping[] }>;
}

/** The controls that map to a framework, each with the references it evidences there. */
export function byFramework(frameworkId: FrameworkId, catalog: readonly Control[] = CATALOG): FrameworkCoverage {
  return {
    framework: frameworkById(frameworkId),
    controls: catalog
      .map((c) => ({ id: c.id, title: c.title, refs: c.mappings.filter((m) => m.framework === frameworkId) }))
      .filter((c) => c.refs.length > 0),
  };
}

export interface RefGroup {
  framework: FrameworkId;
  ref: string;
  /** The worst status of the results mapped to the reference. */
  status: ControlStatus;
  results: ControlResult[];
  evidence: EvidenceRef[];
}

/** Results gathered under each reference of a framework: everything behind "CIS 8.10", for instance. */
export function groupByFrameworkRef(
  results: readonly ControlResult[],
  frameworkId: FrameworkId,
  catalog: readonly Control[] = CATALOG,
): RefGroup[] {
  const groups = new Map<string, ControlResult[]>();
  for (const result of results) {
    const control = catalog.find((c) => c.id === result.controlId);
    const refs = new Set(control?.mappings.filter((m) => m.framework === frameworkId).map((m) => m.ref));
    for (const ref of refs) groups.set(ref, [...(groups.get(ref) ?? []), result]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => byRef(a, b))
    .map(([ref, grouped]) => ({
      framework: frameworkId,
      ref,
      status: worstStatus(grouped.map((r) => r.status)),
      results: grouped,
      evidence: grouped.flatMap((r) => r.evidence),
    }));
}
