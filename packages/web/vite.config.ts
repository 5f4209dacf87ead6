import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// The dashboard is served by `keyroll serve` at /ui from packages/keyroll/ui, which the keyroll
// package publishes beside dist/. Everything is bundled: no CDN, no web fonts, nothing inline (the
// server's CSP has no 'unsafe-inline' and no 'unsafe-eval').
export default defineConfig({
  base: "/ui/",
  root: fileURLToPath(new URL(".", import.meta.url)),
  build: {
    outDir: fileURLToPath(new URL("../keyroll/ui", import.meta.url)),
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    reportCompressedSize: true,
  },
});
