/** The authoring console's client services against the real backend: a media file sent in parts with its progress, then used in a course. */
import fs from 'node:fs';
import path from 'node:path';
import Taro from '@tarojs/taro';
import { TOKEN_KEY } from '../../src/services/session';
import { devLogin } from '../../src/services/auth';
import { createCourse, getAuthoring, previewCourse, saveCourse, uploadMedia } from '../../src/services/authoring';
import { newIdempotencyKey } from '../../src/services/idempotency';
import { must, withBackend } from './backend-process';

withBackend();

beforeEach(() => {
  Taro.removeStorageSync(TOKEN_KEY);
});

/** The 12 s fixture followed by a 1.1 MB `free` box (valid ISO BMFF): big enough to travel in three parts. */
function paddedAudio(): Buffer {
  const speech = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'authoring-speech.m4a'));
  const free = Buffer.alloc(1_100_000);
  free.writeUInt32BE(free.length, 0);
  free.write('free', 4, 'latin1');
  return Buffer.concat([speech, free]);
}

describe('authoring services', () => {
  it('uploads a file in parts with rising progress; the lesson takes the duration the server read', async () => {
    must(await devLogin('admin'));
    const bytes = paddedAudio();
    const shares: number[] = [];
    const file = { name: '讲座.m4a', size: bytes.length, slice: async (s: number, e: number) => new Uint8Array(bytes.subarray(s, e)).buffer };
    const media = must(await uploadMedia(file, (share) => shares.push(share)));
    expect(shares).toEqual([0, 1 / 3, 2 / 3, 1]);
    expect(media).toMatchObject({ contentType: 'audio/mp4', sizeBytes: bytes.length, hasVideo: false });
    expect(Math.round(media.durationSeconds)).toBe(12);

    const created = must(await createCourse({
      title: '客户端上传测试', summary: '分片上传', module: 'mh_aid', stages: ['junior'], regionId: null,
      lessons: [{ id: null, title: '录音', kind: 'audio', text: '文字稿', media: media.name }], quiz: { passMark: 80, questions: [] },
    }, newIdempotencyKey()));
    expect(created.course.lessons[0]).toMatchObject({ durationSeconds: 12, mediaUrl: `/media/${media.name}` });
    const form = must(await getAuthoring(created.id));
    const saved = must(await saveCourse(created.id, { ...form.course, title: '客户端上传测试（改）', lessons: form.course.lessons.map(({ id, title, kind, text, media: m }) => ({ id, title, kind, text, media: m })), version: form.version }));
    expect(saved.version).toBe(form.version + 1);
    expect(must(await previewCourse(created.id)).lessons.map((l) => l.durationSeconds)).toEqual([12]);
  });
});
