import Taro, { useRouter } from '@tarojs/taro';
import { View, Text, Textarea } from '@tarojs/components';
import { Button, Input } from '@nutui/nutui-react-taro';
import { useCallback, useState } from 'react';
import type { AuthoringCourseInput, AuthoringCourseOutput, AuthoringListOutput, AuthoringProblem, LessonKind, PolicyModule, Stage } from '../../../../types';
import { MODULE_LABELS, POLICY_MODULES, STAGE_LABELS, STAGES } from '../../../shared/labels';
import { fieldId, revealErrors, useLeaveGuard } from '../../../components/form-kit';
import { PageShell } from '../../../components/page-shell';
import { Pill } from '../../../components/pill';
import { Section } from '../../../components/section';
import { StateView } from '../../../components/state-view';
import { useRemote } from '../../../components/use-remote';
import { useSubmit } from '../../../components/use-submit';
import { createCourse, getAuthoring, listAuthoring, pickMedia, saveCourse, setPublished, uploadMedia } from '../../../services/authoring';
import type { ApiResult } from '../../../services/request';
import { Chips } from '../components/chips';
import './index.scss';

const KIND_LABELS: Record<LessonKind, string> = { article: '文章', audio: '音频', video: '视频' };
const MARKUP_HINT = '每行一段。以“## ”开头的行是小标题，以“- ”开头的行是列表项。';

/** A lesson in the form: what is saved, plus what the editor shows (duration, upload state) and a key for React. */
interface FormLesson {
  key: string;
  id: string | null;
  title: string;
  kind: LessonKind;
  text: string;
  media: string | null;
  durationSeconds: number;
  upload: { share: number } | null;
}
interface Form {
  title: string; summary: string; module: PolicyModule; stages: Stage[]; regionId: string | null;
  lessons: FormLesson[];
  quiz: AuthoringCourseInput['quiz'];
}
type Errors = Record<string, string>;

let keySeq = 0;
const newKey = () => `l${(keySeq += 1)}`;

const EMPTY: Form = { title: '', summary: '', module: 'mh_education', stages: [], regionId: null, lessons: [], quiz: { passMark: 80, questions: [] } };

function fromOutput(out: AuthoringCourseOutput): Form {
  const c = out.course;
  return {
    title: c.title, summary: c.summary, module: c.module, stages: c.stages, regionId: c.regionId, quiz: c.quiz,
    lessons: c.lessons.map((l) => ({ key: newKey(), id: l.id, title: l.title, kind: l.kind, text: l.text, media: l.media, durationSeconds: l.durationSeconds, upload: null })),
  };
}

function toInput(f: Form): AuthoringCourseInput {
  return {
    title: f.title, summary: f.summary, module: f.module, stages: f.stages, regionId: f.regionId,
    lessons: f.lessons.map((l) => ({ id: l.id, title: l.title, kind: l.kind, text: l.text, media: l.kind === 'article' ? null : l.media })),
    quiz: f.quiz,
  };
}

/** A server path (body.lessons.1.title) as the form's field name (lessons-1-title). */
const fieldOf = (p: string) => p.replace(/^body\./, '').replace(/\./g, '-');

/** What the form can tell before saving, by field (the server checks the same and more). */
export function checkCourseForm(f: Form): Errors {
  const e: Errors = {};
  if (f.title.trim().length < 2) e.title = '请填写课程名称（至少 2 字）';
  if (f.summary.trim().length < 2) e.summary = '请填写课程简介（至少 2 字）';
  if (f.stages.length === 0) e.stages = '至少选择一个学段';
  f.lessons.forEach((l, i) => {
    if (l.title.trim().length < 2) e[`lessons-${i}-title`] = `第 ${i + 1} 课时：请填写标题（至少 2 字）`;
    if (l.upload) e[`lessons-${i}-media`] = `第 ${i + 1} 课时：文件还在上传，请稍候`;
  });
  f.quiz.questions.forEach((q, i) => {
    if (q.prompt.trim().length < 2) e[`quiz-questions-${i}-prompt`] = `第 ${i + 1} 题：请填写题目`;
    q.options.forEach((o, j) => {
      if (!o.trim()) e[`quiz-questions-${i}-options-${j}`] = `第 ${i + 1} 题：请填写选项 ${String.fromCharCode(65 + j)}`;
    });
    if (!q.explanation.trim()) e[`quiz-questions-${i}-explanation`] = `第 ${i + 1} 题：请填写解析（答对后家长会看到）`;
  });
  return e;
}

