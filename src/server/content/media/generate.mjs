// Generates every audio and video lesson's own media from its script (run through generate.sh):
//   <course>--<lesson>.m4a  audio lessons: the body narrated (espeak-ng Mandarin), mono AAC, +faststart
//   <course>--<lesson>.mp4  video lessons: a title slide, then the lesson's `slides` (switching at the start of paragraph `at`),
//                           640×360 H.264 baseline at 1 frame a second, the narration as mono AAC
//   <course>--<lesson>.vtt  WebVTT captions from the sentence timings (one sentence a cue, long ones split at commas)
// and writes each lesson's `media` and `durationSeconds` (whole seconds by ffprobe) back into ../courses/*.json.
// A lesson whose script, slides and titles are unchanged (manifest.json) is skipped; media no lesson uses are removed.
// Usage: node generate.mjs [--force] [course-slug ...]   (RATE=240 espeak-ng words per minute, FONT=path)
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { captionCues, speechText, splitSentences, toVtt } from './speech.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** The content folder (courses/ and media/); XQ_CONTENT_DIR points elsewhere, e.g. a scratch copy. */
const CONTENT = process.env.XQ_CONTENT_DIR ? path.resolve(process.env.XQ_CONTENT_DIR) : path.join(HERE, '..');
const MEDIA = path.join(CONTENT, 'media');
const COURSES = path.join(CONTENT, 'courses');
const MANIFEST = path.join(MEDIA, 'manifest.json');
const FONT = process.env.FONT ?? '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc';
const RATE = Number(process.env.RATE ?? 240);
const SAMPLE_RATE = 22050;
/** The first AAC target (kbit/s); ffmpeg's fast coder lands a little above it (see encodeAudio). */
const AUDIO_KBPS = 21;
/** Silence before the first sentence, between sentences, between paragraphs and after the last one (seconds). */
const LEAD = 0.5;
const SENTENCE_GAP = 0.3;
const PARAGRAPH_GAP = 0.8;
const TAIL = 1.0;
/** The video's silent title slide (seconds) before the narration. */
const TITLE_SECONDS = 4;
const W = 640;
const H = 360;
/** Bumped when the output changes for the same script (forces a full regeneration). */
const VERSION = 1;
const COLOURS = { mh_education: '#2f5f7d', mh_aid: '#4a5a8c', mh_care: '#3f6e53', abnormal_awareness: '#6b5b43', parent_child: '#336d6d' };
const MODULE_LABELS = { mh_education: '心理健康教育', mh_aid: '心理援助', mh_care: '心理保健', abnormal_awareness: '心理异常认知', parent_child: '亲子沟通' };

const args = process.argv.slice(2);
const force = args.includes('--force');
const only = new Set(args.filter((a) => !a.startsWith('--')));
for (const tool of ['espeak-ng', 'ffmpeg', 'ffprobe']) {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
  } catch {
    console.error(`missing: ${tool}`);
    process.exit(1);
  }
}
if (!fs.existsSync(FONT)) {
  console.error(`missing font: ${FONT}`);
  process.exit(1);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xq-media-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
const run = (cmd, argv) => execFileSync(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
const ffmpeg = (argv) => run('ffmpeg', ['-y', '-loglevel', 'error', ...argv]);
const han = (s) => (s.match(/\p{Script=Han}/gu) ?? []).length;

/** The whole seconds of a media file (ffprobe's container duration, rounded down). */
function probeSeconds(file) {
  return Math.floor(Number(String(run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file])).trim()));
}

/** The 16-bit PCM samples of a WAV file espeak-ng wrote (mono, SAMPLE_RATE). */
function wavSamples(file) {
  const buf = fs.readFileSync(file);
  let at = 12;
  while (at + 8 <= buf.length) {
    const id = buf.toString('ascii', at, at + 4);
    const size = buf.readUInt32LE(at + 4);
    if (id === 'fmt ' && buf.readUInt32LE(at + 12) !== SAMPLE_RATE) throw new Error(`${file}: unexpected sample rate`);
    if (id === 'data') return buf.subarray(at + 8, Math.min(buf.length, at + 8 + size));
    at += 8 + size + (size % 2);
  }
  throw new Error(`${file}: no data chunk`);
}

