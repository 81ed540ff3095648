import type { CollectionSession } from '@evident/connector-kit';
import type { EntraConfig, EntraSecret } from '../config.ts';
import { pages } from '../graph-pages.ts';
import type { RoleDefinitions, Run } from './state.ts';

type Session = CollectionSession<EntraConfig, EntraSecret>;

/** Beta only: v1.0's `unifiedRoleDefinition` has no `isPrivileged`. */
export const ROLE_DEFINITIONS = '/beta/roleManagement/directory/roleDefinitions';

interface Definition {
  id: string;
  templateId?: string | null;
  displayName?: string | null;
  isBuiltIn?: boolean | null;
  isPrivileged?: boolean | null;
}

/**
 * The tenant's role definitions, built-in and custom, with Microsoft's `isPrivileged`: what makes a holder
 * privileged. A definition that does not say is taken as privileged (an unknown role is never read as harmless).
 */
export async function roleDefinitions(run: Run, session: Session): Promise<void> {
  const found: RoleDefinitions = { privileged: new Map(), builtIn: new Set(), names: new Map() };
  for await (const page of pages<Definition, EntraConfig, EntraSecret>(
    session,
    run.graph,
    ROLE_DEFINITIONS,
    'RoleManagement.Read.Directory',
    { $select: 'id,templateId,displayName,isBuiltIn,isPrivileged' },
  )) {
    for (const d of page) {
      const id = d.isBuiltIn && d.templateId ? d.templateId : d.id;
      const name = d.displayName ?? id;
      found.names.set(id, name);
      if (d.isBuiltIn === true) found.builtIn.add(id);
      if (d.isPrivileged !== false) found.privileged.set(id, name);
    }
  }
  run.state.definitions = found;
}
