// Swagger UI as a product team uses it: open /swagger, Authorize with a client key, then "Try it out" and
// "Execute" on GET recommendations and PUT rating with the values and example body the document provides.
// Prints the status each execution shows on the page; exits non-zero if an expected status does not appear.
import { launch } from './chromium.mjs';

const baseUrl = process.env.BASE_URL;
const apiKey = process.env.API_KEY;
if (!baseUrl || !apiKey) throw new Error('BASE_URL and API_KEY are required');

async function execute(page, operationId, expectedStatus) {
  const block = page.locator(`[id$="-${operationId}"]`).first();
  await block.locator('.opblock-summary').first().click();
  await block.locator('button.try-out__btn').click();
  await block.locator('button.execute').click();
  const status = block.locator('.live-responses-table tr.response .response-col_status').first();
  await status.waitFor({ timeout: 20_000 });
  const shown = (await status.textContent()).trim();
  const body = (await block.locator('.live-responses-table tr.response .response-col_description pre').first().textContent()) ?? '';
  console.log(`${operationId}: ${shown} ${body.replace(/\s+/g, ' ').slice(0, 300)}`);
  if (!shown.startsWith(String(expectedStatus))) throw new Error(`${operationId} showed ${shown}, expected ${expectedStatus}`);
}

const browser = await launch();
try {
  const page = await browser.newPage();
  page.on('pageerror', (error) => console.log(`page error: ${error.message}`));
  await page.goto(`${baseUrl}/swagger/index.html`);
  await page.locator('.swagger-ui .information-container').waitFor({ timeout: 20_000 });

  await page.locator('button.authorize').first().click();
  const dialog = page.locator('.dialog-ux .modal-ux');
  await dialog.locator('input').first().fill(apiKey);
  await dialog.locator('button.authorize').click();
  await dialog.locator('button.btn-done').click();

  await execute(page, 'GetRecommendations', 200);
  await execute(page, 'PutRating', 201);
  console.log('swagger ui: ok');
} finally {
  await browser.close();
}
