import Taro from '@tarojs/taro';
import type { Signature } from '../../types';
import { devLogin } from '../../src/services/auth';
import {
  acknowledgeNotice, addStudent, approveNotice, bindChild, closeNotice, closeReferral, createBindingCode, getMyData, getNotice, getNoticeBoard,
  getNoticeSettings, getStudentGuardians, issueNotice, listMyNotices, listNoticeSchools, listStudents, revokeBindingCode, verifyAuditChain,
} from '../../src/services/notices';
import { newIdempotencyKey } from '../../src/services/idempotency';
import { TOKEN_KEY } from '../../src/services/session';
import { must, withBackend } from './backend-process';

withBackend();

beforeEach(() => {
  Taro.removeStorageSync(TOKEN_KEY);
});

/** A signature the server accepts: one wavy stroke of 20 points in the 1000 × 400 box. */
const SIGNATURE: Signature = { strokes: [Array.from({ length: 20 }, (_, i) => [100 + i * 40, Math.round(200 + 80 * Math.sin(i / 2))]).flat()] };

const CONTENT = {
  observed: '近两周在课堂上多次独自流泪，午休时常一个人待在教室，作业完成情况明显下降。',
  recommendation: '建议家长尽快带孩子到精神卫生医疗机构进行专业评估，也可预约与学校心理教师面谈。',
  meetingSlots: [] as string[],
  meetingPlace: '学校心理辅导室',
  contactName: '王静',
  contactPhone: '0351-0000101',
};

describe('notices services against the real backend', () => {
  it('takes a notice from a binding code to a signed acknowledgement the school sees, and the audit chain verifies', async () => {
    // The psychology teacher's school, its settings and a new pupil with a binding code for the mother.
    must(await devLogin('psychologist'));
    const school = must(await listNoticeSchools()).schools.find((s) => s.name.includes('育英'));
    if (!school) throw new Error('no school');
    expect(school.roles).toContain('school_psychologist');
    const settings = must(await getNoticeSettings(school.id));
    expect(settings.requireApproval).toBe(true);
    expect(settings.canEdit).toBe(false);
    const student = must(await addStudent(school.id, { name: '测试学生', grade: '四年级', className: '3班', stage: 'primary' }, newIdempotencyKey()));
    expect(must(await listStudents(school.id, '测试学生')).students.map((s) => s.id)).toEqual([student.id]);
    const spare = must(await createBindingCode(student.id, { relation: 'father', phone: null, expiresInDays: 3 }, newIdempotencyKey()));
    expect(must(await revokeBindingCode(spare.binding.id)).codes.find((c) => c.id === spare.binding.id)?.status).toBe('revoked');
    const created = must(await createBindingCode(student.id, { relation: 'mother', phone: null, expiresInDays: 7 }, newIdempotencyKey()));
    expect(created.code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    expect(created.binding.status).toBe('open');

    // The guardian: refused without the separate consent, bound with it.
    must(await devLogin('parent3'));
    const refused = await bindChild({ code: created.code, relation: 'mother', noticeConsent: false, phoneCode: null, acceptSchoolNotice: false }, newIdempotencyKey());
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.code).toBe('NOTICE_CONSENT_REQUIRED');
    const bound = must(await bindChild({ code: created.code.toLowerCase(), relation: 'mother', noticeConsent: true, phoneCode: null, acceptSchoolNotice: false }, newIdempotencyKey()));
    expect(bound.child).toMatchObject({ studentId: student.id, name: '测试学生', relation: 'mother' });

    // Issued by the psychology teacher, approved by the leader.
    must(await devLogin('psychologist'));
    const guardians = must(await getStudentGuardians(student.id));
    expect(guardians.guardians.filter((g) => !g.revokedAt && g.noticeConsentAt)).toHaveLength(1);
    const notice = must(await issueNotice({ studentId: student.id, level: 'grade', institutions: settings.institutions, ...CONTENT }, newIdempotencyKey()));
    expect(notice.status).toBe('pending_approval');
    const self = await approveNotice(notice.id, newIdempotencyKey());
    expect(self.ok === false && self.error.code).toBe('SELF_APPROVAL');
    must(await devLogin('leader'));
    expect(must(await approveNotice(notice.id, newIdempotencyKey())).status).toBe('sent');

    // The guardian reads and acknowledges once: 同意转介 with a signature.
    must(await devLogin('parent3'));
    const mine = must(await listMyNotices()).notices.find((n) => n.id === notice.id);
    expect(mine).toMatchObject({ read: false, acknowledged: false });
    const copy = must(await getNotice(notice.id));
    if (copy.kind !== 'guardian') throw new Error('expected the guardian copy');
    expect(copy.content?.observed).toBe(CONTENT.observed);
    expect(copy.watermark.name).toBeTruthy();
    const acked = must(await acknowledgeNotice(notice.id, { choice: 'referral', reason: null, meetingSlot: null, signedName: '刘女士', signature: SIGNATURE }, newIdempotencyKey()));
    expect(acked.receipt).toMatchObject({ choice: 'referral' });
    expect(acked.receipt.acknowledgedAt).toBeTruthy();
    const again = await acknowledgeNotice(notice.id, { choice: 'decline', reason: '再想想', meetingSlot: null, signedName: '刘女士', signature: SIGNATURE }, newIdempotencyKey());
    expect(again.ok === false && again.error.code).toBe('ALREADY_ACKNOWLEDGED');
    const data = must(await getMyData());
    expect(data.children.some((c) => c.studentId === student.id && c.noticeConsentAt)).toBe(true);
    expect(data.notices.find((n) => n.id === notice.id)).toMatchObject({ choice: 'referral', purged: false });

    // Another guardian gets nothing.
    must(await devLogin('parent2'));
    const stranger = await getNotice(notice.id);
    expect(stranger.ok).toBe(false);

    // The school sees the receipt with the signature, follows the referral up and closes the case.
    must(await devLogin('psychologist'));
    const board = must(await getNoticeBoard(school.id));
    expect(board.items.find((i) => i.id === notice.id)).toMatchObject({ acknowledged: 1, recipients: 1, referral: 'open' });
    const view = must(await getNotice(notice.id));
    if (view.kind !== 'staff') throw new Error('expected the staff view');
    expect(view.recipients[0]?.signature).toEqual(SIGNATURE);
    expect(view.timeline.length).toBeGreaterThan(3);
    const referral = view.referrals[0];
    if (!referral) throw new Error('no referral');
    expect(must(await closeReferral(referral.id, 'visited', newIdempotencyKey())).referrals[0]?.status).toBe('closed');
    const closed = must(await closeNotice(notice.id, newIdempotencyKey()));
    expect(closed.status).toBe('closed');
    expect(closed.purgeAfter).toBeTruthy();

    must(await devLogin('admin'));
    expect(must(await verifyAuditChain())).toMatchObject({ ok: true, firstBroken: null });
  });
});
