import Taro, { useRouter } from '@tarojs/taro';
import { View, Text, Button as TaroButton } from '@tarojs/components';
import { Button, Input } from '@nutui/nutui-react-taro';
import { Success } from '../../../components/icon/more';
import { useEffect, useState } from 'react';
import type { BoundChild, GuardianRelation } from '../../../../types';
import { RELATION_LABELS, RELATION_NOTE_MAX, relationText, STAGE_LABELS } from '../../../shared/labels';
import { CheckRow } from '../../../components/check-row';
import { CharCounter, LIMITS, nativeMax, revealErrors, useLeaveGuard, useLimits } from '../../../components/form-kit';
import { LoginPrompt } from '../../../components/login-prompt';
import { PageShell } from '../../../components/page-shell';
import { SafetyCard } from '../../../components/safety-card';
import { Section } from '../../../components/section';
import { useLoggedIn } from '../../../components/use-session';
import { useSubmit } from '../../../components/use-submit';
import { codeErrorMessage } from '../../../services/attempts';
import { forgetHotline } from '../../../services/hotline';
import { askNoticeSubscription, bindChild, noticeTemplateIds } from '../../../services/notices';
import { Chips, Field, fieldErrors } from '../lib/form';
import { bindCodeFromQuery } from '../lib/bind-link';
import { RELATIONS } from '../lib/labels';
import { noticeRoutes } from '../lib/nav';
import './index.scss';

/** What the guardian agrees to, point by point, in the separate consent (PIPL art. 29 and 31). */
export const NOTICE_CONSENT_POINTS = [
  '接收孩子所在学校就孩子心理健康状况发出的《学生心理问题告知书》和相关通知，并在小程序内查看、确认。',
  '告知书属于孩子的敏感个人信息，全程加密保存；只有孩子的监护人和发出告知书学校的授权老师（心理教师、学校领导）可以查看内容，班主任只能看到送达与确认情况。',
  '每一次打开告知书都会被记录（谁、在什么时间），记录防篡改、不可删除；页面会显示你的姓名水印，并关闭转发。',
  '学校结案后，告知书内容按学校设定的期限删除，只保留送达、阅读、确认的记录。',
  '你可以随时在“我的 → 我的数据”中查看系统保存的关于你和孩子的信息，并撤回本同意：撤回后学校会知道，之后的告知书不再发给你，已收到的从你的列表中移除。',
] as const;

/** The binding form's fields refused, by name. */
type Errors = Partial<Record<'code' | 'relation' | 'relationNote' | 'noticeConsent' | 'phone' | 'form', string>>;

/** The form's fields in the order the page shows them (the first refused one is scrolled to). */
const BIND_ORDER = ['code', 'relation', 'relationNote', 'noticeConsent', 'phone', 'form'] as const;

const CODE_ERRORS = new Set(['BINDING_CODE_INVALID', 'BINDING_CODE_USED', 'BINDING_CODE_EXPIRED', 'TOO_MANY_ATTEMPTS']);
const PHONE_ERRORS = new Set(['PHONE_REQUIRED', 'PHONE_MISMATCH']);

/** The form's problems before anything is sent: the code, the relation and the separate consent are all required. */
export function checkBindForm(code: string, relation: GuardianRelation | null, consent: boolean, note = ''): Errors {
  const errors: Errors = {};
  if (code.replace(/[^A-Za-z0-9]/g, '').length < 4) errors.code = '请输入学校发放的绑定码';
  if (!relation) errors.relation = '请选择你与孩子的关系';
  if (relation === 'other' && !note.trim()) errors.relationNote = '请填写你与孩子的关系，如 姑姑';
  else if (relation === 'other' && note.trim().length > RELATION_NOTE_MAX) errors.relationNote = `最多 ${RELATION_NOTE_MAX} 个字`;
  if (!consent) errors.noticeConsent = '请阅读并勾选单独同意，否则无法接收孩子的告知书';
  return errors;
}

