import { PDFDocument, type PDFFont, type PDFPage, rgb, StandardFonts } from 'pdf-lib';
import type { PackInput } from './input.ts';
import type { ReportSummary } from './summary.ts';

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 50;

/** The standard fonts speak WinAnsi only: anything else becomes `?` rather than failing the pack. */
const winAnsi = (s: string) =>
  s
    .replace(/[–—]/g, '-')
    .replace(/[‘’]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/…/g, '...')
    .replace(/[^\x20-\x7E\xA0-\xFF]/g, '?');

function hex(colour: string | undefined) {
  const m = colour && /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour);
  return m
    ? rgb(...(m.slice(1).map((h) => Number.parseInt(h, 16) / 255) as [number, number, number]))
    : rgb(0.12, 0.23, 0.37);
}

class Writer {
  private page: PDFPage;
  private y = A4[1] - MARGIN;
  constructor(
    private readonly doc: PDFDocument,
    private readonly font: PDFFont,
    private readonly bold: PDFFont,
  ) {
    this.page = doc.addPage(A4);
  }

  line(
    text: string,
    options: { size?: number; bold?: boolean; colour?: ReturnType<typeof rgb>; indent?: number } = {},
  ) {
    const size = options.size ?? 10;
    const font = options.bold ? this.bold : this.font;
    const width = A4[0] - 2 * MARGIN - (options.indent ?? 0);
    for (const piece of wrap(winAnsi(text), font, size, width)) {
      if (this.y < MARGIN + size) {
        this.page = this.doc.addPage(A4);
        this.y = A4[1] - MARGIN;
      }
      this.page.drawText(piece, {
        x: MARGIN + (options.indent ?? 0),
        y: this.y,
        size,
        font,
        color: options.colour ?? rgb(0.13, 0.13, 0.14),
      });
      this.y -= size * 1.35;
    }
  }

  gap(points = 6) {
    this.y -= points;
  }
}

function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/)) {
    const next = current ? `${current} ${word}` : word;
    if (font.widthOfTextAtSize(next, size) <= width || !current) current = next;
    else {
      lines.push(current);
      current = word;
    }
  }
  return [...lines, current];
}

/** A printable summary made in JavaScript: the same content as report.html, without a browser. */
export async function reportPdf(input: PackInput, summary: ReportSummary): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(winAnsi(summary.title));
  doc.setAuthor(winAnsi(input.brand.name));
  doc.setCreator('Evident');
  doc.setCreationDate(new Date(input.generatedAt));
  doc.setModificationDate(new Date(input.generatedAt));
  const w = new Writer(
    doc,
    await doc.embedFont(StandardFonts.Helvetica),
    await doc.embedFont(StandardFonts.HelveticaBold),
  );
  const accent = hex(input.brand.accent);
  w.line(input.brand.name, { size: 11, colour: accent });
  w.line(summary.title, { size: 18, bold: true, colour: accent });
  w.line(`Tenant ${input.tenant.id}, period ${summary.period}, generated ${input.generatedAt}`);
  w.line(
    `Audit chain head of ${input.organization.name}: ${input.auditChain.head ?? 'none'} (${input.auditChain.events} events, ${input.auditChain.valid ? 'verified' : 'BROKEN'})`,
    { size: 8 },
  );
  w.gap(10);
  if (!summary.latest) w.line('No assessment with results in this period: every control is unknown.', { bold: true });
  else {
    w.line(`Latest assessment ${summary.latest.runId}, evaluated ${summary.latest.evaluatedAt}`, {
      size: 13,
      bold: true,
    });
    w.line(
      Object.entries(summary.counts)
        .map(([s, n]) => `${s.replace('_', ' ')}: ${n}`)
        .join('   '),
    );
  }
  for (const c of summary.controls) {
    w.gap(8);
    w.line(`${c.id}  ${c.status.replace('_', ' ').toUpperCase()}  (coverage ${c.coverage})  ${c.title}`, {
      bold: true,
    });
    w.line(c.reason, { indent: 12 });
    for (const f of c.failing) w.line(`- ${f}`, { indent: 20, size: 9 });
    if (c.moreFailing > 0) w.line(`and ${c.moreFailing} more in results.json`, { indent: 20, size: 9 });
    if (c.excepted > 0) w.line(`${c.excepted} subject(s) excepted (exceptions.csv)`, { indent: 12, size: 9 });
    if (c.frameworks) w.line(c.frameworks, { indent: 12, size: 8 });
  }
  w.gap(10);
  w.line('Assessments in the period', { size: 13, bold: true });
  for (const a of summary.assessments)
    w.line(
      `${a.runId}  ${a.startedAt}  ${Object.entries(a.counts)
        .map(([s, n]) => `${s.replace('_', ' ')} ${n}`)
        .join(', ')}`,
      { size: 9 },
    );
  return doc.save({ useObjectStreams: false });
}
