/** Chinese labels and fixed lists shared by the mini-program and the backend (pure data, no platform code). */
import type { AuditAction, EvidenceKind, GuardianRelation, PolicyModule, RegionLevel, ScopeType, Stage, StaffRole, StationKind } from '../../types';

/** The child stages in catalogue order. */
export const STAGES: readonly Stage[] = ['preschool', 'primary', 'junior', 'senior', 'vocational'];

/** Chinese names of the child stages. */
export const STAGE_LABELS: Record<Stage, string> = {
  preschool: '学前',
  primary: '小学',
  junior: '初中',
  senior: '高中',
  vocational: '中职/高校',
};

/** The policy modules in the order the Xiamen seed lists them. */
export const POLICY_MODULES: readonly PolicyModule[] = [
  'mh_education',
  'mh_aid',
  'mh_care',
  'abnormal_awareness',
  'parent_child',
];

/** Chinese names of the policy modules. */
export const MODULE_LABELS: Record<PolicyModule, string> = {
  mh_education: '心理健康教育',
  mh_aid: '心理援助',
  mh_care: '心理保健',
  abnormal_awareness: '心理异常认知',
  parent_child: '亲子沟通',
};

/** Chinese names of staff roles. */
export const ROLE_LABELS: Record<StaffRole, string> = {
  school_psychologist: '学校心理教师',
  head_teacher: '班主任',
  school_leader: '学校领导',
  station_staff: '站点管理员',
  federation_staff: '妇联工作人员',
  admin: '平台管理员',
};

/** Which scope each role is granted on. */
export const ROLE_SCOPE: Record<StaffRole, ScopeType> = {
  school_psychologist: 'school',
  head_teacher: 'school',
  school_leader: 'school',
  station_staff: 'station',
  federation_staff: 'region',
  admin: 'platform',
};

/** Chinese names of region levels. */
export const REGION_LEVEL_LABELS: Record<RegionLevel, string> = {
  province: '省',
  city: '市',
  district: '区县',
};

/** Chinese names of station kinds. */
export const STATION_KIND_LABELS: Record<StationKind, string> = {
  parent_school: '家长学校',
  guidance_station: '家庭教育指导服务站点',
};

/** Chinese names of guardian relations. */
export const RELATION_LABELS: Record<GuardianRelation, string> = {
  father: '父亲',
  mother: '母亲',
  grandfather: '祖父',
  grandmother: '祖母',
  maternal_grandfather: '外祖父',
  maternal_grandmother: '外祖母',
  other: '其他监护人',
};

/** Every guardian relation, in the order a guardian picks one (the server validates against the same list). */
export const GUARDIAN_RELATIONS = ['mother', 'father', 'grandmother', 'grandfather', 'maternal_grandmother', 'maternal_grandfather', 'other'] as const satisfies readonly GuardianRelation[];

/** The longest note a 其他监护人 may give (e.g. 姑姑、继父). */
export const RELATION_NOTE_MAX = 20;

/** A relation as shown everywhere: 祖母, or 其他监护人（姑姑） when the guardian described themselves. */
export function relationText(relation: GuardianRelation, note: string | null | undefined): string {
  return relation === 'other' && note ? `${RELATION_LABELS.other}（${note}）` : RELATION_LABELS[relation];
}

/** A class as people say it: 五年级2班, or the class name alone when it already names the grade (五年级（1）班 from an imported list). */
export function classText(grade: string, className: string): string {
  return className.startsWith(grade) ? className : `${grade}${className}`;
}

/** The help line shown on every safety card (Xiamen seed: 24小时学生心理援助热线). */
export const HELP_HOTLINE = {
  name: '24小时学生心理援助热线',
  number: '12356',
  note: '全国统一心理援助热线，24小时有人接听；遇到紧急危险请拨打 110 或 120。',
} as const;

/** Kinds of evidence a session keeps for a 妇联 audit. */
export const EVIDENCE_KIND_LABELS: Record<EvidenceKind, string> = {
  agenda: '议程',
  photo: '照片',
  signin_sheet: '签到表',
};

/** Chinese names of the audit log's actions (timelines, the audit check, 我的数据). */
export const AUDIT_LABELS: Record<AuditAction, string> = {
  binding_code_created: '生成绑定码', binding_code_revoked: '作废绑定码', bound: '监护人绑定', binding_revoked: '解除绑定', binding_failed: '绑定失败',
  created: '撰写告知书', approved: '审批通过', rejected: '退回修改', sent: '发送告知书', delivered: '微信通知已送达', opened: '家长查阅',
  acknowledged: '家长确认', second_push: '未读再次提醒', escalated: '升级处理', content_viewed: '教师查看内容', decrypt_failed: '内容校验失败', referral_created: '创建转介',
  referral_closed: '转介结束', task_done: '任务完成', closed: '结案', purged: '内容按期删除',
  settings_changed: '修改告知设置', pupils_imported: '导入学生名单', binding_sheet_printed: '打印家长绑定单',
  reminded: '提醒未读家长', notice_consent_withdrawn: '监护人撤回告知同意', notice_consent_given: '监护人重新同意接收告知',
  guardian_unbound: '监护人自行解除绑定', account_closed: '注销账号', account_purged: '注销账号的个人信息已删除',
};
