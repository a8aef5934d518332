// Signing in by keyboard, as a person would: type the address, Tab, type the password, Enter; and for staff the
// second step, with an authenticator app played by the `otpauth` package (an implementation of RFC 6238 apart from
// the server's own).

import assert from 'node:assert/strict';
import * as OTPAuth from 'otpauth';
import { tabTo } from './keyboard.mjs';

export const SECOND_STEP = '/inloggen/tweede-stap';
const STEP_MS = 30_000;

// The app of each staff account on each server under test: set up at the account's first sign-in.
const apps = new Map();

function appKey(app, email) {
  return `${app.baseURL} ${email.toLowerCase()}`;
}

/** Signs `account` ({ email, password }) in on the server under test of `app`; resolves once the site moved on. */
export async function signIn(app, page, account) {
  await signInWithPassword(app, page, account);
  if (new URL(page.url()).pathname !== SECOND_STEP) return;
  if (await page.getByRole('heading', { name: 'Tweestapsverificatie instellen' }).count()) {
    await setUpApp(app, page, account.email);
    await page.getByRole('link', { name: 'Verder' }).press('Enter');
    await page.waitForURL((url) => url.pathname !== SECOND_STEP);
  } else {
    await giveCode(app, page, account.email);
  }
}

/** The first step alone: the address and password typed, resolved once the site moved on from `/inloggen`. */
export async function signInWithPassword(app, page, { email, password }) {
  await page.goto(app.url('/inloggen'));
  await page.getByLabel('E-mailadres').focus();
  await page.keyboard.type(email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => url.pathname !== '/inloggen');
}

/**
 * On the set-up page: reads the key as a person would type it into an app, tabs to the code field, types the
 * app's code and presses Enter. Resolves with the recovery codes the next page shows.
 */
export async function setUpApp(app, page, email) {
  const secret = (await page.locator('#sleutel').innerText()).replace(/\s+/g, '');
  const totp = new OTPAuth.TOTP({ issuer: 'inbeeld', label: email, algorithm: 'SHA1', digits: 6, period: 30, secret: OTPAuth.Secret.fromBase32(secret) });
  const entry = { totp, lastStep: 0 };
  apps.set(appKey(app, email), entry);
  await typeCode(page, 'Code uit de app', await nextCode(entry));
  await page.getByRole('heading', { name: 'Uw herstelcodes' }).waitFor();
  const codes = await page.locator('.recovery-codes code').allInnerTexts();
  assert.equal(codes.length, 10, 'ten recovery codes');
  return codes;
}

/** On the code page: types a code the app shows that the server has not seen yet, and waits to move on. */
export async function giveCode(app, page, email) {
  const entry = apps.get(appKey(app, email));
  assert.ok(entry, `no app was set up for ${email} on this server`);
  await typeCode(page, 'Code', await nextCode(entry));
  await page.waitForURL((url) => url.pathname !== SECOND_STEP);
}

export async function typeCode(page, label, code) {
  await tabTo(page, page.getByLabel(label, { exact: true }));
  await page.keyboard.type(code);
  await page.keyboard.press('Enter');
}

// A code works once: a second sign-in within one step takes the next step's code (which the server accepts a step
// early), and a third waits for the step after. The step before is never taken: it may be two old when checked.
async function nextCode(entry) {
  for (;;) {
    const step = Math.floor(Date.now() / STEP_MS);
    const chosen = [step, step + 1].find((candidate) => candidate > entry.lastStep);
    if (chosen !== undefined) {
      entry.lastStep = chosen;
      return entry.totp.generate({ timestamp: chosen * STEP_MS });
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
