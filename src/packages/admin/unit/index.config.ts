export default definePageConfig({
  navigationBarTitleText: '名录编辑',
});
