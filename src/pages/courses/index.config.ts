export default definePageConfig({
  navigationBarTitleText: '家庭教育课程',
});
