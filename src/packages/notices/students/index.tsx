import Taro, { useRouter } from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button, Input } from '@nutui/nutui-react-taro';
import { ArrowRight } from '../../../components/icon';
import { useCallback, useRef, useState } from 'react';
import type { StudentInput, StudentSummary } from '../../../../types';
import { STAGE_LABELS } from '../../../shared/labels';
import { PageShell } from '../../../components/page-shell';
import { SafetyCard } from '../../../components/safety-card';
import { Section } from '../../../components/section';
import { StateView } from '../../../components/state-view';
import { useRemote } from '../../../components/use-remote';
import { useSubmit } from '../../../components/use-submit';
import { addStudent, listStudents } from '../../../services/notices';
import { ClassFields, Field, fieldErrors } from '../lib/form';
import { toast } from '../lib/nav';
import { StudentDetail } from './detail';
import { PrintSheets } from './print';
import './index.scss';

function AddStudent({ schoolId, onAdded }: { schoolId: string; onAdded: (s: StudentSummary) => void }) {
  const [v, setV] = useState<StudentInput>({ name: '', grade: '', className: '', stage: 'primary' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const { busy, run } = useSubmit();
  const set = <K extends keyof StudentInput>(key: K, value: StudentInput[K]) => {
    setV((prev) => ({ ...prev, [key]: value }));
    setErrors((prev) => ({ ...prev, [key]: '' }));
  };
  const submit = async () => {
    const local: Record<string, string> = {};
    if (!v.name.trim()) local.name = '请填写学生姓名';
    if (!v.grade.trim()) local.grade = '请填写年级';
    if (!v.className.trim()) local.className = '请填写班级';
    setErrors(local);
    if (Object.keys(local).length) return;
    const r = await run((key) => addStudent(schoolId, { name: v.name.trim(), grade: v.grade.trim(), className: v.className.trim(), stage: v.stage }, key));
    if (!r) return;
    if (!r.ok) {
      setErrors({ ...fieldErrors(r.error.details), form: r.error.message });
      return;
    }
    toast('已添加', 'success');
    onAdded(r.data);
  };
  return (
    <Section title='添加学生'>
      <Field label='姓名' error={errors.name}>
        <View className='xq-field'>
          <Input value={v.name} placeholder='学生姓名' maxLength={20} aria-label='学生姓名' onChange={(s: string) => set('name', s)} />
        </View>
      </Field>
      <ClassFields value={v} errors={errors} onChange={(c) => (c.key === 'stage' ? set('stage', c.value) : set(c.key, c.value))} />
      {errors.form ? <Text className='xq-field-error'>{errors.form}</Text> : null}
      <Button block type='primary' loading={busy} disabled={busy} onClick={() => void submit()}>
        添加学生
      </Button>
    </Section>
  );
}

/** 学生与绑定: the school's students, their guardians and binding codes (generate, show once, revoke), and revoking a guardian. */
export default function StudentsPage() {
  const { params } = useRouter();
  const schoolId = params.school ?? '';
  const [query, setQuery] = useState('');
  const searched = useRef('');
  const [lastSearch, setLastSearch] = useState('');
  const [adding, setAdding] = useState(false);
  const [picked, setPicked] = useState<StudentSummary | null>(null);
  const loader = useCallback(() => listStudents(schoolId, searched.current), [schoolId]);
  const { state: list, retry, reload } = useRemote(loader, { enabled: schoolId !== '' });

  const search = () => {
    searched.current = query.trim();
    setLastSearch(query.trim());
    retry();
  };

  if (!schoolId) return <PageShell><StateView status='error' title='缺少学校' description='请从告知书工作台进入。' /></PageShell>;

  if (picked) {
    return (
      <PageShell>
        <Text className='xq-students__back xq-link' onClick={() => { setPicked(null); void reload(); }}>
          ‹ 返回学生列表
        </Text>
        <StudentDetail schoolId={schoolId} studentId={picked.id} />
        <SafetyCard />
      </PageShell>
    );
  }

  return (
    <PageShell title='学生与绑定' subtitle='为监护人生成一次性绑定码，查看和解除绑定'>
      <View className='xq-students__search'>
        <View className='xq-field xq-students__search-box'>
          <Input value={query} placeholder='姓名、年级或班级' maxLength={20} aria-label='搜索学生' onChange={(v: string) => setQuery(v)} onConfirm={search} />
        </View>
        <Button size='small' type='primary' onClick={search}>
          搜索
        </Button>
        <Button size='small' fill='outline' type='primary' onClick={() => setAdding((a) => !a)}>
          {adding ? '收起' : '添加学生'}
        </Button>
      </View>
      <View hoverClass='xq-pressed' className='xq-students__import xq-tappable' onClick={() => void Taro.navigateTo({ url: `/packages/admin/import/index?schoolId=${encodeURIComponent(schoolId)}` }).catch(() => undefined)}>
        <Text className='xq-students__import-text'>从表格批量导入学生和监护人手机号</Text>
        <ArrowRight size={12} color='#1d5c50' />
      </View>
      {adding ? (
        <AddStudent
          schoolId={schoolId}
          onAdded={(s) => {
            setAdding(false);
            setPicked(s);
          }}
        />
      ) : null}
      <PrintSheets schoolId={schoolId} />
      <Section flush title='学生' extra={list.status === 'ready' ? `${list.data.students.length} 人` : undefined}>
        {list.status === 'loading' ? <StateView compact status='loading' /> : null}
        {list.status === 'error' ? <StateView compact status='error' description={list.error.message} onAction={search} /> : null}
        {list.status === 'ready' && list.data.students.length === 0 ? (
          <StateView compact status='empty' icon={lastSearch ? 'search' : 'person'} title={lastSearch ? '没有找到学生' : '还没有学生'} description='点击“添加学生”登记后，即可为监护人生成绑定码。' />
        ) : null}
        {list.status === 'ready'
          ? list.data.students.map((s) => (
            <View hoverClass='xq-pressed' key={s.id} className='xq-students__row xq-tappable' onClick={() => setPicked(s)}>
              <View className='xq-students__row-main'>
                <Text className='xq-students__name'>{s.name}</Text>
                <Text className='xq-students__class'>
                  {s.grade}
                  {s.className} · {STAGE_LABELS[s.stage]}
                </Text>
              </View>
              <View className='xq-students__row-side'>
                <Text className={s.guardians === 0 ? 'xq-students__none' : 'xq-students__count'}>{s.guardians === 0 ? '未绑定' : `${s.guardians} 位监护人`}</Text>
                {s.openCodes > 0 ? <Text className='xq-students__codes'>{s.openCodes} 个绑定码待使用</Text> : null}
              </View>
              <ArrowRight size={12} color='#5f6b67' />
            </View>
          ))
          : null}
      </Section>
      <SafetyCard />
    </PageShell>
  );
}
