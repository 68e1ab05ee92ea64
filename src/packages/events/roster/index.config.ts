export default definePageConfig({
  navigationBarTitleText: '报名与签到',
});
