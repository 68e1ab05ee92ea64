export default definePageConfig({
  navigationBarTitleText: '地区与站点',
});
