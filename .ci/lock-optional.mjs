// Re-adds to package-lock.json the optional dependencies this machine's registry does not serve (Taro's native
// bindings for other platforms, NutUI's optional usage-stats tool). `npm install` drops them from the lock, and
// `npm ci` then refuses the lock as out of sync. Run after every `npm install`: node .ci/lock-optional.mjs
import fs from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const taro = lock.packages['node_modules/@tarojs/binding-linux-x64-gnu'];
if (!taro) throw new Error('package-lock.json has no @tarojs/binding-linux-x64-gnu: run npm install first');
const bindings = [
  ['darwin-arm64', 'darwin', 'arm64'],
  ['darwin-x64', 'darwin', 'x64'],
  ['linux-arm64-gnu', 'linux', 'arm64', 'glibc'],
  ['win32-x64-msvc', 'win32', 'x64'],
];
const added = [];
for (const [name, os, cpu, libc] of bindings) {
  const key = `node_modules/@tarojs/binding-${name}`;
  if (lock.packages[key]) continue;
  lock.packages[key] = { version: taro.version, dev: true, license: 'MIT', optional: true, os: [os], cpu: [cpu], ...(libc ? { libc: [libc] } : {}), engines: taro.engines };
  added.push(key);
}
const stats = 'node_modules/@nutui/nutui-react-taro/node_modules/@jmfe/npm-usage-stats-tool';
if (!lock.packages[stats]) {
  lock.packages[stats] = { optional: true };
  added.push(stats);
}
const [root, ...rest] = Object.entries(lock.packages);
lock.packages = Object.fromEntries([root, ...rest.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]);
fs.writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(added.length ? `added to the lock: ${added.join(', ')}` : 'lock already complete');
