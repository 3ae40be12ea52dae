import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import axe from 'axe-core';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const SCREENSHOT_DIR = fileURLToPath(new URL('../../.screenshots', import.meta.url));

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      '--lang=fr-FR',
    ],
  });
}

/** A laptop-sized, French-speaking browser window pointed at the server. */
export async function newContext(browser: Browser, baseURL: string): Promise<BrowserContext> {
  return browser.newContext({
    baseURL,
    viewport: { width: 1366, height: 768 },
    locale: 'fr-FR',
    timezoneId: 'Africa/Ouagadougou',
  });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export type AxeViolation = { id: string; impact: string | null; help: string; targets: string[] };

/** Runs axe-core in the page; returns the serious and critical violations only. */
export async function seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated over the DevTools protocol, so the app's Content-Security-Policy stays in force.
  await page.evaluate(axe.source);
  const violations = await page.evaluate(async () => {
    const result = await (window as any).axe.run(document, {
      resultTypes: ['violations'],
    });
    return result.violations.map((violation: any) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: violation.nodes.map((node: any) => node.target.join(' ')),
    }));
  });
  return (violations as AxeViolation[]).filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Runs axe-core in the page; returns every violation, whatever its impact (minor ones too). */
export async function a11yViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axe.source);
  return page.evaluate(async () => {
    const result = await (window as any).axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((violation: any) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: violation.nodes.map((node: any) => node.target.join(' ')),
    }));
  });
}

/**
 * The controls in the page's main area that are cut off: a button or link whose text overflows it
 * or that sticks out of the window or of a box that clips (a scrolling table, a card); a select
 * whose chosen option, or an empty field whose hint, is wider than the room inside it. Each is
 * described by its accessible text, so a failure names what a user could not read.
 */
export async function clippedControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const clipped: string[] = [];
    const controls = document.querySelectorAll<HTMLElement>('main button, main a[href], header button');
    for (const control of controls) {
      const box = control.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue; // Not shown (sr-only, folded menu).
      if (control.closest('.sr-only')) continue;
      const name = (control.getAttribute('aria-label') || control.textContent || '').trim();
      const problems: string[] = [];
      // Content spilling out of a box that does not clip (a badge on an icon) is still seen.
      const clips = getComputedStyle(control).overflowX !== 'visible';
      if (clips && control.scrollWidth > control.clientWidth + 1) problems.push('text cut off');
      if (box.left < -1 || box.right > window.innerWidth + 1) problems.push('outside the window');
      for (let box2 = control.parentElement; box2; box2 = box2.parentElement) {
        const style = getComputedStyle(box2);
        if (style.overflowX === 'visible') continue;
        const outer = box2.getBoundingClientRect();
        if (box.left < outer.left - 1 || box.right > outer.right + 1) {
          problems.push(`cut by <${box2.tagName.toLowerCase()} class="${box2.className}">`);
          break;
        }
      }
      if (problems.length > 0)
        clipped.push(`${name || control.outerHTML.slice(0, 80)}: ${problems.join(', ')}`);
    }
    // A select or a field does not scroll its shown text: measure it against the room inside.
    const context = document.createElement('canvas').getContext('2d')!;
    const fields = document.querySelectorAll<HTMLInputElement | HTMLSelectElement>(
      'main select, main input[placeholder]',
    );
    for (const field of fields) {
      if (field.getBoundingClientRect().width === 0) continue;
      const shown =
        field instanceof HTMLSelectElement
          ? (field.selectedOptions[0]?.text ?? '')
          : field.value === ''
            ? field.placeholder
            : '';
      if (!shown) continue;
      const style = getComputedStyle(field);
      context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      // Chromium draws a native select's arrow inside the padding box, about 20 px wide.
      const arrow = field instanceof HTMLSelectElement && style.appearance !== 'none' ? 20 : 0;
      const room =
        field.clientWidth -
        Number.parseFloat(style.paddingLeft) -
        Number.parseFloat(style.paddingRight) -
        arrow;
      if (context.measureText(shown).width > room + 0.5)
        clipped.push(`« ${shown} » (${field.getAttribute('aria-label') ?? field.tagName}): text cut off`);
    }
    return clipped;
  });
}
