// The keystroke budget of the editor (issue 15), shared by
// scripts/bench-keystroke (figures for BENCHMARKS.md) and
// tests/keystroke.test.mjs (generous bounds). A key's cost is the time from
// its keydown to the second animation frame after it (the frame that shows
// the change has been painted), measured in the page; a plain <input> typed
// in the same page gives the browser's own cost, which is subtracted.
import { ready, until } from './harness.mjs';

export const SEED = '(and (= status-days-past-due 5) (or (= loan-status "Open") (= loan-status "Collections")))';

const CLAUSES = [
  (i) => `(= loan-status "${i % 2 ? 'Open' : 'Collections'}")`,
  (i) => `(> status-days-past-due ${i % 90})`,
  (i) => `(not (= loan-sub-status "Item ${i}"))`,
  (i) => `(< status-amount-due ${i}.50)`,
];

/** A rule of `n` clauses under one `and`, one clause a line (300 clauses ≈ 9 KB). */
export function clauseRule(n) {
  const lines = [];
  for (let i = 0; i < n; i++) lines.push(`  ${CLAUSES[i % CLAUSES.length](i)}`);
  return `(and\n${lines.join('\n')}\n  (= loan-status "Open"))`;
}

/** A rule nested `depth` deep: and/or alternating, a clause at every level. */
export function nestedRule(depth) {
  let rule = '(= loan-status "Open")';
  for (let i = 0; i < depth; i++) {
    rule = `(${i % 2 ? 'or' : 'and'} ${CLAUSES[i % CLAUSES.length](i)} ${rule})`;
  }
  return rule;
}

/** A JSON body of `n` lines with a placeholder or two on each (2,000 lines ≈ 150 KB). */
export function templateBody(n) {
  const lines = ['{', '  "items": ['];
  for (let i = 0; lines.length < n - 3; i++) {
    lines.push(`    {"n": ${i}, "note": "item ${i}", "on": "[[v('current-date')]]", "due": [[v('status-amount-due')]]},`);
  }
  lines.push('    {"last": true}', '  ]', '}');
  return lines.join('\n');
}

/** Records long tasks (over 50 ms) from the start of the page; call before `goto`. */
/**
 * A page of its own at `viewport`, with clipboard access and long tasks
 * observed (`observeLongTasks`), opened on the app and ready; `problems`
 * collects its page and console errors.
 */
export async function openObserved(browser, url, viewport) {
  const context = await browser.newContext({ viewport });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(url).origin });
  await observeLongTasks(context);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => msg.type() === 'error' && problems.push(`console error: ${msg.text()}`));
  await page.goto(url);
  await ready(page);
  return { context, page, problems };
}

export async function observeLongTasks(context) {
  await context.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
    // When the editor first shows: the connection's name field is in the page.
    new MutationObserver((_, observer) => {
      if (document.querySelector('input[aria-label="Connection name"]')) {
        window.__editorShown = performance.now();
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  });
}

/** The longest task (ms) since `since` (a performance.now() reading), 0 if none over 50 ms. */
export async function longestTaskSince(page, since) {
  return page.evaluate((since) => Math.max(0, ...window.__longTasks.filter((t) => t.start + t.duration >= since).map((t) => t.duration)), since);
}

export const now = (page) => page.evaluate(() => performance.now());

async function installProbe(page) {
  await page.evaluate(() => {
    if (window.__keyProbe) return;
    window.__keyProbe = true;
    document.addEventListener('keydown', (e) => {
      const t0 = e.timeStamp;
      window.__keyDone = new Promise((resolve) => {
        requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t0)));
      });
    }, true);
  });
}

/**
 * Types `n` letters at the focused element, one every `gapMs` or so, and
 * returns each key's keydown-to-second-frame time in ms.
 */
export async function typeMeasured(page, n = 40, gapMs = 60) {
  await installProbe(page);
  const times = [];
  for (let i = 0; i < n; i++) {
    await page.keyboard.press('abcdefghijklmnopqrstuvwxyz'[i % 26]);
    times.push(await page.evaluate(() => window.__keyDone));
    await page.waitForTimeout(gapMs);
  }
  return times;
}

export function p95(times) {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.ceil(sorted.length * 0.95) - 1];
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** 40 keys in a plain <input> added to the page: the browser's own cost. */
export async function baseline(page, n = 40) {
  await page.evaluate(() => {
    let input = document.getElementById('bench-plain-input');
    if (!input) {
      input = document.createElement('input');
      input.id = 'bench-plain-input';
      input.setAttribute('aria-label', 'Plain input (benchmark baseline)');
      input.style.cssText = 'position:fixed;top:0;right:0;z-index:1000;width:200px';
      document.body.append(input);
    }
    input.value = '';
    input.focus();
  });
  return typeMeasured(page, n);
}

async function addBlank(page) {
  await page.getByRole('combobox', { name: 'Add connection' }).selectOption('blank');
}

