export default definePageConfig({
  navigationBarTitleText: '心桥',
});
