import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Problems, plural } from '../messages.tsx';
import { useFocusHeading } from '../router.tsx';
import { useTRPC } from '../trpc.ts';
import { ErrorState, Loading } from '../ui.tsx';
import { Field } from './form.tsx';
import { atLeast } from './settings/roles.ts';
import { TenantPage } from './tenant.tsx';

const HOUR = 3_600_000;
const LABELS = { cron: 'Cron pattern', tz: 'Time zone', everyMs: 'Hours between assessments' };
const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

type Schedule = { everyMs: number } | { cron: string; tz: string } | null;

export function describeSchedule(s: Schedule): string {
  if (!s) return 'Every 6 hours (the default).';
  if ('everyMs' in s) {
    const hours = s.everyMs / HOUR;
    return hours >= 1 && Number.isInteger(hours)
      ? `Every ${hours === 1 ? 'hour' : plural(hours, 'hour')}.`
      : `Every ${plural(Math.round(s.everyMs / 60_000), 'minute')}.`;
  }
  return `On the cron pattern ${s.cron} in ${s.tz}.`;
}

/** A tenant's assessment schedule and its evidence-pack export schedule. */
export function SchedulesView({ tenantId }: { tenantId: string }) {
  useFocusHeading(`schedules-${tenantId}`);
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  const canEdit = me.data ? atLeast(me.data.user.role, 'admin') : false;
  return (
    <TenantPage tenantId={tenantId} here="Schedules">
      <h1 tabIndex={-1}>Schedules</h1>
      <p className="muted">
        Cron patterns have five fields: minute hour day-of-month month day-of-week (e.g. <code>0 6 * * 1</code> is
        Mondays at 06:00).
      </p>
      {me.data && !canEdit && <p role="note">Only an admin or owner can change a schedule.</p>}
      <div className="split">
        <AssessmentSchedule tenantId={tenantId} canEdit={canEdit} />
        <ExportSchedule tenantId={tenantId} canEdit={canEdit} />
      </div>
    </TenantPage>
  );
}

function AssessmentSchedule({ tenantId, canEdit }: { tenantId: string; canEdit: boolean }) {
  const trpc = useTRPC();
  const client = useQueryClient();
  const tid = tenantId as never;
  const current = useQuery(trpc.tenant.schedule.queryOptions({ tenantId: tid }));
  const save = useMutation(
    trpc.tenant.setSchedule.mutationOptions({
      onSuccess: () => client.invalidateQueries({ queryKey: trpc.tenant.schedule.queryKey() }),
    }),
  );
  const [mode, setMode] = useState<'default' | 'interval' | 'cron' | null>(null);
  if (current.isPending) return <Loading what="the assessment schedule" />;
  if (current.isError) return <ErrorState error={current.error} retry={() => current.refetch()} />;
  const s = current.data.schedule;
  const shown = mode ?? (!s ? 'default' : 'everyMs' in s ? 'interval' : 'cron');
  if (!canEdit)
    return (
      <section className="card" aria-labelledby="assess-schedule-h">
        <h2 id="assess-schedule-h">Assessments</h2>
        <p>
          Now: <strong data-testid="assessment-schedule">{describeSchedule(s)}</strong>
        </p>
      </section>
    );
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const get = (k: string) => String(data.get(k) ?? '');
    save.mutate({
      tenantId: tid,
      schedule:
        shown === 'default'
          ? null
          : shown === 'interval'
            ? { everyMs: Math.round(Number(get('hours')) * HOUR) }
            : { cron: get('assess-cron'), tz: get('assess-tz') },
    });
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="assess-schedule-h">
      <h2 id="assess-schedule-h">Assessments</h2>
      <p>
        Now: <strong data-testid="assessment-schedule">{describeSchedule(s)}</strong>
      </p>
      <fieldset>
        <legend>Assess this tenant</legend>
        {(
          [
            ['default', 'Every 6 hours (default)'],
            ['interval', 'Every few hours'],
            ['cron', 'On a cron pattern'],
          ] as const
        ).map(([value, label]) => (
          <label key={value} className="check">
            <input
              type="radio"
              name="mode"
              value={value}
              checked={shown === value}
              onChange={() => {
                save.reset();
                setMode(value);
              }}
            />{' '}
            {label}
          </label>
        ))}
      </fieldset>
      {shown === 'interval' && (
        <Field id="hours" label="Hours between assessments" hint="From 1 hour to 720 (30 days).">
          <input
            id="hours"
            name="hours"
            type="number"
            min={1}
            max={720}
            step={1}
            defaultValue={s && 'everyMs' in s ? s.everyMs / HOUR : 6}
            aria-describedby="hours-hint"
            required
          />
        </Field>
      )}
      {shown === 'cron' && (
        <>
          <Field id="assess-cron" label="Cron pattern">
            <input
              id="assess-cron"
              name="assess-cron"
              defaultValue={s && 'cron' in s ? s.cron : '0 6 * * *'}
              required
              minLength={9}
            />
          </Field>
          <Field id="assess-tz" label="Time zone">
            <input id="assess-tz" name="assess-tz" defaultValue={s && 'cron' in s ? s.tz : browserZone()} required />
          </Field>
        </>
      )}
      <Problems error={save.error} labels={LABELS} />
      <button type="submit" className="primary" disabled={save.isPending}>
        Save assessment schedule
      </button>
      <p aria-live="polite">{save.isSuccess && 'Saved. The worker picks it up at its next schedule sync.'}</p>
    </form>
  );
}

