import Taro, { useRouter } from '@tarojs/taro';
import { View, Text, Textarea, Picker } from '@tarojs/components';
import { Button, Input } from '@nutui/nutui-react-taro';
import dayjs from 'dayjs';
import { useCallback, useRef, useState } from 'react';
import type { NoticeContent, NoticeDraft, NoticeDraftContent, NoticeInput, NoticeLevel, NoticeSettings, ReferralInstitution, StudentSummary } from '../../../../types';
import { CheckRow } from '../../../components/check-row';
import { CharCounter, LIMITS, nativeMax, revealErrors, useLeaveGuard, useLimits } from '../../../components/form-kit';
import { PageShell } from '../../../components/page-shell';
import { SafetyCard, useHotline } from '../../../components/safety-card';
import { Section } from '../../../components/section';
import { StateView } from '../../../components/state-view';
import { useRemote } from '../../../components/use-remote';
import { useSubmit } from '../../../components/use-submit';
import { getMe } from '../../../services/me';
import { discardNoticeDraft, getNotice, getNoticeSettings, issueNotice, listNoticeDrafts, listStudents } from '../../../services/notices';
import type { ApiResult } from '../../../services/request';
import { Chips, Field, fieldErrors } from '../lib/form';
import { LEVELS, LEVEL_LABELS } from '../lib/labels';
import { go, noticeRoutes, slotText, toast } from '../lib/nav';
import { LEVEL_HINTS, LEVEL_TEMPLATES } from '../lib/templates';
import { useNoticeDraft, type DraftStatus } from './draft';
import './index.scss';

/** A notice carries at most this many institutions and meeting times (the server's limits). */
const MAX_INSTITUTIONS = 5;
const MAX_SLOTS = 6;

/** The form's values. */
export interface IssueForm {
  student: StudentSummary | null;
  level: NoticeLevel;
  observed: string;
  recommendation: string;
  institutions: ReferralInstitution[];
  meetingSlots: string[];
  meetingPlace: string;
  contactName: string;
  contactPhone: string;
}

/** The form's fields in the order the page shows them (the first refused one is scrolled to). */
export const ISSUE_ORDER = ['student', 'observed', 'recommendation', 'institutions', 'meetingSlots', 'meetingPlace', 'contactName', 'contactPhone', 'form'] as const;

/** The form's refusals, by field. */
export type IssueErrors = Partial<Record<keyof IssueForm | 'studentId' | 'form', string>>;

/** A new form at a level: the level's template text, the school's institutions (up to five), the author as the contact. */
export function initialIssueForm(level: NoticeLevel, institutions: ReferralInstitution[], contactName: string): IssueForm {
  return {
    student: null, level, ...LEVEL_TEMPLATES[level], institutions: institutions.slice(0, MAX_INSTITUTIONS), meetingSlots: [],
    meetingPlace: '学校心理辅导室', contactName, contactPhone: '',
  };
}

/** Checks the form before sending. */
export function checkIssue(f: IssueForm): IssueErrors {
  const e: IssueErrors = {};
  if (!f.student) e.student = '请选择学生';
  if (f.observed.trim().length < 10) e.observed = '请具体描述观察到的情况（至少 10 个字）';
  if (f.recommendation.trim().length < 10) e.recommendation = '请写明学校的建议（至少 10 个字）';
  if (f.observed.includes('（请具体描述')) e.observed = '请把模板中括号里的提示替换为具体情况';
  if (f.contactName.trim() === '') e.contactName = '请填写联系人';
  if (!/^[0-9+\-() ]{3,20}$/.test(f.contactPhone.trim())) e.contactPhone = '请填写有效的联系电话';
  return e;
}

/** The form as a draft (anything may still be missing). */
export function toDraftContent(f: IssueForm): NoticeDraftContent {
  return {
    studentId: f.student?.id ?? null, level: f.level, observed: f.observed, recommendation: f.recommendation, institutions: f.institutions,
    meetingSlots: f.meetingSlots, meetingPlace: f.meetingPlace, contactName: f.contactName, contactPhone: f.contactPhone,
  };
}

/** The API input of a checked form. */
export function toNoticeInput(f: IssueForm): NoticeInput {
  return {
    studentId: (f.student as StudentSummary).id, level: f.level, observed: f.observed.trim(), recommendation: f.recommendation.trim(),
    institutions: f.institutions, meetingSlots: f.meetingSlots, meetingPlace: f.meetingPlace.trim(), contactName: f.contactName.trim(), contactPhone: f.contactPhone.trim(),
  };
}

