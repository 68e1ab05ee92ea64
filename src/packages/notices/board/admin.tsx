import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { ArrowRight } from '../../../components/icon';
import { useState } from 'react';
import type { AuditAction, AuditVerifyOutput, School } from '../../../../types';
import { AUDIT_LABELS } from '../../../shared/labels';
import { Section } from '../../../components/section';
import { StateView } from '../../../components/state-view';
import { useRemote } from '../../../components/use-remote';
import { verifyAuditChain } from '../../../services/notices';
import type { ApiResult } from '../../../services/request';
import { listRegions, listSchools } from '../../../services/registry';
import { go, noticeRoutes, when } from '../lib/nav';

const BREAK_REASONS: Record<NonNullable<AuditVerifyOutput['firstBroken']>['reason'], string> = {
  hash_mismatch: '该条记录的内容被改动',
  link_mismatch: '该条之前的记录被删除或调换了顺序',
  truncated: '该条之后的记录被删除',
  truncated_after_checkpoint: '数据库外的检查点记录的这一条已不在链中：其后的记录被删除或链被清空',
  checkpoint_forged: '检查点文件中有无法通过 HMAC 校验的行（未被采信）',
};

/** Every school of the registry (the schools of each province). */
async function allSchools(): Promise<ApiResult<School[]>> {
  const provinces = await listRegions();
  if (!provinces.ok) return provinces;
  const lists = await Promise.all(provinces.data.regions.map((r) => listSchools(r.id)));
  const failed = lists.find((l) => !l.ok);
  if (failed && !failed.ok) return failed;
  return { ok: true, data: lists.flatMap((l) => (l.ok ? l.data.schools : [])) };
}

/** What administrators do here: verify the audit chain, and open any school's notice settings. They never read a notice. */
export function AdminPanel() {
  const [result, setResult] = useState<AuditVerifyOutput | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const schools = useRemote(allSchools, { loadOnMount: true });

  const verify = async () => {
    setBusy(true);
    setError('');
    const r = await verifyAuditChain();
    setBusy(false);
    if (r.ok) setResult(r.data);
    else setError(r.error.message);
  };

  const broken = result?.firstBroken ?? null;
  return (
    <>
      <Section title='审计链校验'>
        <Text className='xq-board__note'>告知书、绑定和告知设置的每个事件都写入防篡改审计日志，每条记录带有前一条的哈希，链的末端定期记入数据库外的检查点。校验会逐条核对，找出第一处断裂或末端被截掉的记录。</Text>
        {result ? (
          <View className={`xq-board__audit${result.ok ? ' is-ok' : ' is-broken'}`}>
            <Text className='xq-board__audit-title'>{result.ok ? '审计链完整' : '发现篡改'}</Text>
            <Text>已校验 {result.checked} 条记录</Text>
            {broken && broken.reason === 'checkpoint_forged' ? <Text>{result.forgedCheckpoints} 行：{BREAK_REASONS[broken.reason]}</Text> : null}
            {broken && broken.reason === 'truncated_after_checkpoint' ? (
              <Text>
                第 {broken.seq} 条（检查点时间 {when(broken.at)}）：{BREAK_REASONS[broken.reason]}
              </Text>
            ) : null}
            {broken && broken.reason !== 'checkpoint_forged' && broken.reason !== 'truncated_after_checkpoint' ? (
              <Text>
                第 {broken.seq} 条（{AUDIT_LABELS[broken.action as AuditAction] ?? broken.action}，{when(broken.at)}）：{BREAK_REASONS[broken.reason]}
              </Text>
            ) : null}
            {result.checkpoint ? <Text>数据库外的检查点：第 {result.checkpoint.seq} 条（{when(result.checkpoint.at)}）</Text> : null}
          </View>
        ) : null}
        {error ? <Text className='xq-field-error'>{error}</Text> : null}
        <Button type='primary' fill='outline' loading={busy} disabled={busy} onClick={() => void verify()}>
          {result ? '重新校验' : '校验审计链'}
        </Button>
      </Section>
      <Section title='学校告知设置' flush>
        {schools.state.status === 'loading' ? <StateView compact status='loading' /> : null}
        {schools.state.status === 'error' ? <StateView compact status='error' description={schools.state.error.message} onAction={schools.retry} /> : null}
        {schools.state.status === 'ready'
          ? schools.state.data.map((s) => (
            <View hoverClass='xq-pressed' key={s.id} className='xq-board__row xq-tappable' onClick={() => go(noticeRoutes.settings(s.id))}>
              <Text>{s.name}</Text>
              <ArrowRight size={12} color='#5f6b67' />
            </View>
          ))
          : null}
      </Section>
    </>
  );
}
