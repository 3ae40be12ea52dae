import { describe, expect, it } from 'vitest';
import { createDevice, createUser } from '../../test/factories.ts';
import { useTestApp } from '../../test/harness.ts';
import type { Actor } from '../domain/actor.ts';
import { runWrite, type WriteDeps } from '../domain/write-context.ts';
import { findDeviceRow } from '../features/devices/devices.repo.ts';
import { revokeDevice } from '../features/devices/devices.service.ts';
import type { SessionEnd } from './session-end.ts';

/**
 * A write that ends sessions (here a device's revocation) queues them on its context; they reach
 * the bus once the transaction has committed, so every process that hears one already reads the
 * change, and a write that rolls back ends nothing.
 */
describe('session ends queued by a write', () => {
  const t = useTestApp();

  /** The app's pipeline with a bus that records each session end and whether the revocation is visible then. */
  function recordingDeps(deviceId: string) {
    const heard: { end: SessionEnd; revokedWhenHeard: boolean }[] = [];
    const deps: WriteDeps = {
      ...t.app.writes,
      bus: {
        publish: async () => undefined,
        async publishSessionEnd(end) {
          // Read outside the write's transaction: only a committed revocation shows.
          const device = await findDeviceRow(t.db, deviceId);
          heard.push({ end, revokedWhenHeard: device?.revokedAt != null });
        },
      },
    };
    return { deps, heard };
  }

  async function adminActor(): Promise<Actor> {
    const admin = await createUser(t, 'admin', { siteId: null });
    return {
      userId: admin.id,
      username: admin.username,
      role: 'admin',
      siteId: null,
      deviceId: null,
      requestId: 'session-end-test',
      ip: '127.0.0.1',
    };
  }

  it('are published after the commit, when the change is visible to every reader', async () => {
    const device = await createDevice(t, await createUser(t, 'vendeur'));
    const { deps, heard } = recordingDeps(device.id);
    await runWrite(deps, await adminActor(), (ctx) => revokeDevice(ctx, device.id));
    expect(heard).toEqual([
      { end: { deviceId: device.id, reason: 'device_revoked' }, revokedWhenHeard: true },
    ]);
  });

  it('are never published when the write rolls back', async () => {
    const device = await createDevice(t, await createUser(t, 'vendeur'));
    const { deps, heard } = recordingDeps(device.id);
    await expect(
      runWrite(deps, await adminActor(), async (ctx) => {
        await revokeDevice(ctx, device.id);
        throw new Error('refused after the revocation');
      }),
    ).rejects.toThrow('refused after the revocation');
    expect(heard).toEqual([]);
    expect((await findDeviceRow(t.db, device.id))?.revokedAt).toBeNull();
  });
});
