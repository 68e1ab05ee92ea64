import { View, Text, Textarea } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import dayjs from 'dayjs';
import { useState } from 'react';
import type { NoticeRecipientView, NoticeStaffView, NoticeTask, NoticeTaskOutcome, Referral, ReferralOutcome } from '../../../../types';
import { relationText, ROLE_LABELS } from '../../../shared/labels';
import { PageShell } from '../../../components/page-shell';
import { Pill } from '../../../components/pill';
import { SafetyCard } from '../../../components/safety-card';
import { Section } from '../../../components/section';
import { StateView } from '../../../components/state-view';
import { useRemote } from '../../../components/use-remote';
import { useSubmit } from '../../../components/use-submit';
import { getMe } from '../../../services/me';
import { approveNotice, closeNotice, closeReferral, completeNoticeTask, rejectNotice } from '../../../services/notices';
import type { ApiResult } from '../../../services/request';
import { Chips } from '../lib/form';
import {
  CHOICE_LABELS, LEVEL_LABELS, LEVEL_TONES, REFERRAL_OUTCOMES, REFERRAL_OUTCOME_LABELS, REMOVED_LABELS, STATUS_VIEW, TASK_LABELS, TASK_OUTCOMES, TASK_OUTCOME_LABELS,
} from '../lib/labels';
import { confirm, day, go, noticeRoutes, slotText, toast, when } from '../lib/nav';
import { NoticeBody } from '../lib/notice-parts';
import { Watermark } from '../lib/secure';
import { SignaturePad } from '../lib/signature-pad';
import './index.scss';

/** Runs one action of the view (named, for its idempotency key) unless another is in flight; resolves whether it succeeded. */
type Act = (call: (key: string) => Promise<ApiResult<NoticeStaffView>>, done: string, name: string) => Promise<boolean>;

function Step({ done, children }: { done: boolean; children: string }) {
  return (
    <View className={`xq-notice__step${done ? ' is-done' : ''}`}>
      <View className='xq-notice__step-dot' />
      <Text>{children}</Text>
    </View>
  );
}

/** One guardian's receipt: delivered, read, reminded, acknowledged with the choice, name and signature drawn back. */
export function RecipientReceipt({ r }: { r: NoticeRecipientView }) {
  const status = r.acknowledgedAt
    ? { label: r.choice ? CHOICE_LABELS[r.choice] : '已确认', tone: r.choice === 'decline' ? ('warning' as const) : ('success' as const) }
    : r.firstOpenedAt
      ? { label: '已读未确认', tone: 'warning' as const }
      : { label: '未读', tone: 'danger' as const };
  return (
    <View className='xq-notice__recipient'>
      <View className='xq-notice__recipient-head'>
        <Text className='xq-notice__recipient-name'>
          {r.guardianName}（{relationText(r.relation, r.relationNote)}）{r.removedReason ? ` · ${REMOVED_LABELS[r.removedReason]}` : ''}
        </Text>
        <Pill tone={status.tone}>{status.label}</Pill>
      </View>
      <View className='xq-notice__steps'>
        <Step done={Boolean(r.deliveredAt)}>{r.deliveredAt ? `微信通知已送达 · ${when(r.deliveredAt)}` : '微信通知未送达（可在小程序内查看）'}</Step>
        <Step done={Boolean(r.firstOpenedAt)}>{r.firstOpenedAt ? `首次查看 · ${when(r.firstOpenedAt)} · 共 ${r.openCount} 次` : '尚未查看'}</Step>
        {r.secondPushAt ? <Step done>{`未读再次提醒 · ${when(r.secondPushAt)}`}</Step> : null}
        <Step done={Boolean(r.acknowledgedAt)}>{r.acknowledgedAt ? `确认收到 · ${when(r.acknowledgedAt)}` : '尚未确认'}</Step>
      </View>
      {r.acknowledgedAt ? (
        <>
          {r.choice ? (
            <Text className='xq-notice__line'>
              后续安排：<Text className='xq-notice__strong'>{CHOICE_LABELS[r.choice]}</Text>
              {r.meetingSlot ? ` · ${slotText(r.meetingSlot)}` : ''}
            </Text>
          ) : null}
          {r.reason ? <Text className='xq-notice__line'>原因：{r.reason}</Text> : null}
          {r.signedName ? <Text className='xq-notice__line'>签名人：{r.signedName}</Text> : null}
          {r.signature ? (
            <>
              <Text className='xq-notice__sig-label'>手写签名</Text>
              <SignaturePad id={`xq-sig-${r.id}`} strokes={r.signature.strokes} />
            </>
          ) : null}
        </>
      ) : null}
    </View>
  );
}

