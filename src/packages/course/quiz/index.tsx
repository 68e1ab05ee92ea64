import Taro, { useRouter } from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { Checked, Close } from '@nutui/icons-react-taro';
import { useCallback, useState } from 'react';
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

function Quiz({ courseId, quiz }: { courseId: string; quiz: QuizOutput }) {
  const [answers, setAnswers] = useState<(number | null)[]>(() => quiz.questions.map(() => null));
  const { busy, run } = useSubmit();
  const [error, setError] = useState<ApiError | null>(null);
  const [result, setResult] = useState<QuizResultOutput | null>(null);
  const answered = answers.filter((a) => a !== null).length;
  const complete = answered === quiz.questions.length;

  const submit = async () => {
    if (!complete) return;
    setError(null);
    const outcome = await run((key) => submitQuiz(courseId, answers.map((a) => a ?? -1), key));
    if (!outcome) return;
    if (!outcome.ok) {
      setError(outcome.error);
      return;
    }
    setResult(outcome.data);
    Taro.pageScrollTo({ scrollTop: 0, duration: 200 }).catch(() => undefined);
  };

  const retry = () => {
    setResult(null);
    setAnswers(quiz.questions.map(() => null));
    Taro.pageScrollTo({ scrollTop: 0, duration: 200 }).catch(() => undefined);
  };

  const footer = result ? (
    result.passed ? (
      result.certificate ? (
        <Button block type='primary' onClick={() => result.certificate && go(courseRoutes.certificate(result.certificate.code))}>
          查看结业证书
        </Button>
      ) : (
        <Button block type='primary' onClick={() => Taro.navigateBack().catch(() => go(courseRoutes.detail(courseId)))}>
          返回课程
        </Button>
      )
    ) : (
      <Button block type='primary' onClick={retry}>
        再试一次
      </Button>
    )
  ) : (
    <Button block type='primary' loading={busy} disabled={!complete || busy} onClick={() => void submit()}>
      {complete ? '提交答案' : `还有 ${quiz.questions.length - answered} 题未作答`}
    </Button>
  );

  return (
    <PageShell footer={footer}>
      {result ? (
        <View className={`xq-quiz__score${result.passed ? ' is-passed' : ''}`}>
          <Text className='xq-quiz__score-value'>{result.score}</Text>
          <Text className='xq-quiz__score-unit'>分</Text>
          <Text className='xq-quiz__score-text'>
            {result.passed ? `恭喜通过测验（${result.passMark} 分及格）` : `未通过，${result.passMark} 分及格，看看解析再试一次`}
          </Text>
          {result.certificate ? <Text className='xq-quiz__score-text'>你已完成本课程，获得结业证书</Text> : null}
        </View>
      ) : (
        <View className='xq-quiz__intro'>
          <Text className='xq-quiz__intro-title'>共 {quiz.questions.length} 题，{quiz.passMark} 分及格</Text>
          <Text className='xq-quiz__intro-desc'>
            {quiz.passed ? '你已通过本测验，可以再做一遍巩固。' : quiz.attempts > 0 ? `已作答 ${quiz.attempts} 次，可以反复作答。` : '每题选择一个最合适的答案，提交后可以看到解析。'}
          </Text>
        </View>
      )}

      {error ? <Text className='xq-quiz__error'>{error.message}</Text> : null}

      {quiz.questions.map((question, qi) => {
        const graded = result?.questions[qi];
        return (
          <View key={question.id} className='xq-quiz__card'>
            <Text className='xq-quiz__number'>
              第 {qi + 1} 题 / 共 {quiz.questions.length} 题
            </Text>
            <Text className='xq-quiz__prompt'>{question.prompt}</Text>
            {question.options.map((option, oi) => {
              const chosen = graded ? graded.chosen === oi : answers[qi] === oi;
              const state = graded ? (graded.answer === oi ? 'is-right' : chosen ? 'is-wrong' : '') : chosen ? 'is-chosen' : '';
              return (
                <View
                  key={oi}
                  className={`xq-quiz__option ${state}`}
                  role='radio'
                  aria-checked={chosen}
                  onClick={() => {
                    if (result) return;
                    setAnswers((prev) => prev.map((a, i) => (i === qi ? oi : a)));
                  }}
                >
                  <Text className='xq-quiz__letter'>{LETTERS[oi] ?? oi + 1}</Text>
                  <Text className='xq-quiz__option-text'>{option}</Text>
                  {graded && graded.answer === oi ? <Checked size={16} color='#3a9a62' /> : null}
                  {graded && chosen && graded.answer !== oi ? <Close size={14} color='#d9534f' /> : null}
                </View>
              );
            })}
            {graded ? (
              <View className={`xq-quiz__explain${graded.correct ? ' is-right' : ''}`}>
                <Text className='xq-quiz__explain-head'>{graded.correct ? '回答正确' : `回答错误，正确答案 ${LETTERS[graded.answer] ?? graded.answer + 1}`}</Text>
                <Text className='xq-quiz__explain-text'>{graded.explanation}</Text>
              </View>
            ) : null}
          </View>
        );
      })}
    </PageShell>
  );
}

/** 课后测验: one card per question, submit, the score and each question's explanation, another try when failed. */
export default function QuizPage() {
  const { params } = useRouter();
  const courseId = params.courseId ?? '';
  const loggedIn = useLoggedIn();
  const loader = useCallback(() => getQuiz(courseId), [courseId]);
  const { state, retry } = useLoadOnce(loader, loggedIn && courseId !== '');

  if (!loggedIn) {
    return (
      <PageShell title='课后测验'>
        <LoginPrompt title='登录后参加测验' />
      </PageShell>
    );
  }
  if (courseId === '') return <StateView status='error' title='没有找到这个测验' description='链接缺少课程编号。' />;
  if (state.status === 'ready') return <Quiz courseId={courseId} quiz={state.data} />;
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
  return <StateView status='loading' />;
}
