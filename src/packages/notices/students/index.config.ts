export default definePageConfig({
  navigationBarTitleText: '学生与绑定',
});