function Done({ child }: { child: BoundChild }) {
  return (
    <View className='xq-bind__done'>
      <Success size={56} color='#267667' />
      <Text className='xq-bind__done-title'>已绑定 {child.name}</Text>
      <Text className='xq-bind__done-desc'>
        {child.schoolName} · {child.grade}{child.className} · {STAGE_LABELS[child.stage]}
      </Text>
      <Text className='xq-bind__done-desc'>你是孩子的{relationText(child.relation, child.relationNote)}。学校发出的告知书会出现在“学校通知”中。</Text>
      <Button type='primary' block onClick={() => void Taro.redirectTo({ url: noticeRoutes.inbox() })}>
        查看学校通知
      </Button>
      <Button fill='outline' block onClick={() => void Taro.switchTab({ url: '/pages/me/index' })}>
        返回我的
      </Button>
    </View>
  );
}

/** 绑定孩子: a guardian enters the school's code, states their relation and gives the separate consent for notices. */
export default function BindPage() {
  const loggedIn = useLoggedIn();
  const { params } = useRouter();
  const [code, setCode] = useState(() => bindCodeFromQuery(params));
  const [relation, setRelation] = useState<GuardianRelation | null>(null);
  const [note, setNote] = useState('');
  const [consent, setConsent] = useState(false);
  const [phoneCode, setPhoneCode] = useState<string | null>(null);
  const [errors, setErrors] = useState<Errors>({});
  const { busy, run } = useSubmit();
  const [bound, setBound] = useState<BoundChild | null>(null);
  const [templateIds, setTemplateIds] = useState<string[]>([]);
  const weapp = process.env.TARO_ENV === 'weapp';
  const { cut, take } = useLimits();
  const guard = useLeaveGuard(!bound && (code !== '' || relation !== null || consent));

  useEffect(() => {
    if (loggedIn) void noticeTemplateIds().then(setTemplateIds);
  }, [loggedIn]);

  const clear = (key: keyof Errors) => setErrors((e) => ({ ...e, [key]: undefined, form: undefined }));

  const submit = async () => {
    const local = checkBindForm(code, relation, consent, note);
    setErrors(local);
    if (revealErrors(local, BIND_ORDER) || !relation) return;
    const result = await run(async (key) => {
      // WeChat asks for the subscription only straight from a tap: nothing is awaited before it.
      const acceptSchoolNotice = await askNoticeSubscription(templateIds);
      return bindChild({ code: code.trim(), relation, relationNote: relation === 'other' ? note.trim() : null, noticeConsent: consent, phoneCode, acceptSchoolNotice }, key);
    });
    if (!result) return;
    // A phone code is good for one check only: ask again after any refusal.
    setPhoneCode(null);
    if (result.ok) {
      guard.release();
      // The new child's school may be in a region with its own hotline.
      forgetHotline();
      setBound(result.data.child);
      return;
    }
    const { code: kind, message } = result.error;
    let next: Errors;
    if (CODE_ERRORS.has(kind)) next = { code: codeErrorMessage(result.error, '绑定码无效') };
    else if (PHONE_ERRORS.has(kind)) next = { phone: codeErrorMessage(result.error, '手机号与学校登记的监护人手机号不一致') };
    else if (kind === 'NOTICE_CONSENT_REQUIRED') next = { noticeConsent: message };
    else if (kind === 'VALIDATION_FAILED' && result.error.details) next = { ...fieldErrors(result.error.details), form: message };
    else next = { form: message };
    setErrors(next);
    revealErrors(next, BIND_ORDER);
  };

  if (!loggedIn) {
    return (
      <PageShell title='绑定孩子' subtitle='凭学校发放的绑定码，接收孩子学校的通知'>
        <LoginPrompt title='请先登录' description='登录后再输入绑定码，孩子会绑定到你的账号上。' />
        <SafetyCard />
      </PageShell>
    );
  }

  if (bound) {
    return (
      <PageShell>
        <Done child={bound} />
        <SafetyCard />
      </PageShell>
    );
  }

  return (
    <PageShell
      title='绑定孩子'
      subtitle='凭学校为孩子发放的一次性绑定码，成为孩子在心桥的监护人'
      footer={
        <Button block type='primary' loading={busy} disabled={busy} onClick={() => void submit()}>
          同意并绑定
        </Button>
      }
    >
      <Section title='绑定信息'>
        <Field name='code' label='绑定码' hint='班主任或心理老师发给你的 8 位绑定码，只能使用一次' error={errors.code}>
          <View className='xq-field'>
            <Input
              value={code}
              placeholder='如 ABCD-EFGH'
              maxLength={nativeMax(LIMITS.bind.code)}
              aria-label='绑定码'
              onChange={(v: string) => {
                setCode(take('code', v.toUpperCase(), LIMITS.bind.code));
                clear('code');
              }}
            />
          </View>
          {cut.code ? <CharCounter value={code} max={LIMITS.bind.code} cut /> : null}
        </Field>
        <Field name='relation' label='你与孩子的关系' error={errors.relation}>
          <Chips
            options={RELATIONS}
            value={relation}
            label={(r) => RELATION_LABELS[r]}
            onChange={(r) => {
              setRelation(r);
              clear('relation');
            }}
          />
        </Field>
        {relation === 'other' ? (
          <Field name='relationNote' label='你是孩子的' hint={`如 姑姑、继父、舅舅（最多 ${RELATION_NOTE_MAX} 字）`} error={errors.relationNote}>
            <View className='xq-field'>
              <Input
                value={note}
                placeholder='如 姑姑'
                maxLength={RELATION_NOTE_MAX}
                aria-label='你与孩子的关系'
                onChange={(v: string) => {
                  setNote(v);
                  clear('relationNote');
                }}
              />
            </View>
            <CharCounter value={note} max={RELATION_NOTE_MAX} />
          </Field>
        ) : null}
      </Section>

      <View id='xq-f-noticeConsent'>
      <Section title='告知书接收单独同意' className={`xq-bind__consent${errors.noticeConsent ? ' has-error' : ''}`}>
        <Text className='xq-bind__consent-lead'>
          本同意独立于《隐私保护指引》，只用于接收学校关于孩子心理健康的告知书。勾选即表示你同意：
        </Text>
        <View className='xq-bind__points'>
          {NOTICE_CONSENT_POINTS.map((p, i) => (
            <View key={p} className='xq-bind__point'>
              <Text className='xq-bind__point-no'>{i + 1}</Text>
              <Text className='xq-bind__point-text'>{p}</Text>
            </View>
          ))}
        </View>
        <CheckRow
          className='xq-bind__check'
          checked={consent}
          onChange={(v) => {
            setConsent(v);
            clear('noticeConsent');
          }}
        >
          我已阅读以上内容，单独同意接收孩子的心理健康告知书
        </CheckRow>
        {errors.noticeConsent ? <Text className='xq-field-error'>{errors.noticeConsent}</Text> : null}
      </Section>
      </View>

      {weapp ? (
        <Section title='验证手机号'>
          <Text className='xq-bind__phone-note'>为确认你就是学校登记的监护人，将核对你的微信绑定手机号与学校的登记是否一致。</Text>
          {phoneCode ? (
            <Text className='xq-bind__phone-ok'>已获取手机号，点击下方“同意并绑定”完成绑定</Text>
          ) : (
            <TaroButton
              className='xq-bind__phone-btn'
              openType='getPhoneNumber'
              onGetPhoneNumber={(e) => {
                const got = (e.detail as { code?: string }).code;
                if (got) {
                  setPhoneCode(got);
                  clear('phone');
                } else {
                  setErrors((prev) => ({ ...prev, phone: '未获取到手机号，请重试或联系学校核对登记的手机号' }));
                }
              }}
            >
              验证微信手机号
            </TaroButton>
          )}
          {errors.phone ? <Text id='xq-f-phone' className='xq-field-error'>{errors.phone}</Text> : null}
        </Section>
      ) : errors.phone ? (
        <Text id='xq-f-phone' className='xq-bind__form-error'>{errors.phone}（请在微信小程序中绑定）</Text>
      ) : null}

      {errors.form ? <Text id='xq-f-form' className='xq-bind__form-error'>{errors.form}</Text> : null}
      <SafetyCard />
    </PageShell>
  );
}
