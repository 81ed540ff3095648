import type { Manifest, PackReading, VerifyReport } from '@evident/evidence/verify';
import { type ChangeEvent, type DragEvent, type FormEvent, useEffect, useRef, useState } from 'react';
import type { KeySource, Verdict } from './verify-keys.ts';

type State =
  | { step: 'idle' }
  | { step: 'checking'; file: string }
  | { step: 'done'; file: string; verdict: Verdict; manifest?: Manifest }
  | { step: 'error'; file: string; message: string };

interface Read {
  file: string;
  reading: PackReading;
  own: VerifyReport;
}

/** `?org=<id>` or `?keys=<path on this server>`, as a link or a QR code opens the page; else the pack's own org. */
function sourceFromSearch(search: string): KeySource {
  const params = new URLSearchParams(search);
  const org = params.get('org');
  if (org) return { kind: 'org', orgId: org };
  const keys = params.get('keys');
  return keys ? { kind: 'url', url: keys } : { kind: 'pack' };
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Checks a dropped pack in this browser (WebCrypto): its bytes are read locally and never sent anywhere. */
export function VerifyView() {
  const [state, setState] = useState<State>({ step: 'idle' });
  const [source, setSource] = useState<KeySource>(() => sourceFromSearch(location.search));
  const [read, setRead] = useState<Read | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  useEffect(() => {
    if (!read) return;
    let current = true;
    (async () => {
      const { checkPack } = await import('@evident/evidence/verify');
      const { loadKeys, verdict } = await import('./verify-keys.ts');
      const m = read.own.manifest;
      const keys = await loadKeys(source, m?.organization.id, location.origin);
      const pinned =
        'pinned' in keys
          ? await checkPack(read.reading, { trustedKeys: keys.pinned.keys, keySource: keys.pinned.label })
          : null;
      if (current)
        setState({
          step: 'done',
          file: read.file,
          verdict: verdict(read.own, pinned, keys),
          ...(m ? { manifest: m } : {}),
        });
    })().catch((err) => current && setState({ step: 'error', file: read.file, message: message(err) }));
    return () => {
      current = false;
    };
  }, [read, source]);

  async function check(file: File) {
    setState({ step: 'checking', file: file.name });
    setRead(null);
    try {
      const { blobSource, checkPack, readPack, webCryptoHasher } = await import('@evident/evidence/verify');
      const reading = await readPack(blobSource(file), webCryptoHasher);
      setRead({ file: file.name, reading, own: await checkPack(reading) });
    } catch (err) {
      setState({ step: 'error', file: file.name, message: message(err) });
    }
  }
  const picked = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (file) void check(file);
  };
  const dropped = (e: DragEvent) => {
    e.preventDefault();
    const file = e.dataTransfer.files[0];
    if (file) void check(file);
  };

  return (
    <section>
      <h1 ref={heading} tabIndex={-1}>
        Verify an evidence pack
      </h1>
      <p>
        The pack is checked here, in your browser: every file against the manifest&rsquo;s SHA-256 and size, and the
        manifest&rsquo;s Ed25519 signature against the keys the organization publishes. Nothing is uploaded.
      </p>
      <KeyChoice source={source} onChange={setSource} />
      <label className="dropzone" onDragOver={(e) => e.preventDefault()} onDrop={dropped}>
        Drop a pack here, or choose one: <input type="file" accept=".zip,application/zip" onChange={picked} />
      </label>
      <div aria-live="polite">
        {state.step === 'checking' && <p>Checking {state.file}…</p>}
        {state.step === 'error' && (
          <p role="alert">
            {state.file} could not be read: {state.message}
          </p>
        )}
        {state.step === 'done' && <Report file={state.file} verdict={state.verdict} manifest={state.manifest} />}
      </div>
    </section>
  );
}

/** Whose keys to expect: the organization the pack names, one chosen, keys at a path on this server, or pasted. */
function KeyChoice({ source, onChange }: { source: KeySource; onChange: (s: KeySource) => void }) {
  const [kind, setKind] = useState<KeySource['kind']>(source.kind);
  const [orgId, setOrgId] = useState(source.kind === 'org' ? source.orgId : '');
  const [url, setUrl] = useState(source.kind === 'url' ? source.url : '');
  const [pasted, setPasted] = useState('');
  const apply = (e: FormEvent) => {
    e.preventDefault();
    if (kind === 'org') onChange({ kind, orgId: orgId.trim() });
    else if (kind === 'url') onChange({ kind, url: url.trim() });
    else if (kind === 'pasted') onChange({ kind, text: pasted });
    else onChange({ kind });
  };
  const option = (value: KeySource['kind'], label: string) => (
    <label>
      <input type="radio" name="key-source" value={value} checked={kind === value} onChange={() => setKind(value)} />{' '}
      {label}
    </label>
  );
  return (
    <form onSubmit={apply} className="key-choice">
      <fieldset>
        <legend>Whose signature to expect</legend>
        <p>{option('pack', 'The organization named in the pack, with the keys this server publishes for it')}</p>
        <p>
          {option('org', 'An organization on this server')}{' '}
          <input aria-label="Organization ID" value={orgId} onChange={(e) => setOrgId(e.target.value)} />
        </p>
        <p>
          {option('url', 'Keys at an address on this server')}{' '}
          <input aria-label="Keys address" value={url} onChange={(e) => setUrl(e.target.value)} />
        </p>
        <p>{option('pasted', 'Keys I paste (the organization’s JWK set)')}</p>
        <textarea aria-label="Pasted keys" rows={3} value={pasted} onChange={(e) => setPasted(e.target.value)} />
        <p>
          <button type="submit">Use these keys</button>
        </p>
      </fieldset>
    </form>
  );
}

const TONE: Record<Verdict['tone'], string> = { pass: 'status-pass', unknown: 'status-unknown', fail: 'status-fail' };

function Report({ file, verdict, manifest: m }: { file: string; verdict: Verdict; manifest?: Manifest | undefined }) {
  return (
    <div className="verify-report">
      <h2>
        {file}: <span className={TONE[verdict.tone]}>{verdict.headline}</span>
      </h2>
      <p className="verdict">{verdict.explanation}</p>
      {m && (
        <p>
          The pack {verdict.tone === 'pass' ? 'covers' : 'says it covers'} tenant {m.tenant.name} of{' '}
          {m.organization.name} ({m.organization.id}), {m.period.from ? `${m.period.from} to ` : 'as of '}
          {m.period.to}; {m.files.length} files in the manifest.
          {!m.auditChain.valid && ' The organization’s audit chain was broken when the pack was made.'}
        </p>
      )}
      {verdict.problems.length > 0 && (
        <>
          <h3>What does not match</h3>
          <ul className="problems">
            {verdict.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
