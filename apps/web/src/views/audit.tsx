import { useQuery } from '@tanstack/react-query';
import { Link, useFocusHeading } from '../router.tsx';
import { errorCode, useTRPC } from '../trpc.ts';
import { Empty, ErrorState, Loading, num, Pager, Time, usePages } from '../ui.tsx';

/** A broken audit chain, shown on every page to admins until it is dealt with: never only a log line. */
export function AuditAlertBanner() {
  const trpc = useTRPC();
  const alerts = useQuery({ ...trpc.organization.auditAlerts.queryOptions(), retry: false });
  if (!alerts.data || alerts.data.length === 0) return null;
  const latest = alerts.data[0]!;
  return (
    <div role="alert" className="banner banner-danger">
      <strong>The audit log failed verification.</strong> {latest.problem} (event {num(latest.brokenAt)}, found{' '}
      <Time iso={latest.raisedAt} />
      ).{alerts.data.length > 1 ? ` ${num(alerts.data.length)} alerts in all.` : ''}{' '}
      <Link to={{ name: 'audit' }}>Open the audit log</Link>
    </div>
  );
}

const PAGE = 50;

export function AuditView() {
  useFocusHeading('audit');
  const trpc = useTRPC();
  const verify = useQuery({ ...trpc.organization.verifyAudit.queryOptions(), retry: false });
  // The log reads forward from its first event.
  const pages = usePages<number>();
  const afterSeq = pages.cursor ?? 0;
  const events = useQuery({ ...trpc.organization.audit.queryOptions({ afterSeq, limit: PAGE }), retry: false });
  if (errorCode(verify.error) === 'FORBIDDEN')
    return (
      <section>
        <h1 tabIndex={-1}>Audit log</h1>
        <p>The audit log is open to admins and owners.</p>
      </section>
    );
  return (
    <section>
      <h1 tabIndex={-1}>Audit log</h1>
      <h2>Verification</h2>
      {verify.isPending ? (
        <Loading what="the verification" />
      ) : verify.isError ? (
        <ErrorState error={verify.error} retry={() => verify.refetch()} />
      ) : verify.data.valid ? (
        <p>Verified: {num(verify.data.events)} events, each chained to the one before and signed.</p>
      ) : (
        <p role="alert" className="banner banner-danger">
          Broken at event {num(verify.data.brokenAt ?? 0)}: {verify.data.problem}.
        </p>
      )}
      <h2>Events</h2>
      {events.isPending ? (
        <Loading what="audit events" />
      ) : events.isError ? (
        <ErrorState error={events.error} retry={() => events.refetch()} />
      ) : events.data.events.length === 0 ? (
        <Empty>
          <p>Nothing recorded yet.</p>
        </Empty>
      ) : (
        <>
          <table>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">What</th>
                <th scope="col">Target</th>
              </tr>
            </thead>
            <tbody>
              {events.data.events.map((e) => (
                <tr key={e.seq}>
                  <td>{num(e.seq)}</td>
                  <td>
                    <Time iso={e.at} />
                  </td>
                  <td>{e.actor}</td>
                  <td>
                    <code>{e.action}</code>
                  </td>
                  <td>{e.target ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager
            label="Audit pages"
            pages={pages}
            next={events.data.nextAfterSeq}
            words={['Earlier events', 'Later events']}
          />
        </>
      )}
    </section>
  );
}
