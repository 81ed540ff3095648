import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { inferOutput } from '@trpc/tanstack-react-query';
import { type FormEvent, useState } from 'react';
import { useTRPC } from '../../trpc.ts';
import { Empty, ErrorState, Loading, Time } from '../../ui.tsx';
import { Field, FormError } from '../form.tsx';
import { type JsonSchema, SchemaForm, toPayload, type Values } from '../schema-form.tsx';

type Api = ReturnType<typeof useTRPC>;
type Rule = inferOutput<Api['alerts']['rules']['list']>['rules'][number];
type Options = inferOutput<Api['alerts']['rules']['options']>;
type Tenant = inferOutput<Api['tenant']['list']>[number];

/** The options this form asks for itself; any other the rule schema has is offered as generated fields. */
const OWN = new Set(['tenantId', 'channelId', 'enabled', 'eventTypes', 'controlIds', 'frameworks']);

const extraSchema = (schema: JsonSchema): JsonSchema => ({
  ...schema,
  properties: Object.fromEntries(Object.entries(schema.properties ?? {}).filter(([k]) => !OWN.has(k))),
  required: (schema.required ?? []).filter((k) => !OWN.has(k)),
});

/**
 * A stored rule's own values of the generated fields (the digest schedule, options the package adds): kept as they
 * are on an edit unless the form fills them again.
 */
const storedExtra = (schema: JsonSchema, rule: Rule): Values =>
  Object.fromEntries(Object.keys(schema.properties ?? {}).map((k) => [k, (rule as Record<string, unknown>)[k]]));

const all = (list: string[], words: string) => (list.length === 0 ? words : list.join(', '));

/** Which changes go to which channel: organization-wide defaults, tenant overrides, and muted tenants. */
export function AlertRules({ canEdit }: { canEdit: boolean }) {
  const trpc = useTRPC();
  const rules = useQuery(trpc.alerts.rules.list.queryOptions());
  const options = useQuery(trpc.alerts.rules.options.queryOptions());
  const channels = useQuery(trpc.alerts.channels.list.queryOptions());
  const tenants = useQuery(trpc.tenant.list.queryOptions());
  const [adding, setAdding] = useState(false);
  const pending = [rules, options, channels, tenants].find((q) => q.isPending || q.isError);
  if (pending?.isPending) return <Loading what="alert rules" />;
  if (pending?.isError) return <ErrorState error={pending.error} retry={() => pending.refetch()} />;
  if (!rules.data || !options.data || !channels.data || !tenants.data) return null;
  const channelName = new Map(channels.data.map((c) => [c.id, c.name]));
  const tenantName = new Map(tenants.data.map((t) => [t.id as string, t.name]));
  return (
    <section aria-labelledby="alert-rules-h">
      <h2 id="alert-rules-h">Rules</h2>
      <p className="muted">
        A rule without a tenant applies to every tenant; a tenant's own rules for a channel replace it for that tenant
        (a disabled one silences the channel for it). Empty lists match everything.
      </p>
      {rules.data.rules.length === 0 ? (
        <Empty>
          <p>No rule yet: no alert is sent.</p>
        </Empty>
      ) : (
        <ul className="cards">
          {rules.data.rules.map((r) => (
            <RuleCard
              key={r.id}
              rule={r}
              canEdit={canEdit}
              channel={channelName.get(r.channelId) ?? r.channelId}
              tenant={r.tenantId ? (tenantName.get(r.tenantId) ?? r.tenantId) : null}
              editor={{ options: options.data, channels: channels.data, tenants: tenants.data }}
            />
          ))}
        </ul>
      )}
      {canEdit &&
        (adding ? (
          <RuleEditor
            options={options.data}
            channels={channels.data}
            tenants={tenants.data}
            onDone={() => setAdding(false)}
          />
        ) : (
          <button type="button" disabled={channels.data.length === 0} onClick={() => setAdding(true)}>
            Add a rule
          </button>
        ))}
      <Mutes canEdit={canEdit} mutes={rules.data.mutes} tenants={tenants.data} />
    </section>
  );
}

