import { View, Text } from '@tarojs/components';
import { useState } from 'react';
import type { PolicyModule, Stage } from '../../../types';
import { MODULE_LABELS, POLICY_MODULES, STAGES, STAGE_LABELS } from '../../shared/labels';
import { PageShell } from '../../components/page-shell';
import { Section } from '../../components/section';
import { SafetyCard } from '../../components/safety-card';
import { StateView } from '../../components/state-view';
import { MODULE_DESCRIPTIONS, STAGE_FOCUS } from './modules';
import './index.scss';

const SAFETY_MODULES: readonly PolicyModule[] = ['mh_aid', 'abnormal_awareness'];

/** 课程: the five policy modules × five stages; the course list itself comes with the catalogue. */
export default function CoursesPage() {
  const [stage, setStage] = useState<Stage>('primary');
  const [module, setModule] = useState<PolicyModule>('mh_education');

  return (
    <PageShell title='家庭教育课程' subtitle='按政策模块和孩子学段，找到适合你的课程'>
      <Section title='课程地图' extra='5 个模块 × 5 个学段'>
        <View className='xq-courses__matrix' role='grid'>
          <View className='xq-courses__row xq-courses__row--head' role='row'>
            <View className='xq-courses__corner'>
              <Text>模块＼学段</Text>
            </View>
            {STAGES.map((s) => (
              <View key={s} className={`xq-courses__col-head${s === stage ? ' is-active' : ''}`} onClick={() => setStage(s)}>
                <Text>{STAGE_LABELS[s]}</Text>
              </View>
            ))}
          </View>
          {POLICY_MODULES.map((m) => (
            <View key={m} className='xq-courses__row' role='row'>
              <View className={`xq-courses__row-head${m === module ? ' is-active' : ''}`} onClick={() => setModule(m)}>
                <Text>{MODULE_LABELS[m]}</Text>
              </View>
              {STAGES.map((s) => (
                <View
                  key={s}
                  role='gridcell'
                  aria-label={`${MODULE_LABELS[m]} · ${STAGE_LABELS[s]}`}
                  className={`xq-courses__cell${m === module && s === stage ? ' is-active' : ''}`}
                  onClick={() => {
                    setModule(m);
                    setStage(s);
                  }}
                >
                  <Text>待上线</Text>
                </View>
              ))}
            </View>
          ))}
        </View>
        <Text className='xq-courses__hint'>点选格子查看该模块面向对应学段家长的内容</Text>
      </Section>

      <Section title={`${MODULE_LABELS[module]} · ${STAGE_LABELS[stage]}`}>
        <Text className='xq-courses__desc'>{MODULE_DESCRIPTIONS[module]}</Text>
        <Text className='xq-courses__focus'>
          {STAGE_LABELS[stage]}阶段关注：{STAGE_FOCUS[stage]}
        </Text>
        <StateView
          compact
          status='empty'
          title='课程正在编写中'
          description={`「${MODULE_LABELS[module]}」面向${STAGE_LABELS[stage]}家长的课程上线后会出现在这里，学习进度也会自动记录。`}
        />
      </Section>

      {SAFETY_MODULES.includes(module) ? <SafetyCard extra='也可以联系孩子学校的心理教师，预约面谈。' /> : null}
    </PageShell>
  );
}
