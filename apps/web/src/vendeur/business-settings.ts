import { PublicSettingsSchema } from '@gapal/shared';
import { useEffect } from 'react';
import { applySettings, getSettings } from '../lib/settings.ts';

const SETTINGS_KEY = 'gapal-vendeur-settings';

/**
 * The business settings (name on the receipt, currency, time zone) as the phone last heard them:
 * applied at start from the phone's copy, so an offline phone formats and signs receipts like the
 * server; refreshed when the network allows. Defaults (lib/settings.ts) until the first answer.
 */
export function applyStoredSettings(): void {
  try {
    const stored = PublicSettingsSchema.safeParse(JSON.parse(localStorage.getItem(SETTINGS_KEY) ?? 'null'));
    if (stored.success) applySettings(stored.data);
  } catch {
    // A damaged copy: the defaults stay until the next answer.
  }
}

/** Asks the server (a public endpoint); a failure keeps what the phone has. */
export async function refreshSettings(): Promise<void> {
  try {
    const response = await fetch('/api/settings/');
    if (!response.ok) return;
    const settings = PublicSettingsSchema.parse(await response.json());
    applySettings(settings);
    localStorage.setItem(SETTINGS_KEY, JSON.stringify(settings));
  } catch {
    // Offline or an unexpected answer: the stored copy stays.
  }
}

export function businessName(): string {
  return getSettings().business_name;
}

let loaded = false;

/** Once per app start, by the first screen that needs them: the stored copy, then the server's. */
export function useBusinessSettings(): void {
  useEffect(() => {
    if (loaded) return;
    loaded = true;
    applyStoredSettings();
    void refreshSettings();
  }, []);
}
