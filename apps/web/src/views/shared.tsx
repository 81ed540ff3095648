import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ThemeToggle } from '../theme.tsx';
import { errorCode, useShareToken, useTRPC } from '../trpc.ts';
import { Coverage, Empty, ErrorState, Loading, num, type Status, StatusBadge, Time } from '../ui.tsx';
import { SharedControlAbout } from './control-description.tsx';
import { EvidenceTable } from './evidence.tsx';
import { SharedPacks } from './packs.tsx';

interface Control {
  controlId: string;
  title: string;
  failingCount: number;
  exceptedCount: number;
}

/** What a customer sees through a share link: one tenant, read-only, under the MSP's branding. */
export function SharedView({ token }: { token: string }) {
  useShareToken(token);
  const trpc = useTRPC();
  const view = useQuery(trpc.shared.view.queryOptions());
  const accent = view.data?.branding.accentColor;
  useEffect(() => {
    // The brand colour draws the bar along the top; links and buttons keep the theme's colours, which are checked
    // for contrast in light and dark, whatever colour an MSP picks.
    if (accent) document.documentElement.style.setProperty('--brand', accent);
    document.title = view.data ? `${view.data.tenant.name} — ${view.data.branding.displayName}` : 'Shared view';
  }, [accent, view.data]);
  const brand = view.data?.branding;
  return (
    <>
      <header className="top branded">
        <span className="brand">
          {brand?.logoUrl && <img src={brand.logoUrl} alt="" height={24} />} {brand?.displayName ?? 'Shared view'}
        </span>
        <ThemeToggle />
      </header>
      <main id="main">
        {view.isPending ? (
          <Loading what="the shared view" />
        ) : view.isError ? (
          errorCode(view.error) === 'UNAUTHORIZED' ? (
            <section className="narrow">
              <h1>This link is no longer valid</h1>
              <p>It may have expired or been revoked. Ask the person who shared it for a new link.</p>
            </section>
          ) : (
            <ErrorState error={view.error} retry={() => view.refetch()} />
          )
        ) : (
          <section>
            <h1>{view.data.tenant.name}</h1>
            <p className="muted">
              Read-only view shared by {view.data.branding.displayName}; link expires <Time iso={view.data.expiresAt} />
              .
            </p>
            {view.data.results.length === 0 ? (
              <Empty>
                <p>No assessment yet.</p>
              </Empty>
            ) : (
              <div className="scroll">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Control</th>
                      <th scope="col">Status</th>
                      <th scope="col">Coverage</th>
                      <th scope="col">Failing</th>
                      <th scope="col">Reason</th>
                      <th scope="col">Evaluated</th>
                    </tr>
                  </thead>
                  <tbody>
                    {view.data.results.map((r) => (
                      <tr key={r.controlId}>
                        <th scope="row">
                          {r.controlId} {r.title}
                          <SharedControlAbout controlId={r.controlId} />
                        </th>
                        <td>
                          <StatusBadge status={r.status} />
                        </td>
                        <td>
                          <Coverage {...r.coverage} />
                        </td>
                        <td className="num">{num(r.failingCount)}</td>
                        <td>{r.reason}</td>
                        <td>
                          <Time iso={r.evaluatedAt} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            {view.data.sections.includes('history') && view.data.results.length > 0 && (
              <SharedHistory controls={view.data.results} />
            )}
            {view.data.sections.includes('evidence') && view.data.runId && view.data.results.length > 0 && (
              <SharedEvidence runId={view.data.runId} controls={view.data.results} />
            )}
            {view.data.sections.includes('connections') && <SharedConnections />}
            {view.data.sections.includes('evidence_packs') && <SharedPacks token={token} />}
          </section>
        )}
      </main>
    </>
  );
}

/** Which control a section shows; the first offered is where there is most to see. */
function ControlPicker({
  id,
  controls,
  value,
  onChange,
}: {
  id: string;
  controls: Control[];
  value: string;
  onChange: (controlId: string) => void;
}) {
  return (
    <p>
      <label htmlFor={id}>Control</label>{' '}
      <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        {controls.map((c) => (
          <option key={c.controlId} value={c.controlId}>
            {c.controlId} {c.title}
          </option>
        ))}
      </select>
    </p>
  );
}

function SharedHistory({ controls }: { controls: Control[] }) {
  const trpc = useTRPC();
  const [controlId, setControlId] = useState(controls[0]?.controlId ?? '');
  const history = useQuery(trpc.shared.history.queryOptions({ controlId, limit: 30 }));
  return (
    <section aria-labelledby="shared-history-h">
      <h2 id="shared-history-h">History</h2>
      <ControlPicker id="history-control" controls={controls} value={controlId} onChange={setControlId} />
      {history.isPending ? (
        <Loading what="history" />
      ) : history.isError ? (
        <ErrorState error={history.error} retry={() => history.refetch()} />
      ) : history.data.length === 0 ? (
        <Empty>
          <p>No history yet.</p>
        </Empty>
      ) : (
        <ol className="history" aria-label={`History of ${controlId}`}>
          {history.data.map((h) => (
            <li key={h.evaluatedAt}>
              <StatusBadge status={h.status as Status} /> <Time iso={h.evaluatedAt} />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function SharedEvidence({ runId, controls }: { runId: string; controls: Control[] }) {
  const trpc = useTRPC();
  const first = controls.find((c) => c.failingCount > 0) ?? controls.find((c) => c.exceptedCount > 0) ?? controls[0];
  const [controlId, setControlId] = useState(first?.controlId ?? '');
  return (
    <section aria-labelledby="shared-evidence-h">
      <h2 id="shared-evidence-h">Subject-level evidence</h2>
      <ControlPicker id="evidence-control" controls={controls} value={controlId} onChange={setControlId} />
      <EvidenceTable
        key={controlId}
        controlId={controlId}
        title={`Subjects of ${controlId}`}
        level={3}
        queryOptions={(q) =>
          trpc.shared.evidence.queryOptions({ runId: runId as never, controlId, limit: 50, ...q }) as never
        }
      />
    </section>
  );
}

const HEALTH = { ok: 'Working', needs_attention: 'Needs attention', disabled: 'Disabled' } as const;
const LAST = { succeeded: 'Collected', partial: 'Partly collected', failed: 'Failed' } as const;

function SharedConnections() {
  const trpc = useTRPC();
  const connections = useQuery(trpc.shared.connections.queryOptions());
  return (
    <section aria-labelledby="shared-connections-h">
      <h2 id="shared-connections-h">Connections</h2>
      {connections.isPending ? (
        <Loading what="connections" />
      ) : connections.isError ? (
        <ErrorState error={connections.error} retry={() => connections.refetch()} />
      ) : connections.data.length === 0 ? (
        <Empty>
          <p>No connections yet.</p>
        </Empty>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Connection</th>
              <th scope="col">Kind</th>
              <th scope="col">Health</th>
              <th scope="col">Last collection</th>
              <th scope="col">Gaps</th>
            </tr>
          </thead>
          <tbody>
            {connections.data.map((c) => (
              <tr key={c.name}>
                <th scope="row">{c.name}</th>
                <td>{c.kind}</td>
                <td>{HEALTH[c.status]}</td>
                <td>
                  {c.last ? (
                    <>
                      {LAST[c.last.status]} <Time iso={c.last.finishedAt} />
                    </>
                  ) : (
                    <span className="muted">not yet</span>
                  )}
                </td>
                <td>
                  {c.gaps.length === 0 ? (
                    <span className="muted">none</span>
                  ) : (
                    <ul className="plain">
                      {c.gaps.map((g) => (
                        <li key={g}>{g}</li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
