import { type Endpoint, identityCost, selectContext } from '../endpoint.ts';
import { DIRECTORY_PAGES, page } from '../paging.ts';
import { needs } from '../permissions.ts';
import { checkSelect, project, rejectExpand, rejectFilter } from '../query.ts';
import { USER_DEFAULT_PROPERTIES, USER_PROPERTIES, userResource } from './directory-objects.ts';

const withSignInActivity = (select: string[] | undefined) => select?.includes('signInActivity') ?? false;

/** `GET /users`: every user, disabled ones and guests included; `signInActivity` only on request and with P1/P2. */
export const listUsers: Endpoint = {
  api: 'graph',
  path: '/v1.0/users',
  family: 'identity',
  cost: identityCost(2),
  permissions: (q) => (withSignInActivity(q.select) ? needs.usersWithSignInActivity : needs.users),
  premium: (q) => withSignInActivity(q.select),
  handle({ tenant, url, origin, query }) {
    rejectFilter(query);
    rejectExpand(query);
    checkSelect(query.select, USER_PROPERTIES, 'user');
    const select = query.select ?? USER_DEFAULT_PROPERTIES;
    const d = tenant.directory;
    return page(url, origin, selectContext('users', query.select), d.counts.users, DIRECTORY_PAGES, query, (i) =>
      project(userResource(d.user(i)), select),
    );
  },
};