/** Puts the caret at `at` (a function of the value giving an offset) and focuses, scrolled into view. */
async function caretAt(locator, at) {
  await locator.evaluate((area, at) => {
    const offset = new Function('value', `return (${at})(value)`)(area.value);
    area.focus();
    area.setSelectionRange(offset, offset);
    // Scroll the caret's line to the middle of the text area, as a user who clicked there would see it.
    const line = area.value.slice(0, offset).split('\n').length - 1;
    const lineHeight = parseFloat(getComputedStyle(area).lineHeight) || 20;
    area.scrollTop = Math.max(0, line * lineHeight - area.clientHeight / 2);
    area.scrollIntoView({ block: 'center' });
  }, at.toString());
}

/** Sets a field's whole text as one input event (a fill without Playwright's waiting). */
async function setText(locator, text) {
  await locator.evaluate((area, text) => {
    area.focus();
    area.value = text;
    area.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertReplacementText' }));
  }, text);
}

const beforeLastQuote = (value) => value.lastIndexOf('"');

/**
 * The scenarios: each prepares a page (already at the app) and returns the
 * locator to type into. `rule` scenarios type inside the last string literal,
 * so the rule stays valid and every key runs the whole analysis.
 */
export const scenarios = {
  'seed rule': {
    budget: 4,
    async prepare(page) {
      const rule = page.getByRole('textbox', { name: 'Rule' });
      await setText(rule, SEED);
      await caretAt(rule, beforeLastQuote);
      return rule;
    },
  },
  '300-clause rule': {
    budget: 16,
    async prepare(page) {
      await addBlank(page);
      const rule = page.getByRole('textbox', { name: 'Rule' });
      await setText(rule, clauseRule(300));
      await until(async () => (await page.getByTestId('condition').count()) > 0, 'the builder', 60_000);
      await caretAt(rule, beforeLastQuote);
      return rule;
    },
  },
  '2,000-line body': {
    budget: 16,
    async prepare(page) {
      await addBlank(page);
      await page.getByRole('radio', { name: 'Custom body' }).check();
      const body = page.getByRole('textbox', { name: 'Body' });
      await setText(body, templateBody(2000));
      const status = page.getByTestId('body-status');
      await until(async () => (await status.getAttribute('data-current')) === 'true', 'validation', 60_000);
      // Inside the note of the item on line 1,000.
      await caretAt(body, (value) => value.indexOf('"item 997"') + 5);
      return body;
    },
  },
  '5,000-clause rule': { budget: null, prepare: (page) => largeRule(page, clauseRule(5000)) },
  'rule nested 150 deep': { budget: null, prepare: (page) => largeRule(page, nestedRule(150)) },
};

/** A blank connection holding `text` as its rule, the caret before its last quote. */
async function largeRule(page, text) {
  await addBlank(page);
  const rule = page.getByRole('textbox', { name: 'Rule' });
  await setText(rule, text);
  await page.waitForTimeout(1500);
  await caretAt(rule, beforeLastQuote);
  return rule;
}

/**
 * One scenario in a fresh page: the plain input's 40 keys, then the editor's,
 * with the longest task while typing. Figures in ms.
 */
export async function measureScenario(browser, url, name, keys = 40) {
  const { context, page, problems } = await openObserved(browser, url, { width: 1280, height: 860 });
  const plain = await baseline(page, keys);
  const field = await scenarios[name].prepare(page);
  await page.waitForTimeout(500);
  const since = await now(page);
  const editor = await typeMeasured(page, keys);
  const longest = await longestTaskSince(page, since);
  await context.close();
  return {
    name,
    plainP95: p95(plain),
    editorP95: p95(editor),
    extraP95: p95(editor) - p95(plain),
    editorMedian: median(editor),
    longestTask: longest,
    problems,
  };
}

/** Opening the app in a fresh page: first contentful paint, when the editor shows, when every
 *  section is drawn (ms from navigation), the longest task; `mbit` throttles the network. */
export async function measureOpening(browser, url, { mbit } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  await observeLongTasks(context);
  const page = await context.newPage();
  if (mbit) {
    // A user's connection: on the loopback, download size costs nothing.
    const cdp = await context.newCDPSession(page);
    const bytes = (Number(mbit) * 1e6) / 8;
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: bytes, uploadThroughput: bytes });
  }
  const start = Date.now();
  await page.goto(url);
  await ready(page);
  // Every section drawn: the Preview's rendered URL (in a split build, after the rest is in).
  await page.getByTestId('rendered-url').waitFor({ timeout: 120_000 });
  const sectionsDrawn = Date.now() - start;
  const figures = await page.evaluate(() => ({
    firstPaint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
    editorShown: window.__editorShown ?? null,
    longestTask: Math.max(0, ...window.__longTasks.map((t) => t.duration)),
  }));
  await context.close();
  return { ...figures, sectionsDrawn };
}

