import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { useCallback, useState } from 'react';
import { Section } from '../../../components/section';
import { StateView } from '../../../components/state-view';
import { useRemote } from '../../../components/use-remote';
import { useSubmit } from '../../../components/use-submit';
import { downloadBindingSheets, listSheetClasses } from '../../../services/local';
import { classText } from '../../../shared/labels';
import { Chips } from '../lib/form';
import { toast } from '../lib/nav';

/** 打印家长绑定单: pick a class and download one PDF with a page per guardian still to bind (code, QR of the binding link, handout). */
export function PrintSheets({ schoolId }: { schoolId: string }) {
  const loader = useCallback(() => listSheetClasses(schoolId), [schoolId]);
  const { state, retry } = useRemote(loader, { loadOnMount: true });
  const [picked, setPicked] = useState<string | null>(null);
  const [error, setError] = useState('');
  const { busy, run } = useSubmit();
  const classes = state.status === 'ready' ? state.data.classes : [];
  const keyOf = (c: { grade: string; className: string }) => `${c.grade}\u0001${c.className}`;
  const chosen = classes.find((c) => keyOf(c) === picked) ?? null;

  const download = async () => {
    if (!chosen) {
      setError('请先选择班级');
      return;
    }
    setError('');
    const r = await run(() => downloadBindingSheets(schoolId, chosen.grade, chosen.className));
    if (!r) return;
    if (r.ok) toast('绑定单已生成', 'success');
    else setError(r.error.message);
  };

  return (
    <Section title='打印家长绑定单'>
      <Text className='xq-students__hint'>
        {'每位待绑定的监护人一页：绑定码、扫码绑定的二维码和给家长的说明。重新打印显示同一个绑定码；在学生详情里生成、只显示过一次的绑定码，打印时会作废并换成新码。'
          + '最上方的分发联有学生全名，便于分发，交给家长前可沿虚线剪下。'}
      </Text>
      {state.status === 'loading' ? <StateView compact status='loading' /> : null}
      {state.status === 'error' ? <StateView compact status='error' description={state.error.message} onAction={retry} /> : null}
      {state.status === 'ready' && classes.length === 0 ? <StateView compact status='empty' icon='person' title='还没有学生' description='添加学生后即可打印绑定单。' /> : null}
      {classes.length > 0 ? (
        <View className='xq-students__print'>
          <Chips
            options={classes.map(keyOf)}
            value={picked}
            label={(k) => {
              const c = classes.find((x) => keyOf(x) === k);
              return c ? `${classText(c.grade, c.className)}（${c.pupils}人）` : k;
            }}
            onChange={(k) => {
              setPicked(k);
              setError('');
            }}
          />
          {error ? <Text className='xq-field-error'>{error}</Text> : null}
          <Button block type='primary' loading={busy} disabled={busy} onClick={() => void download()}>
            {chosen ? `下载 ${classText(chosen.grade, chosen.className)} 绑定单（PDF）` : '下载绑定单（PDF）'}
          </Button>
        </View>
      ) : null}
    </Section>
  );
}
