import { useId } from 'react';

/** How a field is typed in, as the connector's schema says (`x-field`, from `@evident/connector-kit`'s `field`). */
type FieldKind = 'text' | 'secret' | 'pem' | 'json' | 'lines' | 'url' | 'host-port' | 'endpoints';

/** The slice of JSON Schema the connectors' zod schemas produce (`z.toJSONSchema`), as the form reads it. */
export interface JsonSchema {
  type?: string;
  const?: unknown;
  enum?: unknown[];
  format?: string;
  title?: string;
  description?: string;
  examples?: unknown[];
  'x-field'?: FieldKind;
  'x-provider'?: { needs: string[]; commands: string[] };
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
}

export type Values = Record<string, unknown>;

const words = (key: string) => key.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());
const titleOf = (key: string, prop: JsonSchema | undefined) => prop?.title ?? words(key);

function kindOf(prop: JsonSchema, secret: boolean): FieldKind | 'object' | 'boolean' | 'number' {
  if (prop['x-field']) return prop['x-field'];
  if (prop.type === 'object') return 'object';
  if (prop.type === 'boolean') return 'boolean';
  if (prop.type === 'array') return 'lines';
  if (prop.type === 'integer' || prop.type === 'number') return 'number';
  if (secret) return 'secret';
  return prop.format === 'uri' ? 'url' : 'text';
}

/** The variants of a discriminated union, keyed by the value of the property every variant fixes with `const`. */
export function variantsOf(schema: JsonSchema): { key: string; options: Map<string, JsonSchema> } | null {
  const list = schema.oneOf ?? schema.anyOf;
  if (!list) return null;
  const key = Object.keys(list[0]?.properties ?? {}).find((k) => list.every((v) => v.properties?.[k]?.const));
  if (!key) return null;
  return { key, options: new Map(list.map((v) => [String(v.properties![key]!.const), v])) };
}

/** The variant the values name; none named yet, the first (a stored secret without its discriminator is that one). */
const chosenOf = (schema: JsonSchema, values: Values) => {
  const variants = variantsOf(schema);
  if (!variants) return schema;
  return variants.options.get(String(values[variants.key] ?? '')) ?? [...variants.options.values()][0];
};

