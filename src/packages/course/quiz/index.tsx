import Taro, { useRouter } from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { Checked, Close } from '../../../components/icon/more';
import { useCallback, useState, type ReactNode } from 'react';
import type { QuizOutput, QuizResultOutput } from '../../../../types';
import { PageShell } from '../../../components/page-shell';
import { StateView } from '../../../components/state-view';
import { LoginPrompt } from '../../../components/login-prompt';
import { useLoggedIn } from '../../../components/use-session';
import { useSubmit } from '../../../components/use-submit';
import { useLoadOnce } from '../lib/use-once';
import { getQuiz, submitQuiz } from '../../../services/courses';
import type { ApiError } from '../../../services/request';
import { courseRoutes, go } from '../lib/nav';
import './index.scss';

const LETTERS = 'ABCDEFGH';

/** "请 N 分钟后再试" for a wait in seconds. */
function waitText(seconds: number): string {
  return `请 ${Math.max(1, Math.ceil(seconds / 60))} 分钟后再试`;
}

/** "第 2、3 题" for the numbers of the given questions in the quiz. */
function numbers(quiz: QuizOutput, ids: string[]): string {
  return `第 ${quiz.questions.flatMap((q, i) => (ids.includes(q.id) ? [String(i + 1)] : [])).join('、')} 题`;
}

function Quiz({ courseId, quiz, onRetry }: { courseId: string; quiz: QuizOutput; onRetry: () => void }) {
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const { busy, run } = useSubmit();
  const [error, setError] = useState<ApiError | null>(null);
  const [result, setResult] = useState<QuizResultOutput | null>(null);
  /** Why no attempt is accepted now (the cooldown after failed attempts in a row), or null. */
  const [wait, setWait] = useState<string | null>(quiz.retryAfterSeconds === null ? null : `测验已连续多次未通过，${waitText(quiz.retryAfterSeconds)}。可以先回看课时内容。`);
  const answered = quiz.questions.filter((q) => answers[q.id] !== undefined).length;
  const complete = answered === quiz.questions.length;
  const review = new Map((result?.review ?? []).map((r) => [r.questionId, r]));

  const submit = async () => {
    if (!complete || wait) return;
    setError(null);
    const outcome = await run((key) => submitQuiz(courseId, quiz.questions.map((q) => ({ questionId: q.id, optionId: answers[q.id] as string })), key));
    if (!outcome) return;
    if (!outcome.ok) {
      if (outcome.error.code === 'TOO_MANY_ATTEMPTS') setWait(outcome.error.message);
      else setError(outcome.error);
      return;
    }
    setResult(outcome.data);
    if (outcome.data.retryAfterSeconds !== null) setWait(`已连续多次未通过，${waitText(outcome.data.retryAfterSeconds)}。`);
    Taro.pageScrollTo({ scrollTop: 0, duration: 200 }).catch(() => undefined);
  };

  const backToCourse = () => void Taro.navigateBack().catch(() => go(courseRoutes.detail(courseId)));

  let footer: ReactNode;
  if (result?.passed) {
    footer = result.certificate ? (
      <Button block type='primary' onClick={() => result.certificate && go(courseRoutes.certificate(result.certificate.code))}>
        查看结业证书
      </Button>
    ) : (
      <Button block type='primary' onClick={backToCourse}>
        返回课程
      </Button>
    );
  } else if (wait) {
    footer = (
      <Button block type='primary' disabled>
        暂时不能作答，请稍后再试
      </Button>
    );
  } else if (result) {
    footer = (
      <Button block type='primary' onClick={onRetry}>
        再试一次
      </Button>
    );
  } else {
    footer = (
      <Button block type='primary' loading={busy} disabled={!complete || busy} onClick={() => void submit()}>
        {complete ? '提交答案' : `还有 ${quiz.questions.length - answered} 题未作答`}
      </Button>
    );
  }

  return (
    <PageShell footer={footer}>
      {result ? (
        <View className={`xq-quiz__score${result.passed ? ' is-passed' : ''}`}>
          <Text className='xq-quiz__score-value'>{result.score}</Text>
          <Text className='xq-quiz__score-unit'>分</Text>
          <Text className='xq-quiz__score-text'>
            {result.passed ? `恭喜通过测验（${result.passMark} 分及格），下面是每题的解析` : `未通过，${result.passMark} 分及格`}
          </Text>
          {!result.passed ? <Text className='xq-quiz__score-text'>{numbers(quiz, result.wrongQuestionIds)}答错了，请回看课时后再试</Text> : null}
          {!result.passed && !wait ? <Text className='xq-quiz__score-text'>还可以再试 {result.remainingAttempts} 次，之后需要等待一段时间</Text> : null}
          {result.certificate ? <Text className='xq-quiz__score-text'>你已完成本课程，获得结业证书</Text> : null}
        </View>
      ) : (
        <View className='xq-quiz__intro'>
          <Text className='xq-quiz__intro-title'>共 {quiz.questions.length} 题，{quiz.passMark} 分及格</Text>
          <Text className='xq-quiz__intro-desc'>
            {quiz.passed ? '你已通过本测验，可以再做一遍巩固。' : quiz.attempts > 0 ? `已作答 ${quiz.attempts} 次。每题选择一个最合适的答案，通过后可以看到解析。` : '每题选择一个最合适的答案，通过后可以看到每题的解析。'}
          </Text>
        </View>
      )}

      {wait ? (
        <View className='xq-quiz__wait'>
          <Text>{wait}</Text>
          <Text className='xq-quiz__wait-link xq-link' onClick={backToCourse}>
            回看课时
          </Text>
        </View>
      ) : null}
      {error ? <Text className='xq-quiz__error'>{error.message}</Text> : null}

      {quiz.questions.map((question, qi) => {
        const wrong = result ? result.wrongQuestionIds.includes(question.id) : false;
        const explained = review.get(question.id);
        return (
          <View key={question.id} className={`xq-quiz__card${result && !result.passed ? (wrong ? ' is-wrong' : ' is-right') : ''}`}>
            <Text className='xq-quiz__number'>
              第 {qi + 1} 题 / 共 {quiz.questions.length} 题
            </Text>
            <Text className='xq-quiz__prompt'>{question.prompt}</Text>
            {question.options.map((option, oi) => {
              const chosen = answers[question.id] === option.id;
              let state = chosen ? 'is-chosen' : '';
              if (explained) state = explained.correctOptionId === option.id ? 'is-right' : chosen ? 'is-wrong' : '';
              return (
                <View hoverClass='xq-pressed'
                  key={option.id}
                  className={`xq-quiz__option ${state} xq-tappable`}
                  role='radio'
                  aria-checked={chosen}
                  onClick={() => {
                    if (result || busy || wait) return;
                    setAnswers((prev) => ({ ...prev, [question.id]: option.id }));
                  }}
                >
                  <Text className='xq-quiz__letter'>{LETTERS[oi] ?? oi + 1}</Text>
                  <Text className='xq-quiz__option-text'>{option.text}</Text>
                  {explained?.correctOptionId === option.id ? <Checked size={16} color='#3a9a62' /> : null}
                  {explained && chosen && explained.correctOptionId !== option.id ? <Close size={14} color='#b93a35' /> : null}
                </View>
              );
            })}
            {result && !result.passed ? (
              <Text className='xq-quiz__verdict'>{wrong ? `第 ${qi + 1} 题答错了，请回看课时后再试` : '这题答对了'}</Text>
            ) : null}
            {explained ? (
              <View className={`xq-quiz__explain${explained.chosenOptionId === explained.correctOptionId ? ' is-right' : ''}`}>
                <Text className='xq-quiz__explain-head'>
                  {explained.chosenOptionId === explained.correctOptionId
                    ? '回答正确'
                    : `回答错误，正确答案 ${LETTERS[question.options.findIndex((o) => o.id === explained.correctOptionId)] ?? ''}`}
                </Text>
                <Text className='xq-quiz__explain-text'>{explained.explanation}</Text>
              </View>
            ) : null}
          </View>
        );
      })}
    </PageShell>
  );
}