function minutes(seconds: number): string {
  if (seconds < 60) return `${seconds} 秒`;
  return `${Math.floor(seconds / 60)} 分 ${seconds % 60} 秒`;
}

function FieldError({ errors, name }: { errors: Errors; name: string }) {
  return errors[name] ? <Text className='xq-field-error'>{errors[name]}</Text> : null;
}

/** A small text action (move, remove), a 44 px target. */
function Act({ label, onClick, danger = false, disabled = false }: { label: string; onClick: () => void; danger?: boolean; disabled?: boolean }) {
  return (
    <View role='button' aria-disabled={disabled} hoverClass='xq-pressed' className={`xq-course-edit__act xq-tappable${danger ? ' xq-course-edit__act--danger' : ''}${disabled ? ' xq-course-edit__act--off' : ''}`} onClick={() => !disabled && onClick()}>
      <Text>{label}</Text>
    </View>
  );
}

/** The editor, once the course (or, for a new one, the regions the caller may use) has loaded. */
function Editor({ initial, scope }: { initial: AuthoringCourseOutput | null; scope: AuthoringListOutput }) {
  const [courseId, setCourseId] = useState<string | null>(initial?.id ?? null);
  const [saved, setSaved] = useState<AuthoringCourseOutput | null>(initial);
  const [form, setForm] = useState<Form>(() => (initial ? fromOutput(initial) : { ...EMPTY, regionId: scope.canCreatePlatform ? null : scope.regions[0]?.id ?? null }));
  const [dirty, setDirty] = useState(false);
  const [errors, setErrors] = useState<Errors>({});
  const { busy, run } = useSubmit();
  const guard = useLeaveGuard(dirty);

  const edit = (change: (f: Form) => Form, field?: string) => {
    setForm(change);
    setDirty(true);
    if (field) setErrors((e) => ({ ...e, [field]: '' }));
  };
  const editLesson = (i: number, patch: Partial<FormLesson>, field?: string) =>
    edit((f) => ({ ...f, lessons: f.lessons.map((l, j) => (j === i ? { ...l, ...patch } : l)) }), field ? `lessons-${i}-${field}` : undefined);
  const moveLesson = (i: number, by: number) => edit((f) => {
    const lessons = [...f.lessons];
    const [l] = lessons.splice(i, 1);
    lessons.splice(i + by, 0, l as FormLesson);
    return { ...f, lessons };
  });
  const editQuestion = (i: number, patch: Partial<Form['quiz']['questions'][number]>, field?: string) =>
    edit((f) => ({ ...f, quiz: { ...f.quiz, questions: f.quiz.questions.map((q, j) => (j === i ? { ...q, ...patch } : q)) } }), field ? `quiz-questions-${i}-${field}` : undefined);

  const showServerErrors = (problems: AuthoringProblem[], fallback: string) => {
    const next: Errors = {};
    for (const p of problems) next[fieldOf(p.path)] = p.message;
    if (!Object.keys(next).length) next.form = fallback;
    setErrors(next);
    revealErrors(next, Object.keys(next));
  };

  const save = async (): Promise<AuthoringCourseOutput | null> => {
    const local = checkCourseForm(form);
    setErrors(local);
    if (revealErrors(local, Object.keys(local))) return null;
    const input = toInput(form);
    const r: ApiResult<AuthoringCourseOutput> | undefined = await run((key) => (courseId && saved ? saveCourse(courseId, { ...input, version: saved.version }) : createCourse(input, key)));
    if (!r) return null;
    if (!r.ok) {
      showServerErrors(r.error.details ?? [], r.error.message);
      if (r.error.code === 'CONFLICT') Taro.showModal({ title: '内容已被他人修改', content: r.error.message, showCancel: false, confirmText: '知道了' }).catch(() => undefined);
      return null;
    }
    setSaved(r.data);
    setCourseId(r.data.id);
    // Keep what the author typed; take the server's ids (new lessons) and durations.
    setForm((f) => ({ ...f, lessons: f.lessons.map((l, i) => ({ ...l, id: r.data.course.lessons[i]?.id ?? l.id, durationSeconds: r.data.course.lessons[i]?.durationSeconds ?? l.durationSeconds })) }));
    setDirty(false);
    guard.release();
    Taro.showToast({ title: '已保存', icon: 'success' }).catch(() => undefined);
    return r.data;
  };

  const publish = async (on: boolean) => {
    let current = saved;
    if (dirty || !current) current = await save();
    if (!current) return;
    const confirm = await Taro.showModal({
      title: on ? '发布这门课程？' : '下线这门课程？',
      content: on ? '发布后，家长立即可以在课程目录中看到并学习。' : '下线后家长看不到这门课程，已有的学习进度会保留，重新发布后恢复。',
      confirmText: on ? '发布' : '下线',
      cancelText: '再想想',
    }).catch(() => ({ confirm: false }));
    if (!confirm.confirm) return;
    const version = current.version;
    const r = await run(() => setPublished(current.id, version, on), 'publish');
    if (!r) return;
    if (!r.ok) return showServerErrors(r.error.details ?? [], r.error.message);
    setSaved(r.data);
    Taro.showToast({ title: on ? '已发布' : '已下线', icon: 'success' }).catch(() => undefined);
  };

  const upload = async (i: number) => {
    const lesson = form.lessons[i] as FormLesson;
    const file = await pickMedia(lesson.kind === 'video' ? 'video' : 'audio');
    if (!file) return;
    const key = lesson.key;
    const patch = (p: Partial<FormLesson>) => setForm((f) => ({ ...f, lessons: f.lessons.map((l) => (l.key === key ? { ...l, ...p } : l)) }));
    setErrors((e) => ({ ...e, [`lessons-${i}-media`]: '' }));
    patch({ upload: { share: 0 } });
    const r = await uploadMedia(file, (share) => patch({ upload: { share } }));
    if (!r.ok) {
      patch({ upload: null });
      setErrors((e) => ({ ...e, [`lessons-${i}-media`]: r.error.message }));
      return;
    }
    if (lesson.kind === 'video' && !r.data.hasVideo) {
      patch({ upload: null });
      setErrors((e) => ({ ...e, [`lessons-${i}-media`]: '这个文件只有声音没有画面，视频课时请上传含画面的 MP4' }));
      return;
    }
    patch({ upload: null, media: r.data.name, durationSeconds: Math.max(1, Math.round(r.data.durationSeconds)) });
    setDirty(true);
  };

  const status = busy ? '保存中…' : dirty ? '有未保存的修改' : saved ? '已保存' : '尚未保存';
  const regions = [...(scope.canCreatePlatform ? [{ value: 'platform', label: '全平台' }] : []), ...scope.regions.map((r) => ({ value: r.id, label: r.name }))];
  const problems = saved?.problems ?? [];
  return (
    <PageShell
      className='xq-course-edit'
      title={saved ? '编辑课程' : '新建课程'}
      subtitle='先保存为草稿，预览无误后发布；发布后的修改保存即生效，家长的学习进度保留。'
      footer={
        <View className='xq-course-edit__footer'>
          <Text className={`xq-course-edit__status${dirty ? ' xq-course-edit__status--dirty' : ''}`} aria-live='polite'>{status}</Text>
          <View className='xq-course-edit__buttons'>
            <Button type='primary' loading={busy} disabled={busy} onClick={() => void save()}>保存</Button>
            {saved ? <Button fill='outline' type='primary' disabled={busy} onClick={() => Taro.navigateTo({ url: `/packages/admin/course-preview/index?id=${encodeURIComponent(saved.id)}` }).catch(() => undefined)}>预览</Button> : null}
            {saved ? (
              <Button fill='outline' type={saved.published ? 'danger' : 'primary'} disabled={busy} onClick={() => void publish(!saved.published)}>{saved.published ? '下线' : '发布'}</Button>
            ) : null}
          </View>
        </View>
      }
    >
      {saved ? (
        <View className='xq-course-edit__state'>
          <Pill tone={saved.published ? 'success' : 'warning'}>{saved.published ? '已发布' : '草稿'}</Pill>
          <Text className='xq-course-edit__meta'>第 {saved.version} 版 · {saved.regionName ? `${saved.regionName}课程` : '全平台课程'}</Text>
        </View>
      ) : null}
      {errors.form ? <Text id={fieldId('form')} className='xq-field-error'>{errors.form}</Text> : null}

      <Section title='基本信息'>
        <View id={fieldId('title')} className='xq-course-edit__field'>
          <Text className='xq-course-edit__label'>课程名称</Text>
          <View className={`xq-field${errors.title ? ' has-error' : ''}`}>
            <Input value={form.title} maxLength={61} placeholder='如：孩子情绪低落时怎么办' aria-label='课程名称' onChange={(v: string) => edit((f) => ({ ...f, title: v }), 'title')} />
          </View>
          <FieldError errors={errors} name='title' />
        </View>
        <View id={fieldId('summary')} className='xq-course-edit__field'>
          <Text className='xq-course-edit__label'>课程简介</Text>
          <View className={`xq-field${errors.summary ? ' has-error' : ''}`}>
            <Textarea className='xq-course-edit__textarea xq-course-edit__textarea--short' value={form.summary} maxlength={201} placeholder='一两句话说明家长能学到什么' aria-label='课程简介' onInput={(e) => edit((f) => ({ ...f, summary: e.detail.value }), 'summary')} />
          </View>
          <FieldError errors={errors} name='summary' />
        </View>
        {regions.length > 1 ? (
          <View id={fieldId('regionId')} className='xq-course-edit__field'>
            <Text className='xq-course-edit__label'>谁能看到</Text>
            <Chips label='课程所属地区' options={regions} selected={[form.regionId ?? 'platform']} onToggle={(v) => edit((f) => ({ ...f, regionId: v === 'platform' ? null : v }), 'regionId')} />
            <Text className='xq-course-edit__hint'>地区课程只有孩子的学校在该地区（含下级）的家长能看到。</Text>
            <FieldError errors={errors} name='regionId' />
          </View>
        ) : null}
        <View id={fieldId('module')} className='xq-course-edit__field'>
          <Text className='xq-course-edit__label'>模块</Text>
          <Chips<PolicyModule> label='模块' options={POLICY_MODULES.map((m) => ({ value: m, label: MODULE_LABELS[m] }))} selected={[form.module]} onToggle={(v) => edit((f) => ({ ...f, module: v }), 'module')} />
        </View>
        <View id={fieldId('stages')} className='xq-course-edit__field'>
          <Text className='xq-course-edit__label'>适用学段（可多选）</Text>
          <Chips<Stage> label='适用学段' options={STAGES.map((s) => ({ value: s, label: STAGE_LABELS[s] }))} selected={form.stages}
            onToggle={(v) => edit((f) => ({ ...f, stages: f.stages.includes(v) ? f.stages.filter((s) => s !== v) : STAGES.filter((s) => s === v || f.stages.includes(s)) }), 'stages')} />
          <FieldError errors={errors} name='stages' />
        </View>
      </Section>

      <Section title='课时' extra={`${form.lessons.length} 个`}>
        {form.lessons.length === 0 ? <Text className='xq-course-edit__hint'>还没有课时。用下面的按钮添加文章、音频或视频课时。</Text> : null}
        {form.lessons.map((l, i) => (
          <View key={l.key} id={fieldId(`lessons-${i}`)} className='xq-course-edit__lesson'>
            <View className='xq-course-edit__lesson-head'>
              <Text className='xq-course-edit__lesson-no'>第 {i + 1} 课时 · {KIND_LABELS[l.kind]}</Text>
              <View className='xq-course-edit__acts'>
                <Act label='上移' disabled={i === 0} onClick={() => moveLesson(i, -1)} />
                <Act label='下移' disabled={i === form.lessons.length - 1} onClick={() => moveLesson(i, 1)} />
                <Act label='删除' danger onClick={() => void Taro.showModal({ title: '删除这个课时？', content: l.id ? '已学过的家长的记录会保留，课时不再显示。保存后生效。' : '保存后生效。', confirmText: '删除', cancelText: '保留' })
                  .then((r) => r.confirm && edit((f) => ({ ...f, lessons: f.lessons.filter((x) => x.key !== l.key) })))
                  .catch(() => undefined)} />
              </View>
            </View>
            <View id={fieldId(`lessons-${i}-title`)} className='xq-course-edit__field'>
              <Text className='xq-course-edit__label'>课时标题</Text>
              <View className={`xq-field${errors[`lessons-${i}-title`] ? ' has-error' : ''}`}>
                <Input value={l.title} maxLength={61} placeholder='课时标题' aria-label={`第 ${i + 1} 课时标题`} onChange={(v: string) => editLesson(i, { title: v }, 'title')} />
              </View>
              <FieldError errors={errors} name={`lessons-${i}-title`} />
            </View>
            {l.kind !== 'article' ? (
              <View id={fieldId(`lessons-${i}-media`)} className='xq-course-edit__field'>
                <Text className='xq-course-edit__label'>{l.kind === 'video' ? '视频文件（MP4）' : '音频文件（M4A、MP3 或 MP4）'}</Text>
                {l.upload ? (
                  <View className='xq-course-edit__progress' role='progressbar' aria-valuenow={Math.round(l.upload.share * 100)} aria-valuemin={0} aria-valuemax={100}>
                    <View className='xq-course-edit__bar' style={{ width: `${Math.round(l.upload.share * 100)}%` }} />
                    <Text className='xq-course-edit__progress-text'>上传中 {Math.round(l.upload.share * 100)}%</Text>
                  </View>
                ) : (
                  <View className='xq-course-edit__media'>
                    <Text className='xq-course-edit__media-text'>{l.media ? `已上传 · 时长 ${minutes(l.durationSeconds)}（从文件读出）` : '还没有上传文件'}</Text>
                    <Button size='small' fill='outline' type='primary' onClick={() => void upload(i)}>{l.media ? '更换文件' : '上传文件'}</Button>
                  </View>
                )}
                <FieldError errors={errors} name={`lessons-${i}-media`} />
              </View>
            ) : null}
            <View id={fieldId(`lessons-${i}-text`)} className='xq-course-edit__field'>
              <Text className='xq-course-edit__label'>{l.kind === 'article' ? `正文${l.text ? ` · 约 ${minutes(Math.max(60, Math.ceil(l.text.replace(/\s/g, '').length / 5)))}阅读` : ''}` : '文字稿（家长可对照阅读）'}</Text>
              <View className={`xq-field${errors[`lessons-${i}-text`] ? ' has-error' : ''}`}>
                <Textarea className='xq-course-edit__textarea' value={l.text} maxlength={20000} placeholder={MARKUP_HINT} aria-label={`第 ${i + 1} 课时${l.kind === 'article' ? '正文' : '文字稿'}`} onInput={(e) => editLesson(i, { text: e.detail.value }, 'text')} />
              </View>
              <Text className='xq-course-edit__hint'>{MARKUP_HINT}</Text>
              <FieldError errors={errors} name={`lessons-${i}-text`} />
            </View>
          </View>
        ))}
        <FieldError errors={errors} name='lessons' />
        <View className='xq-course-edit__adds'>
          {(['article', 'audio', 'video'] as const).map((kind) => (
            <Button key={kind} fill='outline' type='primary' onClick={() => edit((f) => ({ ...f, lessons: [...f.lessons, { key: newKey(), id: null, title: '', kind, text: '', media: null, durationSeconds: 0, upload: null }] }))}>
              添加{KIND_LABELS[kind]}课时
            </Button>
          ))}
        </View>
      </Section>

      <Section title='测验' extra={`${form.quiz.questions.length} 道题（发布需 4–6 道）`}>
        <View id={fieldId('quiz-passMark')} className='xq-course-edit__field'>
          <Text className='xq-course-edit__label'>及格分（50–100）</Text>
          <View className='xq-field'>
            <Input type='number' value={String(form.quiz.passMark)} aria-label='及格分' onChange={(v: string) => edit((f) => ({ ...f, quiz: { ...f.quiz, passMark: Math.min(100, Math.max(0, Number(v.replace(/\D/g, '')) || 0)) } }), 'quiz-passMark')} />
          </View>
          <FieldError errors={errors} name='quiz-passMark' />
        </View>
        {form.quiz.questions.map((q, i) => (
          <View key={i} id={fieldId(`quiz-questions-${i}`)} className='xq-course-edit__lesson'>
            <View className='xq-course-edit__lesson-head'>
              <Text className='xq-course-edit__lesson-no'>第 {i + 1} 题</Text>
              <Act label='删除' danger onClick={() => edit((f) => ({ ...f, quiz: { ...f.quiz, questions: f.quiz.questions.filter((_, j) => j !== i) } }))} />
            </View>
            <View id={fieldId(`quiz-questions-${i}-prompt`)} className='xq-course-edit__field'>
              <Text className='xq-course-edit__label'>题目（尽量写成家长会遇到的情境）</Text>
              <View className='xq-field'>
                <Textarea className='xq-course-edit__textarea xq-course-edit__textarea--short' value={q.prompt} maxlength={300} aria-label={`第 ${i + 1} 题题目`} onInput={(e) => editQuestion(i, { prompt: e.detail.value }, 'prompt')} />
              </View>
              <FieldError errors={errors} name={`quiz-questions-${i}-prompt`} />
            </View>
            <Text className='xq-course-edit__label'>选项（点“设为答案”标出正确选项）</Text>
            {q.options.map((o, j) => (
              <View key={j} id={fieldId(`quiz-questions-${i}-options-${j}`)} className='xq-course-edit__option-wrap'>
                <View className='xq-course-edit__option'>
                  <Text className='xq-course-edit__option-letter'>{String.fromCharCode(65 + j)}</Text>
                  <View className='xq-field xq-course-edit__option-input'>
                    <Input value={o} maxLength={200} aria-label={`第 ${i + 1} 题选项 ${String.fromCharCode(65 + j)}`} onChange={(v: string) => editQuestion(i, { options: q.options.map((x, k) => (k === j ? v : x)) }, `options-${j}`)} />
                  </View>
                  {q.answer === j ? <Pill tone='success'>答案</Pill> : <Act label='设为答案' onClick={() => editQuestion(i, { answer: j })} />}
                  {q.options.length > 2 ? <Act label='移除' danger onClick={() => editQuestion(i, { options: q.options.filter((_, k) => k !== j), answer: q.answer === j ? 0 : q.answer > j ? q.answer - 1 : q.answer })} /> : null}
                </View>
                <FieldError errors={errors} name={`quiz-questions-${i}-options-${j}`} />
              </View>
            ))}
            <FieldError errors={errors} name={`quiz-questions-${i}-options`} />
            <FieldError errors={errors} name={`quiz-questions-${i}-answer`} />
            {q.options.length < 6 ? <Act label='添加选项' onClick={() => editQuestion(i, { options: [...q.options, ''] })} /> : null}
            <View id={fieldId(`quiz-questions-${i}-explanation`)} className='xq-course-edit__field'>
              <Text className='xq-course-edit__label'>解析（家长通过测验后看到）</Text>
              <View className='xq-field'>
                <Textarea className='xq-course-edit__textarea xq-course-edit__textarea--short' value={q.explanation} maxlength={500} aria-label={`第 ${i + 1} 题解析`} onInput={(e) => editQuestion(i, { explanation: e.detail.value }, 'explanation')} />
              </View>
              <FieldError errors={errors} name={`quiz-questions-${i}-explanation`} />
            </View>
          </View>
        ))}
        <FieldError errors={errors} name='quiz-questions' />
        {form.quiz.questions.length < 30 ? (
          <Button block fill='outline' type='primary' onClick={() => edit((f) => ({ ...f, quiz: { ...f.quiz, questions: [...f.quiz.questions, { prompt: '', options: ['', '', '', ''], answer: 0, explanation: '' }] } }))}>
            添加题目
          </Button>
        ) : null}
      </Section>

      {saved ? (
        <Section title={problems.length ? '发布前还需要' : '可以发布'}>
          {problems.length === 0 ? <Text className='xq-course-edit__hint'>内容齐全。预览无误后点“发布”。</Text> : null}
          {problems.map((p) => <Text key={p.path} className='xq-course-edit__problem'>· {p.message}</Text>)}
        </Section>
      ) : null}
    </PageShell>
  );
}

/** 编辑课程: basic facts, lessons (text, media upload with the duration read by the server), the quiz, save, publish, preview. */
export default function CourseEditPage() {
  const { params } = useRouter();
  const id = params.id ?? null;
  const loader = useCallback(async (): Promise<ApiResult<{ course: AuthoringCourseOutput | null; scope: AuthoringListOutput }>> => {
    // Only the regions the caller may own courses in are needed from the list: a narrow filter keeps its answer small.
    const [list, course] = await Promise.all([listAuthoring({ status: 'draft', stage: 'preschool', module: 'mh_education' }), id ? getAuthoring(id) : Promise.resolve(null)]);
    if (!list.ok) return list;
    if (course && !course.ok) return course;
    return { ok: true, data: { course: course?.data ?? null, scope: list.data } };
  }, [id]);
  const { state, retry } = useRemote(loader);
  if (state.status === 'loading') return <PageShell><StateView status='loading' skeleton='detail' /></PageShell>;
  if (state.status === 'error') return <PageShell><StateView status='error' description={state.error.message} onAction={retry} /></PageShell>;
  return <Editor key={id ?? 'new'} initial={state.data.course} scope={state.data.scope} />;
}