function StudentPicker({ schoolId, onPick }: { schoolId: string; onPick: (s: StudentSummary) => void }) {
  const [q, setQ] = useState('');
  const searched = useRef('');
  const loader = useCallback(() => listStudents(schoolId, searched.current), [schoolId]);
  const { state, retry } = useRemote(loader, { loadOnMount: true });
  const search = () => {
    searched.current = q.trim();
    retry();
  };
  return (
    <View className='xq-issue__picker'>
      <View className='xq-issue__search'>
        <View className='xq-field xq-issue__search-box'>
          <Input value={q} placeholder='输入姓名、年级或班级搜索' maxLength={20} aria-label='搜索学生' onChange={(v: string) => setQ(v)} onConfirm={search} />
        </View>
        <Button size='small' type='primary' onClick={search}>
          搜索
        </Button>
      </View>
      {state.status === 'error' ? <StateView compact status='error' description={state.error.message} onAction={retry} /> : null}
      {state.status === 'loading' ? <StateView compact status='loading' /> : null}
      {state.status === 'ready' && state.data.students.length === 0 ? <StateView compact status='empty' icon='search' title='没有找到学生' description='可以在“学生与绑定”中添加学生。' /> : null}
      {state.status === 'ready'
        ? state.data.students.slice(0, 30).map((s) => (
          <View hoverClass='xq-pressed' key={s.id} className='xq-issue__student xq-tappable' onClick={() => onPick(s)}>
            <Text className='xq-issue__student-name'>{s.name}</Text>
            <Text className='xq-issue__student-class'>
              {s.grade}
              {s.className}
            </Text>
            <Text className={`xq-issue__student-guardians${s.guardians === 0 ? ' is-none' : ''}`}>{s.guardians === 0 ? '未绑定监护人' : `${s.guardians} 位监护人`}</Text>
          </View>
        ))
        : null}
    </View>
  );
}

function SlotAdder({ onAdd }: { onAdd: (iso: string) => void }) {
  const [date, setDate] = useState(() => dayjs().add(2, 'day').format('YYYY-MM-DD'));
  const [time, setTime] = useState('16:00');
  return (
    <View className='xq-issue__slot-add'>
      <Picker mode='date' value={date} start={dayjs().format('YYYY-MM-DD')} onChange={(e) => setDate(String(e.detail.value))}>
        <View className='xq-nf__picker xq-picker-face'>{date}</View>
      </Picker>
      <Picker mode='time' value={time} onChange={(e) => setTime(String(e.detail.value))}>
        <View className='xq-nf__picker xq-picker-face'>{time}</View>
      </Picker>
      <Button
        size='small'
        type='primary'
        fill='outline'
        onClick={() => {
          const at = dayjs(`${date} ${time}`, 'YYYY-MM-DD HH:mm');
          if (!at.isValid() || at.isBefore(dayjs())) return toast('请选择将来的时间');
          onAdd(at.toISOString());
        }}
      >
        添加
      </Button>
    </View>
  );
}

/** What the form starts from: the school's settings, the author's name, the student chosen on the way in, and a notice sent back to rewrite. */
interface IssueStart {
  settings: NoticeSettings;
  contactName: string;
  student: StudentSummary | null;
  copy: (NoticeContent & { level: NoticeLevel }) | null;
  /** The author's newest draft at the school (offered to continue), with its student. */
  draft: NoticeDraft | null;
  draftStudent: StudentSummary | null;
}

async function loadStart(schoolId: string, studentId: string | undefined, fromId: string | undefined): Promise<ApiResult<IssueStart>> {
  const [settings, me, drafts, from, listed] = await Promise.all([
    getNoticeSettings(schoolId), getMe(), fromId ? Promise.resolve(null) : listNoticeDrafts(schoolId), fromId ? getNotice(fromId) : Promise.resolve(null),
    studentId ? listStudents(schoolId) : Promise.resolve(null),
  ]);
  if (!settings.ok) return settings;
  const draft = drafts?.ok ? (drafts.data.drafts[0] ?? null) : null;
  const students = listed ?? (draft?.content.studentId ? await listStudents(schoolId) : null);
  const find = (id: string | null | undefined) => (id && students?.ok ? (students.data.students.find((st) => st.id === id) ?? null) : null);
  const copy = from?.ok && from.data.kind === 'staff' && from.data.content ? { ...from.data.content, level: from.data.level } : null;
  return {
    ok: true,
    data: { settings: settings.data, contactName: me.ok ? me.data.user.displayName : '', student: find(studentId), copy, draft, draftStudent: find(draft?.content.studentId) },
  };
}

