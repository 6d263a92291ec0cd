// The page dry run's clock, shared by the e2e benchmark
// (tests/dryrun.test.mjs) and scripts/bench-dryrun/page-ab.mjs: from the
// Portfolio input's change event (captured before the page sees it) to the
// frame that first shows the summary done with `loans` loans.

/** Arms the clock: `window.__t0` is set at the pick, `window.__done` resolves to the end. */
export async function armDryRunClock(page, loans) {
  await page.evaluate((loans) => {
    document.querySelector('input[aria-label="Portfolio"]').addEventListener('change', () => {
      window.__t0 = performance.now();
    }, { capture: true, once: true });
    window.__done = new Promise((resolve) => {
      let started = false;
      const check = () => {
        const s = document.querySelector('[data-testid="dryrun-summary"]');
        if (s?.dataset.state === 'running') started = true;
        if (started && s?.dataset.state === 'done' && s.dataset.loans === String(loans)) resolve(performance.now());
        else requestAnimationFrame(check);
      };
      check();
    });
  }, loans);
}
