// The content check: node src/server/content/check.mjs [content-dir]   (default: this folder; npm test runs it)
// Fails (exit 1) unless:
// - 25 courses cover every policy module × stage, each with its lessons (75 in all) in the CourseContent shape (types/courses.ts);
// - articles hold 1,500–3,000 汉字 in blocks (`## ` heading, `- ` list item, else paragraph), durationSeconds = round(汉字 / 5);
// - every audio and video lesson has its OWN media file (no file shared between lessons) and its WebVTT captions
//   (<name>.vtt) whose cues, in order, spell the lesson's script; the media's duration by ffprobe (whole seconds) is the
//   lesson's durationSeconds, lies within 4–8 minutes, and agrees within 10 % with the transcript's expected narration time
//   (汉字 / the generator's measured 汉字 a second, media/manifest.json);
// - video slides are valid (first at paragraph 0, strictly increasing, inside the script, ≤ 4 lines of ≤ 14 汉字);
// - quizzes hold 4–6 questions of 3–4 distinct options with an explanation; no option position holds more than 40 % of
//   all keys and no quiz has every key in one position;
// - all media together stay under 60 MB.
// Prints the per-lesson durations, the distinct media count and the total media bytes, and a last line
// `SUMMARY {json}` (tests/server/content.test.ts reads it).
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const dir = process.argv[2] ? path.resolve(process.argv[2]) : path.dirname(fileURLToPath(import.meta.url));
const mediaDir = path.join(dir, 'media');
const MODULES = ['mh_education', 'mh_aid', 'mh_care', 'abnormal_awareness', 'parent_child'];
const STAGES = ['preschool', 'primary', 'junior', 'senior', 'vocational'];
const KINDS = ['article', 'audio', 'video'];
const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const MEDIA_BUDGET = 60 * 1024 * 1024;
const ARTICLE_HAN = [1500, 3000];
const SCRIPT_HAN = [1000, 1300];
const MEDIA_SECONDS = [240, 480];
const SLIDE_LINE_HAN = 14;
const errors = [];
const warnings = [];
const err = (where, msg) => errors.push(`${where}: ${msg}`);
const warn = (where, msg) => warnings.push(`${where}: ${msg}`);
const isStr = (v) => typeof v === 'string' && v.trim().length > 0;
const han = (s) => (s.match(/\p{Script=Han}/gu) ?? []).length;

let ffprobe = true;
try {
  execFileSync('ffprobe', ['-version'], { stdio: 'ignore' });
} catch {
  ffprobe = false;
  err('tools', 'ffprobe is not installed (apt-get install ffmpeg): media durations cannot be checked');
}
const probed = new Map();
/** The whole seconds of a media file by ffprobe (rounded down, as the generator writes them), or null. */
function mediaSeconds(file) {
  if (!ffprobe) return null;
  if (!probed.has(file)) {
    try {
      const out = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file]);
      probed.set(file, Math.floor(Number(String(out).trim())));
    } catch {
      probed.set(file, null);
    }
  }
  return probed.get(file);
}

/** The cues of a WebVTT file: [{ start, end, text }], or null when it is not WebVTT. */
function readVtt(file) {
  const text = fs.readFileSync(file, 'utf8').replace(/\r\n?/g, '\n');
  if (!text.startsWith('WEBVTT')) return null;
  const seconds = (t) => t.split(':').reduce((a, p) => a * 60 + Number(p), 0);
  const cues = [];
  for (const block of text.split(/\n\n+/).slice(1)) {
    const lines = block.split('\n').filter((l) => l.length > 0);
    const at = lines.findIndex((l) => l.includes('-->'));
    if (at < 0) continue;
    const [start, end] = lines[at].split('-->').map((s) => seconds(s.trim().split(/\s+/)[0]));
    cues.push({ start, end, text: lines.slice(at + 1).join('\n') });
  }
  return cues;
}

const manifestFile = path.join(mediaDir, 'manifest.json');
const manifest = fs.existsSync(manifestFile) ? JSON.parse(fs.readFileSync(manifestFile, 'utf8')) : null;
if (!manifest?.hanPerSecond) err('media/manifest.json', 'missing: run src/server/content/media/generate.sh');

const files = fs.readdirSync(path.join(dir, 'courses')).filter((f) => f.endsWith('.json')).sort();
const slugs = new Set();
const pairs = new Set();
const counts = { courses: 0, lessons: 0, article: 0, audio: 0, video: 0, questions: 0, seconds: 0 };
const keyPositions = [];
const mediaUsers = new Map();
const table = [];

