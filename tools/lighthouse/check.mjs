// Lighthouse (desktop preset) on a few pages of one site, in one Chrome: writes each page's
// JSON report into a folder, prints the four category scores per page and the audits that keep
// a category below 100, and exits 1 if any does. scripts/lighthouse runs it; one process and
// one browser for all pages spare each page node's start and Chrome's.
//
//   [LIGHTHOUSE_LANG=es] node check.mjs BASE_URL OUT_DIR THROTTLING PATH...
import fs from 'node:fs';
import path from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse, {desktopConfig} from 'lighthouse';

const [base, outDir, throttlingMethod, ...pages] = process.argv.slice(2);
const categories = ['performance', 'accessibility', 'best-practices', 'seo'];
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH,
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
let failed = false;
console.log('page'.padEnd(50), 'perf', 'a11y', 'best', ' seo');
try {
  for (const page of pages) {
    const result = await lighthouse(base + page, {
      port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: categories, throttlingMethod,
      // The portal answers in the reader's language; unset, Chrome's own (en-US) is asked for.
      extraHeaders: process.env.LIGHTHOUSE_LANG ? {'Accept-Language': process.env.LIGHTHOUSE_LANG} : undefined,
    }, desktopConfig);
    const lhr = result.lhr;
    const name = page.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'home';
    fs.writeFileSync(path.join(outDir, name + '.json'), result.report);
    // Shown as the report shows them: a category rounds to 100 from 0.995 up.
    const score = c => (lhr.categories[c].score === null ? null : Math.round(lhr.categories[c].score * 100));
    console.log(page.padEnd(50), ...categories.map(c => String(score(c) ?? '-').padStart(4)));
    if (lhr.runtimeError) {
      console.error(`  ${page}: ${lhr.runtimeError.code}: ${lhr.runtimeError.message}`);
    }
    for (const c of categories.filter(c => score(c) !== 100)) {
      failed = true;
      for (const ref of lhr.categories[c].auditRefs) {
        const a = lhr.audits[ref.id];
        if (ref.weight > 0 && a.score !== null && a.score < 1) {
          console.error(`  ${c}: ${a.id} (${a.score}): ${a.title}${a.displayValue ? ' — ' + a.displayValue : ''}`);
        }
      }
    }
  }
} finally {
  await chrome.kill();
}
process.exit(failed ? 1 : 0);