function RuleCard({
  rule,
  canEdit,
  channel,
  tenant,
  editor,
}: {
  rule: Rule;
  canEdit: boolean;
  channel: string;
  tenant: string | null;
  editor: { options: Options; channels: { id: string; name: string }[]; tenants: Tenant[] };
}) {
  const trpc = useTRPC();
  const client = useQueryClient();
  const [editing, setEditing] = useState(false);
  const invalidate = () => client.invalidateQueries({ queryKey: trpc.alerts.rules.list.queryKey() });
  const update = useMutation(trpc.alerts.rules.update.mutationOptions({ onSuccess: invalidate }));
  const remove = useMutation(trpc.alerts.rules.remove.mutationOptions({ onSuccess: invalidate }));
  const { id, ...body } = rule;
  if (editing) return <RuleEditor {...editor} rule={rule} onDone={() => setEditing(false)} />;
  return (
    <li className="card" aria-label={`Rule to ${channel}${tenant ? ` for ${tenant}` : ''}`}>
      <p>
        <strong>{tenant ? `${tenant} only` : 'Every tenant'}</strong> → {channel}
        {!rule.enabled && <span className="state-word state-revoked"> disabled</span>}
      </p>
      <p className="muted">
        Events: {all(rule.eventTypes, 'all')} · Controls: {all(rule.controlIds, 'all')} · Frameworks:{' '}
        {all(rule.frameworks, 'all')}
      </p>
      {canEdit && (
        <div className="actions">
          <button
            type="button"
            onClick={() => update.mutate({ ruleId: id, rule: { ...body, enabled: !rule.enabled } })}
          >
            {rule.enabled ? 'Disable' : 'Enable'}
          </button>
          <button type="button" onClick={() => setEditing(true)}>
            Edit rule
          </button>
          <button type="button" onClick={() => remove.mutate({ ruleId: id })}>
            Remove rule
          </button>
        </div>
      )}
      <FormError error={update.error ?? remove.error} />
    </li>
  );
}

