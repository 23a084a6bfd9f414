import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

/** The chart bench's harness page, built on its own (out/bench-charts), never shipped with the app. */
export default defineConfig({
  root: 'bench/ui/charts-harness',
  base: './',
  plugins: [svelte({ configFile: false })],
  build: { outDir: '../../../out/bench-charts', emptyOutDir: true, minify: true },
});
