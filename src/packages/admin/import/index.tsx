import Taro, { useRouter } from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { useEffect, useMemo, useState } from 'react';
import type { ImportCommitOutput, ImportInput, ImportKind, ImportOutcome, ImportPreviewOutput, ImportRowResult } from '../../../../types';
import { PageShell } from '../../../components/page-shell';
import { Pill, type PillTone } from '../../../components/pill';
import { Section } from '../../../components/section';
import { StateView } from '../../../components/state-view';
import { useSubmit } from '../../../components/use-submit';
import { commitImport, downloadTemplate, IMPORT_MAX_BYTES, pickSheet, previewImport, type PickedFile } from '../../../services/imports';
import './index.scss';

const KIND_LABELS: Record<ImportKind, string> = { regions: '地区', schools: '学校', stations: '站点', pupils: '学生名单' };
const KIND_HINTS: Record<ImportKind, string> = {
  regions: '每行一个地区：行政区划代码、名称、层级（省 / 市 / 区县）、上级代码。按代码识别，再次导入只更新名称。',
  schools: '每行一所学校：学校名称、所在地区代码、学段、开办日期、停办日期。同一地区按学校名称识别。',
  stations: '每行一个站点：站点名称、类型、所在地区代码、所属学校、地址、开办和停办日期。同一地区按站点名称识别。',
  pupils: '每行一名学生：学号、姓名、年级、班级、学段，以及最多两位监护人的关系和手机号。按学号识别，再次导入只更新有变化的内容。',
};
const OUTCOMES: { key: ImportOutcome; label: string; tone: PillTone }[] = [
  { key: 'error', label: '错误', tone: 'danger' },
  { key: 'new', label: '新增', tone: 'primary' },
  { key: 'changed', label: '修改', tone: 'warning' },
  { key: 'unchanged', label: '不变', tone: 'default' },
];
const PAGE = 100;

/** The page's stage: choose a file, checking it, the dry run's table, importing, done, or a refused file. */
type Stage =
  | { step: 'choose' }
  | { step: 'checking'; file: PickedFile; since: number }
  | { step: 'preview'; file: PickedFile; preview: ImportPreviewOutput }
  | { step: 'importing'; file: PickedFile; preview: ImportPreviewOutput; since: number }
  | { step: 'done'; file: PickedFile; result: ImportCommitOutput }
  | { step: 'failed'; file: PickedFile | null; message: string };

/** The time, ticking every second while active (the progress of a long check or import). */
function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return undefined;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

function fileLine(file: PickedFile): string {
  const kb = file.size / 1024;
  return `${file.name} · ${kb >= 1024 ? `${(kb / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(kb))} KB`}`;
}

function RowLine({ row }: { row: ImportRowResult }) {
  const outcome = OUTCOMES.find((o) => o.key === row.outcome) ?? OUTCOMES[3];
  return (
    <View className={`xq-import__row xq-import__row--${row.outcome}`}>
      <View className='xq-import__row-head'>
        <Text className='xq-import__row-no'>第 {row.row} 行</Text>
        <Text className='xq-import__row-label'>{row.label || '（未填）'}</Text>
        <Pill tone={outcome.tone}>{outcome.label}</Pill>
      </View>
      {row.errors.map((e) => (
        <View key={`${e.cell}-${e.message}`} className='xq-import__error'>
          <Text className='xq-import__cell'>{e.cell}</Text>
          <Text className='xq-import__error-text'>{e.message}</Text>
        </View>
      ))}
      {row.changes.length ? <Text className='xq-import__changes'>修改：{row.changes.join('、')}</Text> : null}
    </View>
  );
}

