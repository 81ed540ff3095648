import type { JsonSchema } from './schema-form.tsx';

/** The provider's name, what a connection reads, what its credential needs and the commands that create it. */
export function ProviderGuide({
  schema,
  permissions,
}: {
  schema: JsonSchema;
  permissions: { name: string; why: string }[];
}) {
  const guide = schema['x-provider'];
  return (
    <section aria-label={`What ${schema.title ?? 'this provider'} needs`} className="provider-guide">
      <h4>{schema.title}: what this needs</h4>
      {schema.description && <p>{schema.description}</p>}
      {guide && (
        <ul>
          {guide.needs.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
      <details>
        <summary>Permissions the check looks for</summary>
        <ul>
          {permissions.map((p) => (
            <li key={p.name}>
              <strong>{p.name}</strong>: {p.why}
            </li>
          ))}
        </ul>
      </details>
      {guide && guide.commands.length > 0 && (
        <details>
          <summary>Create the credential from the command line</summary>
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling block must be reachable by keyboard */}
          <pre tabIndex={0}>
            <code>{guide.commands.join('\n')}</code>
          </pre>
        </details>
      )}
    </section>
  );
}
