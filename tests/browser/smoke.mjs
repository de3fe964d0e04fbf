// The harness's own check: the browser loads /health/live from the real host and prints the body.
import { launch } from './chromium.mjs';

const browser = await launch();
try {
  const page = await browser.newPage();
  const response = await page.goto(`${process.env.BASE_URL}/health/live`);
  if (response.status() !== 200) throw new Error(`status ${response.status()}`);
  console.log(await page.textContent('body'));
} finally {
  await browser.close();
}
