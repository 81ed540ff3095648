import type { ControlResult } from '@evident/core';
import { controlInfo } from './catalog-info.ts';
import type { Assessment, PackInput } from './input.ts';

/** Namespace of the properties the pack adds to OSCAL's own (framework mappings, Evident's status, coverage). */
export const OSCAL_NS = 'urn:evident:oscal';
export const OSCAL_FILE = 'oscal/assessment-results.json';

type Json = Record<string, unknown>;
const uuid = () => crypto.randomUUID();
const text = (s: string, fallback: string) => (s.trim() === '' ? fallback : s.trim());
const prop = (name: string, value: string): Json => ({ name, ns: OSCAL_NS, value });

/** Which file of the pack holds the facts a source stands for. */
function evidenceFile(source: string): string {
  return /log|audit|sink|bucket/i.test(source) ? 'log-sources.csv' : 'identities.csv';
}

function observations(r: ControlResult): Json[] {
  return r.evidence.map((e) => ({
    uuid: uuid(),
    title: `${r.controlId}: ${e.source}`,
    description: `${e.facts} fact(s) read from ${e.source} through connection ${e.connection}.`,
    methods: ['TEST'],
    types: ['control-objective'],
    'relevant-evidence': [{ href: evidenceFile(e.source), description: `Facts from ${e.source}.` }],
    collected: e.observedAt,
  }));
}

/** `satisfied` only for a pass: partial, fail, unknown and not applicable are not evidence that a control holds. */
function finding(r: ControlResult, observed: Json[]): Json {
  const info = controlInfo(r.controlId);
  return {
    uuid: uuid(),
    title: `${r.controlId}: ${info.title}`,
    description: text(r.reason, `Status ${r.status}.`),
    props: [
      prop('evident-status', r.status),
      prop('coverage', `${r.coverage.numerator}/${r.coverage.denominator}`),
      ...info.mappings.map((m) => ({ ...prop('framework-mapping', `${m.framework} ${m.ref}`), class: m.framework })),
    ],
    target: {
      type: 'objective-id',
      'target-id': r.controlId,
      status: r.status === 'pass' ? { state: 'satisfied' } : { state: 'not-satisfied', reason: r.status },
    },
    ...(observed.length > 0 ? { 'related-observations': observed.map((o) => ({ 'observation-uuid': o.uuid })) } : {}),
  };
}

function result(run: Assessment['run'], results: ControlResult[]): Json {
  const observed = results.map(observations);
  return {
    uuid: uuid(),
    title: `Assessment ${run.id}`,
    description: `Continuous assessment of ${results.length} control(s), triggered by ${run.trigger}, ${run.status}.`,
    start: run.startedAt,
    ...(run.finishedAt ? { end: run.finishedAt } : {}),
    props: [prop('run-id', run.id)],
    'reviewed-controls': {
      'control-selections': [{ 'include-controls': results.map((r) => ({ 'control-id': r.controlId })) }],
    },
    ...(observed.flat().length > 0 ? { observations: observed.flat() } : {}),
    findings: results.map((r, i) => finding(r, observed[i]!)),
  };
}

/** NIST OSCAL 1.1.3 assessment results: one result per assessment, one finding per control. */
export function oscalAssessmentResults(input: PackInput, assessments: readonly Assessment[]): Json {
  const withResults = assessments.filter((a) => a.results.length > 0);
  const results =
    withResults.length > 0
      ? withResults.map((a) => result(a.run, a.results))
      : [
          {
            uuid: uuid(),
            title: 'No assessment in the period',
            description: 'The tenant has no assessment with results in the period of this pack.',
            start: input.period.from ?? input.period.to,
            end: input.period.to,
            'reviewed-controls': { 'control-selections': [{ 'include-all': {} }] },
          },
        ];
  const party = uuid();
  return {
    'assessment-results': {
      uuid: uuid(),
      metadata: {
        title: `Evidence pack for ${input.tenant.name}, issued by ${input.brand.name}`,
        'last-modified': input.generatedAt,
        version: input.generatedAt,
        'oscal-version': '1.1.3',
        parties: [{ uuid: party, type: 'organization', name: input.brand.name }],
        props: [prop('tenant-id', input.tenant.id), prop('organization-id', input.organization.id)],
      },
      'import-ap': {
        href: 'urn:evident:assessment-plan:continuous',
        remarks: 'Controls are assessed continuously from provider APIs; the plan is the control catalog of the pack.',
      },
      results,
    },
  };
}
