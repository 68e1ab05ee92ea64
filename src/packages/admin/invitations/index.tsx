import Taro from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button, Input } from '@nutui/nutui-react-taro';
import { ArrowRight } from '../../../components/icon';
import { Copy } from '../../../components/icon/more';
import dayjs from 'dayjs';
import { useState } from 'react';
import type { CreateInvitationOutput, InvitationSummary, StaffRole } from '../../../../types';
import { ROLE_LABELS, ROLE_SCOPE } from '../../../shared/labels';
import { Pill } from '../../../components/pill';
import { PageShell } from '../../../components/page-shell';
import { Section } from '../../../components/section';
import { StateView } from '../../../components/state-view';
import { useRemote } from '../../../components/use-remote';
import { useSubmit } from '../../../components/use-submit';
import { CharCounter, fieldId, LIMITS, nativeMax, revealErrors, useLimits } from '../../../components/form-kit';
import { createInvitation, listInvitations } from '../../../services/invitations';
import { ScopePicker, type PickedScope } from '../components/scope-picker';
import './index.scss';

const ROLES: readonly StaffRole[] = ['school_psychologist', 'head_teacher', 'school_leader', 'station_staff', 'federation_staff', 'admin'];
const DAY_CHOICES = [1, 3, 7, 14, 30] as const;

/** Chinese names and tag types of invitation statuses. */
export const STATUS_VIEW: Record<InvitationSummary['status'], { label: string; type: 'success' | 'default' | 'warning' | 'danger' }> = {
  open: { label: '待使用', type: 'success' },
  used: { label: '已使用', type: 'default' },
  expired: { label: '已过期', type: 'warning' },
  revoked: { label: '已撤销', type: 'danger' },
};

const SCOPE_WHAT = { school: '学校', station: '站点', region: '地区' } as const;

function copyCode(code: string): void {
  Taro.setClipboardData({ data: code }).then(
    () => Taro.showToast({ title: '邀请码已复制', icon: 'success' }),
    () => Taro.showToast({ title: '复制失败，请手动抄写', icon: 'none' }),
  );
}

function CreatedCard({ created, onDismiss }: { created: CreateInvitationOutput; onDismiss: () => void }) {
  const inv = created.invitation;
  return (
    <View className='xq-inv__created'>
      <Text className='xq-inv__created-title'>邀请码已生成</Text>
      <Text className='xq-inv__created-for'>
        {ROLE_LABELS[inv.role]} · {inv.scopeName}
      </Text>
      <View className='xq-inv__code-row'>
        <Text className='xq-inv__code' userSelect>
          {created.code}
        </Text>
        <Button size='small' type='primary' icon={<Copy size={14} />} onClick={() => copyCode(created.code)}>
          复制
        </Button>
      </View>
      <Text className='xq-inv__created-warn'>
        邀请码只显示这一次，请立即复制，并通过安全渠道发给对方；{dayjs(inv.expiresAt).format('M月D日 HH:mm')}前有效。
      </Text>
      <Text className='xq-inv__created-dismiss xq-link' onClick={onDismiss}>
        我已保存，继续创建
      </Text>
    </View>
  );
}

function InvitationRow({ invitation }: { invitation: InvitationSummary }) {
  const status = STATUS_VIEW[invitation.status];
  return (
    <View className='xq-inv__row'>
      <View className='xq-inv__row-head'>
        <Text className='xq-inv__row-role'>{ROLE_LABELS[invitation.role]}</Text>
        <Pill tone={status.type}>
          {status.label}
        </Pill>
      </View>
      <Text className='xq-inv__row-scope'>{invitation.scopeName}</Text>
      {invitation.note ? <Text className='xq-inv__row-note'>备注：{invitation.note}</Text> : null}
      <Text className='xq-inv__row-dates'>
        {dayjs(invitation.createdAt).format('YYYY-MM-DD')} 创建 · {dayjs(invitation.expiresAt).format('YYYY-MM-DD HH:mm')} 到期
      </Text>
    </View>
  );
}

