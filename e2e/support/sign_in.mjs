// Signing in by keyboard, as a person would: type the address, Tab, type the password, Enter.

/** Signs `account` ({ email, password }) in on the server under test of `app`; resolves once the site moved on. */
export async function signIn(app, page, { email, password }) {
  await page.goto(app.url('/inloggen'));
  await page.getByLabel('E-mailadres').focus();
  await page.keyboard.type(email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => url.pathname !== '/inloggen');
}
