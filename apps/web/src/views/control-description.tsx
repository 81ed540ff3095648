import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '../trpc.ts';
import { ErrorState, Loading } from '../ui.tsx';

interface Description {
  requirement: string;
  rationale: string;
  remediation: string;
  mappings: { framework: string; frameworkName: string; ref: string; note: string | null; url: string }[];
}

function DescriptionBody({ d }: { d: Description }) {
  return (
    <dl className="catalog">
      <dt>Requirement</dt>
      <dd>{d.requirement}</dd>
      <dt>Why it matters</dt>
      <dd>{d.rationale}</dd>
      <dt>How to fix it</dt>
      <dd>{d.remediation}</dd>
      <dt>Framework mappings</dt>
      <dd>
        {d.mappings.length === 0 ? (
          <span className="muted">Mapped to no framework.</span>
        ) : (
          <ul className="plain">
            {d.mappings.map((m) => (
              <li key={`${m.framework}-${m.ref}`}>
                <a href={m.url} rel="noreferrer" target="_blank">
                  {m.frameworkName}
                </a>{' '}
                <strong>{m.ref}</strong>
                {m.note && <span className="muted"> — {m.note}</span>}
              </li>
            ))}
          </ul>
        )}
      </dd>
    </dl>
  );
}

/** What the control requires, why, how to fix it, and where frameworks ask for it (staff). */
export function ControlDescription({ controlId }: { controlId: string }) {
  const trpc = useTRPC();
  const d = useQuery(trpc.controls.describe.queryOptions({ controlId }, { staleTime: Number.POSITIVE_INFINITY }));
  return (
    <section aria-labelledby="about-h" className="card">
      <h2 id="about-h">About this control</h2>
      {d.isPending ? (
        <Loading what="the control's description" />
      ) : d.isError ? (
        <ErrorState error={d.error} retry={() => d.refetch()} />
      ) : (
        <DescriptionBody d={d.data} />
      )}
    </section>
  );
}

function SharedDescription({ controlId }: { controlId: string }) {
  const trpc = useTRPC();
  const d = useQuery(trpc.shared.control.queryOptions({ controlId }, { staleTime: Number.POSITIVE_INFINITY }));
  if (d.isPending) return <Loading what="the control's description" />;
  if (d.isError) return <ErrorState error={d.error} retry={() => d.refetch()} />;
  return <DescriptionBody d={d.data} />;
}

/** In the shared view: the same words behind a disclosure, fetched when opened. */
export function SharedControlAbout({ controlId }: { controlId: string }) {
  const [open, setOpen] = useState(false);
  return (
    <details onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>
        About<span className="visually-hidden"> {controlId}</span>
      </summary>
      {open && <SharedDescription controlId={controlId} />}
    </details>
  );
}
