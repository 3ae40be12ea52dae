import type { Page } from 'playwright-core';

/** /rapports: the daily summary and the report exports. */
export class ReportsPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.goto('/rapports');
    await this.page.getByRole('heading', { name: 'Rapports', level: 1 }).waitFor();
  }

  dailySection() {
    return this.page.getByRole('region', { name: 'Synthèse du jour' });
  }

  exportsSection() {
    return this.page.getByRole('region', { name: 'Exports' });
  }

  exportButton(report: string, format: 'PDF' | 'CSV' | 'Excel') {
    return this.exportsSection().getByRole('button', { name: `${report} — ${format}`, exact: true });
  }
}
