import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import formats from 'ajv-formats';
import { XMLParser } from 'fast-xml-parser';
import { z } from 'zod';

/** The official Graph v1.0 CSDL subset the project keeps under its shared references. */
export const SELECTED_CSDL = new URL(
  '../../../../../../shared/reference/schemas/msgraph/msgraph-v1.0-selected-types.csdl.xml',
  import.meta.url,
).pathname;

/** Role definitions, PIM's role-management policies, cross-tenant access and `user`, from v1.0. */
export const ROLES_CSDL = new URL(
  '../../../../../../shared/reference/schemas/msgraph/msgraph-v1.0-roles-crosstenant-gdap-audit.csdl.xml',
  import.meta.url,
).pathname;

/** `unifiedRoleDefinition` as beta has it, with `isPrivileged`. */
export const BETA_ROLE_CSDL = new URL(
  '../../../../../../shared/reference/schemas/msgraph/msgraph-beta-role-definition.csdl.xml',
  import.meta.url,
).pathname;

const property = z.object({ Name: z.string(), Type: z.string(), Nullable: z.string().optional() });
const structured = z.object({
  Name: z.string(),
  BaseType: z.string().optional(),
  OpenType: z.string().optional(),
  Property: z.array(property).default([]),
  NavigationProperty: z.array(property).default([]),
});
const csdl = z.object({
  'edmx:Edmx': z.object({
    'edmx:DataServices': z.object({
      Schema: z.array(
        z.object({
          Namespace: z.string(),
          Alias: z.string().optional(),
          EnumType: z
            .array(
              z.object({
                Name: z.string(),
                IsFlags: z.string().optional(),
                Member: z.array(z.object({ Name: z.string() })),
              }),
            )
            .default([]),
          ComplexType: z.array(structured).default([]),
          EntityType: z.array(structured).default([]),
        }),
      ),
    }),
  }),
});

type Structured = z.infer<typeof structured>;
type JsonSchema = Record<string, unknown>;

const ARRAYS = new Set(['Schema', 'EnumType', 'Member', 'ComplexType', 'EntityType', 'Property', 'NavigationProperty']);

const EDM: Record<string, JsonSchema> = {
  'Edm.String': { type: 'string' },
  'Edm.Boolean': { type: 'boolean' },
  'Edm.Int16': { type: 'integer' },
  'Edm.Int32': { type: 'integer' },
  'Edm.Int64': { type: 'integer' },
  'Edm.Byte': { type: 'integer' },
  'Edm.Double': { type: 'number' },
  'Edm.Single': { type: 'number' },
  'Edm.Decimal': { type: 'number' },
  'Edm.DateTimeOffset': { type: 'string', format: 'date-time' },
  'Edm.Date': { type: 'string', format: 'date' },
  'Edm.Guid': { type: 'string', format: 'uuid' },
};

/** Allows OData annotations (`@odata.type`, `prop@odata.context`) beside the declared properties. */
const ANNOTATIONS = { '@odata\\.': {} };

/**
 * Turns CSDL into JSON Schema: entity and complex types with their base types' properties, collections, nullability,
 * enums (flags as comma lists) and derived types (a property of type T accepts T or any type derived from it).
 * Types the document does not define are accepted as anything; types not marked OpenType accept no other property.
 */
export class CsdlSchema {
  private readonly ajv = new Ajv({ allErrors: true, strict: false });
  private readonly types = new Map<string, Structured>();
  private readonly enums = new Set<string>();
  private readonly derived = new Map<string, string[]>();
  private readonly validators = new Map<string, ValidateFunction>();

