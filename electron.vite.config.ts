import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rolldownOptions: {
        // Entries as inputs, not build.lib.entry (that breaks worker paths); the worker is an entry of its own so the
        // pool finds it by a fixed file name next to the main bundle.
        input: {
          index: 'src-main/index.ts',
          serve: 'src-main/serve.ts',
          cli: 'src-main/cli.ts',
          'run-batch.worker': 'src-main/workers/run-batch.worker.ts',
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rolldownOptions: {
        input: { index: 'src-main/preload.ts' },
        // A sandboxed preload cannot load ES modules.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src-renderer',
    base: './',
    build: {
      outDir: 'out/renderer',
      // electron-vite leaves the renderer unminified by default; the same bundle is also served over serve mode.
      // NO_MINIFY=1 npm run build keeps names readable, for profiles.
      minify: process.env.NO_MINIFY ? false : true,
      rolldownOptions: {
        // start-read is loaded by index.html as a classic script of its own, ahead of the app's code, under a fixed
        // name: it starts the stored runs' read while the rest is fetched (src-renderer/start-read.ts).
        input: { index: 'src-renderer/index.html', 'start-read': 'src-renderer/start-read.ts' },
        output: {
          entryFileNames: (chunk) => (chunk.name === 'start-read' ? '[name].js' : 'assets/[name]-[hash].js'),
        },
      },
    },
    plugins: [svelte({ configFile: false })],
  },
});
