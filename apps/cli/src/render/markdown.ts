import { describeParams, frameworkById } from '@evident/controls';
import type { CatalogView } from '../catalog-view.ts';

const cell = (value: unknown) => String(value).replaceAll('|', '\\|').replaceAll('\n', ' ');

/** The catalog as a Markdown document: one section per control, its parameters and its framework mappings. */
export function renderCatalogMarkdown(view: CatalogView): string {
  const out: string[] = ['# Evident control catalog', ''];
  for (const { control: c, mappings } of view) {
    out.push(`## ${c.id}: ${c.title}`, '');
    out.push(`**Requirement.** ${c.requirement}`, '', `**Rationale.** ${c.rationale}`, '');
    out.push(`**Remediation.** ${c.remediation}`, '');
    out.push('| Parameter | Default | Meaning |', '| --- | --- | --- |');
    for (const p of describeParams(c.params))
      out.push(`| \`${p.name}\` | ${cell(p.default)} | ${cell(p.description)} |`);
    out.push('', '**Mappings**', '');
    for (const m of mappings) {
      const f = frameworkById(m.framework);
      out.push(`- ${f.name} (${f.version}) ${m.ref}${m.note ? `: ${m.note}` : ''}`);
    }
    out.push('');
  }
  return out.join('\n');
}
