import { describe, expect, it } from 'vitest';
import { AppShell } from './pages/app-shell.ts';
import { LoginPage } from './pages/login-page.ts';
import { screenshot, seriousA11yViolations } from './support/browser.ts';
import { useE2e } from './support/fixtures.ts';
import { ADMIN } from './support/gapal-server.ts';

describe('signing in', () => {
  const e2e = useE2e();

  it('shows each role only the menus it may use', async () => {
    const expected: Record<string, string[]> = {
      admin: [
        'Accueil',
        'Commandes',
        'Nouvelle commande',
        'Clients',
        'Produits',
        'Stock',
        'Rapports',
        'Utilisateurs',
        'Sites',
        'Appareils',
        'Journal d’audit',
      ],
      gestionnaire_commandes: [
        'Accueil',
        'Commandes',
        'Nouvelle commande',
        'Clients',
        'Produits',
        'Stock',
        'Rapports',
      ],
      gestionnaire_stocks: ['Accueil', 'Produits', 'Stock', 'Rapports'],
      vendeur: ['Accueil', 'Commandes', 'Nouvelle commande', 'Clients', 'Produits', 'Stock'],
    };
    for (const role of ['gestionnaire_commandes', 'gestionnaire_stocks', 'vendeur'] as const) {
      const user = await e2e.api.createUser(role, { fullName: `Agent ${role}` });
      const page = await e2e.newPage();
      await e2e.signIn(user, page);
      const shell = new AppShell(page);
      expect(await shell.menuLabels()).toEqual(expected[role]);
      await expect(page.getByTestId('current-user').textContent()).resolves.toContain(`Agent ${role}`);
      // A screen the role can't use is refused even when typed in the address bar.
      await page.goto('/admin/utilisateurs');
      await page.getByText('Votre rôle ne donne pas accès à cet écran.').waitFor();
    }
    await e2e.signIn(ADMIN);
    expect(await new AppShell(e2e.page).menuLabels()).toEqual(expected.admin);
  });

  it('explains a wrong password and a missing field in French, next to the field', async () => {
    const login = new LoginPage(e2e.page);
    await login.open();
    await login.signIn('', 'x');
    const username = e2e.page.getByLabel('Identifiant');
    await expect(username.getAttribute('aria-invalid')).resolves.toBe('true');
    await login.signIn(ADMIN.username, 'mauvais-mot-de-passe');
    await e2e.page.getByText('Identifiant ou mot de passe incorrect').waitFor();
    await screenshot(e2e.page, 'login-error');
    expect(await seriousA11yViolations(e2e.page)).toEqual([]);
  });

  it('keeps the session across a reload and ends it on sign-out', async () => {
    await e2e.signIn(ADMIN);
    await e2e.page.reload();
    await e2e.page.getByTestId('current-user').waitFor();
    await new AppShell(e2e.page).signOut();
    await new LoginPage(e2e.page).notice().getByText('Vous êtes déconnecté.').waitFor();
    await e2e.page.reload();
    await e2e.page.getByRole('heading', { name: 'Connexion' }).waitFor();
  });

  it('refreshes a refused access token once, even when several requests fail together', async () => {
    await e2e.signIn(ADMIN);
    await e2e.page.goto('/admin/appareils');
    const before = await e2e.page.evaluate(() => JSON.parse(localStorage.getItem('gapal.session')!));
    // A broken access token makes every query of the screen fail with 401 at the same moment.
    await e2e.page.evaluate(() => {
      const session = JSON.parse(localStorage.getItem('gapal.session')!);
      localStorage.setItem('gapal.session', JSON.stringify({ ...session, accessToken: 'broken' }));
    });
    const refreshes: string[] = [];
    e2e.page.on('request', (request) => {
      if (request.url().includes('/api/auth/refresh/')) refreshes.push(request.url());
    });
    const refreshed = e2e.page.waitForResponse((response) => response.url().includes('/api/auth/refresh/'));
    await e2e.page.reload();
    expect((await refreshed).status()).toBe(200);
    await e2e.page.getByRole('heading', { name: 'Appareils', level: 1 }).waitFor();
    await e2e.page.getByRole('row').nth(1).waitFor();
    // The table's second row may be there before the retried queries answer: wait for the new
    // pair to be stored (the page reads the refresh's answer after the browser has it).
    await e2e.page.waitForFunction(
      (old) => JSON.parse(localStorage.getItem('gapal.session') ?? '{}').refreshToken !== old,
      before.refreshToken,
    );
    const after = await e2e.page.evaluate(() => JSON.parse(localStorage.getItem('gapal.session')!));
    expect(refreshes).toHaveLength(1);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    // Still signed in: a second refresh with the old token would have revoked the session.
    await e2e.page.reload();
    await e2e.page.getByTestId('current-user').waitFor();
  });

  it('signs out a user the admin deactivates, with a clear message', async () => {
    const vendor = await e2e.api.createUser('gestionnaire_commandes', { fullName: 'Salif Traoré' });
    await e2e.signIn(vendor);
    await e2e.api.call('DELETE', `/api/users/${vendor.id}/`);
    // The next request (here a reload) is refused and the screen says why.
    await e2e.page.reload();
    const notice = new LoginPage(e2e.page).notice();
    await notice.getByText('Ce compte a été désactivé').waitFor();
    await screenshot(e2e.page, 'login-account-disabled');
    // And signing in again is refused with the same explanation.
    await new LoginPage(e2e.page).signIn(vendor.username, vendor.password);
    await notice.getByText('Ce compte a été désactivé').waitFor();
  });

  it('switches the interface to English and back', async () => {
    await e2e.signIn(ADMIN);
    await e2e.page.getByRole('button', { name: 'en', exact: true }).first().click();
    await e2e.page.getByRole('link', { name: 'Users', exact: true }).waitFor();
    await e2e.page.getByRole('button', { name: 'fr', exact: true }).first().click();
    await e2e.page.getByRole('link', { name: 'Utilisateurs', exact: true }).waitFor();
  });
});
