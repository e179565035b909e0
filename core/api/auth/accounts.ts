import type { ApiToken, Database, Role, User } from '../../db/index.js';
import type { EventRecorder } from '../../events/index.js';
import { isRole, ROLES } from './roles.js';
import { hashPassword, newSecret, sha256 } from './secrets.js';

export interface AccountsContext {
  db: Database;
  events: EventRecorder;
}

/** A request about users or tokens that cannot be done as asked; `status` is the HTTP answer. */
export class AccountRequestError extends Error {
  override name = 'AccountRequestError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const SETUP_TOKEN_HOURS = 24;
export const API_TOKEN_PREFIX = 'rfat_';
/** Users made by Home Assistant ingress are `ha:<name>` (a colon no other username may have). */
export const INGRESS_PREFIX = 'ha:';
const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

export function checkUsername(username: unknown): string {
  if (typeof username !== 'string' || !USERNAME.test(username))
    throw new AccountRequestError(
      400,
      'invalid_username',
      'username must be 1 to 64 letters, digits, ".", "_", "@" or "-", starting with a letter or digit',
    );
  return username;
}

export function checkPassword(password: unknown): string {
  if (typeof password !== 'string' || password.length < 8 || password.length > 1024)
    throw new AccountRequestError(400, 'invalid_password', 'password must be 8 to 1024 characters');
  return password;
}

export function checkRole(role: unknown): Role {
  if (!isRole(role))
    throw new AccountRequestError(400, 'invalid_role', `role must be one of ${ROLES.join(', ')}`);
  return role;
}

export async function addUser(
  ctx: AccountsContext,
  input: { username: unknown; password: unknown; role: unknown },
  by: string,
): Promise<User> {
  const username = checkUsername(input.username);
  const role = checkRole(input.role);
  const passwordHash = await hashPassword(checkPassword(input.password));
  const user = await ctx.db.users.create({ username, passwordHash, role });
  if (!user) throw new AccountRequestError(409, 'user_exists', `user ${username} already exists`);
  // Someone is in now: the first-run setup link must not make a second admin.
  await ctx.db.users.clearSetupToken();
  await ctx.events.record({
    type: 'security',
    subtype: 'user_added',
    severity: 'info',
    component: 'auth',
    message: `user ${username} added with role ${role}`,
    metadata: { userId: user.id, username, role, by },
  });
  return user;
}

/** Sets a new password and signs the user out everywhere (a changed password ends old sessions). */
export async function setUserPassword(
  ctx: AccountsContext,
  input: { username: unknown; password: unknown },
  by: string,
): Promise<User> {
  const username = checkUsername(input.username);
  const password = checkPassword(input.password);
  const user = await ctx.db.users.findByUsername(username);
  if (!user) throw new AccountRequestError(404, 'not_found', `no user ${username}`);
  await ctx.db.users.setPassword(user.id, await hashPassword(password));
  const ended = await ctx.db.sessions.deleteForUser(user.id);
  await ctx.events.record({
    type: 'security',
    subtype: 'password_changed',
    severity: 'info',
    component: 'auth',
    message: `password of ${username} changed; ${ended} session(s) ended`,
    metadata: { userId: user.id, username, by },
  });
  return user;
}

/**
 * Changes a user's role, or disables or enables them (admins only, at the route and on the
 * command line). Refuses to leave no enabled admin (409 `last_admin`): nobody could manage
 * users any more, and the setup link is only offered while there are no users at all.
 * Disabling ends the user's sessions (and so their live streams); their API tokens stop
 * working while they are disabled.
 */
export async function changeUser(
  ctx: AccountsContext,
  target: { id: string } | { username: unknown },
  changes: { role?: unknown; disabled?: unknown },
  by: string,
): Promise<User> {
  const role = changes.role === undefined ? undefined : checkRole(changes.role);
  if (changes.disabled !== undefined && typeof changes.disabled !== 'boolean')
    throw new AccountRequestError(400, 'invalid_disabled', 'disabled must be true or false');
  const disabled = changes.disabled as boolean | undefined;
  if (role === undefined && disabled === undefined)
    throw new AccountRequestError(400, 'nothing_to_change', 'give role, disabled or both');
  const found =
    'id' in target
      ? /^[0-9a-f-]{36}$/i.test(target.id)
        ? await ctx.db.users.findById(target.id)
        : null
      : await ctx.db.users.findByUsername(checkUsername(target.username));
  const name = 'id' in target ? `with id ${target.id}` : String(target.username);
  const outcome = found ? await ctx.db.users.update(found.id, { role, disabled }) : 'not_found';
  if (outcome === 'not_found') throw new AccountRequestError(404, 'not_found', `no user ${name}`);
  if (outcome === 'last_admin')
    throw new AccountRequestError(
      409,
      'last_admin',
      `${found!.username} is the last enabled admin; make another user admin first`,
    );
  const { user, before } = outcome;
  const ended = user.disabled && !before.disabled ? await ctx.db.sessions.deleteForUser(user.id) : 0;
  if (user.role !== before.role)
    await ctx.events.record({
      type: 'security',
      subtype: 'user_role_changed',
      severity: 'info',
      component: 'auth',
      message: `role of ${user.username} changed from ${before.role} to ${user.role}`,
      metadata: { userId: user.id, username: user.username, from: before.role, to: user.role, by },
    });
  if (user.disabled !== before.disabled)
    await ctx.events.record({
      type: 'security',
      subtype: user.disabled ? 'user_disabled' : 'user_enabled',
      severity: 'info',
      component: 'auth',
      message: user.disabled
        ? `user ${user.username} disabled; ${ended} session(s) ended`
        : `user ${user.username} enabled again`,
      metadata: { userId: user.id, username: user.username, by },
    });
  return user;
}

/** A bearer token for scripts: shown once here, stored as its SHA-256. */
export async function createApiToken(
  ctx: AccountsContext,
  input: { name: unknown; role: unknown; userId?: string | null },
  by: string,
): Promise<{ token: string; apiToken: ApiToken }> {
  if (typeof input.name !== 'string' || input.name.trim() === '' || input.name.length > 100)
    throw new AccountRequestError(400, 'invalid_name', 'name must be 1 to 100 characters');
  const role = checkRole(input.role);
  const token = newSecret(API_TOKEN_PREFIX);
  const apiToken = await ctx.db.apiTokens.create({
    name: input.name.trim(),
    tokenHash: sha256(token),
    role,
    userId: input.userId ?? null,
    createdBy: by,
  });
  await ctx.events.record({
    type: 'security',
    subtype: 'api_token_created',
    severity: 'info',
    component: 'auth',
    message: `API token "${apiToken.name}" (${apiToken.id}) created with role ${role}`,
    metadata: { tokenId: apiToken.id, role, by },
  });
  return { token, apiToken };
}

export async function revokeApiToken(ctx: AccountsContext, id: string, by: string): Promise<void> {
  if (!/^[0-9a-f-]{36}$/i.test(id) || !(await ctx.db.apiTokens.revoke(id)))
    throw new AccountRequestError(404, 'not_found', `no unrevoked API token with id ${id}`);
  await ctx.events.record({
    type: 'security',
    subtype: 'api_token_revoked',
    severity: 'info',
    component: 'auth',
    message: `API token ${id} revoked`,
    metadata: { tokenId: id, by },
  });
}

/**
 * First start with no users: a one-time token (24 h) that lets one person create the first
 * admin. A new one replaces the last at every start until someone has set up.
 */
export async function issueSetupToken(db: Database): Promise<string | null> {
  if ((await db.users.count()) > 0) return null;
  const token = newSecret('rfsetup_');
  await db.users.storeSetupToken(sha256(token), new Date(Date.now() + SETUP_TOKEN_HOURS * 3600_000));
  return token;
}

export async function completeSetup(
  ctx: AccountsContext,
  input: { token: string; username: unknown; password: unknown },
): Promise<User> {
  const username = checkUsername(input.username);
  const password = checkPassword(input.password);
  if ((await ctx.db.users.count()) > 0)
    throw new AccountRequestError(409, 'already_set_up', 'the first admin exists; sign in instead');
  if (!(await ctx.db.users.consumeSetupToken(sha256(input.token))))
    throw new AccountRequestError(401, 'invalid_setup_token', 'the setup token is wrong, used or expired');
  return addUser(ctx, { username, password, role: 'admin' }, 'setup');
}