function ExportSchedule({ tenantId, canEdit }: { tenantId: string; canEdit: boolean }) {
  const trpc = useTRPC();
  const client = useQueryClient();
  const tid = tenantId as never;
  const current = useQuery(trpc.packs.schedule.queryOptions({ tenantId: tid }));
  const refresh = () => client.invalidateQueries({ queryKey: trpc.packs.schedule.queryKey() });
  const set = useMutation(trpc.packs.setSchedule.mutationOptions({ onSuccess: refresh }));
  const clear = useMutation(trpc.packs.clearSchedule.mutationOptions({ onSuccess: refresh }));
  if (current.isPending) return <Loading what="the export schedule" />;
  if (current.isError) return <ErrorState error={current.error} retry={() => current.refetch()} />;
  const s = current.data.schedule;
  const now = (
    <p>
      Now:{' '}
      <strong data-testid="export-schedule">
        {s ? `On the cron pattern ${s.cron} in ${s.tz}.` : 'Not scheduled: packs are made only on request.'}
      </strong>
    </p>
  );
  if (!canEdit)
    return (
      <section className="card" aria-labelledby="export-schedule-h">
        <h2 id="export-schedule-h">Evidence-pack exports</h2>
        {now}
      </section>
    );
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    clear.reset();
    set.mutate({ tenantId: tid, cron: String(data.get('export-cron') ?? ''), tz: String(data.get('export-tz') ?? '') });
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="export-schedule-h">
      <h2 id="export-schedule-h">Evidence-pack exports</h2>
      {now}
      <p className="muted">A signed evidence pack is made on this pattern and kept with the tenant's packs.</p>
      <Field id="export-cron" label="Cron pattern" hint="0 6 1 * * is the 1st of each month at 06:00.">
        <input
          id="export-cron"
          name="export-cron"
          defaultValue={s?.cron ?? '0 6 1 * *'}
          minLength={9}
          aria-describedby="export-cron-hint"
          required
        />
      </Field>
      <Field id="export-tz" label="Time zone">
        <input id="export-tz" name="export-tz" defaultValue={s?.tz ?? browserZone()} required />
      </Field>
      <Problems error={set.error ?? clear.error} labels={LABELS} />
      <button type="submit" className="primary" disabled={set.isPending}>
        Save export schedule
      </button>{' '}
      {s && (
        <button
          type="button"
          onClick={() => {
            set.reset();
            clear.mutate({ tenantId: tid });
          }}
          disabled={clear.isPending}
        >
          Stop scheduled exports
        </button>
      )}
      <p aria-live="polite">
        {set.isSuccess && 'Saved.'}
        {clear.isSuccess && 'Scheduled exports stopped.'}
      </p>
    </form>
  );
}
