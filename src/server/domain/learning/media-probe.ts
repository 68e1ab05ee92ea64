/**
 * What an uploaded lesson file is, read from its bytes (never its name): an ISO BMFF file (mp4 / m4a) with its
 * duration from the `mvhd` box and whether a track is video, or an MP3 with its duration summed over its frames.
 * Truncated or malformed files are refused; no external tool (ffprobe) runs.
 */
import { AppError } from '../errors';

/** A recognised media file. */
export interface MediaProbe {
  ext: 'mp4' | 'm4a' | 'mp3';
  contentType: string;
  durationSeconds: number;
  hasVideo: boolean;
}

const NOT_MEDIA = '文件不是支持的音视频格式（仅支持 MP4、M4A、MP3），请检查文件后重新上传';
const BROKEN = '文件不完整或已损坏（可能没有上传完整），请重新导出后上传';

/** Reads a file's type and duration from its bytes; throws MEDIA_UNSUPPORTED or MEDIA_BROKEN. */
export function probeMedia(bytes: Buffer): MediaProbe {
  if (bytes.length >= 12 && bytes.toString('latin1', 4, 8) === 'ftyp') return probeIsoBmff(bytes);
  if (looksLikeMp3(bytes)) return probeMp3(bytes);
  throw new AppError('MEDIA_UNSUPPORTED', NOT_MEDIA);
}

interface Box { type: string; start: number; body: number; end: number }

/** The boxes in [from, to): each header's size must fit inside, or the file is truncated. */
function boxes(bytes: Buffer, from: number, to: number): Box[] {
  const out: Box[] = [];
  let at = from;
  while (at < to) {
    if (to - at < 8) throw new AppError('MEDIA_BROKEN', BROKEN);
    let size = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    let body = at + 8;
    if (size === 1) {
      if (to - at < 16) throw new AppError('MEDIA_BROKEN', BROKEN);
      const big = bytes.readBigUInt64BE(at + 8);
      if (big > BigInt(Number.MAX_SAFE_INTEGER)) throw new AppError('MEDIA_BROKEN', BROKEN);
      size = Number(big);
      body = at + 16;
    } else if (size === 0) {
      size = to - at;
    }
    if (size < body - at || at + size > to) throw new AppError('MEDIA_BROKEN', BROKEN);
    out.push({ type, start: at, body, end: at + size });
    at += size;
  }
  return out;
}

function child(bytes: Buffer, parent: Box, type: string): Box | undefined {
  return boxes(bytes, parent.body, parent.end).find((b) => b.type === type);
}

function probeIsoBmff(bytes: Buffer): MediaProbe {
  const top = boxes(bytes, 0, bytes.length);
  const moov = top.find((b) => b.type === 'moov');
  if (!moov || !top.some((b) => b.type === 'mdat')) throw new AppError('MEDIA_BROKEN', BROKEN);
  const mvhd = child(bytes, moov, 'mvhd');
  if (!mvhd) throw new AppError('MEDIA_BROKEN', BROKEN);
  const version = bytes[mvhd.body];
  const need = version === 1 ? 32 : 20;
  if (mvhd.end - mvhd.body < need) throw new AppError('MEDIA_BROKEN', BROKEN);
  const timescale = version === 1 ? bytes.readUInt32BE(mvhd.body + 20) : bytes.readUInt32BE(mvhd.body + 12);
  const duration = version === 1 ? Number(bytes.readBigUInt64BE(mvhd.body + 24)) : bytes.readUInt32BE(mvhd.body + 16);
  if (!timescale || !duration || !Number.isFinite(duration / timescale)) throw new AppError('MEDIA_BROKEN', BROKEN);
  const handlers = boxes(bytes, moov.body, moov.end)
    .filter((b) => b.type === 'trak')
    .map((trak) => {
      const mdia = child(bytes, trak, 'mdia');
      const hdlr = mdia && child(bytes, mdia, 'hdlr');
      return hdlr && hdlr.end - hdlr.body >= 12 ? bytes.toString('latin1', hdlr.body + 8, hdlr.body + 12) : '';
    });
  if (!handlers.some((h) => h === 'soun' || h === 'vide')) throw new AppError('MEDIA_UNSUPPORTED', NOT_MEDIA);
  const hasVideo = handlers.includes('vide');
  return { ext: hasVideo ? 'mp4' : 'm4a', contentType: hasVideo ? 'video/mp4' : 'audio/mp4', durationSeconds: duration / timescale, hasVideo };
}

// MPEG audio: bitrates (kbps) by [version is MPEG-1][layer III] and sample rates by version.
const BITRATES_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const BITRATES_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const RATES: Record<number, number[]> = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000] };

interface Frame { length: number; samples: number; rate: number }

/** The MPEG-1/2/2.5 layer III frame header at `at`, or null. */
function frameAt(bytes: Buffer, at: number): Frame | null {
  if (at + 4 > bytes.length || bytes[at] !== 0xff || (bytes[at + 1] & 0xe0) !== 0xe0) return null;
  const version = (bytes[at + 1] >> 3) & 3;
  const layer = (bytes[at + 1] >> 1) & 3;
  const bitrateIndex = bytes[at + 2] >> 4;
  const rateIndex = (bytes[at + 2] >> 2) & 3;
  const padding = (bytes[at + 2] >> 1) & 1;
  if (version === 1 || layer !== 1 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return null;
  const kbps = (version === 3 ? BITRATES_V1 : BITRATES_V2)[bitrateIndex] as number;
  const rate = (RATES[version] as number[])[rateIndex] as number;
  const samples = version === 3 ? 1152 : 576;
  return { length: Math.floor(((samples / 8) * kbps * 1000) / rate) + padding, samples, rate };
}

function id3Length(bytes: Buffer): number {
  if (bytes.length < 10 || bytes.toString('latin1', 0, 3) !== 'ID3') return 0;
  const size = ((bytes[6] & 0x7f) << 21) | ((bytes[7] & 0x7f) << 14) | ((bytes[8] & 0x7f) << 7) | (bytes[9] & 0x7f);
  return 10 + size + ((bytes[5] & 0x10) ? 10 : 0);
}

function looksLikeMp3(bytes: Buffer): boolean {
  const start = id3Length(bytes);
  const first = frameAt(bytes, start);
  return start > 0 ? start < bytes.length : first !== null && frameAt(bytes, start + first.length) !== null;
}

function probeMp3(bytes: Buffer): MediaProbe {
  let at = id3Length(bytes);
  if (at > bytes.length) throw new AppError('MEDIA_BROKEN', BROKEN);
  let seconds = 0;
  let frames = 0;
  let end = bytes.length;
  if (end - 128 >= at && bytes.toString('latin1', end - 128, end - 125) === 'TAG') end -= 128;
  while (at < end) {
    const frame = frameAt(bytes, at);
    if (!frame) break;
    if (at + frame.length > end) throw new AppError('MEDIA_BROKEN', BROKEN);
    seconds += frame.samples / frame.rate;
    frames += 1;
    at += frame.length;
  }
  if (frames === 0) throw new AppError('MEDIA_UNSUPPORTED', NOT_MEDIA);
  // Anything after the frames but a short tail (a trailing tag) means the stream is cut or is not MP3 at all.
  if (end - at > 4096 || frames < 10) throw new AppError('MEDIA_BROKEN', BROKEN);
  return { ext: 'mp3', contentType: 'audio/mpeg', durationSeconds: seconds, hasVideo: false };
}
