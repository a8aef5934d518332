// Keyboard helpers: tab to an element as a user would, walk the whole tab order of a page, and check it reaches all.

import assert from 'node:assert/strict';

/** Presses Tab until `locator` has focus; fails after `max` presses. */
export async function tabTo(page, locator, max = 100) {
  const handle = await locator.elementHandle();
  assert.ok(handle, `tabTo: ${locator} is not on the page`);
  for (let i = 0; i < max; i += 1) {
    await page.keyboard.press('Tab');
    if (await handle.evaluate((el) => el === document.activeElement)) return;
  }
  assert.fail(`${locator} was not reached after ${max} presses of Tab`);
}

/** A short description of the focused element, for messages. */
export function describeFocused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return '(nothing: body)';
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 40);
    const href = el.getAttribute('href');
    return `<${el.tagName.toLowerCase()}${el.id ? ` id="${el.id}"` : ''}${href ? ` href="${href}"` : ''}> "${text}"`;
  });
}

/**
 * Tabs through the whole page from the top. Returns
 * - expected: every visible link and control that should be in the tab order (radio groups count once);
 * - reached: the keys of those that received focus, in order;
 * - unfocusedIndicator: focused elements that showed neither an outline nor a box-shadow.
 */
export async function walkTabOrder(page) {
  const expected = await page.evaluate(() => {
    const selector = [
      'a[href]',
      'area[href]',
      'button',
      'input',
      'select',
      'textarea',
      'summary',
      'iframe',
      '[tabindex]',
      '[contenteditable="true"]',
    ].join(',');
    const out = [];
    const seen = new Set();
    for (const el of document.querySelectorAll(selector)) {
      if (el.disabled || el.closest('[inert]')) continue;
      if (el.tagName === 'INPUT' && el.type === 'hidden') continue;
      if (el.hasAttribute('tabindex') && el.tabIndex < 0) continue;
      if (el.tagName === 'SUMMARY' && el.parentElement?.tagName !== 'DETAILS') continue;
      // Rendered (a visually hidden skip link still is; display:none, visibility:hidden and the content of a
      // closed <details> are not, and cannot take focus).
      if (!el.checkVisibility({ visibilityProperty: true })) continue;
      let key;
      if (el.tagName === 'INPUT' && el.type === 'radio' && el.name) {
        key = `radio:${el.form?.id ?? ''}:${el.name}`;
      } else {
        key = `e2e-${out.length}`;
      }
      if (seen.has(key)) continue;
      seen.add(key);
      el.dataset.e2eKey = key;
      if (el.tagName === 'INPUT' && el.type === 'radio' && el.name) {
        for (const r of document.querySelectorAll(`input[type=radio][name="${CSS.escape(el.name)}"]`)) {
          r.dataset.e2eKey = key;
        }
      }
      const label = (el.innerText || el.value || el.getAttribute('aria-label') || el.name || '').trim();
      out.push({
        key,
        description: `<${el.tagName.toLowerCase()}${el.getAttribute('href') ? ` href="${el.getAttribute('href')}"` : ''}> "${label.slice(0, 40)}"`,
      });
    }
    return out;
  });

  const reached = [];
  const unfocusedIndicator = [];
  // Start from the top of the document.
  await page.evaluate(() => {
    document.activeElement?.blur();
    window.scrollTo(0, 0);
  });
  const limit = expected.length + 20;
  for (let i = 0; i < limit; i += 1) {
    await page.keyboard.press('Tab');
    const state = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body || el === document.documentElement) return null;
      // Focus on a part inside a browser-drawn control (the calendar button of a date field) is shown by the
      // browser itself; the element then has focus without matching :focus.
      const internal = !el.matches(':focus');
      const style = getComputedStyle(el);
      const outline =
        style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0 && style.outlineColor !== 'transparent';
      const shadow = style.boxShadow !== 'none' && style.boxShadow !== '';
      return {
        key: el.dataset.e2eKey ?? null,
        indicator: internal || outline || shadow,
        description: `<${el.tagName.toLowerCase()}${el.getAttribute('href') ? ` href="${el.getAttribute('href')}"` : ''}> "${(el.innerText || el.value || '').trim().slice(0, 40)}"`,
      };
    });
    if (state === null) {
      if (reached.length > 0) break; // walked off the end of the page
      continue;
    }
    if (reached.length > 0 && state.key !== null && state.key === reached[0]) break; // wrapped around
    if (state.key !== null && !reached.includes(state.key)) reached.push(state.key);
    if (!state.indicator) unfocusedIndicator.push(state.description);
  }
  return { expected, reached, unfocusedIndicator };
}

/** Every link and control of the page is reached with Tab and shows that it has focus. */
export async function expectKeyboardReachable(page) {
  const { expected, reached, unfocusedIndicator } = await walkTabOrder(page);
  const missed = expected.filter((e) => !reached.includes(e.key)).map((e) => `  ${e.description}`);
  assert.deepEqual(missed, [], `not reachable with Tab on ${page.url()}:\n${missed.join('\n')}`);
  assert.deepEqual(unfocusedIndicator, [], `focused without a visible indicator:\n  ${unfocusedIndicator.join('\n  ')}`);
}
