export default definePageConfig({
  navigationBarTitleText: '告知设置',
});
