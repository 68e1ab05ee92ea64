/** Chinese labels of the notices subpackage: levels, statuses, choices, tasks, referrals and binding codes (audit actions arrive named). */
import type {
  BindingCodeStatus, GuardianRelation, NoticeChoice, RecipientRemovedReason, NoticeLevel, NoticeStatus, NoticeTaskKind, NoticeTaskOutcome, ReferralOutcome,
} from '../../../../types';
import type { PillTone } from '../../../components/pill';
import { GUARDIAN_RELATIONS } from '../../../shared/labels';

/** The three levels of the school's warning process (三级预警). */
export const LEVELS: readonly NoticeLevel[] = ['class', 'grade', 'school'];

/** Chinese names of the warning levels. */
export const LEVEL_LABELS: Record<NoticeLevel, string> = {
  class: '班级预警',
  grade: '年段预警',
  school: '学校预警',
};

/** Pill colours of the warning levels. */
export const LEVEL_TONES: Record<NoticeLevel, PillTone> = {
  class: 'primary',
  grade: 'warning',
  school: 'danger',
};

/** A notice's status as staff read it. */
export const STATUS_VIEW: Record<NoticeStatus, { label: string; tone: PillTone }> = {
  pending_approval: { label: '待审批', tone: 'warning' },
  rejected: { label: '已退回', tone: 'danger' },
  sent: { label: '已发出', tone: 'primary' },
  closed: { label: '已结案', tone: 'default' },
  purged: { label: '内容已删除', tone: 'default' },
};

/** The follow-up choices in the order the guardian sees them. */
export const CHOICES: readonly NoticeChoice[] = ['referral', 'self_care', 'meeting', 'decline'];

/** Chinese names of the follow-up choices. */
export const CHOICE_LABELS: Record<NoticeChoice, string> = {
  referral: '同意转介',
  self_care: '自行就医',
  meeting: '预约面谈',
  decline: '暂不同意',
};

/** What each choice means, under its name. */
export const CHOICE_HINTS: Record<NoticeChoice, string> = {
  referral: '由学校通过绿色通道协助转介到精神卫生医疗机构',
  self_care: '家长自行带孩子到专业医疗机构就诊',
  meeting: '选择学校提供的时间，到校与老师面谈',
  decline: '暂不采取上述安排，请写明原因',
};

/** Why a guardian's copy left their view, as the school reads it. */
export const REMOVED_LABELS: Record<RecipientRemovedReason, string> = {
  unbound: '已解除绑定',
  consent_withdrawn: '监护人已撤回告知同意',
  account_closed: '监护人已注销账号',
};

/** Guardian relations, in the order a guardian picks one. */
export const RELATIONS: readonly GuardianRelation[] = GUARDIAN_RELATIONS;

/** Chinese names of escalation tasks. */
export const TASK_LABELS: Record<NoticeTaskKind, string> = {
  call_guardian: '班主任电话联系监护人',
  leader_followup: '心理教师 / 学校领导跟进',
};

/** How a task ended, in the order staff pick one. */
export const TASK_OUTCOMES: readonly NoticeTaskOutcome[] = ['reached', 'unreachable', 'handled'];

/** Chinese names of task outcomes. */
export const TASK_OUTCOME_LABELS: Record<NoticeTaskOutcome, string> = {
  reached: '已联系上监护人',
  unreachable: '无法联系',
  handled: '已处理',
};

/** How a referral ended, in the order staff pick one. */
export const REFERRAL_OUTCOMES: readonly ReferralOutcome[] = ['visited', 'in_treatment', 'not_pursued', 'other'];

/** Chinese names of referral outcomes. */
export const REFERRAL_OUTCOME_LABELS: Record<ReferralOutcome, string> = {
  visited: '已就诊',
  in_treatment: '正在治疗',
  not_pursued: '未继续',
  other: '其他',
};

/** A binding code's status. */
export const CODE_STATUS_VIEW: Record<BindingCodeStatus, { label: string; tone: PillTone }> = {
  open: { label: '待使用', tone: 'success' },
  used: { label: '已使用', tone: 'default' },
  expired: { label: '已过期', tone: 'warning' },
  revoked: { label: '已撤销', tone: 'danger' },
};

/** The next step of the escalation ladder on the board. */
export const NEXT_STEP_LABELS: Record<'second_push' | NoticeTaskKind, string> = {
  second_push: '再次提醒监护人',
  call_guardian: '班主任电话联系',
  leader_followup: '心理教师 / 领导跟进',
};

/** What happens next after each choice, as the guardian reads it once acknowledged. */
export const CHOICE_NEXT: Record<NoticeChoice, string> = {
  referral: '学校将通过绿色通道协助你预约就诊，并会与你联系；也可以直接拨打上方医疗机构的电话。',
  self_care: '请尽快带孩子到专业医疗机构就诊；需要帮助时，可以联系学校。',
  meeting: '请按约定时间到学校面谈；如需改期，请联系学校联系人。',
  decline: '学校尊重你的决定，之后可能会继续与你沟通；孩子如出现紧急情况，请立即拨打下方热线。',
};