/** 课后测验: one card per question (options in the order served), submit; a failure names the wrong questions, a pass explains each; a new attempt reloads the quiz; the cooldown after failed attempts in a row. */
export default function QuizPage() {
  const { params } = useRouter();
  const courseId = params.courseId ?? '';
  const loggedIn = useLoggedIn();
  const loader = useCallback(() => getQuiz(courseId), [courseId]);
  const { state, retry } = useLoadOnce(loader, loggedIn && courseId !== '');
  const [loads, setLoads] = useState(0);

  if (!loggedIn) {
    return (
      <PageShell title='课后测验'>
        <LoginPrompt title='登录后参加测验' />
      </PageShell>
    );
  }
  if (courseId === '') return <StateView status='error' title='没有找到这个测验' description='链接缺少课程编号。' />;
  // Each load is a new attempt: the options come in a new order, so the answers start over.
  if (state.status === 'ready') return <Quiz key={loads} courseId={courseId} quiz={state.data} onRetry={() => { setLoads((n) => n + 1); retry(); }} />;
  if (state.status === 'error') {
    return (
      <StateView
        status='error'
        title={state.error.code === 'LESSONS_INCOMPLETE' ? '还不能参加测验' : '加载失败'}
        description={state.error.message}
        actionText={state.error.code === 'LESSONS_INCOMPLETE' ? '返回课程' : undefined}
        onAction={state.error.code === 'LESSONS_INCOMPLETE' ? () => void Taro.navigateBack().catch(() => go(courseRoutes.detail(courseId))) : retry}
      />
    );
  }
  return <StateView status='loading' skeleton='list' />;
}
