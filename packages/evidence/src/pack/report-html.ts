import { CONTROL_STATUSES } from '@evident/core';
import type { PackInput } from './input.ts';
import type { ReportSummary } from './summary.ts';

const html = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Only a plain colour is let into the style sheet. */
const safeColour = (c: string | undefined) => (c && /^#[0-9a-fA-F]{3,8}$/.test(c) ? c : '#1f3a5f');

const STATUS_COLOURS = {
  pass: '#1b7f3b',
  partial: '#a86b00',
  fail: '#b3261e',
  unknown: '#5f6368',
  not_applicable: '#5f6368',
};

/** Self-contained (no external resource, no script) and printable. */
export function reportHtml(input: PackInput, summary: ReportSummary): string {
  const accent = safeColour(input.brand.accent);
  const tally = CONTROL_STATUSES.map((s) => `<li class="${s}">${s.replace('_', ' ')}: ${summary.counts[s]}</li>`).join(
    '',
  );
  const rows = summary.controls
    .map(
      (
        c,
      ) => `<tr><td>${html(c.id)}</td><td>${html(c.title)}</td><td class="${c.status}">${c.status.replace('_', ' ')}</td>
<td>${c.coverage}</td><td>${html(c.reason)}${
        c.failing.length > 0
          ? `<ul>${c.failing.map((f) => `<li>${html(f)}</li>`).join('')}${c.moreFailing > 0 ? `<li>and ${c.moreFailing} more (results.json)</li>` : ''}</ul>`
          : ''
      }${c.excepted > 0 ? `<p>${c.excepted} subject(s) excepted (exceptions.csv)</p>` : ''}</td><td>${html(c.frameworks)}</td></tr>`,
    )
    .join('\n');
  const history = summary.assessments
    .map(
      (a) =>
        `<tr><td>${html(a.runId)}</td><td>${a.startedAt}</td>${CONTROL_STATUSES.map((s) => `<td>${a.counts[s]}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${html(summary.title)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#202124}
h1,h2{color:${accent}} header{border-bottom:4px solid ${accent};margin-bottom:1rem}
table{border-collapse:collapse;width:100%;margin-bottom:1.5rem} th,td{border:1px solid #dadce0;padding:4px 6px;text-align:left;vertical-align:top}
ul.tally{display:flex;gap:1rem;list-style:none;padding:0}
${Object.entries(STATUS_COLOURS)
  .map(([s, c]) => `.${s}{color:${c};font-weight:600}`)
  .join('\n')}
@media print{body{margin:0} tr{break-inside:avoid}}
</style></head><body>
<header><p>${html(input.brand.name)}</p><h1>${html(summary.title)}</h1>
<p>Tenant ${html(input.tenant.id)} · period ${html(summary.period)} · generated ${input.generatedAt}</p></header>
<p>Audit chain head of ${html(input.organization.name)}: <code>${input.auditChain.head ?? 'none (no audit event yet)'}</code>
(${input.auditChain.events} events, ${input.auditChain.valid ? 'verified' : 'BROKEN'} when the pack was made).
Every file of this pack is hashed in manifest.json, which is signed (manifest.jws); run <code>evident verify</code> on the pack.</p>
<h2>Latest assessment</h2>
${summary.latest ? `<p>Run ${html(summary.latest.runId)}, evaluated ${summary.latest.evaluatedAt}.</p><ul class="tally">${tally}</ul>` : '<p>No assessment with results in this period: every control is unknown.</p>'}
<table><thead><tr><th>Control</th><th>Title</th><th>Status</th><th>Coverage</th><th>Why</th><th>Frameworks</th></tr></thead>
<tbody>${rows}</tbody></table>
<h2>Assessments in the period</h2>
<table><thead><tr><th>Run</th><th>Started</th>${CONTROL_STATUSES.map((s) => `<th>${s.replace('_', ' ')}</th>`).join('')}</tr></thead>
<tbody>${history}</tbody></table>
</body></html>
`;
}
