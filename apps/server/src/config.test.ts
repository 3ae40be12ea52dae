import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('config', () => {
  it('uses the embedded database and business defaults when nothing is set', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gapal-config-'));
    try {
      const config = loadConfig({ GAPAL_DATA_DIR: dir });
      expect(config.database).toEqual({ kind: 'pglite', dataDir: path.join(dir, 'pglite') });
      expect(config.currency).toBe('XOF');
      expect(config.timeZone).toBe('Africa/Ouagadougou');
      expect(config.demoData).toBe(true);
      expect(config.port).toBe(3000);
      // New passwords hashed with scrypt N=2^15, r=8, p=1.
      expect(config.passwordHashing).toMatchObject({ N: 32_768, r: 8, p: 1 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('generates a JWT secret once, keeps it in the data dir with mode 0600', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gapal-config-'));
    try {
      const first = loadConfig({ GAPAL_DATA_DIR: dir });
      const second = loadConfig({ GAPAL_DATA_DIR: dir });
      expect(first.jwtSecret.length).toBeGreaterThanOrEqual(32);
      expect(second.jwtSecret).toBe(first.jwtSecret);
      expect(statSync(path.join(dir, 'jwt-secret')).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('selects PostgreSQL when DATABASE_URL is set', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u@db:5432/gapal', JWT_SECRET: 'x'.repeat(40) });
    expect(config.database).toEqual({ kind: 'postgres', url: 'postgres://u@db:5432/gapal', poolSize: 10 });
  });

  it('reports every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        GAPAL_CURRENCY: 'francs',
        GAPAL_TIMEZONE: 'Mars/Olympus',
        JWT_SECRET: 'short',
        GAPAL_DEMO_DATA: 'maybe',
        PASSWORD_SCRYPT_N: '3000',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of [
      'PORT',
      'DATABASE_URL',
      'GAPAL_CURRENCY',
      'GAPAL_TIMEZONE',
      'JWT_SECRET',
      'GAPAL_DEMO_DATA',
      'PASSWORD_SCRYPT_N',
    ]) {
      expect(problems).toContain(name);
    }
  });

  it('requires the first admin username and password together', () => {
    expect(() => loadConfig({ GAPAL_ADMIN_USERNAME: 'owner', JWT_SECRET: 'x'.repeat(40) })).toThrow(
      /GAPAL_ADMIN_USERNAME and GAPAL_ADMIN_PASSWORD/,
    );
  });
});
