import type { Db } from '../../db/client.ts';
import { isDatabaseUnavailable } from '../../db/database-errors.ts';
import type { Actor } from '../../domain/actor.ts';
import { AppError, notFound } from '../../domain/errors.ts';
import { findDevice, type SyncDeviceRow } from './sync.repo.ts';
import { isRetryableConflict } from './sync-mutation-faults.ts';

/**
 * The device a sync call speaks for: the one the caller signed in from (the token's device),
 * not revoked, and of the caller's site. Anything else gets nothing.
 */
export async function syncDevice(db: Db, actor: Actor, deviceId: string | undefined): Promise<SyncDeviceRow> {
  if (!actor.deviceId) {
    // The role may sync; this session just has no device to sync for (signed in without a serial).
    throw new AppError('bad_request', 'Connectez-vous depuis un appareil enregistré pour synchroniser');
  }
  if (deviceId && deviceId !== actor.deviceId) throw notFound('Appareil');
  const device = await findDevice(db, actor.deviceId);
  if (!device) throw notFound('Appareil');
  if (device.revokedAt) throw new AppError('device_revoked', 'Cet appareil a été révoqué');
  if (actor.role !== 'admin' && device.siteId !== actor.siteId) throw notFound('Appareil');
  return device;
}

/**
 * Runs one mutation's work, retrying a serialization failure or deadlock a few times; when the
 * database stays unavailable the push answers 503 with Retry-After and the phone tries again
 * (what committed before is kept: the retry sees it as duplicates).
 */
export async function withTemporaryFailures<T>(work: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      const retryable = isRetryableConflict(error);
      if (retryable && attempt < attempts) {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
        continue;
      }
      if (retryable || isDatabaseUnavailable(error)) {
        throw new AppError('service_unavailable', 'Serveur momentanément indisponible, réessayez', {
          retry_after_seconds: 5,
        });
      }
      throw error;
    }
  }
}
