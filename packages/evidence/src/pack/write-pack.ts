import { createHash } from 'node:crypto';
import { Zip, ZipDeflate } from 'fflate';
import { type SigningKey, signDetached } from '../sign.ts';
import {
  type Jwks,
  KEYS,
  MANIFEST,
  type Manifest,
  type ManifestFile,
  PACK_FORMAT,
  SIGNATURE,
} from '../verify/manifest.ts';
import { catalogInfo } from './catalog-info.ts';
import type { Assessment, PackInput } from './input.ts';
import { OSCAL_FILE, oscalAssessmentResults } from './oscal.ts';
import { reportHtml } from './report-html.ts';
import { reportPdf } from './report-pdf.ts';
import {
  CONTROLS_HEADER,
  controlLines,
  EXCEPTIONS_HEADER,
  exceptionLine,
  exceptionLookup,
  IDENTITIES_HEADER,
  identityLine,
  LOG_SOURCES_HEADER,
  logSourceLine,
} from './rows.ts';
import { summarise } from './summary.ts';

export const GENERATOR = { name: '@evident/evidence', version: '0.1.0' };

/** Where the zip goes, chunk by chunk; the writer waits for each write, so memory stays bounded. */
export interface PackSink {
  write(chunk: Uint8Array): Promise<void> | void;
}

type Content = Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>;
const CHUNK = 64 * 1024;

/** Streams one zip into `sink`: every file hashed on the way, then the manifest, its signature and the keys. */
export interface WrittenPack {
  manifest: Manifest;
  /** SHA-256 of manifest.json as written: names the pack in announcements. */
  manifestSha256: string;
}

export async function writePack(input: PackInput, key: SigningKey, keys: Jwks, sink: PackSink): Promise<WrittenPack> {
  const encoder = new TextEncoder();
  const pending: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((error, chunk) => {
    if (error) failure = error;
    else pending.push(chunk);
  });
  const drain = async () => {
    if (failure) throw failure;
    for (let c = pending.shift(); c; c = pending.shift()) await sink.write(c);
  };
  const mtime = new Date(input.generatedAt);
  const files: ManifestFile[] = [];

  async function add(path: string, content: Content, hashed = true): Promise<void> {
    const entry = new ZipDeflate(path, { level: 6 });
    entry.mtime = mtime;
    zip.add(entry);
    const hash = createHash('sha256');
    let size = 0;
    let text = '';
    const push = async (bytes: Uint8Array, final: boolean) => {
      hash.update(bytes);
      size += bytes.length;
      entry.push(bytes, final);
      await drain();
    };
    for await (const piece of content) {
      if (typeof piece === 'string') {
        text += piece;
        if (text.length >= CHUNK) {
          await push(encoder.encode(text), false);
          text = '';
        }
      } else {
        if (text) await push(encoder.encode(text), false);
        text = '';
        await push(piece, false);
      }
    }
    await push(encoder.encode(text), true);
    if (hashed) files.push({ path, sha256: hash.digest('hex'), size });
  }

  /** Everything that needs the full results, in one scope: they can be collected before the facts stream. */
  async function fromResults() {
    const assessments = await input.assessments();
    await add('results.json', resultsJson(input, assessments));
    await add('controls.csv', [CONTROLS_HEADER, ...controlLines(assessments)]);
    return {
      summary: summarise(input, assessments),
      oscal: JSON.stringify(oscalAssessmentResults(input, assessments), null, 2),
      runIds: assessments.map((a) => a.run.id),
    };
  }

  const at = new Date(input.generatedAt);
  const { summary, oscal, runIds } = await fromResults();
  const logSources: string[] = [];
  const excepted = exceptionLookup(input.exceptions, at);

  await add(
    'identities.csv',
    (async function* () {
      yield IDENTITIES_HEADER;
      for await (const f of input.facts()) {
        if (f.type === 'identity') yield identityLine(f, excepted(f.connection, f.subject, f.name));
        else if (f.type === 'logSource') logSources.push(logSourceLine(f));
      }
    })(),
  );
  await add('log-sources.csv', [LOG_SOURCES_HEADER, ...logSources]);
  await add('exceptions.csv', [EXCEPTIONS_HEADER, ...input.exceptions.map((e) => exceptionLine(e, at))]);
  await add('report.html', [reportHtml(input, summary)]);
  await add('report.pdf', [await reportPdf(input, summary)]);
  await add(OSCAL_FILE, [oscal]);

  const manifest: Manifest = {
    format: PACK_FORMAT,
    organization: input.organization,
    tenant: input.tenant,
    period: input.period,
    generatedAt: input.generatedAt,
    generator: GENERATOR,
    catalog: catalogInfo(),
    auditChain: input.auditChain,
    assessments: runIds,
    collections: input.collections,
    files,
  };
  const manifestBytes = encoder.encode(JSON.stringify(manifest, null, 2));
  await add(MANIFEST, [manifestBytes], false);
  await add(SIGNATURE, [await signDetached(manifestBytes, key)], false);
  await add(KEYS, [JSON.stringify(keys, null, 2)], false);
  zip.end();
  await drain();
  return { manifest, manifestSha256: createHash('sha256').update(manifestBytes).digest('hex') };
}

/** Result by result, each subject list streamed from the store: a list is never held whole. */
async function* resultsJson(input: PackInput, assessments: readonly Assessment[]): AsyncGenerator<string> {
  const head = { organization: input.organization, tenant: input.tenant, period: input.period };
  yield `${JSON.stringify(head, null, 2).slice(0, -2)},\n  "assessments": [`;
  for (const [i, a] of assessments.entries()) {
    yield `${i === 0 ? '\n' : ',\n'}{"run":${JSON.stringify(a.run)},"results":[`;
    for (const [j, r] of a.results.entries()) {
      const { failing: _f, excepted: _e, ...rest } = r;
      yield `${j === 0 ? '' : ','}${JSON.stringify(rest).slice(0, -1)}`;
      for (const list of ['failing', 'excepted'] as const) {
        yield `,"${list}":[`;
        let first = true;
        for await (const s of input.subjects(a.run.id, r.controlId, list)) {
          yield `${first ? '' : ','}${JSON.stringify(s)}`;
          first = false;
        }
        yield ']';
      }
      yield '}';
    }
    yield ']}';
  }
  yield '\n  ]\n}\n';
}
