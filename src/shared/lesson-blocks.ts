/**
 * The article markup of lesson bodies (course files, the authoring console): each body entry is a block — `## ` starts a
 * sub-heading, `- ` a list item (consecutive items form one list), anything else is a paragraph. Pure, no platform code.
 */

/** One rendered block of an article. */
export type LessonBlock = { type: 'heading'; text: string } | { type: 'paragraph'; text: string } | { type: 'list'; items: string[] };

/** Parses a lesson body into headings, paragraphs and lists (blank entries are dropped). */
export function parseLessonBlocks(body: readonly string[]): LessonBlock[] {
  const blocks: LessonBlock[] = [];
  for (const raw of body) {
    const entry = raw.trim();
    if (entry === '') continue;
    if (entry.startsWith('## ')) {
      blocks.push({ type: 'heading', text: entry.slice(3).trim() });
    } else if (entry.startsWith('- ')) {
      const last = blocks[blocks.length - 1];
      const item = entry.slice(2).trim();
      if (last?.type === 'list') last.items.push(item);
      else blocks.push({ type: 'list', items: [item] });
    } else {
      blocks.push({ type: 'paragraph', text: entry });
    }
  }
  return blocks;
}
