// The site works by keyboard: a skip link comes first, every link and control is reached with Tab, and the element
// that has focus can be seen.

import assert from 'node:assert/strict';
import { setup } from '../support/harness.mjs';
import { describeFocused, walkTabOrder } from '../support/keyboard.mjs';

const app = setup('keyboard');

app.test('the first Tab on the home page focuses a visible "Naar de inhoud" skip link', async (page) => {
  await page.goto(app.url('/'));
  await page.keyboard.press('Tab');

  const focused = await page.evaluate(() => {
    const el = document.activeElement;
    const box = el.getBoundingClientRect();
    return {
      tag: el.tagName,
      href: el.getAttribute('href'),
      text: el.innerText.trim(),
      visible: box.width > 1 && box.height > 1 && box.bottom > 0 && box.right > 0 && box.top < innerHeight,
    };
  });
  assert.equal(focused.tag, 'A', `the first Tab focused ${await describeFocused(page)}, not a link`);
  assert.equal(focused.href, '#inhoud', 'the skip link does not point at #inhoud');
  assert.match(focused.text, /naar (de )?(hoofd)?inhoud/i, `the skip link reads "${focused.text}"`);
  assert.ok(focused.visible, 'the skip link cannot be seen while it has focus');
});

app.test('Enter on the skip link moves to the main content', async (page) => {
  await page.goto(app.url('/'));
  assert.equal(await page.locator('main#inhoud').count(), 1, 'there is no <main id="inhoud">');

  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.hash === '#inhoud');

  // Focus is now on <main> (if it is focusable) or the next Tab starts from there: either way the next element
  // a keyboard user reaches lies inside the main content, past the header and navigation.
  const onMain = await page.evaluate(() => document.activeElement === document.getElementById('inhoud'));
  if (!onMain) {
    await page.keyboard.press('Tab');
  }
  const inMain = await page.evaluate(() => {
    const main = document.getElementById('inhoud');
    return main === document.activeElement || main.contains(document.activeElement);
  });
  if (!inMain) {
    assert.fail(`after the skip link, focus went to ${await describeFocused(page)}, outside <main id="inhoud">`);
  }

  const mainTop = await page.evaluate(() => document.getElementById('inhoud').getBoundingClientRect().top);
  assert.ok(mainTop < 900, `the main content is not scrolled into view (its top is at ${mainTop}px)`);
});

for (const path of [
  '/',
  '/gemeenten?provincie=PV27&datum=2026-01-01',
  '/gemeenten/GM0363',
  '/bouwstenen/digid',
  '/toegankelijkheid',
  '/metingen',
  '/metingen/eerste-meting',
  '/metingen/vervolgmeting', // with the form that chooses the trend's division
  '/metingen/vervolgmeting/provincies/PV27',
  '/metingen/eerste-meting/bouwstenen/digid',
  '/kennisbank',
  '/samenwerkingen',
]) {
  app.test(`on ${path} every link and control is reached with Tab and shows where focus is`, async (page) => {
    await page.goto(app.url(path));
    const { expected, reached, unfocusedIndicator } = await walkTabOrder(page);

    assert.ok(expected.length > 0, 'the page has no links or controls at all');
    const missed = expected.filter((e) => !reached.includes(e.key)).map((e) => `  ${e.description}`);
    assert.deepEqual(missed, [], `not reachable with Tab:\n${missed.join('\n')}`);
    assert.deepEqual(
      unfocusedIndicator,
      [],
      `focused without a visible focus indicator (no outline, no box-shadow):\n  ${unfocusedIndicator.join('\n  ')}`,
    );
  });
}

app.test('on the dashboard the table behind the map opens with the keyboard', async (page) => {
  await page.goto(app.url('/metingen/eerste-meting'));
  const summary = page.locator('#kaart ~ details summary, section[aria-labelledby="kaart"] details summary').first();
  await summary.focus();
  assert.equal(await page.evaluate(() => document.activeElement.tagName), 'SUMMARY', 'the summary of the map table takes focus');
  const table = page.locator('section[aria-labelledby="kaart"] details table');
  assert.equal(await table.isVisible(), false, 'the table is closed at first');
  await page.keyboard.press('Enter');
  assert.equal(await table.isVisible(), true, 'Enter opens the table of the map');
  const rows = await table.locator('tbody tr').count();
  assert.equal(rows, 418, 'one row per municipality the first wave asked');
});
