/** What a parent learns in each policy module (the Xiamen seed: 家庭心理健康教育、心理援助、心理保健、心理异常认知和亲子沟通). */
import type { PolicyModule, Stage } from '../../../types';

/** A short description of each module for the catalogue. */
export const MODULE_DESCRIPTIONS: Record<PolicyModule, string> = {
  mh_education:
    '了解孩子在不同年龄阶段的心理发展特点和规律，树立科学合理的教养观念，在日常生活中培养孩子乐观、坚韧的良好心理素质。',
  mh_aid:
    '当孩子遇到挫折或情绪危机时，学会识别求助信号、陪伴和支持孩子，知道何时、如何联系学校心理教师、24小时学生心理援助热线和专业机构。',
  mh_care:
    '家长先照顾好自己：学习情绪调节与压力管理，安排好作息、运动与屏幕时间，营造温暖稳定的家庭氛围，提升全家的心理健康水平。',
  abnormal_awareness:
    '认识儿童青少年常见心理问题的早期表现，理性看待学校发出的学生心理问题告知书，了解干预流程和就医转介的“绿色通道”。',
  parent_child:
    '学习倾听、共情与表达的方法，少说教、少冲突，和孩子建立相互信任的关系，让孩子愿意把心里话讲给家长听。',
};

/** What the stage means for the parent's focus. */
export const STAGE_FOCUS: Record<Stage, string> = {
  preschool: '情绪启蒙、安全依恋与良好习惯',
  primary: '学习适应、同伴交往与情绪表达',
  junior: '青春期变化、学业压力与自我认同',
  senior: '升学压力、生涯选择与情绪调适',
  vocational: '独立生活、职业发展与心理求助',
};
