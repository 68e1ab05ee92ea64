import Taro from '@tarojs/taro';
import { View, Text, ScrollView } from '@tarojs/components';
import { useCallback, useState } from 'react';
import type { CourseListOutput, CourseSummary, PolicyModule, Stage } from '../../../types';
import { MODULE_LABELS, POLICY_MODULES, STAGES, STAGE_LABELS } from '../../shared/labels';
import { PageShell } from '../../components/page-shell';
import { SafetyCard } from '../../components/safety-card';
import { StateView } from '../../components/state-view';
import { CourseCard } from '../../components/course-card';
import { useRemote } from '../../components/use-remote';
import { listCourses } from '../../services/courses';
import { MODULE_DESCRIPTIONS } from './modules';
import { SearchBox } from '../../components/search-box';
import './index.scss';

const SAFETY_MODULES: readonly PolicyModule[] = ['mh_aid', 'abnormal_awareness'];

/** The stage filter: one stage, every stage, or the stages of my children. */
export type StageFilter = Stage | 'all' | 'mine';

/** The detail page of a course. */
export function courseUrl(id: string): string {
  return `/packages/course/detail/index?id=${encodeURIComponent(id)}`;
}

function openCourse(id: string): void {
  Taro.navigateTo({ url: courseUrl(id) }).catch(() => undefined);
}

/** The courses the list shows: with 'mine', those fitting any of my children's stages (all when I have none). */
export function visibleCourses(data: CourseListOutput, stage: StageFilter): CourseSummary[] {
  if (stage !== 'mine' || data.myStages.length === 0) return data.courses;
  return data.courses.filter((c) => c.stages.some((s) => data.myStages.includes(s)));
}

function Chip({ active, label, onClick }: { active: boolean; label: string; onClick: () => void }) {
  return (
    <View hoverClass='xq-pressed' className={`xq-courses__chip${active ? ' is-active' : ''} xq-tappable`} onClick={onClick} aria-pressed={active} role='button'>
      <Text>{label}</Text>
    </View>
  );
}

function Catalogue() {
  const [module, setModule] = useState<PolicyModule | 'all'>('all');
  const [stage, setStage] = useState<StageFilter>('mine');
  const [text, setText] = useState('');
  const [q, setQ] = useState('');

  const loader = useCallback(
    () => listCourses({ module: module === 'all' ? undefined : module, stage: stage === 'all' || stage === 'mine' ? undefined : stage, q }),
    [module, stage, q],
  );
  const { state, retry } = useRemote(loader, { reloadOnChange: true });

  const data = state.status === 'ready' ? state.data : null;
  const myStages = data?.myStages ?? [];
  const filtered = module !== 'all' || (stage !== 'all' && !(stage === 'mine' && myStages.length === 0)) || q !== '';
  const clearFilters = () => {
    setModule('all');
    setStage('all');
    setText('');
    setQ('');
  };
  const courses = data ? visibleCourses(data, stage) : [];

  return (
    <>
      <SearchBox
        value={text}
        placeholder='搜索课程，如 情绪、沟通、睡眠'
        maxLength={30}
        active={q !== ''}
        onInput={setText}
        onSearch={setQ}
        onClear={() => {
          setText('');
          setQ('');
        }}
      />

      {data && data.continueLearning.length > 0 ? (
        <View className='xq-courses__continue'>
          <Text className='xq-courses__label'>继续学习</Text>
          <ScrollView scrollX className='xq-courses__strip'>
            <View className='xq-courses__strip-inner'>
              {data.continueLearning.map((course) => (
                <CourseCard key={course.id} compact course={course} onClick={() => openCourse(course.id)} />
              ))}
            </View>
          </ScrollView>
        </View>
      ) : null}

      <View className='xq-courses__filters'>
        <Text className='xq-courses__label'>模块</Text>
        <View className='xq-courses__chips'>
          <Chip active={module === 'all'} label='全部' onClick={() => setModule('all')} />
          {POLICY_MODULES.map((m) => (
            <Chip key={m} active={module === m} label={MODULE_LABELS[m]} onClick={() => setModule(m)} />
          ))}
        </View>
        <Text className='xq-courses__label'>学段</Text>
        <View className='xq-courses__chips'>
          {myStages.length > 0 ? (
            <Chip active={stage === 'mine'} label={`我的孩子（${myStages.map((s) => STAGE_LABELS[s]).join('、')}）`} onClick={() => setStage('mine')} />
          ) : null}
          <Chip active={stage === 'all' || (stage === 'mine' && myStages.length === 0)} label='全部' onClick={() => setStage('all')} />
          {STAGES.map((s) => (
            <Chip key={s} active={stage === s} label={STAGE_LABELS[s]} onClick={() => setStage(s)} />
          ))}
        </View>
        {module !== 'all' ? <Text className='xq-courses__desc'>{MODULE_DESCRIPTIONS[module]}</Text> : null}
      </View>

      {state.status === 'loading' ? <StateView status='loading' compact skeleton='cards' /> : null}
      {state.status === 'error' ? <StateView status='error' description={state.error.message} onAction={retry} /> : null}
      {data ? (
        courses.length === 0 ? (
          <StateView
            status='empty'
            icon={filtered ? 'search' : 'course'}
            title={filtered ? '没有找到符合条件的课程' : '课程正在编写中'}
            description={filtered ? '换个关键词或筛选条件试试。' : '课程上线后会出现在这里。'}
            actionText={filtered ? '清除筛选' : undefined}
            onAction={filtered ? clearFilters : undefined}
          />
        ) : (
          <View className='xq-courses__list'>
            <Text className='xq-courses__count'>
              {q ? `「${q}」的搜索结果：` : ''}共 {courses.length} 门课程
            </Text>
            {courses.map((course) => (
              <CourseCard key={course.id} course={course} onClick={() => openCourse(course.id)} />
            ))}
          </View>
        )
      ) : null}

      {module !== 'all' && SAFETY_MODULES.includes(module) ? <SafetyCard extra='也可以联系孩子学校的心理教师，预约面谈。' /> : null}
    </>
  );
}

/** 课程: the catalogue by policy module and child stage, with search and the courses to continue; guests browse it too (login is asked only to start learning). */
export default function CoursesPage() {
  return (
    <PageShell title='家庭教育课程' subtitle='按政策模块和孩子学段，找到适合你的课程'>
      <Catalogue />
    </PageShell>
  );
}