/** About `bytes` of rule: clauses under one `or` (2 MB ≈ 65,000 clauses). */
export function bigRule(bytes) {
  const lines = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line = `  ${CLAUSES[i % CLAUSES.length](i)}`;
    lines.push(line);
    size += line.length + 1;
  }
  return `(or\n${lines.join('\n')})`;
}

/** About `bytes` of JSON body template, a placeholder or two a line. */
export function bigBody(bytes) {
  return templateBody(Math.ceil(bytes / 100));
}

/**
 * Pastes `text` into the focused field as a user does: through the system
 * clipboard and Ctrl+V (a trusted paste; Playwright's insertText of
 * megabytes crashed the page). The context needs clipboard permissions.
 */
export async function paste(page, text) {
  await page.evaluate((text) => navigator.clipboard.writeText(text), text);
  await page.keyboard.press('Control+V');
}

/**
 * The paste scenarios: each prepares a page, pastes, and waits until the
 * page shows the engine's answer for what was pasted. Returns what it pasted.
 */
export const pastes = {
  'paste 2 MB rule': async (page) => {
    await addBlank(page);
    const rule = bigRule(2_000_000);
    const field = page.getByRole('textbox', { name: 'Rule' });
    await field.focus();
    await paste(page, rule);
    const result = page.getByTestId('rule-result');
    // Megabytes are summarised, not put in the text area (code_editor's SUMMARY_ABOVE).
    await until(async () => (await page.locator('.trigger-panel [data-testid="code-summary"]').count()) > 0, 'the pasted rule summarised', 60_000);
    await until(async () => !['pending', null].includes(await result.getAttribute('data-value')), 'the rule analysed', 60_000);
    return rule.length;
  },
  'paste 2 MB body': async (page) => {
    await addBlank(page);
    await page.getByRole('radio', { name: 'Custom body' }).check();
    const body = bigBody(2_000_000);
    const field = page.getByRole('textbox', { name: 'Body' });
    await field.focus();
    await field.evaluate((area) => area.select());
    await paste(page, body);
    const status = page.getByTestId('body-status');
    await until(async () => (await page.locator('.body-editor [data-testid="code-summary"]').count()) > 0, 'the pasted body summarised', 60_000);
    await until(async () => (await status.getAttribute('data-current')) === 'true', 'the body checked', 60_000);
    return body.length;
  },
  'paste 5,000-clause rule': (page) => pasteRuleForBuilder(page, clauseRule(5000)),
  'paste rule nested 150 deep': (page) => pasteRuleForBuilder(page, nestedRule(150)),
  'set 5,000-clause rule': (page) => pasteRuleForBuilder(page, clauseRule(5000), setText),
  // For scale, the browser's own cost: the same paste into a bare text area
  // (the editor's font and line height) on an otherwise empty page.
  'for scale: paste 5,000-clause rule into a bare textarea': async (page) => {
    const rule = clauseRule(5000);
    await page.setContent('<textarea aria-label="Bare" style="width: 800px; height: 400px; font: 13px/20px monospace; white-space: pre"></textarea>');
    const field = page.getByRole('textbox', { name: 'Bare' });
    await field.focus();
    await paste(page, rule);
    await until(async () => (await field.evaluate((area) => area.value.length)) === rule.length, 'the pasted text', 60_000);
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    return rule.length;
  },
  'set rule nested 150 deep': (page) => pasteRuleForBuilder(page, nestedRule(150), setText),
};

/**
 * Pastes `rule` over a blank connection's rule (or puts it in with `put`,
 * e.g. `setText`) and waits for its builder and result.
 */
async function pasteRuleForBuilder(page, rule, put) {
  await addBlank(page);
  const field = page.getByRole('textbox', { name: 'Rule' });
  await field.focus();
  await field.evaluate((area) => area.select());
  if (put) await put(field, rule);
  else await paste(page, rule);
  await until(async () => (await page.getByTestId('condition').count()) > 0 &&
    (await page.getByTestId('rule-result').getAttribute('data-value')) !== 'pending', 'the builder', 60_000);
  return rule.length;
}

/**
 * One paste in a fresh page: every long task from the paste until the page
 * has settled, and 2 s more. Figures in ms.
 */
export async function measurePaste(browser, url, name) {
  const { context, page, problems } = await openObserved(browser, url, { width: 1280, height: 860 });
  await page.waitForTimeout(500);
  const since = await now(page);
  const bytes = await pastes[name](page);
  const settled = (await now(page)) - since;
  await page.waitForTimeout(2000);
  const tasks = await page.evaluate((since) => window.__longTasks.filter((t) => t.start + t.duration >= since).map((t) => Math.round(t.duration)), since);
  await context.close();
  return { name, bytes, settled, tasks, longestTask: Math.max(0, ...tasks), problems };
}
