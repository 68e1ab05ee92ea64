export default defineAppConfig({
  pages: ['pages/index/index', 'pages/courses/index', 'pages/events/index', 'pages/me/index'],
  subPackages: [
    {
      root: 'packages/account',
      pages: ['login/index', 'privacy/index', 'invite/index', 'profile/index'],
    },
    {
      root: 'packages/admin',
      pages: ['registry/index', 'invitations/index', 'import/index', 'unit/index', 'hotline/index', 'courses/index', 'course-edit/index', 'course-preview/index'],
    },
    {
      root: 'packages/course',
      pages: ['detail/index', 'lesson/index', 'quiz/index', 'certificate/index', 'verify/index', 'learning/index'],
    },
    {
      root: 'packages/events',
      pages: ['detail/index', 'manage/index', 'edit/index', 'roster/index'],
    },
    {
      root: 'packages/reports',
      pages: ['dashboard/index'],
    },
    {
      root: 'packages/notices',
      pages: ['bind/index', 'inbox/index', 'view/index', 'board/index', 'issue/index', 'students/index', 'settings/index', 'mydata/index', 'classes/index'],
    },
  ],
  // Download a subpackage while the tab page that leads to it is shown (首页 and 课程 open courses, 活动 its events, 我的 login).
  preloadRule: {
    'pages/index/index': { network: 'all', packages: ['packages/course'] },
    'pages/courses/index': { network: 'all', packages: ['packages/course'] },
    'pages/events/index': { network: 'all', packages: ['packages/events'] },
    'pages/me/index': { network: 'all', packages: ['packages/account'] },
  },
  window: {
    backgroundTextStyle: 'light',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTitleText: '心桥',
    navigationBarTextStyle: 'black',
    backgroundColor: '#f5f7f6',
  },
  tabBar: {
    color: '#5f6b67',
    selectedColor: '#267667',
    backgroundColor: '#ffffff',
    borderStyle: 'black',
    list: [
      { pagePath: 'pages/index/index', text: '首页', iconPath: 'assets/tabbar/home.png', selectedIconPath: 'assets/tabbar/home-active.png' },
      { pagePath: 'pages/courses/index', text: '课程', iconPath: 'assets/tabbar/courses.png', selectedIconPath: 'assets/tabbar/courses-active.png' },
      { pagePath: 'pages/events/index', text: '活动', iconPath: 'assets/tabbar/events.png', selectedIconPath: 'assets/tabbar/events-active.png' },
      { pagePath: 'pages/me/index', text: '我的', iconPath: 'assets/tabbar/me.png', selectedIconPath: 'assets/tabbar/me-active.png' },
    ],
  },
  __usePrivacyCheck__: true,
  lazyCodeLoading: 'requiredComponents',
});