/** The samples without espeak-ng's silence at either end (keeping 50 ms). */
function trimSilence(pcm) {
  const n = pcm.length >> 1;
  const loud = (i) => Math.abs(pcm.readInt16LE(i * 2)) > 200;
  let a = 0;
  while (a < n && !loud(a)) a++;
  let b = n - 1;
  while (b > a && !loud(b)) b--;
  const keep = Math.round(0.05 * SAMPLE_RATE);
  return pcm.subarray(Math.max(0, a - keep) * 2, Math.min(n, b + keep) * 2);
}

const silence = (seconds) => Buffer.alloc(Math.round(seconds * SAMPLE_RATE) * 2);
const seconds = (pcm) => pcm.length / 2 / SAMPLE_RATE;

/** Writes mono 16-bit PCM as a WAV file. */
function writeWav(file, pcm) {
  const head = Buffer.alloc(44);
  head.write('RIFF', 0, 'ascii');
  head.writeUInt32LE(36 + pcm.length, 4);
  head.write('WAVEfmt ', 8, 'ascii');
  head.writeUInt32LE(16, 16);
  head.writeUInt16LE(1, 20);
  head.writeUInt16LE(1, 22);
  head.writeUInt32LE(SAMPLE_RATE, 24);
  head.writeUInt32LE(SAMPLE_RATE * 2, 28);
  head.writeUInt16LE(2, 32);
  head.writeUInt16LE(16, 34);
  head.write('data', 36, 'ascii');
  head.writeUInt32LE(pcm.length, 40);
  fs.writeFileSync(file, Buffer.concat([head, pcm]));
}

/**
 * Narrates the paragraphs sentence by sentence: the whole narration as PCM (after `offset` seconds of silence), each
 * sentence's [start, end] in seconds, and each paragraph's start.
 */
function narrate(body, offset) {
  const parts = [silence(offset + LEAD)];
  let t = offset + LEAD;
  const sentences = [];
  const paragraphStarts = [];
  body.forEach((paragraph, p) => {
    if (p > 0) {
      parts.push(silence(PARAGRAPH_GAP - SENTENCE_GAP));
      t += PARAGRAPH_GAP - SENTENCE_GAP;
    }
    paragraphStarts.push(t);
    for (const sentence of splitSentences(paragraph)) {
      const wav = path.join(tmp, 'sentence.wav');
      run('espeak-ng', ['-v', 'cmn', '-s', String(RATE), '-w', wav, speechText(sentence)]);
      const pcm = trimSilence(wavSamples(wav));
      parts.push(pcm, silence(SENTENCE_GAP));
      sentences.push({ text: sentence, start: t, end: t + seconds(pcm) });
      t += seconds(pcm) + SENTENCE_GAP;
    }
  });
  parts.push(silence(TAIL));
  return { pcm: Buffer.concat(parts), sentences, paragraphStarts };
}

/** Renders one 640×360 slide PNG: lines of text ({ text, size, colour }) centred in a panel, and a footer. */
function slidePng(file, colour, lines, footer) {
  const filters = [`drawbox=x=24:y=24:w=${W - 48}:h=${H - 88}:color=white@0.12:t=fill`, `drawbox=x=24:y=${H - 52}:w=${W - 48}:h=2:color=white@0.55:t=fill`];
  const gap = 18;
  const block = lines.reduce((a, l) => a + l.size, 0) + gap * (lines.length - 1);
  let y = Math.round(24 + (H - 88 - block) / 2);
  lines.forEach((line, i) => {
    const txt = path.join(tmp, `line-${i}.txt`);
    fs.writeFileSync(txt, line.text);
    const bold = line.bold ? `:borderw=1:bordercolor=${line.colour}` : '';
    filters.push(`drawtext=fontfile=${FONT}:textfile=${txt}:fontsize=${line.size}:fontcolor=${line.colour}:x=(w-text_w)/2:y=${y}${bold}`);
    y += line.size + gap;
  });
  const foot = path.join(tmp, 'footer.txt');
  fs.writeFileSync(foot, footer);
  filters.push(`drawtext=fontfile=${FONT}:textfile=${foot}:fontsize=20:fontcolor=white@0.9:x=(w-text_w)/2:y=${H - 38}`);
  ffmpeg(['-f', 'lavfi', '-i', `color=c=${colour}:s=${W}x${H}:d=1`, '-vf', filters.join(','), '-frames:v', '1', file]);
}

