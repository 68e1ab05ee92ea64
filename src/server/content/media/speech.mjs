// Text helpers of the media generator (generate.mjs): sentences, what espeak-ng is given to say, caption cues, WebVTT.

const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
/** The most 汉字 a caption cue should hold; longer sentences are split at commas. */
export const CUE_MAX = 20;

const han = (s) => (s.match(/\p{Script=Han}/gu) ?? []).length;

/** Splits a paragraph into sentences, keeping each ending mark and any closing quote with its sentence. */
export function splitSentences(paragraph) {
  return (paragraph.match(/[^。！？；…]+(?:[。！？；…]+[”’」』）)]*|$)/g) ?? []).map((s) => s.trim()).filter((s) => s.length > 0);
}

/**
 * The text espeak-ng reads for a sentence (the displayed text stays as written): digit strings of 3 or more digits are
 * read digit by digit (12356 → 幺二三五六, 110 → 幺幺零; a year such as 2024年 → 二零二四年); symbols it would spell out are dropped.
 */
export function speechText(sentence) {
  return sentence
    .replace(/\d{3,}(年)?/g, (m, year) => {
      const digits = year ? m.slice(0, -1) : m;
      return [...digits].map((d) => (d === '1' && !year ? '幺' : DIGITS[Number(d)])).join('') + (year ?? '');
    })
    .replace(/[“”‘’「」『』《》〈〉（）()【】"]/g, ' ')
    .replace(/[—–]+/g, '，')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Splits one sentence into cue texts of at most CUE_MAX 汉字, at commas where possible (a longer clause is cut). */
export function cueTexts(sentence) {
  if (han(sentence) <= CUE_MAX) return [sentence];
  const clauses = sentence.match(/[^，、：,:]+[，、：,:]*/g) ?? [sentence];
  const pieces = [];
  for (const clause of clauses) {
    if (han(clause) <= CUE_MAX) {
      pieces.push(clause);
      continue;
    }
    let rest = clause;
    while (han(rest) > CUE_MAX) {
      const parts = Math.ceil(han(rest) / CUE_MAX);
      const cut = Math.ceil([...rest].length / parts);
      pieces.push([...rest].slice(0, cut).join(''));
      rest = [...rest].slice(cut).join('');
    }
    pieces.push(rest);
  }
  const out = [];
  for (const piece of pieces) {
    const last = out.length - 1;
    if (last >= 0 && han(out[last]) + han(piece) <= CUE_MAX) out[last] += piece;
    else out.push(piece);
  }
  return out;
}

/** Caption cues from timed sentences: one cue a sentence, long ones split with the time shared by characters. */
export function captionCues(sentences) {
  const cues = [];
  for (const s of sentences) {
    const texts = cueTexts(s.text);
    const weights = texts.map((t) => Math.max(1, [...t].length));
    const total = weights.reduce((a, b) => a + b, 0);
    let at = s.start;
    texts.forEach((text, i) => {
      const end = i === texts.length - 1 ? s.end : at + ((s.end - s.start) * weights[i]) / total;
      cues.push({ start: at, end, text });
      at = end;
    });
  }
  return cues;
}

/** A time as WebVTT writes it: hh:mm:ss.mmm. */
export function vttTime(t) {
  const ms = Math.round(t * 1000);
  const pad = (n, w = 2) => String(n).padStart(w, '0');
  return `${pad(Math.floor(ms / 3600000))}:${pad(Math.floor(ms / 60000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}.${pad(ms % 1000, 3)}`;
}

/** The WebVTT file of a list of cues. */
export function toVtt(cues) {
  return `WEBVTT\n\n${cues.map((c, i) => `${i + 1}\n${vttTime(c.start)} --> ${vttTime(c.end)}\n${c.text}\n`).join('\n')}`;
}
