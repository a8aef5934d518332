// Every public page answers, is Dutch, has one main heading and passes axe-core (WCAG 2.1 A and AA).

import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { expectNoAxeViolations } from '../support/browser.mjs';
import { setup } from '../support/harness.mjs';

const app = setup('pages');

const PAGES = [
  { path: '/', status: 200 },
  { path: '/gemeenten', status: 200 },
  { path: '/gemeenten?datum=2011-01-01', status: 200 },
  { path: '/gemeenten?datum=2011-01-01&pagina=5', status: 200 }, // a middle page: every pagination link
  { path: '/gemeenten?provincie=PV27&datum=2026-01-01', status: 200 },
  { path: '/gemeenten/GM0363', status: 200 }, // Amsterdam
  { path: '/gemeenten/GM0457', status: 200 }, // Weesp, merged into Amsterdam in 2022
  { path: '/bouwstenen', status: 200 },
  { path: '/bouwstenen/digid', status: 200 },
  { path: '/toegankelijkheid', status: 200 },
  { path: '/gemeenten/GM9999', status: 404 }, // no such municipality
  { path: '/metingen', status: 200 },
  { path: '/metingen/eerste-meting', status: 200 }, // the national dashboard with its headline table
  { path: '/metingen/vervolgmeting', status: 200 }, // the later simulated wave, with the trend
  { path: '/metingen/vervolgmeting?indeling=2011-03-31', status: 200 }, // the trend on the division of 2011
  { path: '/metingen/eerste-meting/provincies/PV27', status: 200 },
  { path: '/metingen/vervolgmeting/provincies/PV24', status: 200 }, // Flevoland: too few answers to publish
  { path: '/metingen/vervolgmeting/grootteklassen/4', status: 200 },
  { path: '/metingen/eerste-meting/bouwstenen/digid', status: 200 },
  { path: '/metingen/onbekend', status: 404 },
  { path: '/kennisbank', status: 200 },
  { path: '/kennisbank?zoek=aansluiten', status: 200 }, // a Dutch search
  { path: '/samenwerkingen', status: 200 }, // the register with the network over the map
];

for (const { path, status } of PAGES) {
  describe(`page ${path}`, () => {
    app.test(`answers ${status} with a Dutch page that has a title and exactly one h1`, async (page) => {
      const response = await page.goto(app.url(path));
      assert.equal(response.status(), status, `GET ${path} answered ${response.status()}`);
      assert.match(response.headers()['content-type'] ?? '', /^text\/html/);

      const lang = await page.locator('html').getAttribute('lang');
      assert.equal(lang, 'nl', `<html lang> is ${JSON.stringify(lang)}`);

      assert.notEqual((await page.title()).trim(), '', 'the page has no <title>');

      const h1s = await page.locator('h1').allInnerTexts();
      assert.equal(h1s.length, 1, `expected exactly one h1, found ${h1s.length}: ${JSON.stringify(h1s)}`);
      assert.notEqual(h1s[0].trim(), '', 'the h1 is empty');
    });

    app.test('has no axe-core violations (WCAG 2.1 A and AA)', async (page) => {
      await page.goto(app.url(path));
      await expectNoAxeViolations(page);
    });
  });
}
