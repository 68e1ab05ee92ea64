// Measures the main package and each subpackage of dist/weapp against WeChat's limit (built beforehand by `npm run build:weapp`).
import fs from 'node:fs';
import path from 'node:path';

const DIST = path.resolve(__dirname, '..', '..', 'dist', 'weapp');
const LIMIT_KB = 500;
/** The main package loads before anything shows: issue 14's budget for a slow phone. */
const MAIN_LIMIT_KB = 420;

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

/** Sizes in KB of the main package (everything outside a subpackage root) and of each subpackage. */
function measure(): { name: string; kb: number }[] {
  const appJson = JSON.parse(fs.readFileSync(path.join(DIST, 'app.json'), 'utf8')) as { subPackages?: { root: string }[]; subpackages?: { root: string }[] };
  const roots = (appJson.subPackages ?? appJson.subpackages ?? []).map((p) => p.root.replace(/\/+$/, ''));
  const totals = new Map<string, number>([['main', 0], ...roots.map((r): [string, number] => [r, 0])]);
  for (const file of filesUnder(DIST)) {
    const rel = path.relative(DIST, file).split(path.sep).join('/');
    if (rel.endsWith('.map') || rel === 'project.config.json' || rel.endsWith('.LICENSE.txt')) continue;
    const owner = roots.find((root) => rel === root || rel.startsWith(`${root}/`)) ?? 'main';
    totals.set(owner, (totals.get(owner) ?? 0) + fs.statSync(file).size);
  }
  return [...totals].map(([name, bytes]) => ({ name, kb: Math.round((bytes / 1024) * 10) / 10 }));
}

describe('weapp package sizes', () => {
  it(`keeps the main package within ${MAIN_LIMIT_KB} KB and every subpackage under ${LIMIT_KB} KB`, () => {
    if (!fs.existsSync(path.join(DIST, 'app.json'))) throw new Error('dist/weapp is missing: run `npm run build:weapp` first');
    const sizes = measure();
    const table = ['package                     size (KB)', ...sizes.map((s) => `${s.name.padEnd(28)}${s.kb.toFixed(1).padStart(9)}`)].join('\n');
    console.log(table);
    expect(sizes.find((s) => s.name === 'main')).toBeDefined();
    for (const size of sizes) {
      const limit = size.name === 'main' ? MAIN_LIMIT_KB : LIMIT_KB;
      expect({ name: size.name, kb: size.kb, underLimit: size.kb <= limit }).toEqual({ name: size.name, kb: size.kb, underLimit: true });
    }
  });
});
