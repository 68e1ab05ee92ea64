import { View, Text } from '@tarojs/components';
import './article-markup.scss';

/**
 * The article markup the lesson player reads (`## ` a heading, `- ` a list item, any other line a paragraph), drawn
 * for the authoring preview. A minimal reading of the same rules as the player's parser (media helper, issue 16).
 */
export function ArticleMarkup({ blocks }: { blocks: string[] }) {
  return (
    <View className='xq-markup'>
      {blocks.map((b, i) => {
        if (b.startsWith('## ')) return <Text key={i} className='xq-markup__h'>{b.slice(3)}</Text>;
        if (b.startsWith('- ')) return (
          <View key={i} className='xq-markup__li'>
            <Text className='xq-markup__dot'>•</Text>
            <Text className='xq-markup__p'>{b.slice(2)}</Text>
          </View>
        );
        return <Text key={i} className='xq-markup__p'>{b}</Text>;
      })}
    </View>
  );
}
