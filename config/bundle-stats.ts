import fs from 'node:fs';
import path from 'node:path';
import type { Compiler } from 'webpack';

/** With XQ_BUNDLE_STATS=1, writes webpack's stats (chunks, their files and modules) to dist/stats-<platform>.json for bundle analysis. */
export class BundleStatsPlugin {
  constructor(private readonly file: string) {}

  /** Hooks into the compiler's done event. */
  apply(compiler: Compiler): void {
    compiler.hooks.done.tap('BundleStatsPlugin', (stats) => {
      const json = stats.toJson({ all: false, chunks: true, chunkModules: true, nestedModules: true, dependentModules: true, chunkRelations: true, modules: false, assets: true, entrypoints: true, ids: true });
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      fs.writeFileSync(this.file, JSON.stringify(json));
    });
  }
}
