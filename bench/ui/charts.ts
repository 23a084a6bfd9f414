/**
 * Chart speed in Chromium (`npm run bench:charts`): the app's SeriesChart against plain Chart.js, on the harness page
 * of bench/ui/charts-harness. Contenders run in turns (A B C …, A B C …) so a busy neighbour slows all alike; medians
 * of several repeats are reported, with the targets of the tracker issue. Not a test: nothing here fails on a figure.
 */
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { build } from 'vite';
import { chromium } from '@playwright/test';
import config from '../../playwright.config';

const REPEATS = 15;
const root = 'out/bench-charts';

interface Contender {
  name: string;
  /** What the tracker issue asks of it, in ms, if anything. */
  target?: number;
  call: string;
}

const contenders: Contender[] = [
  { name: 'app: 20 runs × 10,000 points', target: 100, call: 'chartBench.app(20, 10000)' },
  { name: 'Chart.js, no decimation: 20 runs × 10,000', call: 'chartBench.chartjs(20, 10000, false)' },
  { name: 'app: 1 run × 1,000,000 points', target: 50, call: 'chartBench.app(1, 1000000)' },
  { name: 'Chart.js, no decimation: 1 run × 1,000,000', call: 'chartBench.chartjs(1, 1000000, false)' },
  { name: 'Chart.js, its min-max decimation: 1 run × 1,000,000', call: 'chartBench.chartjs(1, 1000000, true)' },
  { name: 'app: 100 runs × 1,000 points', call: 'chartBench.app(100, 1000)' },
  { name: 'Chart.js, no decimation: 100 runs × 1,000', call: 'chartBench.chartjs(100, 1000, false)' },
];

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

/** Serves the built harness on a free loopback port. */
function serve(): Promise<{ server: Server; url: string }> {
  const server = createServer(async (request, response) => {
    const path = normalize(new URL(request.url ?? '/', 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
    try {
      const body = await readFile(join(root, path));
      response.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/` });
    }),
  );
}

async function main(): Promise<void> {
  await build({ configFile: 'bench/ui/charts.vite.config.ts', logLevel: 'warn' });
  const { server, url } = await serve();
  const launch = config.use?.launchOptions ?? {};
  const browser = await chromium.launch({ ...launch, headless: true });
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
    await page.goto(url);
    await page.waitForFunction(() => 'chartBench' in window);
    const samples = contenders.map(() => [] as number[]);
    for (let round = -1; round < REPEATS; round++) {
      // Round −1 warms the JIT and is not kept.
      for (const [i, contender] of contenders.entries()) {
        const ms = await page.evaluate(contender.call);
        if (round >= 0) samples[i].push(ms as number);
      }
    }
    const drawn = await page.evaluate('chartBench.drawnPoints()');
    console.log(`Chromium ${browser.version()}, ${REPEATS} rounds, 1000 × 400 px plot; medians (min–max) in ms\n`);
    console.log('| contender | median | range | target |');
    console.log('| --- | ---: | ---: | ---: |');
    contenders.forEach((c, i) => {
      const xs = samples[i];
      const range = `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}`;
      console.log(`| ${c.name} | ${median(xs).toFixed(1)} | ${range} | ${c.target ? `< ${c.target}` : ''} |`);
    });
    const ratio = (a: number, b: number) => (median(samples[b]) / median(samples[a])).toFixed(1);
    console.log(
      `\nThe app is ${ratio(0, 1)}× faster than plain Chart.js at 20 × 10,000, ${ratio(2, 3)}× at 1 × 1,000,000 ` +
        `(${ratio(2, 4)}× against Chart.js's own decimation) and ${ratio(5, 6)}× at 100 × 1,000.`,
    );
    console.log(`The app drew ${drawn} points for the last 100 runs × 1,000.`);
  } finally {
    await browser.close();
    server.close();
  }
}

await main();
