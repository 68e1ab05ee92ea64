import { useRouter } from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { useCallback, useState } from 'react';
import type { ClassInput, HeadTeacherOption, SchoolClass, SchoolClassesOutput } from '../../../../types';
import { STAGE_LABELS } from '../../../shared/labels';
import { PageShell } from '../../../components/page-shell';
import { Section } from '../../../components/section';
import { StateView } from '../../../components/state-view';
import { useRemote } from '../../../components/use-remote';
import { useSubmit } from '../../../components/use-submit';
import { assignHeadTeacher, closeClass, createClass, listClasses, unassignHeadTeacher } from '../../../services/classes';
import { ClassFields, fieldErrors } from '../lib/form';
import { confirm, toast } from '../lib/nav';
import './index.scss';

function NewClass({ schoolId, onCreated }: { schoolId: string; onCreated: () => void }) {
  const [v, setV] = useState<ClassInput>({ grade: '', name: '', stage: 'primary' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const { busy, run } = useSubmit();
  const set = <K extends keyof ClassInput>(key: K, value: ClassInput[K]) => {
    setV((prev) => ({ ...prev, [key]: value }));
    setErrors((prev) => ({ ...prev, [key]: '', form: '' }));
  };
  const submit = async () => {
    const local: Record<string, string> = {};
    if (!v.grade.trim()) local.grade = '请填写年级';
    if (!v.name.trim()) local.name = '请填写班级';
    setErrors(local);
    if (Object.keys(local).length) return;
    const r = await run((key) => createClass(schoolId, { grade: v.grade.trim(), name: v.name.trim(), stage: v.stage }, key));
    if (!r) return;
    if (!r.ok) {
      setErrors({ ...fieldErrors(r.error.details), form: r.error.message });
      return;
    }
    toast('已新建班级', 'success');
    setV({ grade: '', name: '', stage: v.stage });
    onCreated();
  };
  return (
    <Section title='新建班级'>
      <ClassFields
        value={{ grade: v.grade, className: v.name, stage: v.stage }}
        errors={{ grade: errors.grade, className: errors.name, stage: errors.stage }}
        onChange={(c) => (c.key === 'stage' ? set('stage', c.value) : set(c.key === 'className' ? 'name' : 'grade', c.value))}
      />
      {errors.form ? <Text className='xq-field-error'>{errors.form}</Text> : null}
      <Button block type='primary' loading={busy} disabled={busy} onClick={() => void submit()}>
        新建班级
      </Button>
    </Section>
  );
}

/** One class: its 班主任, and for those who manage classes, assigning and unassigning them. */
function ClassCard({ item, options, canManage, onChanged }: { item: SchoolClass; options: HeadTeacherOption[]; canManage: boolean; onChanged: (c: SchoolClass) => void }) {
  const [picking, setPicking] = useState(false);
  const { busy, run } = useSubmit();
  const closed = item.closedAt !== null;
  const assigned = new Set(item.headTeachers.map((h) => h.userId));
  const free = options.filter((o) => !assigned.has(o.userId));

  const assign = async (o: HeadTeacherOption) => {
    const r = await run(() => assignHeadTeacher(item.id, o.userId), `assign:${o.userId}`);
    if (!r) return;
    if (!r.ok) return toast(r.error.message);
    setPicking(false);
    toast(`已指定${o.displayName}`, 'success');
    onChanged(r.data.class);
  };
  const unassign = async (userId: string, name: string) => {
    if (!(await confirm('取消班主任', `取消后，${name}将看不到${item.grade}${item.name}学生的告知书、回执和任务。`, '取消指定'))) return;
    const r = await run(() => unassignHeadTeacher(item.id, userId), `unassign:${userId}`);
    if (!r) return;
    if (!r.ok) return toast(r.error.message);
    toast('已取消', 'success');
    onChanged(r.data.class);
  };
  const close = async () => {
    const what = `${item.grade}${item.name}`;
    if (!(await confirm('撤销班级', `撤销后，${what}不能再指定班主任，班主任也将看不到该班学生；学生和已有的告知书记录都会保留。`, '撤销班级'))) return;
    const r = await run(() => closeClass(item.id), 'close');
    if (!r) return;
    if (!r.ok) return toast(r.error.message);
    toast(`已撤销${what}`, 'success');
    onChanged(r.data.class);
  };

  return (
    <View className={`xq-classes__card${closed ? ' is-closed' : ''}`}>
      <View className='xq-classes__card-head'>
        <Text className='xq-classes__name'>
          {item.grade}
          {item.name}
        </Text>
        <Text className='xq-classes__meta'>
          {STAGE_LABELS[item.stage]} · {item.pupils} 名学生{closed ? ' · 已撤销' : ''}
        </Text>
      </View>
      {item.headTeachers.length === 0 ? <Text className='xq-classes__none'>未指定班主任</Text> : null}
      {item.headTeachers.map((h) => (
        <View key={h.userId} className={`xq-classes__teacher${canManage && !closed ? ' has-action' : ''}`}>
          <Text className='xq-classes__teacher-name'>班主任：{h.displayName}</Text>
          {canManage && !closed ? (
            <Button size='small' fill='outline' type='default' disabled={busy} aria-label={`取消${h.displayName}的班主任指定`} onClick={() => void unassign(h.userId, h.displayName)}>
              取消指定
            </Button>
          ) : null}
        </View>
      ))}
      {canManage && !closed && (item.headTeachers.length === 0 || free.length > 0) ? (
        <View className='xq-classes__assign'>
          {picking ? (
            <View className='xq-classes__picker'>
              <Text className='xq-classes__picker-title'>选择本校班主任</Text>
              {free.length === 0 ? (
                <Text className='xq-classes__picker-empty'>本校还没有班主任账号，请先在“邀请教师”中以班主任身份邀请。</Text>
              ) : (
                free.map((o) => (
                  <View hoverClass='xq-pressed' key={o.userId} className='xq-classes__option xq-tappable' onClick={() => void assign(o)}>
                    <Text className='xq-classes__option-name'>{o.displayName}</Text>
                    <Text className='xq-classes__option-meta'>{o.classes > 0 ? `已负责 ${o.classes} 个班` : '尚未负责班级'}</Text>
                  </View>
                ))
              )}
              <Button size='small' fill='none' type='default' onClick={() => setPicking(false)}>
                收起
              </Button>
            </View>
          ) : (
            <Button size='small' fill='outline' type='primary' disabled={busy} onClick={() => setPicking(true)}>
              {item.headTeachers.length === 0 ? '指定班主任' : '再指定一位'}
            </Button>
          )}
        </View>
      ) : null}
      {canManage && !closed ? (
        <View className='xq-classes__close'>
          <Button size='small' fill='none' type='default' disabled={busy} aria-label={`撤销${item.grade}${item.name}`} onClick={() => void close()}>
            撤销班级
          </Button>
        </View>
      ) : null}
    </View>
  );
}

function Classes({ data, onCreated, onChanged }: { data: SchoolClassesOutput; onCreated: () => void; onChanged: (c: SchoolClass) => void }) {
  const [adding, setAdding] = useState(false);
  return (
    <>
      <View className='xq-classes__note'>
        <Text>班主任只能看到自己负责班级的学生、告知书回执和待办任务；心理教师和学校领导可看到全校。</Text>
      </View>
      {data.canManage ? (
        <Button fill='outline' type='primary' onClick={() => setAdding((a) => !a)}>
          {adding ? '收起' : '新建班级'}
        </Button>
      ) : null}
      {adding ? (
        <NewClass
          schoolId={data.schoolId}
          onCreated={() => {
            setAdding(false);
            onCreated();
          }}
        />
      ) : null}
      <Section flush title={data.canManage ? '本校班级' : '我负责的班级'} extra={`${data.classes.length} 个`}>
        {data.classes.length === 0 ? (
          <StateView
            compact
            status='empty'
            icon='person'
            title={data.canManage ? '还没有班级' : '您还没有负责的班级'}
            description={data.canManage ? '添加学生时会按年级和班级自动建立班级，也可以点击“新建班级”。' : '请联系学校领导或心理教师为您指定班级。'}
          />
        ) : (
          data.classes.map((c) => <ClassCard key={c.id} item={c} options={data.headTeachers} canManage={data.canManage} onChanged={onChanged} />)
        )}
      </Section>
    </>
  );
}

/** 班级与班主任: the school's classes with their 班主任; leaders and psychology teachers open classes and assign 班主任. */
export default function ClassesPage() {
  const { params } = useRouter();
  const schoolId = params.school ?? '';
  const loader = useCallback(() => listClasses(schoolId), [schoolId]);
  const { state, retry, reload } = useRemote(loader, { enabled: schoolId !== '' });
  const [changed, setChanged] = useState<Record<string, SchoolClass>>({});

  if (!schoolId) return <PageShell><StateView status='error' title='缺少学校' description='请从告知书工作台进入。' /></PageShell>;
  if (state.status === 'loading') return <PageShell title='班级与班主任'><StateView status='loading' skeleton='list' /></PageShell>;
  if (state.status === 'error') return <PageShell title='班级与班主任'><StateView status='error' description={state.error.message} onAction={retry} /></PageShell>;
  const data = { ...state.data, classes: state.data.classes.map((c) => changed[c.id] ?? c) };
  return (
    <PageShell title='班级与班主任' subtitle={data.schoolName}>
      <Classes
        data={data}
        onCreated={() => {
          setChanged({});
          void reload();
        }}
        onChanged={(c) => {
          setChanged((prev) => ({ ...prev, [c.id]: c }));
          void reload();
        }}
      />
    </PageShell>
  );
}
