import type { Region } from '../../../../types';

/** The names from the province down to the region itself, whether or not `path` already ends with it. */
export function regionTrail(path: Region[], region: Region): string[] {
  const names = path.map((r) => r.name);
  if (path.length === 0 || path[path.length - 1].id !== region.id) names.push(region.name);
  return names;
}