/** The stream bit rate ffprobe reports for a file's audio. */
function audioBitrate(file) {
  return Number(String(run('ffprobe', ['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'stream=bit_rate', '-of', 'csv=p=0', file])).trim());
}

/**
 * Encodes the narration as mono AAC (.m4a, +faststart). ffmpeg's encoder misses its target by a margin that depends on
 * the speech, so an encode outside 24–24.5 kbit/s is redone once with the target scaled to land at about 24.2 (the repository's
 * 60 MB budget for 50 lessons of about 6 minutes leaves no room for more).
 */
function encodeAudio(wav, out) {
  const encode = (kbps) => ffmpeg(['-i', wav, '-c:a', 'aac', '-aac_coder', 'fast', '-b:a', `${kbps}k`, '-ac', '1', '-ar', String(SAMPLE_RATE), '-movflags', '+faststart', out]);
  encode(AUDIO_KBPS);
  const actual = audioBitrate(out) / 1000;
  if (actual < 24 || actual > 24.5) encode(Math.round(AUDIO_KBPS * (24.2 / actual) * 10) / 10);
  return audioBitrate(out);
}

function makeVideo(name, narration, total, course, lesson, paragraphStarts) {
  const colour = COLOURS[course.module] ?? '#2f5f7d';
  const footer = `${MODULE_LABELS[course.module] ?? ''} · 心桥家庭教育课程`;
  const slides = lesson.slides?.length ? lesson.slides : [{ at: 0, text: lesson.title }];
  const list = [];
  const title = path.join(tmp, 'slide-title.png');
  const courseLines = wrap(course.title, 20).slice(0, 2).map((text) => ({ text, size: 26, colour: '#fff4c2' }));
  const lessonLines = wrap(lesson.title, 13).slice(0, 3).map((text) => ({ text, size: 40, colour: 'white', bold: true }));
  slidePng(title, colour, [...courseLines, ...lessonLines], footer);
  list.push({ file: title, start: 0 });
  slides.forEach((s, i) => {
    const file = path.join(tmp, `slide-${i}.png`);
    const lines = s.text.split('\n').slice(0, 4).map((text, j) => (j === 0 ? { text, size: 40, colour: 'white', bold: true } : { text, size: 34, colour: '#fff4c2' }));
    slidePng(file, colour, lines, `${footer} · ${i + 1}/${slides.length}`);
    list.push({ file, start: i === 0 ? TITLE_SECONDS : paragraphStarts[s.at] - 0.2 });
  });
  const concat = list
    .map((s, i) => `file '${s.file}'\nduration ${((list[i + 1]?.start ?? total) - s.start).toFixed(3)}`)
    .concat([`file '${list[list.length - 1].file}'`])
    .join('\n');
  fs.writeFileSync(path.join(tmp, 'slides.txt'), concat);
  ffmpeg([
    '-f', 'concat', '-safe', '0', '-i', path.join(tmp, 'slides.txt'), '-i', narration,
    '-vf', 'fps=1,format=yuv420p', '-c:v', 'libx264', '-profile:v', 'baseline', '-level', '3.0', '-preset', 'veryslow', '-tune', 'stillimage',
    '-crf', '28', '-g', '300', '-r', '1', '-c:a', 'copy', '-shortest', '-movflags', '+faststart', path.join(MEDIA, `${name}.mp4`),
  ]);
}

/** Breaks a title into lines of at most `max` characters. */
function wrap(text, max) {
  const out = [];
  for (let i = 0; i < text.length; i += max) out.push(text.slice(i, i + max));
  return out;
}

/** What the media of a lesson depend on: a change regenerates it. */
function lessonHash(course, lesson) {
  const input = { VERSION, RATE, kind: lesson.kind, body: lesson.body, slides: lesson.kind === 'video' ? lesson.slides ?? null : null, title: lesson.title, course: course.title, module: course.module };
  return createHash('sha256').update(JSON.stringify(input)).digest('hex').slice(0, 16);
}

const manifest = fs.existsSync(MANIFEST) ? JSON.parse(fs.readFileSync(MANIFEST, 'utf8')) : { lessons: {} };
const nextManifest = { rate: RATE, hanPerSecond: {}, lessons: {} };
const keep = new Set(['generate.sh', 'generate.mjs', 'speech.mjs', 'manifest.json']);
const totals = { audio: { han: 0, seconds: 0 }, video: { han: 0, seconds: 0 } };
let made = 0;
let skipped = 0;

for (const file of fs.readdirSync(COURSES).filter((f) => f.endsWith('.json')).sort()) {
  const full = path.join(COURSES, file);
  const raw = fs.readFileSync(full, 'utf8');
  const course = JSON.parse(raw);
  for (const lesson of course.lessons) {
    if (lesson.kind !== 'audio' && lesson.kind !== 'video') continue;
    const name = `${course.slug}--${lesson.slug}`;
    const media = `${name}.${lesson.kind === 'video' ? 'mp4' : 'm4a'}`;
    const hash = lessonHash(course, lesson);
    const old = manifest.lessons[name];
    const fresh = !force && old?.hash === hash && fs.existsSync(path.join(MEDIA, media)) && fs.existsSync(path.join(MEDIA, `${name}.vtt`));
    if (fresh || (only.size > 0 && !only.has(course.slug))) {
      if (old && fs.existsSync(path.join(MEDIA, media))) {
        nextManifest.lessons[name] = old;
        keep.add(media).add(`${name}.vtt`);
        if (fresh) {
          lesson.media = media;
          lesson.durationSeconds = old.seconds;
          skipped++;
        }
      }
      if (fresh) {
        totals[lesson.kind].han += han(lesson.body.join(''));
        totals[lesson.kind].seconds += old.seconds;
      }
      continue;
    }
    const started = Date.now();
    const offset = lesson.kind === 'video' ? TITLE_SECONDS : 0;
    const { pcm, sentences, paragraphStarts } = narrate(lesson.body, offset);
    const wav = path.join(tmp, 'narration.wav');
    writeWav(wav, pcm);
    const narration = path.join(lesson.kind === 'video' ? tmp : MEDIA, `${name}.m4a`);
    const bitrate = encodeAudio(wav, narration);
    if (lesson.kind === 'video') makeVideo(name, narration, seconds(pcm), course, lesson, paragraphStarts);
    fs.writeFileSync(path.join(MEDIA, `${name}.vtt`), toVtt(captionCues(sentences)));
    const secs = probeSeconds(path.join(MEDIA, media));
    lesson.media = media;
    lesson.durationSeconds = secs;
    keep.add(media).add(`${name}.vtt`);
    nextManifest.lessons[name] = { hash, seconds: secs, sentences: sentences.length, audioKbps: Math.round(bitrate / 100) / 10, bytes: fs.statSync(path.join(MEDIA, media)).size };
    totals[lesson.kind].han += han(lesson.body.join(''));
    totals[lesson.kind].seconds += secs;
    made++;
    console.log(`${media}\t${secs} s\t${(fs.statSync(path.join(MEDIA, media)).size / 1024).toFixed(0)} KB\t${sentences.length} sentences\t${((Date.now() - started) / 1000).toFixed(1)} s to make`);
  }
  const out = `${JSON.stringify(course, null, 2)}\n`;
  if (out !== raw) fs.writeFileSync(full, out);
}

// The measured narration rate (汉字 a second of media, per kind), which the content check compares each lesson with.
for (const kind of ['audio', 'video']) {
  const k = totals[kind];
  nextManifest.hanPerSecond[kind] = k.seconds > 0 ? Math.round((k.han / k.seconds) * 1000) / 1000 : manifest.hanPerSecond?.[kind] ?? null;
}
if (only.size > 0) for (const [name, entry] of Object.entries(manifest.lessons)) if (!nextManifest.lessons[name]) nextManifest.lessons[name] = entry;
fs.writeFileSync(MANIFEST, `${JSON.stringify(nextManifest, null, 2)}\n`);
let removed = 0;
if (only.size === 0) {
  for (const f of fs.readdirSync(MEDIA)) {
    if (keep.has(f) || !/\.(m4a|mp4|mp3|aac|wav|webm|vtt)$/.test(f)) continue;
    fs.rmSync(path.join(MEDIA, f));
    removed++;
  }
}
console.log(`made ${made}, unchanged ${skipped}, removed ${removed}; 汉字 a second: audio ${nextManifest.hanPerSecond.audio}, video ${nextManifest.hanPerSecond.video}`);
