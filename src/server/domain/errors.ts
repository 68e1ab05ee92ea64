/** The error envelope: every failure becomes a code, an HTTP status and a Chinese message. */
import type { ApiErrorBody, ErrorCode } from '../../../types';

type Status = 400 | 401 | 403 | 404 | 405 | 409 | 410 | 413 | 415 | 422 | 429 | 500 | 502;

/** The status and default message of each error code. */
export const ERRORS: Record<ErrorCode, { status: Status; message: string }> = {
  BAD_JSON: { status: 400, message: '请求内容不是有效的 JSON' },
  BODY_TOO_LARGE: { status: 413, message: '请求内容过大' },
  VALIDATION_FAILED: { status: 400, message: '请求参数不正确' },
  UNAUTHENTICATED: { status: 401, message: '请先登录' },
  TOKEN_EXPIRED: { status: 401, message: '登录已过期，请重新登录' },
  TOKEN_INVALID: { status: 401, message: '登录状态无效，请重新登录' },
  FORBIDDEN: { status: 403, message: '没有权限进行此操作' },
  NOT_FOUND: { status: 404, message: '内容不存在或无权查看' },
  ROUTE_NOT_FOUND: { status: 404, message: '接口不存在' },
  METHOD_NOT_ALLOWED: { status: 405, message: '不支持该请求方法' },
  CONFLICT: { status: 409, message: '数据冲突，请刷新后重试' },
  INVITATION_INVALID: { status: 400, message: '邀请码无效，请核对后重新输入' },
  INVITATION_USED: { status: 409, message: '该邀请码已被使用' },
  INVITATION_EXPIRED: { status: 410, message: '该邀请码已过期，请联系邀请人重新生成' },
  PRIVACY_VERSION_MISMATCH: { status: 409, message: '隐私保护指引已更新，请阅读最新版本后再同意' },
  PRIVACY_CONSENT_REQUIRED: { status: 403, message: '请先阅读并同意隐私保护指引' },
  TOO_MANY_ATTEMPTS: { status: 429, message: '尝试次数过多，请稍后再试' },
  DEV_LOGIN_DISABLED: { status: 404, message: '开发登录未开启' },
  WECHAT_LOGIN_FAILED: { status: 401, message: '微信登录失败，请重新进入小程序' },
  WECHAT_UNAVAILABLE: { status: 502, message: '微信服务暂时不可用，请稍后重试' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: '请求内容须为 application/json' },
  NOT_ENROLLED: { status: 403, message: '请先加入该课程再学习' },
  LESSONS_INCOMPLETE: { status: 409, message: '请先学完本课程的全部课时，再参加测验' },
  SEGMENT_OUT_OF_RANGE: { status: 400, message: '播放进度超出了课时时长' },
  STATEMENT_FROM_FUTURE: { status: 400, message: '学习记录的时间不正确，请校准手机时间后重试' },
  IMPLAUSIBLE_PROGRESS: { status: 400, message: '学习进度与实际学习时间不符，未予记录' },
  SIGNUP_CLOSED: { status: 409, message: '报名已截止' },
  ALREADY_SIGNED_UP: { status: 409, message: '您已报名该活动' },
  EVENT_CANCELLED: { status: 409, message: '该活动已取消' },
  PARENTS_ONLY: { status: 403, message: '请先绑定孩子，家长才能报名家长学校活动' },
  NOT_SIGNED_UP: { status: 404, message: '您没有报名该活动' },
  NO_OFFER: { status: 409, message: '没有待确认的候补名额，名额可能已过期' },
  TICKET_INVALID: { status: 400, message: '签到码无效，请核对后重试' },
  TICKET_OTHER_EVENT: { status: 409, message: '这张签到码属于其他活动' },
  TICKET_NOT_CONFIRMED: { status: 409, message: '该报名未确认或已取消，不能签到' },
  CHECKIN_CODE_EXPIRED: { status: 410, message: '签到码已过期，请扫描现场最新的签到码' },
  CHECKIN_CLOSED: { status: 409, message: '不在签到时间内（活动开始前 1 小时至结束后 1 小时）' },
  CAPACITY_BELOW_SIGNUPS: { status: 409, message: '名额不能少于已确认报名的人数' },
  EVIDENCE_UNSUPPORTED: { status: 415, message: '仅支持 JPG、PNG 图片或 PDF 文件' },
  EVIDENCE_TOO_LARGE: { status: 413, message: '文件过大，单个文件不超过 4 MB' },
  BINDING_CODE_INVALID: { status: 400, message: '绑定码无效，请核对学校发放的绑定码' },
  BINDING_CODE_USED: { status: 409, message: '该绑定码已被使用，请联系学校重新生成' },
  BINDING_CODE_EXPIRED: { status: 410, message: '该绑定码已过期，请联系学校重新生成' },
  NOTICE_CONSENT_REQUIRED: { status: 400, message: '请阅读并单独同意接收孩子心理健康相关告知' },
  PHONE_REQUIRED: { status: 400, message: '请授权微信绑定的手机号，用于核对学校登记的监护人信息' },
  PHONE_MISMATCH: { status: 403, message: '手机号与学校登记的监护人手机号不一致，请联系班主任核实' },
  ALREADY_BOUND: { status: 409, message: '您已绑定该学生' },
  NO_GUARDIANS: { status: 409, message: '该学生还没有同意接收告知的监护人，请先发放绑定码' },
  NOTICE_NOT_PENDING: { status: 409, message: '该告知书不在待审批状态' },
  SELF_APPROVAL: { status: 403, message: '不能审批自己撰写的告知书，请由另一位老师审批' },
  ALREADY_ACKNOWLEDGED: { status: 409, message: '您已确认过该告知书，不能重复确认或更改选择' },
  NOTICE_CLOSED: { status: 409, message: '该告知书已结案' },
  NOTICE_PURGED: { status: 410, message: '该告知书内容已按保存期限删除' },
  MEETING_SLOT_INVALID: { status: 400, message: '请选择学校提供的面谈时间' },
  TASK_DONE: { status: 409, message: '该任务已完成' },
  REFERRAL_CLOSED: { status: 409, message: '该转介已结束' },
  REPORTS_FORBIDDEN: { status: 403, message: '只有妇联工作人员和平台管理员可以查看统计报表' },
  PERIOD_ALREADY_CLOSED: { status: 409, message: '该地区的这一统计期间已经关账' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, message: '这次提交与之前的提交内容不同，请刷新页面后重新填写提交' },
  REQUEST_IN_PROGRESS: { status: 409, message: '上一次提交仍在处理中，请稍候刷新查看结果' },
  NOTICE_UNREADABLE: { status: 409, message: '告知书内容校验失败，无法显示。学校已收到记录，请联系学校心理老师' },
  UPLOAD_QUOTA_EXCEEDED: { status: 429, message: '上传的文件过多或过大，请稍后再试' },
  PRINT_FONT_MISSING: { status: 500, message: '服务器缺少打印所需的中文字体，暂时无法生成绑定单，请联系平台管理员（XQ_PRINT_FONT）' },
  MEDIA_UNSUPPORTED: { status: 415, message: '文件不是支持的音视频格式（仅支持 MP4、M4A、MP3）' },
  MEDIA_BROKEN: { status: 422, message: '文件不完整或已损坏，请重新导出后上传' },
  MEDIA_TOO_LARGE: { status: 413, message: '文件过大，请压缩后再上传' },
  INTERNAL: { status: 500, message: '服务器开小差了，请稍后重试' },
};

/** An error the API answers with: a code, optionally a more specific Chinese message and field details. */
export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: { path: string; message: string }[],
    readonly extra: { remainingAttempts?: number; retryAfterSeconds?: number } = {},
  ) {
    super(message ?? ERRORS[code].message);
  }

  /** The HTTP status of this error. */
  get status(): Status {
    return ERRORS[this.code].status;
  }

  /** The JSON body of this error. */
  body(requestId?: string): ApiErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}), ...this.extra, ...(requestId ? { requestId } : {}) } };
  }
}