/** Form values to the object the API validates: blanks left out, numbers parsed, lists one entry per line. */
export function toPayload(schema: JsonSchema, values: Values): Values {
  const variants = variantsOf(schema);
  const out: Values = variants ? { [variants.key]: values[variants.key] ?? [...variants.options.keys()][0] } : {};
  for (const [key, prop] of Object.entries(chosenOf(schema, values)?.properties ?? {})) {
    if (variants && key === variants.key) continue;
    if (prop.const !== undefined) {
      out[key] = prop.const;
      continue;
    }
    const v = values[key];
    const kind = kindOf(prop, false);
    if (kind === 'object' || kind === 'endpoints') {
      const inner = toPayload(prop, (v as Values) ?? {});
      if (Object.keys(inner).length > 0) out[key] = inner;
    } else if (kind === 'lines') {
      const list = String(v ?? '')
        .split('\n')
        .map((s) => s.trim())
        .filter(Boolean);
      if (list.length > 0) out[key] = list;
    } else if (kind === 'boolean') {
      if (v === true) out[key] = true;
    } else if (v !== undefined && String(v).trim() !== '') {
      out[key] = kind === 'number' ? Number(v) : kind === 'pem' || kind === 'json' ? String(v) : String(v).trim();
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

/** The title of the field at a path of the API's issues (`endpoints.api`), across a union's variants. */
export function titleAt(schema: JsonSchema, path: string[]): string | null {
  const [head, ...rest] = path;
  if (head === undefined) return null;
  for (const candidate of [schema, ...(schema.oneOf ?? schema.anyOf ?? [])]) {
    const prop = candidate.properties?.[head];
    if (prop) return (rest.length > 0 && titleAt(prop, rest)) || titleOf(head, prop);
  }
  return null;
}

interface Props {
  schema: JsonSchema;
  values: Values;
  onChange(values: Values): void;
  legend: string;
  /** Credentials: typed in, never shown back. */
  secret?: boolean;
  /** Whether required fields are required now (an edit keeps stored credentials unless they must be given again). */
  requireFields?: boolean;
  /** Whether endpoint overrides are offered: only when the deployment allows endpoints besides the providers'. */
  showEndpoints?: boolean;
  /** Refusals by field, keyed by the dotted path under this form. */
  errors?: Record<string, string>;
  path?: string;
}

/** Fields generated from a connector's schema: titles as labels, help text under each, inputs by field kind. */
export function SchemaForm(props: Props) {
  const { schema, values, onChange, legend, secret = false, requireFields = true, errors = {}, path = '' } = props;
  const base = useId();
  const variants = variantsOf(schema);
  const chosen = chosenOf(schema, values);
  return (
    <fieldset>
      <legend>{legend}</legend>
      {schema.description && path === '' && variants && <p className="muted">{schema.description}</p>}
      {variants && (
        <div className="field">
          <label htmlFor={`${base}-variant`}>{schema.title ?? words(variants.key)}</label>
          <select
            id={`${base}-variant`}
            value={String(values[variants.key] ?? [...variants.options.keys()][0])}
            onChange={(e) => onChange({ [variants.key]: e.target.value })}
          >
            {[...variants.options].map(([k, v]) => (
              <option key={k} value={k}>
                {v.title ?? k}
              </option>
            ))}
          </select>
        </div>
      )}
      {Object.entries(chosen?.properties ?? {})
        .filter(
          ([key, prop]) =>
            (!variants || key !== variants.key) &&
            prop.const === undefined &&
            (props.showEndpoints !== false || prop['x-field'] !== 'endpoints'),
        )
        .map(([key, prop]) => (
          <Property
            {...props}
            key={key}
            id={`${base}-${key}`}
            name={key}
            prop={prop}
            required={requireFields && (chosen?.required?.includes(key) ?? false)}
            value={values[key]}
            secret={secret}
            error={errors[path + key]}
            onChange={(v) => onChange({ ...values, [key]: v })}
          />
        ))}
    </fieldset>
  );
}

function Property(
  props: Omit<Props, 'schema' | 'values' | 'onChange' | 'legend'> & {
    id: string;
    name: string;
    prop: JsonSchema;
    required: boolean;
    value: unknown;
    error: string | undefined;
    onChange(v: unknown): void;
  },
) {
  const { id, name, prop, required, value, secret = false, error, onChange } = props;
  const kind = kindOf(prop, secret);
  const title = titleOf(name, prop);
  if (kind === 'object' || kind === 'endpoints')
    return (
      <SchemaForm
        {...props}
        schema={prop}
        values={(value as Values) ?? {}}
        onChange={onChange}
        legend={required ? title : `${title} (optional)`}
        requireFields={required}
        path={`${props.path ?? ''}${name}.`}
      />
    );
  const example = prop.examples?.[0];
  const hint = prop.description && (
    <small id={`${id}-hint`} className="muted">
      {prop.description}
    </small>
  );
  const problem = error && (
    <small id={`${id}-error`} className="form-error">
      {error}
    </small>
  );
  const common = {
    id,
    'aria-describedby':
      [prop.description && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || undefined,
    'aria-invalid': error ? true : undefined,
    required,
    autoComplete: 'off',
  };
  const label = `${title}${required ? '' : ' (optional)'}`;
  if (kind === 'boolean')
    return (
      <div className="field">
        <label htmlFor={id}>
          <input {...common} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />{' '}
          {label}
        </label>
        {hint}
        {problem}
      </div>
    );
  const text = String(value ?? '');
  const multiline = kind === 'lines' || kind === 'pem' || kind === 'json';
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {prop.enum ? (
        <select {...common} value={text} onChange={(e) => onChange(e.target.value)}>
          <option value="">—</option>
          {prop.enum.map((o) => (
            <option key={String(o)}>{String(o)}</option>
          ))}
        </select>
      ) : multiline ? (
        <textarea
          {...common}
          rows={kind === 'lines' ? 3 : 6}
          spellCheck={false}
          placeholder={example === undefined ? undefined : String(example)}
          value={text}
          onChange={(e) => onChange(e.target.value)}
        />
      ) : (
        <input
          {...common}
          type={kind === 'secret' ? 'password' : kind === 'number' ? 'number' : kind === 'url' ? 'url' : 'text'}
          placeholder={example === undefined || kind === 'secret' ? undefined : `e.g. ${String(example)}`}
          value={text}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
      {hint}
      {problem}
    </div>
  );
}
