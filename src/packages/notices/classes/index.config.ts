export default definePageConfig({
  navigationBarTitleText: '班级与班主任',
});