/** The form of a new notice, or of a copy of one sent back (meeting times already past are dropped). */
function startForm(start: IssueStart): IssueForm {
  const fresh = { ...initialIssueForm('class', start.settings.institutions, start.contactName), student: start.student };
  const { copy } = start;
  if (!copy) return fresh;
  const now = dayjs();
  return { ...fresh, ...copy, meetingSlots: copy.meetingSlots.filter((s) => dayjs(s).isAfter(now)) };
}

/** The form of a draft: its student when still on the school's list, the rest as it was saved. */
function draftForm(start: IssueStart, draft: NoticeDraft): IssueForm {
  const { studentId, ...rest } = draft.content;
  return { ...rest, student: studentId ? start.draftStudent : null };
}

/** The line that says whether the draft is saved. */
function draftText(status: DraftStatus): string {
  if (status.kind === 'saving') return '正在保存草稿…';
  if (status.kind === 'saved') return `草稿已自动保存 ${dayjs(status.at).format('HH:mm')}（加密保存，仅你本人可见）`;
  if (status.kind === 'failed') return '草稿未能保存，请检查网络；离开前会提醒你';
  return '输入后会自动保存草稿（加密保存，仅你本人可见）';
}

function Editor({ schoolId, start }: { schoolId: string; start: IssueStart }) {
  const { settings } = start;
  const [form, setForm] = useState<IssueForm>(() => startForm(start));
  const [errors, setErrors] = useState<IssueErrors>({});
  const { busy, run, hold } = useSubmit();
  const [noGuardians, setNoGuardians] = useState(false);
  const { cut, take } = useLimits();
  const [touched, setTouched] = useState(false);
  const lines = useHotline();
  const hotline = lines.hotlines[0] ?? lines.national;
  const [offer, setOffer] = useState<NoticeDraft | null>(start.draft);
  const draft = useNoticeDraft(schoolId, touched ? toDraftContent(form) : null);
  const guard = useLeaveGuard(draft.unsaved);

  const continueDraft = (d: NoticeDraft) => {
    const next = draftForm(start, d);
    setForm(next);
    draft.adopt(d.id, toDraftContent(next), d.updatedAt);
    setTouched(true);
    setOffer(null);
    setErrors({});
  };
  const discardDraft = async (d: NoticeDraft) => {
    setOffer(null);
    const result = await discardNoticeDraft(d.id);
    toast(result.ok || result.error.code === 'NOT_FOUND' ? '草稿已放弃' : result.error.message);
  };

  const set = <K extends keyof IssueForm>(key: K, value: IssueForm[K]) => {
    setTouched(true);
    setForm((f) => ({ ...f, [key]: value }));
    setErrors((e) => ({ ...e, [key]: undefined, form: undefined }));
  };

  const chooseLevel = (level: NoticeLevel) => {
    const prev = LEVEL_TEMPLATES[form.level];
    const next = LEVEL_TEMPLATES[level];
    // Untouched template text follows the level; text the teacher has written stays.
    setTouched(true);
    setForm({
      ...form, level,
      observed: form.observed === prev.observed || form.observed.trim() === '' ? next.observed : form.observed,
      recommendation: form.recommendation === prev.recommendation || form.recommendation.trim() === '' ? next.recommendation : form.recommendation,
    });
  };

  const toggleInstitution = (inst: ReferralInstitution, on: boolean) => {
    const others = form.institutions.filter((i) => i.name !== inst.name);
    if (on && others.length >= MAX_INSTITUTIONS) return toast(`一份告知书最多附 ${MAX_INSTITUTIONS} 家机构`);
    set('institutions', on ? [...others, inst] : others);
  };

  const submit = async () => {
    const local = checkIssue(form);
    setErrors(local);
    if (revealErrors(local, ISSUE_ORDER)) return;
    const result = await run(async (key) => issueNotice({ ...toNoticeInput(form), draftId: await draft.flush() }, key));
    if (!result) return;
    if (!result.ok) {
      if (result.error.code === 'NO_GUARDIANS') setNoGuardians(true);
      const byField = fieldErrors(result.error.details);
      const next = { ...byField, student: byField.studentId, form: result.error.message };
      setErrors(next);
      if (result.error.code === 'VALIDATION_FAILED' && revealErrors({ ...next, form: undefined }, ISSUE_ORDER)) return;
      return toast(result.error.message);
    }
    hold();
    draft.stop();
    guard.release();
    toast(result.data.status === 'pending_approval' ? '已提交审批' : '已发出', 'success');
    void Taro.redirectTo({ url: noticeRoutes.view(result.data.id) });
  };

  const editedTemplate = form.observed !== LEVEL_TEMPLATES[form.level].observed || form.recommendation !== LEVEL_TEMPLATES[form.level].recommendation;
  return (
    <PageShell
      title='发出告知书'
      subtitle={settings.schoolName}
      footer={
        <View className='xq-issue__footer'>
          <Text className={`xq-issue__draft-status${draft.status.kind === 'failed' ? ' is-failed' : ''}`} aria-live='polite'>
            {draftText(draft.status)}
          </Text>
          <Button block type='primary' loading={busy} disabled={busy} onClick={() => void submit()}>
            {settings.requireApproval ? '提交审批' : '发出告知书'}
          </Button>
        </View>
      }
    >
      {offer ? (
        <View className='xq-issue__draft-offer'>
          <Text className='xq-issue__draft-offer-text'>
            你有一份未发出的草稿（{start.draftStudent && offer.content.studentId ? `${start.draftStudent.name}，` : ''}保存于 {dayjs(offer.updatedAt).format('M月D日 HH:mm')}），要继续写吗？
          </Text>
          <View className='xq-issue__draft-offer-actions'>
            <Button type='primary' onClick={() => continueDraft(offer)}>
              继续写草稿
            </Button>
            <Button fill='outline' onClick={() => void discardDraft(offer)}>
              放弃草稿
            </Button>
          </View>
        </View>
      ) : null}
      {settings.requireApproval ? <Text className='xq-issue__banner'>本校要求告知书经第二位老师审批后发出：提交后由心理教师或学校领导审批。</Text> : null}
      <Section title='学生'>
        <Field name='student' label='告知对象' error={errors.student}>
          {form.student ? (
            <View className='xq-issue__picked'>
              <View className='xq-issue__picked-text'>
                <Text className='xq-issue__student-name'>{form.student.name}</Text>
                <Text className='xq-issue__student-class'>
                  {form.student.grade}
                  {form.student.className} · {form.student.guardians === 0 ? '未绑定监护人' : `发送给 ${form.student.guardians} 位监护人`}
                </Text>
              </View>
              <Text className='xq-issue__link xq-link' onClick={() => set('student', null)}>
                更换
              </Text>
            </View>
          ) : (
            <StudentPicker schoolId={schoolId} onPick={(s) => { set('student', s); setNoGuardians(false); }} />
          )}
        </Field>
        {noGuardians || form.student?.guardians === 0 ? (
          <View className='xq-issue__warn'>
            <Text>该学生还没有绑定的监护人，告知书无法送达。请先为监护人生成绑定码。</Text>
            <Text className='xq-issue__link xq-link' onClick={() => go(noticeRoutes.students(schoolId))}>
              去生成绑定码
            </Text>
          </View>
        ) : null}
      </Section>

      <Section title='预警级别'>
        <Chips options={LEVELS} value={form.level} label={(l) => LEVEL_LABELS[l]} onChange={chooseLevel} />
        <Text className='xq-issue__hint'>{LEVEL_HINTS[form.level]}</Text>
      </Section>

      <Section title='告知内容' extra={editedTemplate ? undefined : '已套用模板，请修改'}>
        <Field name='observed' label='学校观察到的情况' hint='客观描述事实与时间，避免诊断性结论' error={errors.observed}>
          <Textarea
            className='xq-nf__area xq-issue__area'
            value={form.observed}
            maxlength={nativeMax(LIMITS.notice.observed)}
            onInput={(e) => set('observed', take('observed', e.detail.value, LIMITS.notice.observed))}
          />
          <CharCounter value={form.observed} max={LIMITS.notice.observed} cut={cut.observed} />
        </Field>
        <Field name='recommendation' label='学校的建议' error={errors.recommendation}>
          <Textarea
            className='xq-nf__area xq-issue__area'
            value={form.recommendation}
            maxlength={nativeMax(LIMITS.notice.recommendation)}
            onInput={(e) => set('recommendation', take('recommendation', e.detail.value, LIMITS.notice.recommendation))}
          />
          <CharCounter value={form.recommendation} max={LIMITS.notice.recommendation} cut={cut.recommendation} />
        </Field>
        {editedTemplate ? (
          <Text className='xq-issue__link xq-link' onClick={() => setForm({ ...form, ...LEVEL_TEMPLATES[form.level] })}>
            恢复为{LEVEL_LABELS[form.level]}模板
          </Text>
        ) : null}
      </Section>

      <Section title='绿色通道 · 转介机构' extra={`最多 ${MAX_INSTITUTIONS} 家`}>
        {settings.institutions.length === 0 ? (
          <View className='xq-issue__warn'>
            <Text>本校尚未设置绿色通道医疗机构。</Text>
            <Text className='xq-issue__link xq-link' onClick={() => go(noticeRoutes.settings(schoolId))}>
              去告知设置添加
            </Text>
          </View>
        ) : (
          settings.institutions.map((inst) => (
            <CheckRow key={inst.name} className='xq-issue__inst' checked={form.institutions.some((i) => i.name === inst.name)} onChange={(on) => toggleInstitution(inst, on)}>
              {`${inst.name} · ${inst.phone}`}
            </CheckRow>
          ))
        )}
        {errors.institutions ? <Text id='xq-f-institutions' className='xq-field-error'>{errors.institutions}</Text> : null}
      </Section>

      <Section title='面谈安排' extra={`最多 ${MAX_SLOTS} 个时间`}>
        <Field name='meetingSlots' label='可预约的时间' hint='家长选择“预约面谈”时从这些时间中选一个' error={errors.meetingSlots}>
          {form.meetingSlots.length > 0 ? (
            <View className='xq-issue__slots'>
              {form.meetingSlots.map((s) => (
                <View key={s} className='xq-issue__slot'>
                  <Text>{slotText(s)}</Text>
                  <Text className='xq-issue__slot-x xq-link' onClick={() => set('meetingSlots', form.meetingSlots.filter((x) => x !== s))}>
                    ×
                  </Text>
                </View>
              ))}
            </View>
          ) : null}
          {form.meetingSlots.length < MAX_SLOTS ? (
            <SlotAdder onAdd={(iso) => !form.meetingSlots.includes(iso) && set('meetingSlots', [...form.meetingSlots, iso].sort())} />
          ) : null}
        </Field>
        <Field name='meetingPlace' label='面谈地点' error={errors.meetingPlace}>
          <View className='xq-field'>
            <Input
              value={form.meetingPlace}
              placeholder='如：学校心理辅导室（行政楼 2 楼）'
              maxLength={nativeMax(LIMITS.notice.meetingPlace)}
              onChange={(v: string) => set('meetingPlace', take('meetingPlace', v, LIMITS.notice.meetingPlace))}
            />
          </View>
          <CharCounter value={form.meetingPlace} max={LIMITS.notice.meetingPlace} cut={cut.meetingPlace} />
        </Field>
      </Section>

      <Section title='学校联系人'>
        <Field name='contactName' label='联系人' error={errors.contactName}>
          <View className='xq-field'>
            <Input
              value={form.contactName}
              placeholder='如：王老师'
              maxLength={nativeMax(LIMITS.notice.contactName)}
              aria-label='联系人'
              onChange={(v: string) => set('contactName', take('contactName', v, LIMITS.notice.contactName))}
            />
          </View>
          <CharCounter value={form.contactName} max={LIMITS.notice.contactName} cut={cut.contactName} />
        </Field>
        <Field name='contactPhone' label='联系电话' error={errors.contactPhone}>
          <View className='xq-field'>
            <Input
              value={form.contactPhone}
              placeholder='家长可一键拨打'
              maxLength={nativeMax(LIMITS.notice.contactPhone)}
              type='tel'
              aria-label='联系电话'
              onChange={(v: string) => set('contactPhone', take('contactPhone', v, LIMITS.notice.contactPhone))}
            />
          </View>
          <CharCounter value={form.contactPhone} max={LIMITS.notice.contactPhone} cut={cut.contactPhone} />
        </Field>
        <Text className='xq-issue__hint'>
          告知书会自动附上{hotline.label}（{hotline.number}）。内容加密保存，仅该学生的监护人和本校心理教师、学校领导可以查看。
        </Text>
      </Section>

      {errors.form ? <Text id='xq-f-form' className='xq-issue__error'>{errors.form}</Text> : null}
      <SafetyCard />
    </PageShell>
  );
}

/** 发出告知书: a psychology teacher writes a notice for a student from the level's template, with the green channel and a meeting offer. */
export default function IssuePage() {
  const { params } = useRouter();
  const schoolId = params.school ?? '';
  const studentId = params.student;
  const fromId = params.from;
  const loader = useCallback(() => loadStart(schoolId, studentId, fromId), [schoolId, studentId, fromId]);
  const { state, retry } = useRemote(loader, { enabled: schoolId !== '' });
  if (!schoolId) return <PageShell><StateView status='error' title='缺少学校' description='请从告知书工作台进入。' /></PageShell>;
  if (state.status === 'error') return <PageShell><StateView status='error' description={state.error.message} onAction={retry} /><SafetyCard /></PageShell>;
  if (state.status === 'loading') return <PageShell><StateView status='loading' /></PageShell>;
  return <Editor schoolId={schoolId} start={state.data} />;
}
