import type { CollectionSession } from '@evident/connector-kit';
import type { EntraConfig, EntraSecret } from '../config.ts';
import { pages } from '../graph-pages.ts';
import { GROUP_ELIGIBILITY_PERMISSION } from '../permissions.ts';
import { add, directoryWide, type Member, rolesOfInterest, usersIn } from './membership.ts';
import type { Run } from './state.ts';

type Session = CollectionSession<EntraConfig, EntraSecret>;

export const ROLE_ELIGIBILITY = '/roleManagement/directory/roleEligibilityScheduleInstances';
export const GROUP_ELIGIBILITY = '/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances';

interface Instance {
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId?: string;
  principal?: Member;
}

/**
 * Who can activate a role through PIM, at any scope: users directly, and every member of a role-assignable group
 * that is eligible. Needs P2 or Governance; without it Graph answers with a licence error, which becomes a gap.
 */
export async function eligibleRoleHolders(run: Run, session: Session): Promise<void> {
  const roles = rolesOfInterest(run);
  const found = new Map<string, Set<string>>();
  const wide = new Map<string, Set<string>>();
  for await (const page of pages<Instance, EntraConfig, EntraSecret>(
    session,
    run.graph,
    ROLE_ELIGIBILITY,
    'RoleManagement.Read.Directory',
    { $expand: 'principal' },
  )) {
    for (const i of page) {
      if (!roles.has(i.roleDefinitionId)) continue;
      const type = i.principal?.['@odata.type'];
      const hold = (user: string) => {
        add(found, user, i.roleDefinitionId);
        if (directoryWide(i)) add(wide, user, i.roleDefinitionId);
      };
      if (type === '#microsoft.graph.group') {
        add(run.state.roleGroups, i.principalId, i.roleDefinitionId);
        for await (const user of usersIn(run, session, i.principalId)) hold(user);
      } else if (!type || type === '#microsoft.graph.user') hold(i.principalId);
    }
  }
  for (const [user, held] of found) for (const r of held) add(run.state.eligibleOf, user, r);
  for (const [user, held] of wide) for (const r of held) add(run.state.wideEligibleOf, user, r);
  run.state.pimRead = true;
}

interface GroupInstance {
  principalId: string;
  groupId: string;
  accessId: string;
}

/** Eligible members of the role-assignable groups (PIM for Groups): they hold the group's roles once activated. */
export async function eligibleGroupMembers(run: Run, session: Session): Promise<void> {
  // Without PIM (its gap already says so) group eligibility is closed for the same reason.
  if (!run.state.pimRead) return;
  await Promise.all(
    [...run.state.roleGroups].map(async ([group, roles]) => {
      for await (const page of pages<GroupInstance, EntraConfig, EntraSecret>(
        session,
        run.graph,
        GROUP_ELIGIBILITY,
        GROUP_ELIGIBILITY_PERMISSION,
        { $filter: `groupId eq '${group}'` },
      )) {
        for (const i of page) {
          if (i.accessId !== 'member') continue;
          // The group's roles may be held at a narrower scope; as an exclusion they are read as directory-wide.
          for (const r of roles) {
            add(run.state.eligibleOf, i.principalId, r);
            add(run.state.wideEligibleOf, i.principalId, r);
          }
        }
      }
    }),
  );
}
