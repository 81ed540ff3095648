import type { VerifyReport } from '@evident/evidence/verify';
import { type ChangeEvent, type DragEvent, useEffect, useRef, useState } from 'react';

type State =
  | { step: 'idle' }
  | { step: 'checking'; file: string }
  | { step: 'done'; file: string; report: VerifyReport }
  | { step: 'error'; file: string; message: string };

/** Checks a dropped pack in this browser (WebCrypto): its bytes are read locally and never sent anywhere. */
export function VerifyView() {
  const [state, setState] = useState<State>({ step: 'idle' });
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  async function check(file: File) {
    setState({ step: 'checking', file: file.name });
    try {
      const { verifyPackBytes } = await import('@evident/evidence/verify');
      const report = await verifyPackBytes(new Uint8Array(await file.arrayBuffer()));
      setState({ step: 'done', file: file.name, report });
    } catch (err) {
      setState({ step: 'error', file: file.name, message: err instanceof Error ? err.message : String(err) });
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
        manifest&rsquo;s Ed25519 signature. Nothing is uploaded.
      </p>
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
        {state.step === 'done' && <Report file={state.file} report={state.report} />}
      </div>
    </section>
  );
}

function Report({ file, report }: { file: string; report: VerifyReport }) {
  const m = report.manifest;
  return (
    <div className="verify-report">
      <h2>
        {file}: <span className={report.ok ? 'status-pass' : 'status-fail'}>{report.ok ? 'verified' : 'FAILED'}</span>
      </h2>
      {m && (
        <p>
          Tenant {m.tenant.name} of {m.organization.name}, {m.period.from ? `${m.period.from} to ` : 'as of '}
          {m.period.to}; {m.files.length} files in the manifest{report.kid ? `, signed with key ${report.kid}` : ''}.
        </p>
      )}
      {report.problems.length > 0 && (
        <>
          <h3>What does not match</h3>
          <ul className="problems">
            {report.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </>
      )}
      {report.notes.length > 0 && (
        <ul className="notes">
          {report.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