  /** One CSDL document, or several read in order (a later one's type replaces an earlier one's of that name). */
  constructor(xml: string | readonly string[]) {
    // ajv-formats is CommonJS: under NodeNext its default import is the module, whose `default` is the plugin.
    formats.default(this.ajv);
    const parser = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      isArray: (name) => ARRAYS.has(name),
    });
    const documents = (typeof xml === 'string' ? [xml] : xml).map((x) => csdl.parse(parser.parse(x)));
    for (const schema of documents.flatMap((d) => d['edmx:Edmx']['edmx:DataServices'].Schema)) {
      const name = (local: string) => `${schema.Namespace}.${local}`;
      for (const e of schema.EnumType) {
        const members = e.Member.map((m) => m.Name);
        this.enums.add(name(e.Name));
        const alternatives = members.join('|');
        this.ajv.addSchema(
          e.IsFlags === 'true'
            ? { type: 'string', pattern: `^(${alternatives})(,\\s*(${alternatives}))*$` }
            : { type: 'string', enum: members },
          name(e.Name),
        );
      }
      for (const t of [...schema.ComplexType, ...schema.EntityType]) this.types.set(name(t.Name), t);
    }
    for (const [full, t] of this.types) {
      const base = t.BaseType && this.qualify(t.BaseType);
      if (base) this.derived.set(base, [...(this.derived.get(base) ?? []), full]);
    }
    for (const full of this.types.keys()) this.ajv.addSchema(this.structuredSchema(full), full);
  }

  static load(path = SELECTED_CSDL): CsdlSchema {
    return new CsdlSchema(readFileSync(path, 'utf8'));
  }

  /** The selected types (`entity`, `directoryObject`…) with the excerpts that build on them. */
  static loadWith(...paths: string[]): CsdlSchema {
    return new CsdlSchema([SELECTED_CSDL, ...paths].map((p) => readFileSync(p, 'utf8')));
  }

  has(type: string): boolean {
    return this.types.has(this.qualify(type));
  }

  /** Errors of one entity body (`$select`ed bodies are fine: no property is required). */
  validateEntity(type: string, body: unknown): string[] {
    return this.run(`entity:${type}`, () => this.typeRef(this.qualify(type)), body);
  }

  /** Errors of a collection response: `{ @odata.context, @odata.nextLink?, value: [T] }`. */
  validateCollection(type: string, body: unknown): string[] {
    return this.run(
      `collection:${type}`,
      () => ({
        type: 'object',
        required: ['value'],
        properties: { value: { type: 'array', items: this.typeRef(this.qualify(type)) } },
        patternProperties: { '^@odata\\.': { type: 'string' } },
        additionalProperties: false,
      }),
      body,
    );
  }

  private run(key: string, schema: () => JsonSchema, body: unknown): string[] {
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(schema());
      this.validators.set(key, validate);
    }
    return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
  }

  /** `graph.x` (the alias) and a bare `x` both mean `microsoft.graph.x`; `Edm.*` stays as it is. */
  private qualify(type: string): string {
    if (type.startsWith('Edm.') || type.startsWith('Collection(')) return type;
    return `microsoft.graph.${type.replace(/^(microsoft\.)?graph\./, '')}`;
  }

  private chain(full: string): Structured[] {
    const out: Structured[] = [];
    for (let t = this.types.get(full); t; t = t.BaseType ? this.types.get(this.qualify(t.BaseType)) : undefined)
      out.push(t);
    return out;
  }

  private structuredSchema(full: string): JsonSchema {
    const chain = this.chain(full);
    const properties: Record<string, JsonSchema> = {};
    for (const t of [...chain].reverse())
      for (const p of [...t.Property, ...t.NavigationProperty])
        properties[p.Name] = this.propertySchema(p.Type, p.Nullable !== 'false');
    return {
      type: 'object',
      properties,
      patternProperties: ANNOTATIONS,
      additionalProperties: chain.some((t) => t.OpenType === 'true'),
    };
  }

  private propertySchema(type: string, nullable: boolean): JsonSchema {
    const collection = /^Collection\((.+)\)$/.exec(type);
    if (collection) return { type: 'array', items: this.propertySchema(collection[1]!, nullable) };
    const inner = this.typeRef(this.qualify(type));
    return nullable ? { anyOf: [inner, { type: 'null' }] } : inner;
  }

  /** A reference to a type and every type derived from it; unknown types accept anything. */
  private typeRef(full: string): JsonSchema {
    const edm = EDM[full];
    if (edm) return edm;
    if (this.enums.has(full)) return { $ref: full };
    if (!this.types.has(full)) return {};
    const family = [full, ...this.descendants(full)];
    return family.length === 1 ? { $ref: full } : { anyOf: family.map((t) => ({ $ref: t })) };
  }

  private descendants(full: string): string[] {
    return (this.derived.get(full) ?? []).flatMap((d) => [d, ...this.descendants(d)]);
  }
}
