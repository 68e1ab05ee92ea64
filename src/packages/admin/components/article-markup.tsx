import { View, Text } from '@tarojs/components';
import { parseLessonBlocks } from '../../../shared/lesson-blocks';
import './article-markup.scss';

/** An article body drawn for the authoring preview, parsed by the lesson player's own parser (src/shared/lesson-blocks.ts). */
export function ArticleMarkup({ blocks }: { blocks: string[] }) {
  return (
    <View className='xq-markup'>
      {parseLessonBlocks(blocks).map((b, i) => {
        if (b.type === 'heading') return <Text key={i} className='xq-markup__h'>{b.text}</Text>;
        if (b.type === 'list') return (
          <View key={i}>
            {b.items.map((item, j) => (
              <View key={j} className='xq-markup__li'>
                <Text className='xq-markup__dot'>•</Text>
                <Text className='xq-markup__p'>{item}</Text>
              </View>
            ))}
          </View>
        );
        return <Text key={i} className='xq-markup__p'>{b.text}</Text>;
      })}
    </View>
  );
}
