// Cross-origin calls from a real page: loads PAGE_URL (a blank page of the test's static server) and, from
// inside it, fetches the service at API_URL: a GET with an API key and a PUT with a user's bearer token.
// Prints one JSON line with what the page could see; the xunit test judges it.
import { launch } from './chromium.mjs';

const { API_URL, PAGE_URL, API_KEY, USER_TOKEN, USER_ID, ITEM_ID } = process.env;
const browser = await launch();
try {
  const page = await browser.newPage();
  await page.goto(PAGE_URL);
  const result = await page.evaluate(async ({ api, key, token, user, item }) => {
    const outcome = {};
    try {
      const response = await fetch(`${api}/api/v1/items/popular?count=3`, { headers: { 'X-Api-Key': key } });
      const body = await response.json();
      outcome.get = { status: response.status, items: body.items.length, requestId: response.headers.get('X-Request-Id'),
        etag: response.headers.get('ETag') };
    } catch (error) {
      outcome.get = { error: String(error) };
    }
    try {
      const response = await fetch(`${api}/api/v1/users/${encodeURIComponent(user)}/ratings/${encodeURIComponent(item)}`, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ rating: 4.5 }),
      });
      outcome.put = { status: response.status, location: response.headers.get('Location') };
    } catch (error) {
      outcome.put = { error: String(error) };
    }
    return outcome;
  }, { api: API_URL, key: API_KEY, token: USER_TOKEN, user: USER_ID, item: ITEM_ID });
  console.log(JSON.stringify({ origin: new URL(PAGE_URL).origin, ...result }));
} finally {
  await browser.close();
}
