/**
 * The course authoring console (issue 16): uploads checked by their bytes with durations read from the file, drafts
 * invisible to parents everywhere, region courses only for parents of that region, edits that keep parents' progress,
 * per-object access for 妇联 staff, concurrent saves, double-tapped publishing, odd Unicode and the audit trail.
 */
import fs from 'node:fs';
import path from 'node:path';
import { probeMedia } from '../../src/server/domain/learning/media-probe';
import type { Database } from '../../src/server/storage/db';
import { testApp, type TestApp } from '../helpers/app';
import { describeOn, scratchPostgres } from '../helpers/db';
import { createParents, sessionTokens } from '../helpers/parents';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const speech = fs.readFileSync(path.join(FIXTURES, 'authoring-speech.m4a'));
const mp3 = fs.readFileSync(path.join(FIXTURES, 'authoring-speech.mp3'));
const video = fs.readFileSync(path.join(FIXTURES, 'authoring-video.mp4'));

const ARTICLE = '## 先听孩子说完\n孩子情绪低落时，先放下手机，看着孩子，听他把话说完。\n- 不打断\n- 不急着讲道理\n- 说出你看到的：“你今天好像很累”';
const question = (n: number) => ({
  prompt: `第 ${n} 题：孩子连续两周睡不好、不想上学，家长应该怎么做？`,
  options: ['先观察，不用管', '联系学校心理老师并考虑就医', '批评孩子太懒', '没收手机'],
  answer: 1,
  explanation: '持续两周以上的情绪和睡眠变化是需要关注的信号，应及时联系学校心理老师，必要时就医。',
});

describe('media probe (bytes, not names)', () => {
  it('reads an m4a duration from its mvhd box and sees no video track', () => {
    const p = probeMedia(speech);
    expect(p).toMatchObject({ ext: 'm4a', contentType: 'audio/mp4', hasVideo: false });
    expect(p.durationSeconds).toBeCloseTo(12, 0);
  });
  it('reads an mp4 with a video track', () => {
    const p = probeMedia(video);
    expect(p).toMatchObject({ ext: 'mp4', hasVideo: true });
    expect(p.durationSeconds).toBeCloseTo(3, 0);
  });
  it('sums MP3 frames', () => {
    const p = probeMedia(mp3);
    expect(p).toMatchObject({ ext: 'mp3', contentType: 'audio/mpeg' });
    expect(p.durationSeconds).toBeGreaterThan(2.9);
    expect(p.durationSeconds).toBeLessThan(3.2);
  });
  it('refuses text renamed .mp4, a truncated mp4 and a truncated mp3', () => {
    expect(() => probeMedia(Buffer.from('<html>not a video</html>'.repeat(50)))).toThrow(expect.objectContaining({ code: 'MEDIA_UNSUPPORTED' }));
    expect(() => probeMedia(speech.subarray(0, Math.floor(speech.length * 0.6)))).toThrow(expect.objectContaining({ code: 'MEDIA_BROKEN' }));
    expect(() => probeMedia(mp3.subarray(0, Math.floor(mp3.length * 0.5) + 7))).toThrow(expect.objectContaining({ code: 'MEDIA_BROKEN' }));
  });
});