/** Adds a rule, or with `rule` changes every field of that one (its id stays). */
function RuleEditor({
  options,
  channels,
  tenants,
  rule,
  onDone,
}: {
  options: Options;
  channels: { id: string; name: string }[];
  tenants: Tenant[];
  rule?: Rule;
  onDone(): void;
}) {
  const trpc = useTRPC();
  const client = useQueryClient();
  const [channelId, setChannelId] = useState(rule?.channelId ?? channels[0]?.id ?? '');
  const [tenantId, setTenantId] = useState<string>(rule?.tenantId ?? '');
  const [eventTypes, setEventTypes] = useState<string[]>(rule?.eventTypes ?? []);
  const [controlIds, setControlIds] = useState<string[]>(rule?.controlIds ?? []);
  const [frameworks, setFrameworks] = useState<string[]>(rule?.frameworks ?? []);
  const more = extraSchema(options.ruleSchema as JsonSchema);
  const [extra, setExtra] = useState<Values>({});
  const done = {
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: trpc.alerts.rules.list.queryKey() });
      onDone();
    },
  };
  const create = useMutation(trpc.alerts.rules.create.mutationOptions(done));
  const update = useMutation(trpc.alerts.rules.update.mutationOptions(done));
  const saving = rule ? update : create;
  const toggle = (list: string[], set: (v: string[]) => void, v: string) =>
    set(list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body = {
      ...(rule ? storedExtra(more, rule) : {}),
      ...toPayload(more, extra),
      channelId,
      tenantId: tenantId || null,
      enabled: rule?.enabled ?? true,
      eventTypes,
      controlIds,
      frameworks,
    };
    if (rule) update.mutate({ ruleId: rule.id, rule: body });
    else create.mutate({ rule: body });
  };
  const title = rule ? 'Edit the rule' : 'Add a rule';
  const key = rule?.id ?? 'new';
  return (
    <form className="card" onSubmit={submit} aria-label={title}>
      <h3>{title}</h3>
      <Field id={`rule-channel-${key}`} label="Channel">
        <select id={`rule-channel-${key}`} required value={channelId} onChange={(e) => setChannelId(e.target.value)}>
          {channels.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </Field>
      <Field
        id={`rule-tenant-${key}`}
        label="Tenant"
        hint="Every tenant, or one tenant whose own rule replaces the default."
      >
        <select
          id={`rule-tenant-${key}`}
          aria-describedby={`rule-tenant-${key}-hint`}
          value={tenantId}
          onChange={(e) => setTenantId(e.target.value)}
        >
          <option value="">Every tenant</option>
          {tenants.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </select>
      </Field>
      <fieldset>
        <legend>Events (none ticked: all)</legend>
        {options.eventTypes.map((t) => (
          <label key={t.type} className="check">
            <input
              type="checkbox"
              checked={eventTypes.includes(t.type)}
              onChange={() => toggle(eventTypes, setEventTypes, t.type)}
            />{' '}
            {t.label}
          </label>
        ))}
      </fieldset>
      <Field id={`rule-controls-${key}`} label="Controls (none selected: all)">
        <select
          id={`rule-controls-${key}`}
          multiple
          size={6}
          value={controlIds}
          onChange={(e) => setControlIds([...e.target.selectedOptions].map((o) => o.value))}
        >
          {options.controls.map((c) => (
            <option key={c.id} value={c.id}>
              {c.id} {c.title}
            </option>
          ))}
        </select>
      </Field>
      <fieldset>
        <legend>Frameworks (none ticked: all)</legend>
        {options.frameworks.map((f) => (
          <label key={f.id} className="check">
            <input
              type="checkbox"
              checked={frameworks.includes(f.id)}
              onChange={() => toggle(frameworks, setFrameworks, f.id)}
            />{' '}
            {f.name}
          </label>
        ))}
      </fieldset>
      {Object.keys(more.properties ?? {}).length > 0 && (
        <SchemaForm schema={more} values={extra} onChange={setExtra} legend="More options" />
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={saving.isPending}>
          Save rule
        </button>
        <button type="button" className="link-button" onClick={onDone}>
          Cancel
        </button>
      </div>
      <FormError error={saving.error} />
    </form>
  );
}

function Mutes({
  canEdit,
  mutes,
  tenants,
}: {
  canEdit: boolean;
  mutes: { tenantId: string; until: string }[];
  tenants: Tenant[];
}) {
  const trpc = useTRPC();
  const client = useQueryClient();
  const [tenant, setTenant] = useState<Tenant['id'] | ''>('');
  const [until, setUntil] = useState('');
  const mute = useMutation(
    trpc.alerts.rules.mute.mutationOptions({
      onSuccess: () => client.invalidateQueries({ queryKey: trpc.alerts.rules.list.queryKey() }),
    }),
  );
  const byId = new Map(tenants.map((t) => [t.id as string, t]));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (tenant && until) mute.mutate({ tenantId: tenant, until: new Date(until).toISOString() });
  };
  return (
    <section aria-labelledby="alert-mutes-h">
      <h3 id="alert-mutes-h">Muted tenants</h3>
      {mutes.length === 0 ? (
        <p className="muted">No tenant is muted.</p>
      ) : (
        <ul>
          {mutes.map((m) => {
            const t = byId.get(m.tenantId);
            return (
              <li key={m.tenantId}>
                {t?.name ?? m.tenantId} until <Time iso={m.until} />{' '}
                {canEdit && t && (
                  <button type="button" onClick={() => mute.mutate({ tenantId: t.id, until: null })}>
                    Lift<span className="visually-hidden"> the mute of {t.name}</span>
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {canEdit && (
        <form onSubmit={submit} aria-label="Mute a tenant" className="inline-form">
          <Field id="mute-tenant" label="Tenant">
            <select
              id="mute-tenant"
              required
              value={tenant}
              onChange={(e) => setTenant(byId.get(e.target.value)?.id ?? '')}
            >
              <option value="">Choose a tenant…</option>
              {tenants.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          </Field>
          <Field id="mute-until" label="Silent until">
            <input
              id="mute-until"
              type="datetime-local"
              required
              value={until}
              onChange={(e) => setUntil(e.target.value)}
            />
          </Field>
          <button type="submit">Mute</button>
        </form>
      )}
      <FormError error={mute.error} />
    </section>
  );
}