/** Picks an outcome among chips and submits it; the submit button waits while a call of the view runs. */
function OutcomePicker<T extends string>({ options, labels, submitText, busy, onSubmit, onCancel }: {
  options: readonly T[];
  labels: Record<T, string>;
  submitText: string;
  busy: boolean;
  /** Resolves whether the call succeeded. */
  onSubmit: (outcome: T) => Promise<boolean>;
  onCancel?: () => void;
}) {
  const [outcome, setOutcome] = useState<T | null>(null);
  return (
    <View className='xq-notice__work'>
      <Chips options={options} value={outcome} label={(o) => labels[o]} onChange={setOutcome} />
      <View className='xq-notice__actions'>
        <Button
          size='small'
          type='primary'
          disabled={!outcome || busy}
          loading={busy}
          onClick={async () => {
            if (!outcome) return;
            if (await onSubmit(outcome)) onCancel?.();
          }}
        >
          {submitText}
        </Button>
        {onCancel ? (
          <Button size='small' fill='outline' onClick={onCancel}>
            取消
          </Button>
        ) : null}
      </View>
    </View>
  );
}

function TaskCard({ task, canWork, busy, act }: { task: NoticeTask; canWork: boolean; busy: boolean; act: Act }) {
  const [working, setWorking] = useState(false);
  const open = task.status === 'open';
  return (
    <View className={`xq-notice__task${open && task.overdue ? ' is-overdue' : ''}`}>
      <View className='xq-notice__task-head'>
        <Text className='xq-notice__task-title'>{TASK_LABELS[task.kind]}</Text>
        {open ? <Pill tone={task.overdue ? 'danger' : 'warning'}>{task.overdue ? '已逾期' : '待处理'}</Pill> : <Pill tone='success'>已完成</Pill>}
      </View>
      <Text className={`xq-notice__task-due${open && task.overdue ? ' is-overdue' : ''}`}>
        {ROLE_LABELS[task.assigneeRole]} · {open ? `${when(task.dueAt)} 前完成` : `${when(task.doneAt)} 完成${task.outcome ? ` · ${TASK_OUTCOME_LABELS[task.outcome]}` : ''}`}
      </Text>
      {open && canWork ? (
        working ? (
          <OutcomePicker<NoticeTaskOutcome>
            options={TASK_OUTCOMES}
            labels={TASK_OUTCOME_LABELS}
            submitText='确认完成'
            busy={busy}
            onSubmit={(outcome) => act((key) => completeNoticeTask(task.id, outcome, key), '任务已完成', `task:${task.id}`)}
            onCancel={() => setWorking(false)}
          />
        ) : (
          <View className='xq-notice__work'>
            <Button size='small' type='primary' fill='outline' onClick={() => setWorking(true)}>
              完成
            </Button>
          </View>
        )
      ) : null}
    </View>
  );
}

function ReferralCard({ referral, canClose, busy, act }: { referral: Referral; canClose: boolean; busy: boolean; act: Act }) {
  const open = referral.status === 'open';
  return (
    <View className='xq-notice__task'>
      <View className='xq-notice__task-head'>
        <Text className='xq-notice__task-title'>绿色通道转介</Text>
        <Pill tone={open ? 'warning' : 'default'}>{open ? '跟进中' : '已结束'}</Pill>
      </View>
      <Text className='xq-notice__task-due'>
        {when(referral.createdAt)} 监护人同意转介
        {referral.closedAt ? ` · ${when(referral.closedAt)} 结束${referral.outcome ? `（${REFERRAL_OUTCOME_LABELS[referral.outcome]}）` : ''}` : ''}
      </Text>
      {open && canClose ? (
        <OutcomePicker<ReferralOutcome>
          options={REFERRAL_OUTCOMES}
          labels={REFERRAL_OUTCOME_LABELS}
          submitText='结束转介'
          busy={busy}
          onSubmit={(outcome) => act((key) => closeReferral(referral.id, outcome, key), '转介已结束', `referral:${referral.id}`)}
        />
      ) : null}
    </View>
  );
}

