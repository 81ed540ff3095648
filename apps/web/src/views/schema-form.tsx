import { useId } from 'react';

/** The slice of JSON Schema the connectors' zod schemas produce (`z.toJSONSchema`), as the form reads it. */
export interface JsonSchema {
  type?: string;
  const?: unknown;
  enum?: unknown[];
  format?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
}

export type Values = Record<string, unknown>;

const words = (key: string) => key.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());

/** The variants of a discriminated union, keyed by the value of the property every variant fixes with `const`. */
export function variantsOf(schema: JsonSchema): { key: string; options: Map<string, JsonSchema> } | null {
  const list = schema.oneOf ?? schema.anyOf;
  if (!list) return null;
  const key = Object.keys(list[0]?.properties ?? {}).find((k) => list.every((v) => v.properties?.[k]?.const));
  if (!key) return null;
  return { key, options: new Map(list.map((v) => [String(v.properties![key]!.const), v])) };
}

/** Form values to the object the API validates: blanks left out, numbers and lists parsed. */
export function toPayload(schema: JsonSchema, values: Values): Values {
  const variants = variantsOf(schema);
  const chosen = variants ? variants.options.get(String(values[variants.key])) : schema;
  const out: Values = variants ? { [variants.key]: values[variants.key] } : {};
  for (const [key, prop] of Object.entries(chosen?.properties ?? {})) {
    if (variants && key === variants.key) continue;
    const v = values[key];
    if (prop.type === 'object') {
      const inner = toPayload(prop, (v as Values) ?? {});
      if (Object.keys(inner).length > 0) out[key] = inner;
    } else if (prop.type === 'array') {
      const list = String(v ?? '')
        .split(/[\n,]/)
        .map((s) => s.trim())
        .filter(Boolean);
      if (list.length > 0) out[key] = list;
    } else if (prop.type === 'boolean') {
      if (v === true) out[key] = true;
    } else if (v !== undefined && v !== '') {
      out[key] = prop.type === 'integer' || prop.type === 'number' ? Number(v) : v;
    }
  }
  return out;
}

/** Stored settings back into form values (lists as lines). */
export function toValues(schema: JsonSchema, payload: Values): Values {
  const out: Values = {};
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    const v = payload[key];
    if (v === undefined) continue;
    out[key] = prop.type === 'object' ? toValues(prop, v as Values) : Array.isArray(v) ? v.join('\n') : (v as unknown);
  }
  return out;
}

interface Props {
  schema: JsonSchema;
  values: Values;
  onChange(values: Values): void;
  /** Credentials: typed in, never shown back. */
  secret?: boolean;
  legend: string;
}

/** Fields generated from a connector's schema, each with its description as help text. */
export function SchemaForm({ schema, values, onChange, secret, legend }: Props) {
  const base = useId();
  const variants = variantsOf(schema);
  const chosen = variants ? variants.options.get(String(values[variants.key] ?? '')) : schema;
  return (
    <fieldset>
      <legend>{legend}</legend>
      {variants && (
        <div className="field">
          <label htmlFor={`${base}-variant`}>{words(variants.key)}</label>
          <select
            id={`${base}-variant`}
            value={String(values[variants.key] ?? '')}
            onChange={(e) => onChange({ [variants.key]: e.target.value })}
          >
            <option value="">Choose…</option>
            {[...variants.options.keys()].map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </div>
      )}
      {Object.entries(chosen?.properties ?? {})
        .filter(([key]) => !variants || key !== variants.key)
        .map(([key, prop]) => (
          <Property
            key={key}
            id={`${base}-${key}`}
            name={key}
            prop={prop}
            required={chosen?.required?.includes(key) ?? false}
            value={values[key]}
            secret={secret}
            onChange={(v) => onChange({ ...values, [key]: v })}
          />
        ))}
    </fieldset>
  );
}

function Property({
  id,
  name,
  prop,
  required,
  value,
  secret,
  onChange,
}: {
  id: string;
  name: string;
  prop: JsonSchema;
  required: boolean;
  value: unknown;
  secret?: boolean;
  onChange(v: unknown): void;
}) {
  if (prop.type === 'object')
    return (
      <SchemaForm
        schema={prop}
        values={(value as Values) ?? {}}
        onChange={onChange}
        secret={secret}
        legend={words(name)}
      />
    );
  const hint = prop.description && (
    <small id={`${id}-hint`} className="muted">
      {prop.description}
    </small>
  );
  const common = {
    id,
    'aria-describedby': prop.description ? `${id}-hint` : undefined,
    required,
    autoComplete: 'off',
  };
  const label = `${words(name)}${required ? '' : ' (optional)'}`;
  if (prop.type === 'boolean')
    return (
      <div className="field">
        <label htmlFor={id}>
          <input {...common} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />{' '}
          {label}
        </label>
        {hint}
      </div>
    );
  const multiline = prop.type === 'array' || (secret && /key|json|pem/i.test(name));
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {prop.enum ? (
        <select {...common} value={String(value ?? '')} onChange={(e) => onChange(e.target.value)}>
          <option value="">—</option>
          {prop.enum.map((o) => (
            <option key={String(o)}>{String(o)}</option>
          ))}
        </select>
      ) : multiline ? (
        <textarea {...common} rows={3} value={String(value ?? '')} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input
          {...common}
          type={
            secret
              ? 'password'
              : prop.type === 'integer' || prop.type === 'number'
                ? 'number'
                : prop.format === 'uri'
                  ? 'url'
                  : 'text'
          }
          value={String(value ?? '')}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
      {hint}
    </div>
  );
}
