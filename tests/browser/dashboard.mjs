// The dashboard in a real browser: sign in with the admin key through the form (found by its label), open every page
// from the navigation, check each renders with its heading and no horizontal scrolling at phone width, check that the
// users page lists exactly what GET /api/v1/users/{userId}/recommendations answers, and save a screenshot of each page
// (desktop width, plus the users page at phone width) in SCREENSHOT_DIR. Exits non-zero on the first problem.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { launch } from './chromium.mjs';

const baseUrl = process.env.BASE_URL;
const adminKey = process.env.ADMIN_KEY;
const clientKey = process.env.CLIENT_KEY;
const userId = process.env.USER_ID;
const itemId = process.env.ITEM_ID;
const version = process.env.ACTIVATE_VERSION;
const activateHeading = process.env.ACTIVATE_HEADING;
const screenshots = process.env.SCREENSHOT_DIR;
for (const [name, value] of Object.entries({ baseUrl, adminKey, clientKey, userId, itemId, version, activateHeading, screenshots })) {
  if (!value) throw new Error(`${name} is required`);
}
await mkdir(screenshots, { recursive: true });

const problems = [];
const check = (ok, message) => {
  if (!ok) problems.push(message);
  console.log(`${ok ? 'ok' : 'FAIL'}: ${message}`);
};

async function shoot(page, name) {
  const file = path.join(screenshots, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`screenshot: ${file}`);
}

// Every page: answered 200, has its heading, no script error, nothing wider than the window.
async function visit(page, url, name, heading) {
  const response = await page.goto(url);
  check(response.status() === 200, `${name}: status ${response.status()}`);
  const h1 = (await page.locator('main h1').first().textContent())?.trim();
  check(h1 === heading, `${name}: heading "${h1}"`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 0, `${name}: ${overflow > 0 ? `${overflow} px wider than the window` : 'fits the window'}`);
  await shoot(page, name);
}

const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => { if (message.type() === 'error') problems.push(`console error: ${message.text()}`); });

  // No session: the sign-in page.
  await page.goto(`${baseUrl}/dashboard`);
  check(new URL(page.url()).pathname === '/dashboard/sign-in', `without a session /dashboard leads to ${new URL(page.url()).pathname}`);
  await shoot(page, 'sign-in');

  // The keyboard reaches the skip link first, then the key field.
  await page.keyboard.press('Tab');
  check((await page.evaluate(() => document.activeElement?.textContent?.trim())) === 'Skip to content', 'Tab reaches "Skip to content" first');
  await page.getByLabel('Admin API key').fill(adminKey);
  await page.getByLabel('Admin API key').press('Enter');
  await page.waitForURL('**/dashboard/model');
  check(true, 'signed in with the admin key through the form');

  await visit(page, `${baseUrl}/dashboard/model`, 'model', 'Model');
  const charts = await page.locator('figure.chart svg polyline').count();
  check(charts >= 2, `model: ${charts} chart lines drawn`);

  await visit(page, `${baseUrl}/dashboard/model/versions/${version}/activate`, 'activate', activateHeading);
  await visit(page, `${baseUrl}/dashboard/training`, 'training', 'Training');
  const curve = await page.locator('#curve-title').count();
  check(curve === 1, 'training: the validation RMSE curve is drawn');

  // The users page through its form, by keyboard: type the id and press Enter.
  await page.goto(`${baseUrl}/dashboard/users`);
  await page.getByLabel('User id').fill(userId);
  await page.getByLabel('User id').press('Enter');
  await page.waitForURL(`**/dashboard/users?user=${encodeURIComponent(userId)}**`);
  await visit(page, page.url(), 'users', 'Users');
  const listed = await page.locator('#recommendations tr[data-item-id]').evaluateAll((rows) => rows.map((r) => r.dataset.itemId));
  const answer = await fetch(`${baseUrl}/api/v1/users/${encodeURIComponent(userId)}/recommendations`, { headers: { 'X-Api-Key': clientKey } });
  const api = (await answer.json()).items.map((i) => i.itemId);
  check(listed.length > 0 && JSON.stringify(listed) === JSON.stringify(api),
    `users: the page lists the ${listed.length} items GET /recommendations answers (${api.join(',')})`);

  const filtered = `${baseUrl}/dashboard/users?user=${encodeURIComponent(userId)}&count=5&filter=genres:Drama&exclude=${api[0]}`;
  await page.goto(filtered);
  const filteredListed = await page.locator('#recommendations tr[data-item-id]').evaluateAll((rows) => rows.map((r) => r.dataset.itemId));
  const filteredAnswer = await fetch(`${baseUrl}/api/v1/users/${encodeURIComponent(userId)}/recommendations?count=5&filter=genres:Drama&exclude=${api[0]}`,
    { headers: { 'X-Api-Key': clientKey } });
  const filteredApi = (await filteredAnswer.json()).items.map((i) => i.itemId);
  check(filteredListed.length > 0 && JSON.stringify(filteredListed) === JSON.stringify(filteredApi),
    `users with filter and exclude: the page lists the ${filteredListed.length} items the API answers`);

  await visit(page, `${baseUrl}/dashboard/items?item=${encodeURIComponent(itemId)}`, 'items', 'Items');
  const histogram = await page.locator('#histogram-title').count();
  check(histogram === 1, 'items: the rating histogram is drawn');
  await visit(page, `${baseUrl}/dashboard/outcomes`, 'outcomes', 'Outcomes');
  check((await page.locator('#no-outcomes').textContent())?.trim() === 'No outcomes are recorded yet.', 'outcomes: says no outcomes are recorded yet');

  // Phone width: the same pages stay within the window (tables scroll inside their cards).
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, storageState: await context.storageState() });
  const small = await phone.newPage();
  await visit(small, `${baseUrl}/dashboard/users?user=${encodeURIComponent(userId)}`, 'users-phone', 'Users');
  await visit(small, `${baseUrl}/dashboard/model`, 'model-phone', 'Model');
} finally {
  await browser.close();
}

if (problems.length > 0) {
  console.log(`dashboard: ${problems.length} problem(s):\n${problems.join('\n')}`);
  process.exit(1);
}
console.log('dashboard: ok');
