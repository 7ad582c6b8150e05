/**
 * A real headless browser for the HTML report tests: Debian's `chromium` (installed with apt-get when
 * missing; never downloaded by npm) driven by puppeteer-core. Every console error, page error and any
 * request that is not to the file itself or a data: URL is collected, so a test can fail on them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

const CHROMIUM = '/usr/bin/chromium';

/** Install Debian's chromium package when it is missing (CI starts from a fresh machine, as root). */
export function ensureChromium(): string {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { env, encoding: 'utf8' });
  let r = install();
  if (r.status !== 0) {
    spawnSync('apt-get', ['update'], { env });
    r = install();
  }
  if (!existsSync(CHROMIUM))
    throw new Error(`chromium missing after apt-get install chromium (exit ${r.status}): ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' ')}`);
  return CHROMIUM;
}

/** An open report page and what went wrong while it loaded and ran. */
export interface ReportPage {
  browser: Browser;
  page: Page;
  /** Console errors, page errors and refused or external requests. */
  problems: string[];
}

/** Open an HTML file from disk in headless chromium. Close `browser` when done. */
export async function openReport(file: string, viewport = { width: 1400, height: 1000 }): Promise<ReportPage> {
  const executablePath = ensureChromium();
  // --no-sandbox: the tests run as root, where chromium's sandbox refuses to start.
  const browser = await puppeteer.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  const page = await browser.newPage();
  await page.setViewport(viewport);
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warn') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${(e as Error).message ?? e}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  page.on('request', (r) => {
    if (!/^(file|data|about):/.test(r.url())) problems.push(`network request: ${r.url()}`);
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { browser, page, problems };
}

/** Where tests keep screenshots (gitignored). */
export function artifactsDir(): string {
  const dir = new URL('../artifacts/', import.meta.url).pathname;
  mkdirSync(dir, { recursive: true });
  return dir;
}
