// Preloaded (`node -r`) into the electronegativity child process so that it never reaches the network: its CLI fetches
// translations and Electron's release list with `got` on every run. Here `got` refuses at once, and each refusal is
// reported on stderr so the test can see what was attempted. Everything it needs ships in the package.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- `node -r` preloads CommonJS, and Module._load is CommonJS's
const Module = require('node:module');

const load = Module._load;
const refuse = (url) => {
  process.stderr.write(`offline-got: refused ${String(url)}\n`);
  return Promise.reject(new Error(`offline: ${String(url)} was not fetched`));
};
const offlineGot = Object.assign(refuse, { head: refuse, get: refuse, stream: refuse });

Module._load = function loadOffline(request, ...rest) {
  return request === 'got' ? offlineGot : load.call(this, request, ...rest);
};
