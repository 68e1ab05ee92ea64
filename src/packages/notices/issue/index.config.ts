export default definePageConfig({
  navigationBarTitleText: '发出告知书',
});