/** 批量导入: download the template, choose a file, see every row's outcome, confirm, see the result. */
export default function ImportPage() {
  const router = useRouter();
  const schoolId = router.params.schoolId ?? null;
  const schoolName = router.params.schoolName ? decodeURIComponent(router.params.schoolName) : '';
  const kinds: ImportKind[] = schoolId ? ['pupils'] : ['regions', 'schools', 'stations'];
  const [kind, setKind] = useState<ImportKind>(schoolId ? 'pupils' : ((router.params.kind as ImportKind | undefined) ?? 'schools'));
  const [stage, setStage] = useState<Stage>({ step: 'choose' });
  const [shown, setShown] = useState(PAGE);
  const { busy, run } = useSubmit();
  const now = useNow(stage.step === 'checking' || stage.step === 'importing');
  const elapsed = stage.step === 'checking' || stage.step === 'importing' ? Math.max(0, Math.round((now - stage.since) / 1000)) : 0;
  const input = (file: PickedFile): ImportInput => ({ kind, schoolId, fileName: file.name, dataBase64: file.dataBase64 });

  const choose = async () => {
    const file = await pickSheet();
    if (!file) return;
    if (!/\.(xlsx|csv)$/i.test(file.name)) return setStage({ step: 'failed', file, message: '只支持 .xlsx 或 .csv 文件（Excel 中“另存为”可选择这两种格式）' });
    if (file.size > IMPORT_MAX_BYTES) return setStage({ step: 'failed', file, message: `文件超过 ${IMPORT_MAX_BYTES / 1024 / 1024} MB，请拆分成几个文件分别导入` });
    setStage({ step: 'checking', file, since: Date.now() });
    setShown(PAGE);
    const r = await previewImport(input(file));
    if (!r.ok) return setStage({ step: 'failed', file, message: r.error.details?.[0]?.message ?? r.error.message });
    setStage({ step: 'preview', file, preview: r.data });
  };

  const confirm = async () => {
    if (stage.step !== 'preview') return;
    const { file, preview } = stage;
    setStage({ step: 'importing', file, preview, since: Date.now() });
    const r = await run((key) => commitImport(input(file), key));
    if (!r) return;
    if (!r.ok) return setStage({ step: 'failed', file, message: r.error.message });
    setStage({ step: 'done', file, result: r.data });
    Taro.showToast({ title: '导入完成', icon: 'success' }).catch(() => undefined);
  };

  const template = async () => {
    const r = await downloadTemplate(kind);
    if (!r.ok) Taro.showToast({ title: r.error.message, icon: 'none' }).catch(() => undefined);
  };

  const rows = useMemo(() => (stage.step === 'preview' || stage.step === 'importing' ? stage.preview.rows : []), [stage]);
  const errorRows = rows.filter((r) => r.outcome === 'error').length;
  const working = stage.step === 'checking' || stage.step === 'importing';

  return (
    <PageShell title={schoolId ? '导入学生名单' : '批量导入名录'} subtitle={schoolId ? `${schoolName || '本校'}：学生与监护人手机号` : '地区、学校、站点'}>
      {kinds.length > 1 ? (
        <View className='xq-import__kinds' role='tablist'>
          {kinds.map((k) => (
            <View
              key={k}
              role='tab'
              aria-selected={k === kind}
              hoverClass='xq-pressed'
              className={`xq-import__kind xq-tappable ${k === kind ? 'xq-import__kind--on' : ''}`}
              onClick={() => { if (!working) { setKind(k); setStage({ step: 'choose' }); } }}
            >
              <Text>{KIND_LABELS[k]}</Text>
            </View>
          ))}
        </View>
      ) : null}

      <Section title='1. 下载模板并填写'>
        <Text className='xq-import__hint'>{KIND_HINTS[kind]}</Text>
        <Text className='xq-import__hint'>支持 .xlsx 和 .csv（UTF-8 或 Excel 保存的 GBK 均可），最大 3 MB、10,000 行。</Text>
        <View className='xq-import__actions'>
          <Button className='xq-import__button' fill='outline' onClick={() => void template()}>下载{KIND_LABELS[kind]}模板</Button>
        </View>
      </Section>

      <Section title='2. 选择文件并检查'>
        {stage.step === 'choose' ? (
          <StateView compact status='empty' icon='content' title='还没有选择文件' description='选择填好的表格后会先逐行检查，确认前不会写入任何数据。' />
        ) : null}
        {stage.step !== 'choose' && stage.file ? <Text className='xq-import__file'>{fileLine(stage.file)}</Text> : null}
        {stage.step === 'checking' ? (
          <View className='xq-import__progress' aria-live='polite'>
            <StateView compact status='loading' title='正在读取和逐行检查…' description={`已用 ${elapsed} 秒，1 万行约需十几秒`} />
          </View>
        ) : null}
        {stage.step === 'failed' ? <StateView compact status='error' title='无法导入该文件' description={stage.message} /> : null}
        <View className='xq-import__actions'>
          <Button className='xq-import__button' type={stage.step === 'choose' || stage.step === 'failed' ? 'primary' : 'default'} fill={stage.step === 'choose' || stage.step === 'failed' ? 'solid' : 'outline'} disabled={working} onClick={() => void choose()}>
            {stage.step === 'choose' ? '选择文件' : '重新选择文件'}
          </Button>
        </View>
      </Section>

      {stage.step === 'preview' || stage.step === 'importing' ? (
        <Section title='3. 检查结果' extra={`共 ${stage.preview.total} 行`}>
          <View className='xq-import__counts'>
            {OUTCOMES.map((o) => (
              <View key={o.key} className={`xq-import__count xq-import__count--${o.key}`} aria-label={`${o.label} ${stage.preview.counts[o.key]} 行`}>
                <Text className='xq-import__count-value'>{stage.preview.counts[o.key]}</Text>
                <Text className='xq-import__count-label'>{o.label}</Text>
              </View>
            ))}
          </View>
          {stage.preview.notes.map((n) => <Text key={n} className='xq-import__note'>{n}</Text>)}
          {errorRows > 0 ? (
            <Text className='xq-import__blocked'>有 {errorRows} 行有错误（列在最前面，格子位置如“C7”表示 C 列第 7 行）。请在表格中修改后重新选择文件；有错误时不会导入任何一行。</Text>
          ) : stage.preview.counts.new + stage.preview.counts.changed === 0 ? (
            <Text className='xq-import__ready'>全部 {stage.preview.total} 行检查通过，与已登记的完全一致，没有需要导入的变化。</Text>
          ) : (
            <Text className='xq-import__ready'>全部 {stage.preview.total} 行检查通过。确认后在一次操作中全部写入；同一文件再次导入不会重复添加。</Text>
          )}
          <View className='xq-import__table'>
            {rows.slice(0, shown).map((r) => <RowLine key={r.row} row={r} />)}
          </View>
          {rows.length > shown ? (
            <View className='xq-import__actions'>
              <Button className='xq-import__button' fill='outline' onClick={() => setShown((n) => n + PAGE * 2)}>再显示 {Math.min(PAGE * 2, rows.length - shown)} 行（还有 {rows.length - shown} 行）</Button>
            </View>
          ) : null}
          <View className='xq-import__actions'>
            <Button
              className='xq-import__button'
              type='primary'
              loading={stage.step === 'importing' || busy}
              disabled={errorRows > 0 || stage.step === 'importing' || busy || stage.preview.counts.new + stage.preview.counts.changed === 0}
              onClick={() => void confirm()}
            >
              {stage.step === 'importing' ? `正在导入…（${elapsed} 秒）` : stage.preview.counts.new + stage.preview.counts.changed === 0 ? '没有需要导入的变化' : `确认导入（新增 ${stage.preview.counts.new}，修改 ${stage.preview.counts.changed}）`}
            </Button>
          </View>
        </Section>
      ) : null}

      {stage.step === 'done' ? (
        <Section title='导入完成'>
          <View className='xq-import__done' aria-live='polite'>
            <Text className='xq-import__done-title'>已导入 {stage.result.total} 行</Text>
            <Text className='xq-import__done-line'>新增 {stage.result.counts.new} · 修改 {stage.result.counts.changed} · 不变 {stage.result.counts.unchanged}</Text>
          </View>
          <View className='xq-import__actions'>
            <Button className='xq-import__button' fill='outline' onClick={() => setStage({ step: 'choose' })}>再导入一个文件</Button>
            <Button className='xq-import__button' type='primary' onClick={() => void Taro.navigateBack().catch(() => undefined)}>返回</Button>
          </View>
        </Section>
      ) : null}
    </PageShell>
  );
}
