import type { Db } from '../../db/client.ts';
import type { Actor } from '../../http/auth.ts';
import { AppError, notFound, postgresErrorCode } from '../../http/errors.ts';
import { findDevice, type SyncDeviceRow } from './sync.repo.ts';

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

// Serialization failures and deadlocks (retried here first), and a database that went away.
const RETRYABLE = new Set(['40001', '40P01']);
const UNAVAILABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '08006',
  '08003',
  '08001',
]);

function isConnectionLoss(error: unknown): boolean {
  const code = postgresErrorCode(error);
  if (code && (UNAVAILABLE.has(code) || code.startsWith('08'))) return true;
  const message = `${(error as Error | null)?.message ?? ''} ${(error as { cause?: Error } | null)?.cause?.message ?? ''}`;
  return /Connection terminated|connection (is )?closed|timeout exceeded when trying to connect/i.test(
    message,
  );
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
      const code = postgresErrorCode(error);
      if (code && RETRYABLE.has(code) && attempt < attempts) {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
        continue;
      }
      if ((code && RETRYABLE.has(code)) || isConnectionLoss(error)) {
        throw new AppError('service_unavailable', 'Serveur momentanément indisponible, réessayez', {
          retry_after_seconds: 5,
        });
      }
      throw error;
    }
  }
}
