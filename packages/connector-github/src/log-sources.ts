import type { CollectionSession } from '@evident/connector-kit';
import { ConnectorError } from '@evident/connector-kit';
import type { Fact } from '@evident/core';
import type { GithubClient } from './client.ts';
import type { GithubConfig, GithubContext, GithubSecret } from './config.ts';
import { ADMIN_ENTERPRISE } from './errors.ts';
import { type AuditLogState, auditLogSources, gapOf, newestEventAt, type Stamp, streamDestinations } from './map.ts';
import { effect, type Reader } from './reader.ts';
import { auditEvents, auditStreams } from './schemas.ts';

/**
 * The audit log and its git events. They exist with GitHub's documented retention whatever the plan; on Enterprise
 * Cloud the API adds when each last saw an event, and the enterprise (when named) whether it is streamed out.
 */
export async function* logSources(
  ctx: GithubContext,
  session: CollectionSession<GithubConfig, GithubSecret>,
  reader: Reader<GithubConfig, GithubSecret>,
  octokit: GithubClient,
  stamp: () => Stamp,
): AsyncGenerator<Fact> {
  const { org, enterprise } = ctx.config;
  const audit: AuditLogState = { lastWebEvent: 'unknown', lastGitEvent: 'unknown', api: 'unknown', destinations: [] };
  const probe = (include: 'web' | 'git') => () =>
    octokit.request('GET /orgs/{org}/audit-log', { org, include, per_page: 1 });

  const webSource = `GET /orgs/${org}/audit-log?per_page=1`;
  const webCovers = ['logSource.admin_audit.lastEventAt', 'logSource.git.enabled', 'logSource.git.lastEventAt'];
  yield* session.section(
    { phase: 'audit log', source: webSource, covers: webCovers },
    effect(async () => {
      audit.lastWebEvent = newestEventAt(await reader.get('audit_log', auditEvents, webSource, probe('web')));
      audit.api = true;
    }),
  );
  if (audit.api === true) {
    const gitSource = `GET /orgs/${org}/audit-log?include=git&per_page=1`;
    yield* session.section(
      { phase: 'audit log', source: gitSource, covers: ['logSource.git.lastEventAt'] },
      effect(async () => {
        audit.lastGitEvent = newestEventAt(await reader.get('audit_log', auditEvents, gitSource, probe('git')));
      }),
    );
  }

  const streamCovers = ['logSource.admin_audit.destinations', 'logSource.git.destinations'];
  const streamsSource = enterprise ? `GET /enterprises/${enterprise}/audit-log/streams` : '';
  if (enterprise) {
    yield* session.section(
      { phase: 'audit-log streams', source: streamsSource, covers: streamCovers },
      effect(async () => {
        const call = () => octokit.request('GET /enterprises/{enterprise}/audit-log/streams', { enterprise });
        audit.destinations = streamDestinations(await reader.get('streams', auditStreams, streamsSource, call));
      }),
    );
  } else if (audit.api === true) {
    // Streaming exists on Enterprise Cloud only, and is configured on the enterprise, not the org.
    yield* session.section({ phase: 'audit-log streams', source: webSource, covers: streamCovers }, async function* () {
      const why = 'Audit-log streams are configured on the enterprise, and this connection names none.';
      const remedy = `Set \`enterprise\` in the connection to the enterprise slug, with an enterprise owner's token that has ${ADMIN_ENTERPRISE}.`;
      const error = new ConnectorError('permission_missing', why, { permission: ADMIN_ENTERPRISE, remedy });
      yield gapOf(stamp(), webSource, streamCovers, error);
    });
  }

  yield* session.section({ phase: 'log sources', source: webSource, covers: ['logSource'] }, async function* () {
    yield* auditLogSources(stamp(), org, audit, streamsSource);
  });
}
