/** WebVTT captions of lesson narration: parsing, the cue at a time, and the script split at cue boundaries. Pure, no platform code. */

/** One caption cue: shown from `start` to `end` seconds. */
export interface CaptionCue {
  start: number;
  end: number;
  text: string;
}

/** A piece of a transcript paragraph: its text and the cue it belongs to (-1 when none). */
export interface TranscriptPiece {
  text: string;
  cue: number;
}

/** Seconds of a WebVTT timestamp (`hh:mm:ss.mmm` or `mm:ss.mmm`), or NaN. */
function vttSeconds(stamp: string): number {
  const m = /^(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{1,3})$/.exec(stamp.trim());
  if (!m) return Number.NaN;
  return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]) + Number(m[4].padEnd(3, '0')) / 1000;
}

/** Parses a WebVTT file into cues in time order (cue settings, NOTE and STYLE blocks are ignored); [] when it is not WebVTT. */
export function parseVtt(source: string): CaptionCue[] {
  const text = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  if (!text.startsWith('WEBVTT')) return [];
  const cues: CaptionCue[] = [];
  for (const block of text.split(/\n{2,}/).slice(1)) {
    const lines = block.split('\n');
    const at = lines.findIndex((l) => l.includes('-->'));
    if (at < 0) continue;
    const [from, rest] = lines[at].split('-->');
    const start = vttSeconds(from);
    const end = vttSeconds(rest.trim().split(/\s+/)[0]);
    const words = lines.slice(at + 1).join('\n').replace(/<[^>]+>/g, '').trim();
    if (Number.isFinite(start) && Number.isFinite(end) && end > start && words) cues.push({ start, end, text: words });
  }
  return cues.sort((a, b) => a.start - b.start);
}

/** The index of the cue showing at `time` seconds, or -1 between cues and outside them (binary search). */
export function cueIndexAt(cues: readonly CaptionCue[], time: number): number {
  let lo = 0;
  let hi = cues.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cues[mid].end <= time) lo = mid + 1;
    else if (cues[mid].start > time) hi = mid - 1;
    else return mid;
  }
  return -1;
}

/**
 * Splits the script's paragraphs at the cue boundaries, so the transcript can highlight the cue being spoken. The cues
 * must spell the script (whitespace aside), as the generator writes them; otherwise each paragraph is one piece with cue -1.
 */
export function transcriptPieces(body: readonly string[], cues: readonly CaptionCue[]): TranscriptPiece[][] {
  const plain = body.map((p) => [{ text: p, cue: -1 }]);
  if (cues.length === 0) return plain;
  const owner: number[] = [];
  cues.forEach((c, i) => {
    for (const ch of Array.from(c.text)) if (!/\s/.test(ch)) owner.push(i);
  });
  let k = 0;
  const out: TranscriptPiece[][] = [];
  const flat = cues.map((c) => Array.from(c.text).filter((ch) => !/\s/.test(ch))).flat();
  for (const paragraph of body) {
    const pieces: TranscriptPiece[] = [];
    for (const ch of Array.from(paragraph)) {
      let cue = pieces.length > 0 ? pieces[pieces.length - 1].cue : -1;
      if (!/\s/.test(ch)) {
        if (flat[k] !== ch) return plain;
        cue = owner[k];
        k++;
      }
      const last = pieces[pieces.length - 1];
      if (last && last.cue === cue) last.text += ch;
      else pieces.push({ text: ch, cue });
    }
    out.push(pieces);
  }
  return k === flat.length ? out : plain;
}
