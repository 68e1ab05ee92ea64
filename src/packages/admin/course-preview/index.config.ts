export default definePageConfig({
  navigationBarTitleText: '家长视角预览',
});
