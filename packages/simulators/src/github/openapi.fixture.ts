import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsPlugin from 'ajv-formats';

/**
 * Validators from GitHub's official OpenAPI description (dereferenced 200 responses, copied from @octokit/openapi with
 * its licence beside them), for the tests: every body the simulator sends must pass the real schema.
 */
const SCHEMAS = {
  org: 'api.github.com__GET_orgs_org__200.deref.json',
  orgGhec: 'ghec__GET_orgs_org__200.deref.json',
  members: 'api.github.com__GET_orgs_org_members__200.deref.json',
  collaborators: 'api.github.com__GET_orgs_org_outside_collaborators__200.deref.json',
  orgRoles: 'api.github.com__GET_orgs_org_organization-roles__200.deref.json',
  orgRoleUsers: 'api.github.com__GET_orgs_org_organization-roles_role_id_users__200.deref.json',
  orgRoleTeams: 'api.github.com__GET_orgs_org_organization-roles_role_id_teams__200.deref.json',
  auditLog: 'ghec__GET_orgs_org_audit-log__200.deref.json',
  enterpriseAuditLog: 'ghec__GET_enterprises_enterprise_audit-log__200.deref.json',
  streams: 'ghec__GET_enterprises_enterprise_audit-log_streams__200.deref.json',
  accessToken: 'api.github.com__POST_app_installations_installation_id_access_tokens__201.deref.json',
  installation: 'api.github.com__GET_app_installations_installation_id__200.deref.json',
  error: 'api.github.com__basic-error.deref.json',
} as const;
export type SchemaName = keyof typeof SCHEMAS;

// ajv-formats is CommonJS: under NodeNext its default import is the module object, whose `default` is the plugin.
const addFormats = addFormatsPlugin.default;

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const compiled = new Map<SchemaName, ValidateFunction>();

/**
 * OpenAPI 3.0's `nullable` beside `anyOf` (no `type`), which Ajv refuses, as the JSON Schema it means: the same
 * alternatives or null.
 */
function nullableAnyOf(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(nullableAnyOf);
  if (node === null || typeof node !== 'object') return node;
  const out = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, nullableAnyOf(v)]));
  if (out.nullable !== true || 'type' in out || !Array.isArray(out.anyOf)) return out;
  const { nullable: _, anyOf, ...rest } = out;
  return { ...rest, anyOf: [...anyOf, { type: 'null' }] };
}

function validator(name: SchemaName): ValidateFunction {
  let v = compiled.get(name);
  if (!v) {
    const file = new URL(`./openapi/${SCHEMAS[name]}`, import.meta.url);
    v = ajv.compile(nullableAnyOf(JSON.parse(readFileSync(file, 'utf8'))) as object);
    compiled.set(name, v);
  }
  return v;
}

/** The schema errors of a body, as readable lines; empty when the body conforms. */
export function schemaErrors(name: SchemaName, body: unknown): string[] {
  const v = validator(name);
  return v(body) ? [] : (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
}