function Approval({ view, busy, act }: { view: NoticeStaffView; busy: boolean; act: Act }) {
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState('');
  return (
    <Section title='审批'>
      <Text className='xq-notice__muted'>本校要求告知书经第二位老师审批后才会发出。请核对内容与监护人后决定。</Text>
      {rejecting ? (
        <View className='xq-notice__reject'>
          <Textarea className='xq-nf__area' value={reason} placeholder='退回原因（撰写老师可见）' maxlength={500} onInput={(e) => { setReason(e.detail.value); setError(''); }} />
          {error ? <Text className='xq-field-error'>{error}</Text> : null}
          <View className='xq-notice__actions'>
            <Button
              size='small'
              type='danger'
              loading={busy}
              disabled={busy}
              onClick={async () => {
                if (reason.trim().length < 2) return setError('请写明退回原因');
                await act((key) => rejectNotice(view.id, reason.trim(), key), '已退回', 'reject');
              }}
            >
              确认退回
            </Button>
            <Button size='small' fill='outline' onClick={() => setRejecting(false)}>
              取消
            </Button>
          </View>
        </View>
      ) : (
        <View className='xq-notice__actions xq-notice__reject'>
          <Button
            type='primary'
            loading={busy}
            disabled={busy}
            onClick={async () => {
              if (busy || !(await confirm('审批通过', '通过后告知书将立即发送给该学生的全部监护人。', '通过'))) return;
              await act((key) => approveNotice(view.id, key), '已审批并发送', 'approve');
            }}
          >
            审批通过并发送
          </Button>
          <Button fill='outline' type='danger' disabled={busy} onClick={() => setRejecting(true)}>
            退回修改
          </Button>
        </View>
      )}
    </Section>
  );
}