for (const f of files) {
  let c;
  try {
    c = JSON.parse(fs.readFileSync(path.join(dir, 'courses', f), 'utf8'));
  } catch (e) {
    err(f, `invalid JSON: ${e.message}`);
    continue;
  }
  counts.courses++;
  const allowed = ['slug', 'title', 'summary', 'module', 'stages', 'lessons', 'quiz'];
  for (const k of Object.keys(c)) if (!allowed.includes(k)) err(f, `unknown field ${k}`);
  if (!isStr(c.slug) || !SLUG.test(c.slug)) err(f, `bad slug ${c.slug}`);
  if (slugs.has(c.slug)) err(f, `duplicate slug ${c.slug}`);
  slugs.add(c.slug);
  if (c.slug + '.json' !== f.replace(/_/g, '-')) warn(f, `slug ${c.slug} differs from file name`);
  if (!isStr(c.title)) err(f, 'title missing');
  if (!isStr(c.summary)) err(f, 'summary missing');
  if (!MODULES.includes(c.module)) err(f, `bad module ${c.module}`);
  if (!Array.isArray(c.stages) || c.stages.length === 0 || !c.stages.every((s) => STAGES.includes(s))) err(f, 'bad stages');
  else for (const s of c.stages) pairs.add(`${c.module}×${s}`);
  if (!Array.isArray(c.lessons) || c.lessons.length !== 3) err(f, 'a course has 3 lessons');
  const lessonSlugs = new Set();
  const kinds = new Set();
  for (const [i, l] of (c.lessons ?? []).entries()) {
    const w = `${f} lesson ${i + 1} (${l.slug})`;
    const ok = ['slug', 'title', 'kind', 'durationSeconds', 'media', 'body', 'slides'];
    for (const k of Object.keys(l)) if (!ok.includes(k)) err(w, `unknown field ${k}`);
    if (!isStr(l.slug) || !SLUG.test(l.slug)) err(w, `bad slug ${l.slug}`);
    if (lessonSlugs.has(l.slug)) err(w, `duplicate lesson slug ${l.slug}`);
    lessonSlugs.add(l.slug);
    if (!isStr(l.title)) err(w, 'title missing');
    if (!KINDS.includes(l.kind)) err(w, `bad kind ${l.kind}`);
    kinds.add(l.kind);
    if (!Number.isInteger(l.durationSeconds) || l.durationSeconds <= 0) err(w, `bad durationSeconds ${l.durationSeconds}`);
    const body = Array.isArray(l.body) && l.body.every(isStr) ? l.body : [];
    if (body.length === 0) err(w, 'bad body');
    const chars = han(body.join(''));
    const row = { lesson: `${c.slug}/${l.slug}`, kind: l.kind, han: chars, seconds: l.durationSeconds, media: l.media ?? '', bytes: 0 };
    table.push(row);
    counts.lessons++;
    counts[l.kind] = (counts[l.kind] ?? 0) + 1;
    counts.seconds += l.durationSeconds || 0;
    if (l.kind === 'article') {
      if (l.media !== undefined) err(w, 'article with media');
      if (l.slides !== undefined) err(w, 'article with slides');
      if (chars < ARTICLE_HAN[0] || chars > ARTICLE_HAN[1]) err(w, `article of ${chars} 汉字 (want ${ARTICLE_HAN.join('–')})`);
      if (l.durationSeconds !== Math.round(chars / 5)) err(w, `durationSeconds ${l.durationSeconds} but ${chars} 汉字 read at 5 a second take ${Math.round(chars / 5)}`);
      const headings = body.filter((b) => b.startsWith('## ')).length;
      if (headings === 0) warn(w, 'article without a `## ` heading');
      if (!body.some((b) => b.startsWith('- '))) warn(w, 'article without a `- ` list');
      for (const b of body) if (/^#{1,6}\s/.test(b) && !b.startsWith('## ')) err(w, `heading level other than ## : ${b.slice(0, 20)}`);
    } else if (l.kind === 'audio' || l.kind === 'video') {
      if (chars < SCRIPT_HAN[0] || chars > SCRIPT_HAN[1]) warn(w, `script of ${chars} 汉字 (want ${SCRIPT_HAN.join('–')})`);
      for (const b of body) if (/^(## |- )/.test(b)) err(w, `a narration script is plain paragraphs, not "${b.slice(0, 12)}…"`);
      if (l.kind === 'audio' && l.slides !== undefined) err(w, 'audio with slides');
      if (l.kind === 'video') checkSlides(w, l.slides, body.length);
      if (!isStr(l.media)) {
        err(w, 'audio/video without media');
        continue;
      }
      const file = path.join(mediaDir, l.media);
      mediaUsers.set(l.media, [...(mediaUsers.get(l.media) ?? []), `${c.slug}/${l.slug}`]);
      if (!fs.existsSync(file)) {
        err(w, `media file missing: ${l.media}`);
        continue;
      }
      row.bytes = fs.statSync(file).size;
      const real = mediaSeconds(file);
      if (ffprobe && real === null) err(w, `ffprobe cannot read ${l.media}`);
      if (real !== null) {
        row.seconds = real;
        if (real !== l.durationSeconds) err(w, `durationSeconds ${l.durationSeconds} but ${l.media} lasts ${real} s`);
        if (real < MEDIA_SECONDS[0] || real > MEDIA_SECONDS[1]) err(w, `${l.media} lasts ${real} s (want 4–8 minutes)`);
        const rate = manifest?.hanPerSecond?.[l.kind];
        if (rate) {
          const expected = chars / rate;
          row.expected = Math.round(expected);
          if (Math.abs(real - expected) > 0.1 * expected) err(w, `${l.media} lasts ${real} s but its ${chars} 汉字 narrate in about ${Math.round(expected)} s (more than 10 % apart)`);
        }
      }
      const vtt = path.join(mediaDir, `${l.media.replace(/\.[a-z0-9]+$/, '')}.vtt`);
      if (!fs.existsSync(vtt)) err(w, `captions missing: ${path.basename(vtt)}`);
      else {
        const cues = readVtt(vtt);
        const flat = (s) => s.replace(/\s+/g, '');
        if (!cues || cues.length === 0) err(w, `${path.basename(vtt)} is not WebVTT with cues`);
        else {
          if (flat(cues.map((q) => q.text).join('')) !== flat(body.join(''))) err(w, `${path.basename(vtt)} does not spell the lesson's script (regenerate)`);
          if (cues.some((q, k) => !(q.end > q.start) || (k > 0 && q.start < cues[k - 1].end - 0.001))) err(w, `${path.basename(vtt)} has cues out of order`);
          if (real !== null && cues[cues.length - 1].end > real + 1) err(w, `${path.basename(vtt)} runs past the media's end`);
        }
      }
    }
  }
  if (kinds.size !== 3) err(f, 'a course has an article, an audio and a video lesson');
  if (c.quiz === undefined) err(f, 'no quiz');
  else {
    const q = c.quiz;
    if (!Number.isInteger(q.passMark) || q.passMark < 60 || q.passMark > 80) err(f, `passMark ${q.passMark}`);
    if (!Array.isArray(q.questions) || q.questions.length < 4 || q.questions.length > 6) err(f, `quiz needs 4–6 questions, has ${q.questions?.length ?? 0}`);
    for (const [i, x] of (q.questions ?? []).entries()) {
      const w = `${f} question ${i + 1}`;
      if (!isStr(x.prompt)) err(w, 'prompt missing');
      if (!Array.isArray(x.options) || x.options.length < 3 || x.options.length > 4 || !x.options.every(isStr)) err(w, 'needs 3–4 options');
      if (!Number.isInteger(x.answer) || x.answer < 0 || x.answer >= (x.options?.length ?? 0)) err(w, `answer out of range ${x.answer}`);
      else keyPositions.push(x.answer);
      if (Array.isArray(x.options) && new Set(x.options.map((o) => String(o).trim())).size !== x.options.length) err(w, 'duplicate options');
      if (!isStr(x.explanation)) err(w, 'explanation missing');
      counts.questions++;
    }
    const answers = (q.questions ?? []).map((x) => x.answer);
    if (answers.length > 1 && new Set(answers).size === 1) err(f, `every quiz answer is option ${'ABCDEF'[answers[0]] ?? answers[0]}`);
  }
}

/** Slides of a video lesson: first at paragraph 0, strictly increasing, inside the script, short lines. */
function checkSlides(w, slides, paragraphs) {
  if (!Array.isArray(slides) || slides.length === 0) {
    err(w, 'a video lesson needs slides');
    return;
  }
  slides.forEach((s, i) => {
    if (!Number.isInteger(s.at) || s.at < 0 || s.at >= paragraphs) err(w, `slide ${i + 1} at ${s.at} is outside the ${paragraphs} paragraphs`);
    if (i === 0 && s.at !== 0) err(w, 'the first slide is at paragraph 0');
    if (i > 0 && !(s.at > slides[i - 1].at)) err(w, `slide ${i + 1} at ${s.at} does not come after slide ${i}`);
    if (!isStr(s.text)) err(w, `slide ${i + 1} has no text`);
    else {
      const lines = s.text.split('\n');
      if (lines.length > 4) err(w, `slide ${i + 1} has ${lines.length} lines (at most 4)`);
      for (const line of lines) if (han(line) > SLIDE_LINE_HAN || line.length > SLIDE_LINE_HAN + 6) err(w, `slide ${i + 1} line too long for the 640×360 slide: ${line}`);
    }
  });
}

const LETTERS = 'ABCDEF';
const keyCounts = new Map();
for (const p of keyPositions) keyCounts.set(p, (keyCounts.get(p) ?? 0) + 1);
for (const [p, n] of keyCounts) if (n > 0.4 * keyPositions.length) err('quiz keys', `option ${LETTERS[p]} is the answer of ${n} of ${keyPositions.length} questions (at most 40 %)`);
for (const m of MODULES) for (const s of STAGES) if (!pairs.has(`${m}×${s}`)) err('catalogue', `no course for ${m} × ${s}`);
if (counts.courses !== 25) err('catalogue', `${counts.courses} courses (want 25)`);
if (counts.lessons !== 75) err('catalogue', `${counts.lessons} lessons (want 75)`);
for (const [media, users] of mediaUsers) if (users.length > 1) err(media, `shared by ${users.length} lessons (${users.join(', ')}): every lesson narrates its own script`);

let mediaBytes = 0;
const unused = [];
if (fs.existsSync(mediaDir)) {
  for (const f of fs.readdirSync(mediaDir)) {
    if (!/\.(m4a|mp3|mp4|aac|wav|webm|vtt)$/.test(f)) continue;
    mediaBytes += fs.statSync(path.join(mediaDir, f)).size;
    if (!mediaUsers.has(f) && !(f.endsWith('.vtt') && [...mediaUsers.keys()].some((m) => m.replace(/\.[a-z0-9]+$/, '.vtt') === f))) unused.push(f);
  }
}
for (const f of unused) warn('media', `${f} is used by no lesson (generate.sh removes it)`);
if (mediaBytes >= MEDIA_BUDGET) err('media', `${(mediaBytes / 1048576).toFixed(1)} MB (budget 60 MB)`);

const clock = (s) => `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
console.log(['lesson'.padEnd(52), 'kind'.padEnd(7), '汉字'.padStart(5), 'duration'.padStart(9), 'expected'.padStart(9), 'KB'.padStart(7)].join(' '));
for (const r of table) {
  console.log([r.lesson.padEnd(52), r.kind.padEnd(7), String(r.han).padStart(6), clock(r.seconds ?? 0).padStart(9), (r.expected ? clock(r.expected) : '').padStart(9), (r.bytes ? (r.bytes / 1024).toFixed(0) : '').padStart(7)].join(' '));
}
const timed = table.filter((r) => r.kind !== 'article');
const summary = {
  courses: counts.courses,
  lessons: counts.lessons,
  article: counts.article,
  audio: counts.audio,
  video: counts.video,
  distinctMedia: mediaUsers.size,
  mediaBytes,
  mediaMinSeconds: timed.length ? Math.min(...timed.map((r) => r.seconds)) : 0,
  mediaMaxSeconds: timed.length ? Math.max(...timed.map((r) => r.seconds)) : 0,
  questions: counts.questions,
  keys: Object.fromEntries([...keyCounts].sort((a, b) => a[0] - b[0]).map(([p, n]) => [LETTERS[p], n])),
  totalMinutes: Math.round(counts.seconds / 60),
  errors: errors.length,
  warnings: warnings.length,
};
console.log(
  `courses ${summary.courses}, pairs ${pairs.size}/25, lessons ${summary.lessons} (article ${summary.article}, audio ${summary.audio}, video ${summary.video}), ` +
    `distinct media ${summary.distinctMedia}, media ${clock(summary.mediaMinSeconds)}–${clock(summary.mediaMaxSeconds)}, total ${summary.totalMinutes} min, ` +
    `media ${(mediaBytes / 1048576).toFixed(2)} MB, quiz questions ${summary.questions} (keys ${Object.entries(summary.keys).map(([k, n]) => `${k} ${n}`).join(', ')})`,
);
for (const w of warnings) console.log('warn', w);
for (const e of errors) console.log('ERROR', e);
console.log(`SUMMARY ${JSON.stringify(summary)}`);
process.exit(errors.length ? 1 : 0);
