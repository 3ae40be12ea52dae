import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTokenClient, localStorageStore, type Session } from './token-client.ts';

const user = {
  id: randomUUID(),
  username: 'awa',
  full_name: 'Awa Ouédraogo',
  role: 'vendeur' as const,
  site_id: randomUUID(),
  site_name: 'Koudougou',
  device_id: randomUUID(),
};
const pair = (n: number) => ({
  access_token: `access-${n}`,
  refresh_token: `refresh-token-number-${n}`,
  token_type: 'Bearer',
  expires_in: 900,
  user,
});
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const refusal = (code: string) => json(401, { error: { code, message: 'refusé', details: null } });

/**
 * A client on its own keys whose refresh requests get `answers` in turn (a thrown error is the
 * network losing the answer). The server's own behaviour is tested in the auth and e2e tests.
 */
function clientWith(answers: (Response | Error)[]) {
  const key = `session-${randomUUID()}`;
  const presented: string[] = [];
  const tokens = createTokenClient({
    store: localStorageStore(key, `${key}-end`),
    lockName: key,
    retryDelaysMs: [1, 1],
    fetch: async (_input, init) => {
      presented.push(JSON.parse(String(init?.body)).refresh_token);
      const answer = answers.shift();
      if (!answer || answer instanceof Error) throw answer ?? new TypeError('fetch failed');
      return answer;
    },
  });
  const start: Session = { accessToken: 'access-0', refreshToken: 'refresh-token-number-0', user };
  tokens.set(start);
  return { tokens, presented, key };
}

describe('token client', () => {
  it('presents the same refresh token again when an answer is lost, and keeps the new pair', async () => {
    const { tokens, presented } = clientWith([new TypeError('connection reset'), json(200, pair(1))]);
    expect(await tokens.refreshAfter('access-0')).toEqual({ status: 'refreshed', accessToken: 'access-1' });
    expect(presented).toEqual(['refresh-token-number-0', 'refresh-token-number-0']);
    expect(tokens.get()?.refreshToken).toBe('refresh-token-number-1');
  });

  it('keeps the session when every answer is lost or the server is down', async () => {
    const lost = clientWith([new TypeError('a'), new TypeError('b'), new TypeError('c')]);
    expect(await lost.tokens.refreshAfter('access-0')).toEqual({ status: 'unavailable', response: null });
    expect(lost.presented).toHaveLength(3);
    expect(lost.tokens.reload()?.refreshToken).toBe('refresh-token-number-0');

    const down = clientWith([json(503, { error: { code: 'unavailable', message: 'x', details: null } })]);
    expect((await down.tokens.refreshAfter('access-0')).status).toBe('unavailable');
    expect(down.tokens.reload()).not.toBeNull();
  });

  it('ends the session only on the server’s refusal, keeping why', async () => {
    for (const [code, reason] of [
      ['device_revoked', 'device_revoked'],
      ['account_disabled', 'account_disabled'],
      ['refresh_token_reused', 'refresh_token_reused'],
      ['token_invalid', 'expired'],
    ] as const) {
      const { tokens } = clientWith([refusal(code)]);
      expect(await tokens.refreshAfter('access-0')).toEqual({ status: 'ended', reason });
      expect(tokens.reload()).toBeNull();
      expect(tokens.lastEndReason()).toBe(reason);
    }
  });

  it('rotates once for several refused requests, and uses a pair another tab already got', async () => {
    const { tokens, presented, key } = clientWith([json(200, pair(1))]);
    const outcomes = await Promise.all([tokens.refreshAfter('access-0'), tokens.refreshAfter('access-0')]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['refreshed', 'refreshed']);
    expect(presented).toHaveLength(1);

    // Another tab rotated meanwhile: its stored pair is used, nothing is presented.
    localStorage.setItem(key, JSON.stringify({ accessToken: 'access-9', refreshToken: 'refresh-9', user }));
    expect(await tokens.refreshAfter('access-1')).toEqual({ status: 'refreshed', accessToken: 'access-9' });
    expect(presented).toHaveLength(1);
  });
});
