import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { ThemeToggle } from '../theme.tsx';
import { errorCode, useShareToken, useTRPC } from '../trpc.ts';
import { Coverage, Empty, ErrorState, Loading, num, StatusBadge, Time } from '../ui.tsx';
import { SharedControlAbout } from './control-description.tsx';
import { SharedPacks } from './packs.tsx';

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
            {view.data.sections.includes('evidence_packs') && <SharedPacks token={token} />}
          </section>
        )}
      </main>
    </>
  );
}
