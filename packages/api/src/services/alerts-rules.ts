import { ALERT_EVENT_TYPES, alertRuleInput } from '@evident/alerts';
import { CATALOG, controlById, FRAMEWORKS, isFrameworkId } from '@evident/controls';
import { InvalidInputError, type Issue } from '@evident/core';
import { z } from 'zod';

type RuleInput = z.output<typeof alertRuleInput>;

const EVENT_WORDS: Record<(typeof ALERT_EVENT_TYPES)[number], string> = {
  'control.regressed': 'A passing control fails, partially passes or can no longer be proven',
  'control.recovered': 'A control passes again',
  'connection.attention':
    'A connection needs attention: the provider refused its credentials (a bad or expired secret, revoked consent)',
  'audit.chain_broken': "Evident's audit log no longer verifies (organization-wide rules only)",
  'export.failed': 'An evidence pack export failed after its last attempt',
  'exception.expiring': 'An exception expires within 7 days',
};

/** What a rule may name, for the rule form: its JSON Schema (options added later appear there), events, controls, frameworks. */
export const ruleOptions = () => ({
  ruleSchema: z.toJSONSchema(alertRuleInput, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
  eventTypes: ALERT_EVENT_TYPES.map((type) => ({ type, label: EVENT_WORDS[type] })),
  controls: CATALOG.map((c) => ({ id: c.id, title: c.title })),
  frameworks: FRAMEWORKS.map((f) => ({ id: f.id, name: f.name })),
});

/** A rule as the caller sent it, in words when it is refused: its schema, then the catalog's controls and frameworks. */
/** A rule as it leaves the API: every option the alerts package defines, and its id. */
export const ruleOut = alertRuleInput.extend({ id: z.string() });

export function validateRule(input: unknown): RuleInput {
  const parsed = alertRuleInput.safeParse(input);
  if (!parsed.success)
    throw new InvalidInputError(
      'the alert rule is not valid',
      parsed.error.issues.map((i) => ({ path: i.path.join('.') || 'rule', message: i.message })),
    );
  const rule = parsed.data;
  const issues: Issue[] = [
    ...rule.controlIds
      .filter((id) => !controlById(id))
      .map((id) => ({ path: 'controlIds', message: `${id} is not a control of the catalog` })),
    ...rule.frameworks
      .filter((f) => !isFrameworkId(f))
      .map((f) => ({ path: 'frameworks', message: `${f} is not a framework controls map to` })),
  ];
  if (issues.length > 0) throw new InvalidInputError('the alert rule names something that does not exist', issues);
  return rule;
}
