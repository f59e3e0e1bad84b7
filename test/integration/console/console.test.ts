import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { type Body, baseUrl, call, devKey, freshWorkspace } from '../../helpers/http-client.js';

/**
 * The web console end to end, in Debian's Chromium driven by playwright-core, against the local
 * runtime global setup started: sign in, upload a CSV with a bad row, map a column, review,
 * process, see the counts, download the error file, revert. Each step leaves a screenshot in
 * docs/screenshots (the README shows them).
 */

const shots = resolve('docs/screenshots');
const chromiumPath = () => execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();

let context: BrowserContext;
let page: Page;
let profile: string;

beforeAll(async () => {
  profile = await mkdtemp(join(tmpdir(), 'intake-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(60_000);
});

afterAll(async () => {
  await context?.close();
  await rm(profile, { recursive: true, force: true });
});

const shot = (name: string) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });

describe('Web console', () => {
  it('signs in, uploads a CSV with a bad row, maps a column, reviews, processes, downloads the error file and reverts', async () => {
    const workspace = freshWorkspace('console');
    const csv =
      'Email,Given,Team\nada@example.com,Ada,red\nnot-an-email,Bob,blue\ngrace@example.com,Grace,green\n';
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));

    // Sign in: a wrong key is refused in the API's words, the right one is kept for the session.
    await page.goto(`${baseUrl()}/console`);
    await page.getByLabel('API key').fill('ik_wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('The API key is not valid');
    await page.getByLabel('API key').fill(devKey());
    await shot('01-sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Imports' }).waitFor();

    // New import: workspace, the file, skip invalid rows; dry run is on by default.
    await page.getByRole('link', { name: 'New import', exact: true }).first().click();
    await page.getByLabel('Workspace').fill(workspace);
    await page.getByLabel('CSV file (drop it here, or choose)').setInputFiles({
      name: 'people.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    });
    await page.getByLabel(/Skip invalid rows/).check();
    expect(await page.getByLabel(/Dry run/).isChecked()).toBe(true);
    await shot('02-new-import');
    await page.getByRole('button', { name: 'Upload and analyze' }).click();

    // Mapping: "Given" was proposed as an attribute; it becomes the first name.
    await page.getByRole('region', { name: 'Mapping' }).waitFor();
    const firstId = page.url().split('/imports/')[1];
    expect(await page.getByLabel('Role of Given').inputValue()).toBe('attribute');
    await page.getByLabel('Role of Given').selectOption('profile');
    await page.getByLabel('Person field of Given').selectOption('first_name');
    await shot('03-mapping');
    await page.getByRole('button', { name: 'Re-analyze with this mapping' }).click();
    await page.waitForURL((url) => !url.hash.endsWith(firstId ?? ''));
    const id = page.url().split('/imports/')[1] ?? '';

    // Review: the predicted counts and the bad row's cell highlighted with its message.
    const review = page.getByRole('region', { name: 'Review' });
    await review.waitFor();
    expect(await page.getByLabel('Role of Given').inputValue()).toBe('profile');
    await review.locator('td.invalid', { hasText: 'not-an-email' }).waitFor();
    expect(await review.getByText("'not-an-email' is not an email address").count()).toBeGreaterThan(0);
    expect(await review.locator('[data-count="created"] dd').textContent()).toBe('2');
    await shot('04-review');
    await review.getByRole('button', { name: 'Process' }).click();

    // Results: the counts, then the error file.
    const results = page.getByRole('region', { name: 'Results' });
    await results.waitFor();
    await page.locator('.status-completed').first().waitFor();
    expect(await results.locator('[data-count="created"] dd').textContent()).toBe('2');
    expect(await results.locator('[data-count="skipped"] dd').textContent()).toBe('1');
    await shot('05-results');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      results.getByRole('button', { name: 'Download error file' }).click(),
    ]);
    const errorFile = await readFile((await download.path()) ?? '', 'utf8');
    expect(
      errorFile
        .replace(/^\uFEFF/, '')
        .split('\r\n')
        .filter(Boolean),
    ).toEqual([
      'Email,Given,Team,errors',
      "not-an-email,Bob,blue,Email: 'not-an-email' is not an email address",
    ]);
    const ada = await call<{ people: Body[] }>(
      'GET',
      `/v1/people?workspace=${workspace}&email=ada@example.com`,
    );
    expect(ada.body.people).toEqual([expect.objectContaining({ first_name: 'Ada' })]);

    // Revert, after a confirmation that says what it will do.
    await results.getByRole('button', { name: 'Revert…' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.textContent()).toContain('deletes the 2 people this import created');
    await shot('06-revert');
    await dialog.getByRole('button', { name: 'Revert the import' }).click();
    await page.locator('.status-reverted').first().waitFor();
    await shot('07-reverted');
    const gone = await call<{ people: Body[] }>(
      'GET',
      `/v1/people?workspace=${workspace}&email=ada@example.com`,
    );
    expect(gone.body.people).toEqual([]);

    // The list shows both imports of the workspace; the key never went into a URL.
    await page.getByRole('link', { name: 'Imports', exact: true }).click();
    await page.getByRole('link', { name: id }).waitFor();
    await shot('08-imports');
    expect(requests.filter((url) => url.includes(devKey()))).toEqual([]);
  });

  it('renders the API reference at /docs from the OpenAPI document', async () => {
    await page.goto(`${baseUrl()}/docs`);
    await page.locator('.swagger-ui .info .title').waitFor();
    expect(await page.locator('.swagger-ui .info .title').textContent()).toContain('Intake native API');
    await page.locator('.opblock-summary-path', { hasText: '/v1/imports/{id}/files' }).first().waitFor();
    await shot('09-docs');
  });
});
