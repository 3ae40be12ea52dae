import { randomUUID } from 'node:crypto';
import type { Role } from '@gapal/shared';
import { devices, sites, users } from '../src/db/schema.ts';
import { hashPassword } from '../src/features/auth/passwords.ts';
import { createTokenSigner } from '../src/features/auth/tokens.ts';
import { api, type TestApp } from './harness.ts';

export const TEST_PASSWORD = 'test-password-123';
let passwordHash: Promise<string> | undefined;
let sequence = 0;

/** Unique per process and call, so tests never collide on names. */
export function unique(prefix: string): string {
  sequence += 1;
  return `${prefix}${process.pid.toString(36)}${sequence}${Math.random().toString(36).slice(2, 6)}`;
}

/**
 * A unique tag of letters only, for names a test then searches: the client search also matches
 * phone numbers on the digits it is given, and test phones' digits are random.
 */
export function letterTag(): string {
  return Array.from(randomUUID().replace(/-/g, '').slice(0, 10), (hex) =>
    String.fromCharCode(97 + Number.parseInt(hex, 16)),
  ).join('');
}

export type TestSite = { id: string; name: string; code: string };
export type TestUser = { id: string; username: string; password: string; role: Role; siteId: string | null };

export async function createSite(t: TestApp, name = unique('Site ')): Promise<TestSite> {
  const code = unique('S')
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '')
    .slice(0, 12);
  const [row] = await t.db.insert(sites).values({ name, code }).returning();
  return { id: row!.id, name: row!.name, code: row!.code };
}

export async function createUser(
  t: TestApp,
  role: Role,
  options: { siteId?: string | null; isActive?: boolean } = {},
): Promise<TestUser> {
  passwordHash ??= hashPassword(TEST_PASSWORD, t.config.passwordHashing);
  const siteId = options.siteId === undefined ? t.defaultSiteId : options.siteId;
  const username = unique(role.slice(0, 4));
  const [row] = await t.db
    .insert(users)
    .values({
      username,
      fullName: `Test ${role}`,
      role,
      siteId,
      passwordHash: await passwordHash,
      isActive: options.isActive ?? true,
    })
    .returning();
  return { id: row!.id, username, password: TEST_PASSWORD, role, siteId };
}

export async function createDevice(t: TestApp, user: TestUser, siteId = user.siteId ?? t.defaultSiteId) {
  const [row] = await t.db
    .insert(devices)
    .values({ serial: unique('DEV-'), name: 'Téléphone test', siteId, userId: user.id })
    .returning();
  return row!;
}

/** An access token signed like the server does, without the cost of a password check. */
export async function tokenFor(t: TestApp, user: TestUser, deviceId: string | null = null): Promise<string> {
  const signer = createTokenSigner(t.config.jwtSecret, t.config.accessTokenTtlSeconds);
  return signer.signAccess({ userId: user.id, role: user.role, siteId: user.siteId, deviceId });
}

/** A user of the given role with a token: the common start of a test. */
export async function signedInUser(t: TestApp, role: Role, options: { siteId?: string | null } = {}) {
  const user = await createUser(t, role, options);
  return { user, token: await tokenFor(t, user) };
}

/** Signs in through the real login endpoint. */
export async function login(t: TestApp, user: TestUser, deviceSerial?: string) {
  const response = await api(t, 'POST', '/api/auth/login/', {
    body: {
      username: user.username,
      password: user.password,
      ...(deviceSerial ? { device_serial: deviceSerial } : {}),
    },
  });
  if (response.status !== 200)
    throw new Error(`login failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as { access_token: string; refresh_token: string; user: { device_id: string | null } };
}
