import directory from './discovery/admin-directory_v1.excerpt.json' with { type: 'json' };
import reports from './discovery/admin-reports_v1.excerpt.json' with { type: 'json' };

interface DiscoverySchema {
  type?: string;
  $ref?: string;
  properties?: Record<string, DiscoverySchema>;
  items?: DiscoverySchema;
}

const SCHEMAS: Record<string, DiscoverySchema> = {
  ...(directory.schemas as Record<string, DiscoverySchema>),
  ...(reports.schemas as Record<string, DiscoverySchema>),
};

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/**
 * Where `value` departs from the discovery document's schema `name`: a property the schema does not declare, or a
 * value of another JSON type. Empty when it conforms. References outside the excerpt are not followed.
 */
export function discoveryViolations(name: string, value: unknown, path = name): string[] {
  const schema = SCHEMAS[name];
  if (!schema) return [`${path}: no schema ${name} in the discovery excerpts`];
  return check(schema, value, path);
}

function check(schema: DiscoverySchema, value: unknown, path: string): string[] {
  if (schema.$ref) return SCHEMAS[schema.$ref] ? check(SCHEMAS[schema.$ref]!, value, path) : [];
  const want = schema.type;
  const got = typeOf(value);
  if (want === undefined || want === 'any') return [];
  if (want === 'string' && got === 'string') return [];
  if (want === 'boolean' && got === 'boolean') return [];
  if (want === 'integer' && got === 'integer') return [];
  if (want === 'array' && got === 'array') {
    return (value as unknown[]).flatMap((v, i) => (schema.items ? check(schema.items, v, `${path}[${i}]`) : []));
  }
  if (want === 'object' && got === 'object') {
    if (!schema.properties) return [];
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => {
      const property = schema.properties![k];
      return property ? check(property, v, `${path}.${k}`) : [`${path}.${k}: not in the discovery schema`];
    });
  }
  return [`${path}: expected ${want}, got ${got}`];
}
