/** The notice templates of the school's three-level warning process (三级预警), prefilled for the teacher to edit. */
import type { NoticeLevel } from '../../../../types';

/** What each level means, shown under the level picker. */
export const LEVEL_HINTS: Record<NoticeLevel, string> = {
  class: '班主任或心理委员发现情绪、行为变化，需要家校共同关注',
  grade: '经年段与心理教师评估，存在较明显的心理困扰，建议专业评估',
  school: '经学校心理危机干预小组评估，存在较高风险，需尽快就医并加强看护',
};

/** The prefilled text of a notice at each level: what the school observed and what it recommends. */
export const LEVEL_TEMPLATES: Record<NoticeLevel, { observed: string; recommendation: string }> = {
  class: {
    observed:
      '近期老师观察到孩子在校出现以下变化：（请具体描述，如：情绪低落、上课注意力难以集中、与同学交往减少、作业完成情况明显下降等，以及开始出现的大致时间。）',
    recommendation:
      '建议家长近期多陪伴孩子，留意孩子的睡眠、饮食和情绪变化，以倾听和接纳代替批评；如变化持续两周以上，建议与学校心理教师面谈，共同商量支持孩子的办法。',
  },
  grade: {
    observed:
      '经年段老师与学校心理教师共同观察和初步评估，孩子近期存在较明显的心理困扰：（请具体描述观察到的情况、持续时间及对学习生活的影响。）',
    recommendation:
      '建议家长尽快带孩子到精神卫生医疗机构（心理科或精神科）进行专业评估，可通过学校的绿色通道转介；也可预约与学校心理教师面谈。学校将继续在校内给予关心和支持。',
  },
  school: {
    observed:
      '经学校心理危机干预小组评估，孩子目前存在较高的心理危机风险：（请具体描述评估依据及关键表现。）',
    recommendation:
      '请家长高度重视，尽快（建议 24 小时内）带孩子到精神卫生医疗机构就诊，可通过学校的绿色通道转介；在此期间请加强看护，妥善保管药品和危险物品，避免孩子独处。如遇紧急情况，请立即拨打 24 小时心理援助热线、110 或 120。',
  },
};