function suite(driver: string, open: () => Promise<Database | null>): void {
  describeOn(driver)(`course authoring (${driver})`, () => {
    let t: TestApp;
    let db: Database | null = null;
    const tok: Record<string, string> = {};
    const region: Record<string, string> = {};

    const upload = async (who: string, bytes: Buffer, fileName: string) => {
      const start = await t.call('POST', '/api/admin/media/uploads', { token: tok[who], body: { fileName, sizeBytes: bytes.length } });
      if (start.status !== 201) return start;
      const { uploadId, partBytes, partCount } = start.body as { uploadId: string; partBytes: number; partCount: number };
      for (let i = 0; i < partCount; i += 1) {
        const part = await t.call('PUT', `/api/admin/media/uploads/${uploadId}/parts/${i}`, { token: tok[who], body: { dataBase64: bytes.subarray(i * partBytes, (i + 1) * partBytes).toString('base64') } });
        expect(part.status).toBe(200);
      }
      return t.call('POST', `/api/admin/media/uploads/${uploadId}/finish`, { token: tok[who], body: {} });
    };
    const draft = (over: Record<string, unknown> = {}) => ({
      title: '孩子情绪低落时怎么办', summary: '三步陪伴孩子走出低落情绪', module: 'mh_care', stages: ['primary'], regionId: null,
      lessons: [{ id: null, title: '先听孩子说完', kind: 'article', text: ARTICLE, media: null }],
      quiz: { passMark: 80, questions: [] as unknown[] },
      ...over,
    });
    const catalogue = async (who: string | null) => (await t.call('GET', '/api/courses', { token: who ? tok[who] : null })).body.courses.map((c: { id: string }) => c.id) as string[];

    beforeAll(async () => {
      db = await open();
      t = await testApp(db ? { db } : {});
      for (const who of ['admin', 'federation', 'parent', 'parent3', 'psychologist']) tok[who] = await t.login(who);
      for (const [key, code] of [['taiyuan', '140100'], ['xiaodian', '140105'], ['datong', '140200']]) {
        region[key] = (await t.db.query<{ id: string }>('SELECT id FROM regions WHERE code = $1', [code]))[0]!.id;
      }
      // A 妇联 worker of 大同市 and a parent whose child goes to school in 大同.
      const now = new Date('2026-11-23T08:00:00Z');
      const [fed] = await t.db.query<{ id: string }>("INSERT INTO users (display_name) VALUES ('大同妇联') RETURNING id");
      await t.db.query("INSERT INTO role_grants (user_id, role, scope_type, scope_id) VALUES ($1, 'federation_staff', 'region', $2)", [fed!.id, region.datong]);
      await t.db.query('INSERT INTO privacy_consents (user_id, version) VALUES ($1, $2)', [fed!.id, t.deps.config.privacyVersion]);
      [tok.datongFed] = await sessionTokens(t.db, t.deps.config.sessionSecret, [fed!.id], now);
      const district = (await t.db.query<{ id: string }>("SELECT id FROM regions WHERE parent_id = $1 ORDER BY code LIMIT 1", [region.datong]))[0]!.id;
      const [school] = await t.db.query<{ id: string }>("INSERT INTO schools (name, region_id, stages) VALUES ('大同测试小学', $1, '{primary}') RETURNING id", [district]);
      [tok.datongParent] = await createParents(t.db, t.deps.config.sessionSecret, 1, school!.id, t.deps.config.privacyVersion, now);
    }, 120_000);
    afterAll(async () => {
      if (t) await t.close();
      if (db) await db.close();
    });

    it('uploads in parts: duration read from the file, the same bytes twice are one file, served with ranges from the database', async () => {
      const res = await upload('admin', speech, '讲座录音.m4a');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ contentType: 'audio/mp4', sizeBytes: speech.length, hasVideo: false });
      expect(res.body.durationSeconds).toBeCloseTo(12, 0);
      expect(res.body.name).toMatch(/^[0-9a-f]{64}\.m4a$/);
      const again = await upload('federation', speech, 'copy.m4a');
      expect(again.body.name).toBe(res.body.name);
      const whole = await t.call('GET', res.body.url);
      expect(whole.status).toBe(200);
      expect(whole.headers.get('content-type')).toBe('audio/mp4');
      expect(whole.headers.get('accept-ranges')).toBe('bytes');
      const part = await t.call('GET', res.body.url, { headers: { range: 'bytes=4-11' } });
      expect(part.status).toBe(206);
      expect(part.headers.get('content-range')).toBe(`bytes 4-11/${speech.length}`);
      expect(part.body).toBe('ftypM4A ');
      const etag = whole.headers.get('etag') as string;
      expect((await t.call('GET', res.body.url, { headers: { 'if-none-match': etag } })).status).toBe(304);
      expect((await t.call('GET', `/media/${'0'.repeat(64)}.m4a`)).status).toBe(404);
    });

    it('refuses a wrong file renamed .mp4, a truncated mp4, an oversized file, other people and other people’s uploads', async () => {
      const fake = await upload('admin', Buffer.from('GIF89a'.padEnd(3000, 'x')), 'lesson.mp4');
      expect(fake.status).toBe(415);
      expect(fake.body.error.code).toBe('MEDIA_UNSUPPORTED');
      expect(fake.body.error.message).toMatch(/MP4/);
      const cut = await upload('admin', video.subarray(0, video.length - 500), 'cut.mp4');
      expect(cut.status).toBe(422);
      expect(cut.body.error.code).toBe('MEDIA_BROKEN');
      const big = await t.call('POST', '/api/admin/media/uploads', { token: tok.admin, body: { fileName: 'big.mp4', sizeBytes: t.deps.config.mediaMaxBytes + 1 } });
      expect(big.status).toBe(413);
      expect(big.body.error.code).toBe('MEDIA_TOO_LARGE');
      expect(big.body.error.message).toMatch(/超过上限 30\.0 MB/);
      expect((await t.call('POST', '/api/admin/media/uploads', { token: tok.parent, body: { fileName: 'a.mp4', sizeBytes: 10 } })).status).toBe(403);
      const mine = await t.call('POST', '/api/admin/media/uploads', { token: tok.admin, body: { fileName: 'a.m4a', sizeBytes: 10 } });
      const theirs = await t.call('PUT', `/api/admin/media/uploads/${mine.body.uploadId}/parts/0`, { token: tok.federation, body: { dataBase64: Buffer.alloc(10).toString('base64') } });
      expect(theirs.status).toBe(404);
      const wrongSize = await t.call('PUT', `/api/admin/media/uploads/${mine.body.uploadId}/parts/0`, { token: tok.admin, body: { dataBase64: Buffer.alloc(9).toString('base64') } });
      expect(wrongSize.status).toBe(400);
      expect((await t.call('POST', `/api/admin/media/uploads/${mine.body.uploadId}/finish`, { token: tok.admin, body: {} })).body.error.code).toBe('MEDIA_BROKEN');
      // An abandoned upload is deleted with its parts a day later; uploaded files stay.
      await t.call('PUT', `/api/admin/media/uploads/${mine.body.uploadId}/parts/0`, { token: tok.admin, body: { dataBase64: Buffer.alloc(10).toString('base64') } });
      const { runDueJobs } = await import('../../src/server/jobs');
      const report = await runDueJobs(t.deps, new Date('2026-11-24T08:00:01Z'));
      expect(report.expireMediaUploads).toBeGreaterThan(0);
      const [left] = await t.db.query<{ uploads: number; parts: number; files: number }>(
        'SELECT (SELECT count(*)::int FROM media_uploads) AS uploads, (SELECT count(*)::int FROM media_upload_parts) AS parts, (SELECT count(*)::int FROM media_files) AS files',
      );
      expect(left).toMatchObject({ uploads: 0, parts: 0 });
      expect(left!.files).toBeGreaterThan(0);
    });

    it('a draft is invisible to parents everywhere; publishing checks the course and a double tap publishes once', async () => {
      const audio = await upload('admin', speech, 'a.m4a');
      const created = await t.call('POST', '/api/admin/authoring/courses', {
        token: tok.admin,
        body: draft({ lessons: [{ id: null, title: '先听孩子说完', kind: 'article', text: ARTICLE, media: null }, { id: null, title: '录音：三句话', kind: 'audio', text: '家长朋友您好。', media: null }] }),
      });
      expect(created.status).toBe(201);
      const c = created.body;
      expect(c.published).toBe(false);
      expect(c.problems.map((p: { path: string }) => p.path)).toEqual(['lessons.1.media', 'quiz.questions']);
      const lessonIds = c.course.lessons.map((l: { id: string }) => l.id) as string[];
      for (const who of ['parent', null]) expect(await catalogue(who)).not.toContain(c.id);
      expect((await t.call('GET', `/api/courses/${c.id}`, { token: tok.parent })).status).toBe(404);
      expect((await t.call('GET', `/api/courses/${c.id}`)).status).toBe(404);
      expect((await t.call('POST', `/api/courses/${c.id}/enroll`, { token: tok.parent, body: {} })).status).toBe(404);
      expect((await t.call('GET', `/api/lessons/${lessonIds[0]}`, { token: tok.parent })).status).toBe(404);
      expect((await t.call('GET', `/api/courses/${c.id}/quiz`, { token: tok.parent })).status).toBe(404);

      const notYet = await t.call('POST', `/api/admin/authoring/courses/${c.id}/publish`, { token: tok.admin, body: { version: c.version } });
      expect(notYet.status).toBe(400);
      expect(notYet.body.error.details.map((d: { message: string }) => d.message).join(' ')).toMatch(/请上传音频文件.*测验须有 4–6 道题/);

      const saved = await t.call('PUT', `/api/admin/authoring/courses/${c.id}`, {
        token: tok.admin,
        body: { ...draft({ lessons: [{ ...c.course.lessons[0] }, { ...c.course.lessons[1], media: audio.body.name }].map(({ id, title, kind, text, media }) => ({ id, title, kind, text, media })), quiz: { passMark: 75, questions: [1, 2, 3, 4].map((n) => question(n)) } }), version: c.version },
      });
      expect(saved.status).toBe(200);
      expect(saved.body.problems).toEqual([]);
      expect(saved.body.course.lessons.map((l: { id: string }) => l.id)).toEqual(lessonIds);
      expect(saved.body.course.lessons[1].durationSeconds).toBe(12);
      expect(saved.body.course.lessons[0].durationSeconds).toBeGreaterThanOrEqual(60);

      const preview = await t.call('GET', `/api/admin/authoring/courses/${c.id}/preview`, { token: tok.admin });
      expect(preview.body.lessons.map((l: { id: string; progress: unknown }) => [l.id, l.progress])).toEqual(lessonIds.map((id) => [id, null]));
      const lessonPreview = await t.call('GET', `/api/admin/authoring/courses/${c.id}/lessons/${lessonIds[1]}`, { token: tok.admin });
      expect(lessonPreview.body).toMatchObject({ mediaUrl: `/media/${audio.body.name}`, body: ['家长朋友您好。'] });
      const [opens] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM lesson_opens WHERE lesson_id = ANY($1::uuid[])', [lessonIds]);
      expect(opens!.n).toBe(0);

      const taps = await Promise.all([1, 2, 3].map(() => t.call('POST', `/api/admin/authoring/courses/${c.id}/publish`, { token: tok.admin, body: { version: saved.body.version } })));
      expect(taps.map((r) => r.status)).toEqual([200, 200, 200]);
      const audits = await t.db.query<{ action: string }>('SELECT action FROM course_audit WHERE course_id = $1 ORDER BY id', [c.id]);
      expect(audits.map((a) => a.action)).toEqual(['created', 'saved', 'published']);
      expect(await catalogue('parent')).toContain(c.id);
      expect(await catalogue(null)).toContain(c.id);
    });

    it('edits of a published course keep lesson ids and a parent’s progress; taking it back hides it, statements included', async () => {
      const audio = await upload('admin', speech, 'a.m4a');
      const created = (await t.call('POST', '/api/admin/authoring/courses', {
        token: tok.admin,
        body: draft({ lessons: [{ id: null, title: '录音：三句话', kind: 'audio', text: '家长朋友您好。', media: audio.body.name }, { id: null, title: '先听孩子说完', kind: 'article', text: ARTICLE, media: null }], quiz: { passMark: 80, questions: [1, 2, 3, 4].map((n) => question(n)) } }),
      })).body;
      const published = (await t.call('POST', `/api/admin/authoring/courses/${created.id}/publish`, { token: tok.admin, body: { version: created.version } })).body;
      expect(published.published).toBe(true);
      const [audioId, articleId] = published.course.lessons.map((l: { id: string }) => l.id) as string[];
      expect((await t.call('POST', `/api/courses/${created.id}/enroll`, { token: tok.parent, body: {} })).status).toBe(200);
      expect((await t.call('GET', `/api/lessons/${audioId}`, { token: tok.parent })).status).toBe(200);
      t.setNow(new Date('2026-11-23T08:00:30Z'));
      const st = await t.call('POST', '/api/progress', { token: tok.parent, body: { statements: [{ id: '8f8f8f8f-0000-4000-8000-000000000001', lessonId: audioId, verb: 'played', segments: [[0, 12]], position: 12, timestamp: '2026-11-23T08:00:29Z' }] } });
      expect(st.status).toBe(200);
      expect(st.body.accepted).toBe(1);

      // Reorder, retitle, add a lesson: the audio lesson keeps its id and the parent's progress.
      const lessons = published.course.lessons.map(({ id, title, kind, text, media }: Record<string, unknown>) => ({ id, title, kind, text, media }));
      const edited = await t.call('PUT', `/api/admin/authoring/courses/${created.id}`, {
        token: tok.admin,
        body: { ...draft({ title: '孩子情绪低落时怎么办（修订）', lessons: [lessons[1], { ...lessons[0], title: '录音：先听后说' }, { id: null, title: '新增：什么时候求助', kind: 'article', text: ARTICLE, media: null }], quiz: published.course.quiz }), version: published.version },
      });
      expect(edited.status).toBe(200);
      expect(edited.body.course.lessons.map((l: { id: string }) => l.id).slice(0, 2)).toEqual([articleId, audioId]);
      const detail = await t.call('GET', `/api/courses/${created.id}`, { token: tok.parent });
      const audioNow = detail.body.lessons.find((l: { id: string }) => l.id === audioId);
      expect(audioNow.title).toBe('录音：先听后说');
      expect(audioNow.progress.completed).toBe(true);

      // A published course cannot be saved into an unpublishable state.
      const broken = await t.call('PUT', `/api/admin/authoring/courses/${created.id}`, { token: tok.admin, body: { ...draft({ quiz: { passMark: 80, questions: [] } }), version: edited.body.version } });
      expect(broken.status).toBe(400);
      expect(broken.body.error.details[0].path).toBe('quiz.questions');

      const off = await t.call('POST', `/api/admin/authoring/courses/${created.id}/unpublish`, { token: tok.admin, body: { version: edited.body.version } });
      expect(off.body.published).toBe(false);
      expect((await t.call('GET', `/api/courses/${created.id}`, { token: tok.parent })).status).toBe(404);
      expect((await t.call('GET', '/api/me/learning', { token: tok.parent })).body.inProgress.map((c: { id: string }) => c.id)).not.toContain(created.id);
      const late = await t.call('POST', '/api/progress', { token: tok.parent, body: { statements: [{ id: '8f8f8f8f-0000-4000-8000-000000000002', lessonId: articleId, verb: 'read', segments: [[0, 30]], position: 0, timestamp: '2026-11-23T08:00:29Z' }] } });
      expect(late.body.accepted).toBe(0);
      expect(late.body.rejected[0].code).toBe('NOT_FOUND');
      expect((await t.call('GET', `/api/courses/${created.id}/quiz`, { token: tok.parent })).status).toBe(404);
      // Back on: the progress is still there.
      await t.call('POST', `/api/admin/authoring/courses/${created.id}/publish`, { token: tok.admin, body: { version: off.body.version } });
      const back = await t.call('GET', `/api/courses/${created.id}`, { token: tok.parent });
      expect(back.body.lessons.find((l: { id: string }) => l.id === audioId).progress.completed).toBe(true);
    });

    it('concurrent saves of one course: one wins, the other is told to refresh', async () => {
      const c = (await t.call('POST', '/api/admin/authoring/courses', { token: tok.admin, body: draft() })).body;
      const [a, b] = await Promise.all([
        t.call('PUT', `/api/admin/authoring/courses/${c.id}`, { token: tok.admin, body: { ...draft({ title: '版本甲' }), version: c.version } }),
        t.call('PUT', `/api/admin/authoring/courses/${c.id}`, { token: tok.admin, body: { ...draft({ title: '版本乙' }), version: c.version } }),
      ]);
      expect([a.status, b.status].sort()).toEqual([200, 409]);
      const loser = a.status === 409 ? a : b;
      expect(loser.body.error.message).toMatch(/已被他人修改/);
      const now = await t.call('GET', `/api/admin/authoring/courses/${c.id}`, { token: tok.admin });
      expect(now.body.version).toBe(c.version + 1);
    });

    it('妇联 staff write their region’s courses only; a region course reaches only parents of that region', async () => {
      const own = await t.call('POST', '/api/admin/authoring/courses', { token: tok.federation, body: draft({ title: '太原市家长课堂' }) });
      expect(own.status).toBe(201);
      expect(own.body.regionName).toBe('太原市');
      const platform = await t.call('POST', '/api/admin/authoring/courses', { token: tok.admin, body: draft() });
      const other = await t.call('POST', '/api/admin/authoring/courses', { token: tok.datongFed, body: draft({ title: '大同市家长课堂' }) });
      expect(other.body.regionName).toBe('大同市');
      // Region B's staff cannot see, edit, preview or publish region A's course, nor platform courses.
      for (const [method, url, body] of [
        ['GET', `/api/admin/authoring/courses/${own.body.id}`, undefined],
        ['PUT', `/api/admin/authoring/courses/${own.body.id}`, { ...draft(), version: 1 }],
        ['GET', `/api/admin/authoring/courses/${own.body.id}/preview`, undefined],
        ['POST', `/api/admin/authoring/courses/${own.body.id}/publish`, { version: 1 }],
        ['GET', `/api/admin/authoring/courses/${platform.body.id}`, undefined],
      ] as const) {
        const res = await t.call(method, url, { token: tok.datongFed, body });
        expect([url, res.status]).toEqual([url, 404]);
      }
      const list = (await t.call('GET', '/api/admin/authoring/courses', { token: tok.datongFed })).body;
      expect(list.courses.map((c: { id: string }) => c.id)).toEqual([other.body.id]);
      expect(list.canCreatePlatform).toBe(false);
      expect((await t.call('POST', '/api/admin/authoring/courses', { token: tok.datongFed, body: draft({ regionId: region.taiyuan }) })).status).toBe(404);
      expect((await t.call('GET', '/api/admin/authoring/courses', { token: tok.psychologist })).status).toBe(403);
      expect((await t.call('GET', '/api/admin/authoring/courses', { token: tok.parent })).status).toBe(403);

      // Publish 太原市's course (complete it first): 张敏 (children in 小店区, 太原) sees it; the 大同 parent and guests do not.
      const audio = await upload('federation', speech, 'a.m4a');
      const full = await t.call('PUT', `/api/admin/authoring/courses/${own.body.id}`, {
        token: tok.federation,
        body: { ...draft({ title: '太原市家长课堂', regionId: region.taiyuan, lessons: [{ id: null, title: '录音', kind: 'audio', text: '文字稿', media: audio.body.name }], quiz: { passMark: 80, questions: [1, 2, 3, 4, 5].map((n) => question(n)) } }), version: own.body.version },
      });
      expect(full.status).toBe(200);
      expect((await t.call('POST', `/api/admin/authoring/courses/${own.body.id}/publish`, { token: tok.federation, body: { version: full.body.version } })).status).toBe(200);
      expect(await catalogue('parent')).toContain(own.body.id);
      expect(await catalogue('datongParent')).not.toContain(own.body.id);
      expect(await catalogue(null)).not.toContain(own.body.id);
      expect((await t.call('GET', `/api/courses/${own.body.id}`, { token: tok.datongParent })).status).toBe(404);
      const lessonId = full.body.course.lessons[0].id;
      expect((await t.call('GET', `/api/lessons/${lessonId}`, { token: tok.datongParent })).status).toBe(404);
      expect((await t.call('GET', `/api/lessons/${lessonId}`, { token: tok.parent })).status).toBe(200);
    });

    it('titles: emoji and rare characters are kept; invisible direction and zero-width characters are refused by field', async () => {
      const ok = await t.call('POST', '/api/admin/authoring/courses', { token: tok.admin, body: draft({ title: '  亲子沟通 🌱 𠀋字课  ' }) });
      expect(ok.status).toBe(201);
      expect(ok.body.course.title).toBe('亲子沟通 🌱 𠀋字课');
      for (const title of ['正常\u202e课程', '零宽\u200b课程', '换行\n课程']) {
        const bad = await t.call('POST', '/api/admin/authoring/courses', { token: tok.admin, body: draft({ title }) });
        expect(bad.status).toBe(400);
        expect(bad.body.error.details[0]).toMatchObject({ path: 'body.title', message: expect.stringMatching(/不可见的控制字符/) });
      }
      const dupOptions = await t.call('POST', '/api/admin/authoring/courses', { token: tok.admin, body: draft({ quiz: { passMark: 80, questions: [{ ...question(1), options: ['是', '是 '] }] } }) });
      expect(dupOptions.status).toBe(400);
      expect(dupOptions.body.error.details[0]).toMatchObject({ path: 'quiz.questions.0.options', message: '第 1 题：选项不能重复' });
    });

    it('the startup import leaves a course edited in the console alone', async () => {
      const { importCourses, readCourseFiles } = await import('../../src/server/domain/learning/content');
      const files = readCourseFiles();
      expect(await importCourses(t.db, files)).toBe(files.length);
      const shipped = (await t.db.query<{ id: string; version: number }>('SELECT id, version FROM courses WHERE slug = $1', [files[0]!.slug]))[0]!;
      const form = (await t.call('GET', `/api/admin/authoring/courses/${shipped.id}`, { token: tok.admin })).body;
      const lessons = form.course.lessons.map(({ id, title, kind, text, media }: Record<string, unknown>) => ({ id, title, kind, text, media }));
      const saved = await t.call('PUT', `/api/admin/authoring/courses/${shipped.id}`, { token: tok.admin, body: { ...form.course, title: '控制台修改过的标题', lessons, version: form.version } });
      expect(saved.status).toBe(200);
      expect(saved.body.origin).toBe('console');
      expect(await importCourses(t.db, files)).toBe(files.length - 1);
      expect((await t.db.query<{ title: string }>('SELECT title FROM courses WHERE id = $1', [shipped.id]))[0]!.title).toBe('控制台修改过的标题');
    });
  });
}

suite('PGlite', async () => null);
suite('PostgreSQL', () => scratchPostgres());