/** 邀请工作人员: an admin creates an invitation (role, scope, days valid), sees its code once, and lists invitations. */
export default function InvitationsPage() {
  const { state, retry, reload } = useRemote(listInvitations);
  const [role, setRole] = useState<StaffRole>('school_psychologist');
  const [scope, setScope] = useState<PickedScope | null>(null);
  const [days, setDays] = useState<number>(7);
  const [note, setNote] = useState('');
  const [picking, setPicking] = useState(false);
  const { busy, run } = useSubmit();
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<CreateInvitationOutput | null>(null);
  const { cut, take } = useLimits();

  const scopeType = ROLE_SCOPE[role];

  const chooseRole = (next: StaffRole) => {
    setRole(next);
    if (ROLE_SCOPE[next] !== scopeType) setScope(null);
    setError(null);
  };

  const submit = async () => {
    if (scopeType !== 'platform' && !scope) {
      setError(`请选择${SCOPE_WHAT[scopeType]}`);
      revealErrors({ scope: `请选择${SCOPE_WHAT[scopeType]}` }, ['scope']);
      return;
    }
    setError(null);
    const result = await run((key) => createInvitation({
      role,
      scopeType,
      scopeId: scopeType === 'platform' ? null : (scope?.scopeId ?? null),
      expiresInDays: days,
      note: note.trim() === '' ? undefined : note.trim(),
    }, key));
    if (!result) return;
    if (!result.ok) {
      setError(result.error.message);
      revealErrors({ form: result.error.message }, ['form']);
      return;
    }
    setCreated(result.data);
    setNote('');
    void reload();
  };

  return (
    <PageShell title='邀请工作人员' subtitle='为学校、站点和妇联工作人员生成一次性邀请码'>
      {created ? (
        <CreatedCard created={created} onDismiss={() => setCreated(null)} />
      ) : (
        <Section title='新建邀请'>
          <Text className='xq-inv__label'>角色</Text>
          <View className='xq-inv__chips'>
            {ROLES.map((r) => (
              <View hoverClass='xq-pressed' key={r} className={`xq-inv__chip${r === role ? ' is-active' : ''} xq-tappable`} onClick={() => chooseRole(r)}>
                <Text>{ROLE_LABELS[r]}</Text>
              </View>
            ))}
          </View>

          <Text className='xq-inv__label'>范围</Text>
          {scopeType === 'platform' ? (
            <View className='xq-inv__scope is-fixed'>
              <Text>全平台</Text>
            </View>
          ) : (
            <View id={fieldId('scope')} hoverClass='xq-pressed' className='xq-inv__scope xq-tappable' onClick={() => setPicking(true)}>
              <Text className={scope ? '' : 'xq-muted'}>{scope ? scope.name : `从登记信息中选择${SCOPE_WHAT[scopeType]}`}</Text>
              <ArrowRight size={12} color='#5f6b67' />
            </View>
          )}

          <Text className='xq-inv__label'>有效期</Text>
          <View className='xq-inv__chips'>
            {DAY_CHOICES.map((d) => (
              <View hoverClass='xq-pressed' key={d} className={`xq-inv__chip${d === days ? ' is-active' : ''} xq-tappable`} onClick={() => setDays(d)}>
                <Text>{d} 天</Text>
              </View>
            ))}
          </View>

          <Text className='xq-inv__label'>备注（可选）</Text>
          <View className='xq-inv__field'>
            <Input
              value={note}
              placeholder='例如：思明区某小学心理教师'
              maxLength={nativeMax(LIMITS.invitation.note)}
              onChange={(value: string) => setNote(take('note', value, LIMITS.invitation.note))}
            />
          </View>
          <CharCounter value={note} max={LIMITS.invitation.note} cut={cut.note} />

          {error ? <Text id={fieldId('form')} className='xq-inv__error'>{error}</Text> : null}
          <Button block type='primary' loading={busy} disabled={busy} className='xq-inv__submit' onClick={() => void submit()}>
            生成邀请码
          </Button>
        </Section>
      )}

      <Section title='已创建的邀请' extra={state.status === 'ready' ? `${state.data.invitations.length} 条` : undefined}>
        {state.status === 'loading' ? <StateView compact status='loading' /> : null}
        {state.status === 'error' ? <StateView compact status='error' description={state.error.message} onAction={retry} /> : null}
        {state.status === 'ready' && state.data.invitations.length === 0 ? (
          <StateView compact status='empty' icon='invite' title='还没有创建邀请' description='生成的邀请会列在这里，可以看到是否已被使用。' />
        ) : null}
        {state.status === 'ready' ? state.data.invitations.map((inv) => <InvitationRow key={inv.id} invitation={inv} />) : null}
      </Section>

      {scopeType !== 'platform' ? (
        <ScopePicker visible={picking} scopeType={scopeType} onClose={() => setPicking(false)} onPick={(picked) => setScope(picked)} />
      ) : null}
    </PageShell>
  );
}
