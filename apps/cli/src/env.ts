/**
 * The CLI's environment. It reads no settings of its own; assessment configs may name environment variables for
 * secrets (`{ "env": "GRAPH_CLIENT_SECRET" }`), resolved from here.
 */
export function environment(): Record<string, string | undefined> {
  return process.env;
}
