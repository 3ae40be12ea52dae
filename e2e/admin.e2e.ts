import { describe, expect, it } from 'vitest';
import { AuditPage, DevicesAdminPage, UsersAdminPage } from './pages/admin-pages.ts';
import { unique } from './support/api.ts';
import { screenshot, seriousA11yViolations } from './support/browser.ts';
import { useE2e } from './support/fixtures.ts';
import { ADMIN } from './support/gapal-server.ts';

describe('administration', () => {
  const e2e = useE2e();

  it('creates a user, shows field errors in French, edits role and site, resets the password, deactivates', async () => {
    const branch = await e2e.api.call('POST', '/api/sites/', {
      name: 'Ouagadougou',
      code: unique('OUA').slice(0, 12).toUpperCase(),
    });
    await e2e.signIn(ADMIN);
    const users = new UsersAdminPage(e2e.page);
    await users.open();
    await users.startCreate();
    const username = unique('awa');
    await users.fillUser({ full_name: 'Awa Sanou', username, password: 'court', role: 'Vendeur' });
    await users.submit('Créer');
    // The shared schema's rule, shown under the field at fault.
    await users.dialog().getByText('au moins 8 caractères').waitFor();
    expect(await users.dialog().getByLabel('Mot de passe initial').getAttribute('aria-invalid')).toBe('true');
    await screenshot(e2e.page, 'admin-user-form-error');
    await users.fillUser({ password: 'motdepasse-solide' });
    await users.submit('Créer');
    await users.row(username).waitFor();
    expect(await users.row(username).textContent()).toContain('Vendeur');

    // Edit: role and site.
    await users.row(username).getByRole('button', { name: 'Modifier Awa Sanou' }).click();
    await users.fillUser({ role: 'Gestionnaire des stocks', site: `Ouagadougou (${branch.code})` });
    await users.submit('Enregistrer');
    await users.row(username).getByText('Gestionnaire des stocks').waitFor();
    await users.row(username).getByText('Ouagadougou').waitFor();

    // Reset the password: the new one works.
    await users
      .row(username)
      .getByRole('button', { name: 'Réinitialiser le mot de passe — Awa Sanou' })
      .click();
    await users.dialog().getByLabel('Nouveau mot de passe').fill('nouveau-secret-42');
    await users.dialog().getByRole('button', { name: 'Enregistrer' }).click();
    await e2e.page.getByText('Mot de passe de Awa Sanou réinitialisé').waitFor();
    await expect(e2e.api.login(username, 'nouveau-secret-42')).resolves.toMatchObject({
      user: { role: 'gestionnaire_stocks' },
    });

    // Deactivate, with confirmation.
    await users.row(username).getByRole('button', { name: 'Désactiver Awa Sanou' }).click();
    await users.dialog().getByRole('button', { name: 'Désactiver' }).click();
    await users.row(username).getByText('Inactif').waitFor();
    await expect(e2e.api.login(username, 'nouveau-secret-42')).rejects.toThrow(/401/);
    await screenshot(e2e.page, 'admin-users');
    expect(await seriousA11yViolations(e2e.page)).toEqual([]);
  });

  it('creates a site and refuses a bad code with a French message', async () => {
    await e2e.signIn(ADMIN);
    await e2e.page.goto('/admin/sites');
    await e2e.page.getByRole('button', { name: 'Nouveau site' }).click();
    const dialog = e2e.page.getByRole('dialog');
    await dialog.getByLabel('Nom').fill('Réo');
    await dialog.getByLabel('Code').fill('r-1');
    await dialog.getByRole('button', { name: 'Créer' }).click();
    await dialog.getByText('majuscules et chiffres uniquement').waitFor();
    const code = unique('REO').toUpperCase().slice(0, 12);
    await dialog.getByLabel('Code').fill(code);
    await dialog.getByLabel('Adresse').fill('Route de Koudougou');
    await dialog.getByRole('button', { name: 'Créer' }).click();
    await e2e.page.getByTestId(`site-row-${code}`).getByText('Route de Koudougou').waitFor();
    await screenshot(e2e.page, 'admin-sites');
    expect(await seriousA11yViolations(e2e.page)).toEqual([]);
  });

  it('renames, rebinds and revokes a device, which can then no longer sign in', async () => {
    const vendor = await e2e.api.createUser('vendeur', { fullName: 'Boukary Sawadogo' });
    const serial = unique('TEL-');
    const loginWithDevice = () =>
      fetch(`${e2e.server.url}/api/auth/login/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: vendor.username, password: vendor.password, device_serial: serial }),
      });
    expect((await loginWithDevice()).status).toBe(200);

    await e2e.signIn(ADMIN);
    const devices = new DevicesAdminPage(e2e.page);
    await devices.open();
    const row = devices.row(serial);
    await row.getByText('Boukary Sawadogo').waitFor();
    await row.getByRole('button', { name: `Modifier ${serial}` }).click();
    const dialog = e2e.page.getByRole('dialog');
    await dialog.getByLabel('Nom').fill('Tecno Spark de Boukary');
    await dialog.getByRole('button', { name: 'Enregistrer' }).click();
    await row.getByText('Tecno Spark de Boukary').waitFor();

    await row.getByRole('button', { name: 'Révoquer Tecno Spark de Boukary' }).click();
    await dialog.getByRole('button', { name: 'Révoquer' }).click();
    await row.getByText('Révoqué').waitFor();
    await screenshot(e2e.page, 'admin-devices');
    expect(await seriousA11yViolations(e2e.page)).toEqual([]);

    const refused = await loginWithDevice();
    expect(refused.status).toBe(401);
    expect((await refused.json()).error.code).toBe('device_revoked');
  });

  it('shows the audit trail with filters and the before/after of a change', async () => {
    const user = await e2e.api.createUser('vendeur', { fullName: 'Fatou Compaoré' });
    await e2e.api.call('PUT', `/api/users/${user.id}/`, { full_name: 'Fatou Compaoré-Ilboudo' });
    await e2e.signIn(ADMIN);
    const audit = new AuditPage(e2e.page);
    await audit.open();
    await audit.rows().first().waitFor();
    await e2e.page.getByLabel('Action').fill('user.update');
    await e2e.page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid="audit-row"]')].every((row) =>
        row.textContent?.includes('user.update'),
      ),
    );
    const row = audit.rows().first();
    await row.getByRole('button', { name: 'Détails' }).click();
    await e2e.page.locator('pre', { hasText: 'Fatou Compaoré-Ilboudo' }).first().waitFor();
    await screenshot(e2e.page, 'admin-audit');
    expect(await seriousA11yViolations(e2e.page)).toEqual([]);
  });
});
