import type { PublicSettings } from '@gapal/shared';

/**
 * Business settings the server is configured with (currency, time zone). Defaults match a
 * fresh install so the first paint formats correctly before `/api/settings/` answers.
 */
let settings: PublicSettings = {
  currency: 'XOF',
  time_zone: 'Africa/Ouagadougou',
  business_name: 'Gapal du Faso',
};

export function getSettings(): PublicSettings {
  return settings;
}

export function applySettings(next: PublicSettings): void {
  settings = next;
}
