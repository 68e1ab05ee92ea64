export default definePageConfig({
  navigationBarTitleText: '妇联统计',
});