/** The school's view of a notice: status, content when permitted, each guardian's receipt, tasks, referrals and the audit trail. */
export function StaffNotice({ view, onChanged }: { view: NoticeStaffView; onChanged: (v: NoticeStaffView) => void }) {
  const me = useRemote(getMe, { loadOnMount: true });
  const [openedAt] = useState(() => when(dayjs().toISOString()));
  const canWrite = me.state.status === 'ready' && me.state.data.roles.some((r) => r.role === 'school_psychologist' && r.scopeId === view.school.id);
  const { busy, run } = useSubmit();
  const status = STATUS_VIEW[view.status];
  const p = view.permissions;

  const act: Act = async (call, done, name) => {
    const result = await run(call, name);
    if (!result) return false;
    if (!result.ok) {
      toast(result.error.message);
      return false;
    }
    toast(done, 'success');
    onChanged(result.data);
    return true;
  };

  const close = async () => {
    if (busy || !(await confirm('结案', `结案后不再跟进，告知书内容将在学校设定的保存期限后删除（送达与确认记录保留）。`, '确认结案'))) return;
    await act((key) => closeNotice(view.id, key), '已结案', 'close');
  };

  const openTasks = view.tasks.filter((t) => t.status === 'open').length;
  return (
    <PageShell className='xq-notice'>
      <View className='xq-notice__head'>
        <Text className='xq-notice__doc'>
          {view.student.name} · {view.student.grade}
          {view.student.className}
        </Text>
        <View className='xq-notice__tags'>
          <Pill tone={LEVEL_TONES[view.level]}>{LEVEL_LABELS[view.level]}</Pill>
          <Pill tone={status.tone}>{status.label}</Pill>
        </View>
        <View className='xq-notice__meta'>
          <Text>{view.school.name}</Text>
          <Text>
            {view.createdByName} 撰写于 {when(view.createdAt)}
            {view.approvedByName ? ` · ${view.approvedByName} 审批` : ''}
          </Text>
          {view.sentAt ? <Text>{when(view.sentAt)} 发出</Text> : null}
          {view.closedAt ? (
            <Text>
              {when(view.closedAt)} {view.status === 'rejected' ? '退回' : '结案'}
              {view.purgeAfter ? ` · 内容将于 ${day(view.purgeAfter)} 删除` : ''}
            </Text>
          ) : null}
        </View>
      </View>

      {p.canApprove && view.status === 'pending_approval' ? <Approval view={view} busy={busy} act={act} /> : null}
      {view.status === 'rejected' && !canWrite && view.rejectionReason ? (
        <Section title='已退回'>
          <Text className='xq-notice__line'>退回意见：{view.rejectionReason}</Text>
        </Section>
      ) : null}
      {view.status === 'rejected' && view.content && canWrite ? (
        <Section title='已退回'>
          {view.rejectionReason ? <Text className='xq-notice__line'>退回意见：{view.rejectionReason}</Text> : null}
          <Text className='xq-notice__muted'>这份告知书不会发送给监护人。可以按退回意见修改后重新提交。</Text>
          <View className='xq-notice__reject'>
            <Button type='primary' onClick={() => go(noticeRoutes.issue(view.school.id, view.student.id, view.id))}>
              修改后重新提交
            </Button>
          </View>
        </Section>
      ) : null}

      {view.content ? (
        <NoticeBody content={view.content} />
      ) : (
        <Section title='告知书内容'>
          <Text className='xq-notice__muted'>
            {view.status === 'purged'
              ? '内容已按保存期限删除，以下送达、确认与审计记录仍然保留。'
              : p.canReadContent
                ? '内容暂不可用。'
                : '告知书内容仅心理教师和学校领导可以查看；你可以看到送达、确认情况和跟进任务。'}
          </Text>
        </Section>
      )}

      <Section title='监护人回执' extra={`${view.recipients.filter((r) => r.acknowledgedAt).length}/${view.recipients.length} 已确认`}>
        {view.recipients.length === 0 ? (
          <StateView compact status='empty' icon='person' title={view.sentAt ? '没有监护人' : '尚未发出'} description={view.sentAt ? '发出时该学生没有绑定的监护人。' : '审批通过后发送给该学生的全部监护人。'} />
        ) : (
          view.recipients.map((r) => <RecipientReceipt key={r.id} r={r} />)
        )}
      </Section>

      {view.tasks.length > 0 ? (
        <Section title='跟进任务' extra={openTasks > 0 ? `${openTasks} 项待处理` : '全部完成'}>
          {view.tasks.map((t) => (
            <TaskCard key={t.id} task={t} canWork={p.canWorkTasks} busy={busy} act={act} />
          ))}
        </Section>
      ) : null}

      {view.referrals.length > 0 ? (
        <Section title='转介'>
          {view.referrals.map((r) => (
            <ReferralCard key={r.id} referral={r} canClose={p.canCloseReferral} busy={busy} act={act} />
          ))}
        </Section>
      ) : null}

      <Section title='记录' extra='防篡改审计日志'>
        {view.timeline.length === 0 ? (
          <Text className='xq-notice__muted'>暂无记录</Text>
        ) : (
          view.timeline.map((e) => (
            <View key={e.seq} className='xq-notice__event'>
              <Text className='xq-notice__event-at'>{when(e.at)}</Text>
              <Text className='xq-notice__event-what'>
                {e.action}
                {e.actorName ? ` · ${e.actorName}` : ''}
              </Text>
            </View>
          ))
        )}
      </Section>

      {p.canClose && view.status === 'sent' ? (
        <Button block fill='outline' type='default' loading={busy} disabled={busy} onClick={() => void close()}>
          结案
        </Button>
      ) : null}
      <SafetyCard />
      {view.content ? <Watermark name={me.state.status === 'ready' ? me.state.data.user.displayName : '学校工作人员'} at={openedAt} /> : null}
    </PageShell>
  );
}
