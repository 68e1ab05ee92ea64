/** The app's version, from package.json. */
import fs from 'node:fs';
import path from 'node:path';

/** The version in package.json. */
export const APP_VERSION: string = (JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
