import { z } from 'zod';

/** What the connector reads of the Admin SDK's answers; anything else in them is ignored, anything missing is unknown. */
const optionalBool = z.boolean().nullish();

export const user = z.object({
  id: z.string().min(1),
  primaryEmail: z.string().min(1),
  isAdmin: optionalBool,
  isDelegatedAdmin: optionalBool,
  isEnrolledIn2Sv: optionalBool,
  isEnforcedIn2Sv: optionalBool,
  suspended: optionalBool,
  archived: optionalBool,
  orgUnitPath: z.string().nullish(),
  lastLoginTime: z.string().nullish(),
});

export const usersPage = z.object({ users: z.array(user).nullish(), nextPageToken: z.string().nullish() });

export const rolesPage = z.object({
  items: z
    .array(
      z.object({
        roleId: z.string().min(1),
        roleName: z.string(),
        isSuperAdminRole: z.boolean().nullish(),
        rolePrivileges: z.array(z.object({ privilegeName: z.string() })).nullish(),
      }),
    )
    .nullish(),
  nextPageToken: z.string().nullish(),
});

export const assignmentsPage = z.object({
  items: z
    .array(
      z.object({
        roleId: z.string().min(1),
        assignedTo: z.string().min(1),
        assigneeType: z.string().nullish(),
      }),
    )
    .nullish(),
  nextPageToken: z.string().nullish(),
});

export const activitiesPage = z.object({
  items: z.array(z.object({ id: z.object({ time: z.iso.datetime({ offset: true }) }) })).nullish(),
});
