import Taro, { useRouter } from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { Copy } from '../../../components/icon/more';
import dayjs from 'dayjs';
import { useCallback } from 'react';
import type { CertificateOutput } from '../../../../types';
import { MODULE_LABELS } from '../../../shared/labels';
import { PageShell } from '../../../components/page-shell';
import { StateView } from '../../../components/state-view';
import { useRemote } from '../../../components/use-remote';
import { verifyCertificate } from '../../../services/courses';
import { courseRoutes, go } from '../lib/nav';
import { QrImage } from '../lib/qr-image';
import { verifyLink } from '../lib/verify-link';
import './index.scss';

/** Copies a verification code to the clipboard. */
export function copyCode(code: string): void {
  Taro.setClipboardData({ data: code })
    .then(() => Taro.showToast({ title: '验证码已复制', icon: 'none' }))
    .catch(() => Taro.showToast({ title: `验证码：${code}`, icon: 'none' }));
}

/** Copies a certificate's verification link to the clipboard. */
export function copyLink(link: string): void {
  Taro.setClipboardData({ data: link })
    .then(() => Taro.showToast({ title: '查验链接已复制', icon: 'none' }))
    .catch(() => Taro.showToast({ title: '复制失败，请长按链接复制', icon: 'none' }));
}

/** The QR code of a certificate's verification link, with the link and the code as text. */
export function CertificateQr({ code }: { code: string }) {
  const link = verifyLink(code);
  return (
    <View className='xq-cert__verify'>
      <Text className='xq-cert__verify-title'>扫码查验</Text>
      <QrImage className='xq-cert__qr' text={link} label='证书查验二维码' />
      <Text className='xq-cert__verify-desc'>用手机扫描二维码，或打开下面的链接，即可核对这张证书（验证码 {code}）。</Text>
      <Text className='xq-cert__link' selectable>
        {link}
      </Text>
      <Button className='xq-cert__copy' fill='outline' type='primary' onClick={() => copyLink(link)}>
        复制查验链接
      </Button>
    </View>
  );
}

/** The certificate itself, drawn as a framed document. */
export function CertificateView({ certificate }: { certificate: CertificateOutput }) {
  return (
    <View className='xq-cert'>
      <View className='xq-cert__frame'>
        <View className='xq-cert__seal-row'>
          <View className='xq-cert__ribbon'>
            <Text>心桥</Text>
          </View>
        </View>
        <Text className='xq-cert__heading'>结业证书</Text>
        <Text className='xq-cert__en'>CERTIFICATE OF COMPLETION</Text>
        <Text className='xq-cert__name'>{certificate.displayName}</Text>
        <Text className='xq-cert__line'>家长完成了家庭教育课程</Text>
        <Text className='xq-cert__course'>《{certificate.courseTitle}》</Text>
        <Text className='xq-cert__line'>{MODULE_LABELS[certificate.module]}模块的全部学习与测验，特发此证。</Text>
        <View className='xq-cert__foot'>
          <View className='xq-cert__issuer'>
            <Text className='xq-cert__issuer-name'>心桥 · 家庭教育学习平台</Text>
            <Text className='xq-cert__date'>{dayjs(certificate.issuedAt).format('YYYY年M月D日')}</Text>
          </View>
          <View className='xq-cert__stamp'>
            <Text className='xq-cert__stamp-text'>学习</Text>
            <Text className='xq-cert__stamp-text'>认证</Text>
          </View>
        </View>
        <View hoverClass='xq-pressed' className='xq-cert__code xq-tappable' onClick={() => copyCode(certificate.code)} aria-label='复制验证码'>
          <Text className='xq-cert__code-label'>验证码</Text>
          <Text className='xq-cert__code-value'>{certificate.code}</Text>
          <Copy size={14} color='#7a5a14' />
        </View>
      </View>
    </View>
  );
}

/** 结业证书: the certificate of a completed course, with its verification code (tap to copy) and the QR code of its verification link. */
export default function CertificatePage() {
  const { params } = useRouter();
  const code = params.code ?? '';
  const loader = useCallback(() => verifyCertificate(code), [code]);
  const { state, retry } = useRemote(loader, { enabled: code !== '' });

  if (code === '') return <StateView status='error' title='没有找到证书' description='链接缺少证书验证码。' />;
  if (state.status === 'loading') return <StateView status='loading' skeleton='detail' />;
  if (state.status === 'error') return <StateView status='error' description={state.error.message} onAction={retry} />;
  const certificate = state.data.certificate;
  if (!state.data.valid || !certificate) return <StateView status='empty' icon='certificate' title='证书无效' description='没有找到这个验证码对应的证书。' />;
  return (
    <PageShell>
      <CertificateView certificate={certificate} />
      <CertificateQr code={certificate.code} />
      <Text className='xq-cert__hint'>任何人都可以扫描二维码，或在「证书查验」中输入验证码，核对这张证书的真实性。</Text>
      <View className='xq-cert__actions'>
        <Button fill='outline' type='primary' onClick={() => go(courseRoutes.verify(certificate.code))}>
          证书查验
        </Button>
        <Button type='primary' onClick={() => go(courseRoutes.learning())}>
          我的学习
        </Button>
      </View>
    </PageShell>
  );
}
