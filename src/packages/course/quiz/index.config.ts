export default definePageConfig({
  navigationBarTitleText: '课后测验',
});
