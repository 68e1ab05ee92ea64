export default definePageConfig({
  navigationBarTitleText: '学生心理问题告知书',
});
