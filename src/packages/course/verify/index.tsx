import { useRouter } from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button, Input } from '@nutui/nutui-react-taro';
import { Failure, Success } from '../../../components/icon/more';
import dayjs from 'dayjs';
import { useCallback, useState } from 'react';
import type { CertificateVerifyOutput } from '../../../../types';
import { MODULE_LABELS } from '../../../shared/labels';
import { PageShell } from '../../../components/page-shell';
import { Section } from '../../../components/section';
import { useRemote } from '../../../components/use-remote';
import { StateView } from '../../../components/state-view';
import { useSubmit } from '../../../components/use-submit';
import { verifyCertificate } from '../../../services/courses';
import type { ApiError } from '../../../services/request';
import { codeFromQuery } from '../lib/verify-link';
import './index.scss';

/** 证书查验: anyone enters a verification code and sees whether a certificate with it was issued; a scanned link (code in the query) checks at once. */
export default function VerifyPage() {
  const { params } = useRouter();
  const [linked] = useState(() => codeFromQuery(params));
  const [code, setCode] = useState(linked);
  const { busy, run } = useSubmit();
  const [error, setError] = useState<ApiError | null>(null);
  const [result, setResult] = useState<{ code: string; output: CertificateVerifyOutput } | null>(null);
  const [byHand, setByHand] = useState(false);

  const check = async () => {
    const trimmed = code.trim();
    if (trimmed === '') {
      setError({ code: 'EMPTY', message: '请输入证书验证码', status: 0 });
      return;
    }
    setByHand(true);
    setError(null);
    setResult(null);
    const outcome = await run(() => verifyCertificate(trimmed));
    if (!outcome) return;
    if (outcome.ok) setResult({ code: trimmed, output: outcome.data });
    else if (outcome.error.code === 'NOT_FOUND') setResult({ code: trimmed, output: { valid: false, certificate: null } });
    else setError(outcome.error);
  };

  // The code of a scanned link is checked as the page opens, until the visitor checks another by hand.
  const linkLoader = useCallback(() => verifyCertificate(linked), [linked]);
  const fromLink = useRemote(linkLoader, { enabled: linked !== '' && !byHand });
  const linkState = linked !== '' && !byHand ? fromLink.state : null;
  const linkError = linkState?.status === 'error' && linkState.error.code !== 'NOT_FOUND' ? linkState.error : null;
  const shown =
    result ??
    (linkState?.status === 'ready'
      ? { code: linked, output: linkState.data }
      : linkState?.status === 'error' && linkState.error.code === 'NOT_FOUND'
        ? { code: linked, output: { valid: false, certificate: null } }
        : null);

  const certificate = shown?.output.valid ? shown.output.certificate : null;

  return (
    <PageShell title='证书查验' subtitle='输入结业证书上的验证码，核对证书是否由心桥签发'>
      <Section title='验证码'>
        <View className={`xq-field${error ? ' has-error' : ''}`}>
          <Input
            value={code}
            placeholder='请输入证书验证码'
            maxLength={40}
            clearable
            onChange={(value: string) => {
              setCode(value);
              setError(null);
            }}
          />
        </View>
        {error ? <Text className='xq-field-error'>{error.message}</Text> : null}
        {linkState?.status === 'loading' ? <StateView compact status='loading' title='正在查验…' /> : null}
        {linkError ? <StateView compact status='error' description={linkError.message} onAction={fromLink.retry} /> : null}
        <Button className='xq-verify__go' block type='primary' loading={busy} disabled={busy} onClick={() => void check()}>
          查验
        </Button>
      </Section>

      {shown && certificate ? (
        <View className='xq-verify__result is-valid' aria-label='查验结果'>
          <View className='xq-verify__result-head'>
            <Success size={22} color='#3a9a62' />
            <Text className='xq-verify__result-title'>证书有效</Text>
          </View>
          <View className='xq-verify__row'>
            <Text className='xq-verify__key'>持证人</Text>
            <Text className='xq-verify__value'>{certificate.displayName}</Text>
          </View>
          <View className='xq-verify__row'>
            <Text className='xq-verify__key'>课程</Text>
            <Text className='xq-verify__value'>《{certificate.courseTitle}》</Text>
          </View>
          <View className='xq-verify__row'>
            <Text className='xq-verify__key'>模块</Text>
            <Text className='xq-verify__value'>{MODULE_LABELS[certificate.module]}</Text>
          </View>
          <View className='xq-verify__row'>
            <Text className='xq-verify__key'>签发日期</Text>
            <Text className='xq-verify__value'>{dayjs(certificate.issuedAt).format('YYYY年M月D日')}</Text>
          </View>
          <View className='xq-verify__row'>
            <Text className='xq-verify__key'>验证码</Text>
            <Text className='xq-verify__value'>{certificate.code}</Text>
          </View>
        </View>
      ) : null}
      {shown && !certificate ? (
        <View className='xq-verify__result' aria-label='查验结果'>
          <View className='xq-verify__result-head'>
            <Failure size={22} color='#b93a35' />
            <Text className='xq-verify__result-title'>未找到该证书</Text>
          </View>
          <Text className='xq-verify__note'>验证码「{shown.code}」没有对应的证书，请核对后重新输入（注意区分字母和数字）。</Text>
        </View>
      ) : null}
    </PageShell>
  );
}
