// Quick validation of the course content: node src/server/content/check.mjs
// Checks every courses/*.json against the CourseContent shape (types/courses.ts), coverage of
// every module × stage pair, quiz answers and their balance (no option position holds more than 40 % of the keys,
// no quiz has every key in one position), text lengths and that media files exist.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const dir = path.dirname(fileURLToPath(import.meta.url));
const MODULES = ['mh_education', 'mh_aid', 'mh_care', 'abnormal_awareness', 'parent_child'];
const STAGES = ['preschool', 'primary', 'junior', 'senior', 'vocational'];
const KINDS = ['article', 'audio', 'video'];
const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const errors = [];
const warnings = [];
const err = (where, msg) => errors.push(`${where}: ${msg}`);
const isStr = (v) => typeof v === 'string' && v.trim().length > 0;

const files = fs.readdirSync(path.join(dir, 'courses')).filter((f) => f.endsWith('.json')).sort();
const slugs = new Set();
const pairs = new Set();
const counts = { courses: 0, lessons: 0, article: 0, audio: 0, video: 0, questions: 0, seconds: 0 };
const keyPositions = [];
const mediaUsed = new Set();
const probed = new Map();
/** The whole seconds of a media file by ffprobe, or null when ffprobe is not installed. */
function mediaSeconds(file) {
  if (!probed.has(file)) {
    try {
      const out = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', path.join(dir, 'media', file)]);
      probed.set(file, Math.floor(Number(String(out).trim())));
    } catch {
      probed.set(file, null);
    }
  }
  return probed.get(file);
}

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
  if (c.slug + '.json' !== f.replace(/_/g, '-')) warnings.push(`${f}: slug ${c.slug} differs from file name`);
  if (!isStr(c.title)) err(f, 'title missing');
  if (!isStr(c.summary)) err(f, 'summary missing');
  if (!MODULES.includes(c.module)) err(f, `bad module ${c.module}`);
  if (!Array.isArray(c.stages) || c.stages.length === 0 || !c.stages.every((s) => STAGES.includes(s))) err(f, 'bad stages');
  else for (const s of c.stages) pairs.add(`${c.module}×${s}`);
  if (!Array.isArray(c.lessons) || c.lessons.length < 3) err(f, 'fewer than 3 lessons');
  const lessonSlugs = new Set();
  let hasArticle = false;
  for (const [i, l] of (c.lessons ?? []).entries()) {
    const w = `${f} lesson ${i + 1}`;
    const ok = ['slug', 'title', 'kind', 'durationSeconds', 'media', 'body'];
    for (const k of Object.keys(l)) if (!ok.includes(k)) err(w, `unknown field ${k}`);
    if (!isStr(l.slug) || !SLUG.test(l.slug)) err(w, `bad slug ${l.slug}`);
    if (lessonSlugs.has(l.slug)) err(w, `duplicate lesson slug ${l.slug}`);
    lessonSlugs.add(l.slug);
    if (!isStr(l.title)) err(w, 'title missing');
    if (!KINDS.includes(l.kind)) err(w, `bad kind ${l.kind}`);
    if (!Number.isInteger(l.durationSeconds) || l.durationSeconds <= 0) err(w, `bad durationSeconds ${l.durationSeconds}`);
    if (!Array.isArray(l.body) || !l.body.every(isStr)) err(w, 'bad body');
    const text = (l.body ?? []).join('');
    if (text.length < 200 || text.length > 450) warnings.push(`${w}: body ${text.length} chars (want 200–450)`);
    for (const p of l.body ?? []) if (p.length < 40 || p.length > 150) warnings.push(`${w}: paragraph of ${p.length} chars`);
    if (l.kind === 'article') {
      hasArticle = true;
      if (l.media !== undefined) err(w, 'article with media');
      if (Math.abs(l.durationSeconds - Math.round(text.length / 5)) > 1) warnings.push(`${w}: reading time ${l.durationSeconds}s for ${text.length} chars`);
    } else {
      if (!isStr(l.media)) err(w, 'audio/video without media');
      else if (!fs.existsSync(path.join(dir, 'media', l.media))) err(w, `media file missing: ${l.media}`);
      else {
        mediaUsed.add(l.media);
        const real = mediaSeconds(l.media);
        if (real !== null && real !== l.durationSeconds) err(w, `durationSeconds ${l.durationSeconds} but ${l.media} lasts ${real}s`);
      }
    }
    counts.lessons++;
    counts[l.kind] = (counts[l.kind] ?? 0) + 1;
    counts.seconds += l.durationSeconds || 0;
  }
  if (!hasArticle) err(f, 'no article lesson');
  if (c.quiz !== undefined) {
    const q = c.quiz;
    if (!Number.isInteger(q.passMark) || q.passMark < 60 || q.passMark > 80) err(f, `passMark ${q.passMark}`);
    if (!Array.isArray(q.questions) || q.questions.length < 3 || q.questions.length > 4) err(f, 'quiz needs 3–4 questions');
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
const LETTERS = 'ABCDEF';
const keyCounts = new Map();
for (const p of keyPositions) keyCounts.set(p, (keyCounts.get(p) ?? 0) + 1);
for (const [p, n] of keyCounts) if (n > 0.4 * keyPositions.length) err('quiz keys', `option ${LETTERS[p]} is the answer of ${n} of ${keyPositions.length} questions (at most 40 %)`);
for (const m of MODULES) for (const s of STAGES) if (!pairs.has(`${m}×${s}`)) err('catalogue', `no course for ${m} × ${s}`);

const mediaDir = path.join(dir, 'media');
let mediaBytes = 0;
if (fs.existsSync(mediaDir)) {
  for (const f of fs.readdirSync(mediaDir)) {
    if (!/\.(m4a|mp3|mp4|wav)$/.test(f)) continue;
    const size = fs.statSync(path.join(mediaDir, f)).size;
    mediaBytes += size;
    console.log(`media ${f}: ${(size / 1024).toFixed(1)} KB${mediaUsed.has(f) ? '' : ' (unused)'}`);
  }
}
console.log(`courses ${counts.courses}, pairs ${pairs.size}/25, lessons ${counts.lessons} (article ${counts.article}, audio ${counts.audio}, video ${counts.video}), quiz questions ${counts.questions} (keys ${[...keyCounts].sort((a, b) => a[0] - b[0]).map(([p, n]) => `${LETTERS[p]} ${n}`).join(', ')}), total ${Math.round(counts.seconds / 60)} min, media ${(mediaBytes / 1048576).toFixed(2)} MB`);
for (const w of warnings) console.log('warn', w);
for (const e of errors) console.log('ERROR', e);
process.exit(errors.length ? 1 : 0);
