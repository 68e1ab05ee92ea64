import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Compiler } from 'webpack';

/** What is worth compressing: text assets of 512 bytes or more. */
const TEXT = /\.(js|css|html|svg|json)$/;

/**
 * Writes a brotli (quality 11) and a gzip (level 9) copy beside each text asset of the H5 build (app.1a2b.js.br,
 * app.1a2b.js.gz): the server sends them as they are, so no phone waits while the first request after a start or a
 * deploy is compressed, and the strongest brotli setting, too slow to run per request, is paid once at build time.
 */
export class PrecompressPlugin {
  /** Hooks into the last asset stage, after index.html is written. */
  apply(compiler: Compiler): void {
    const { Compilation, sources } = compiler.webpack;
    compiler.hooks.thisCompilation.tap('PrecompressPlugin', (compilation) => {
      compilation.hooks.processAssets.tap({ name: 'PrecompressPlugin', stage: Compilation.PROCESS_ASSETS_STAGE_OPTIMIZE_TRANSFER }, (assets) => {
        for (const [name, source] of Object.entries(assets)) {
          if (!TEXT.test(name)) continue;
          const raw = source.buffer();
          if (raw.length < 512) continue;
          const br = brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } });
          compilation.emitAsset(`${name}.br`, new sources.RawSource(br));
          compilation.emitAsset(`${name}.gz`, new sources.RawSource(gzipSync(raw, { level: 9 })));
        }
      });
    });
  }
}
