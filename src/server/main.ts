/** `npm start`: the local server. `--demo` seeds demo data and enables the development login. */
import { ConfigError, loadConfig } from './env';
import { startServer } from './hosts/node';

async function main(): Promise<void> {
  const demo = process.argv.includes('--demo');
  const env = demo ? { XQ_DEV_LOGIN: '1', XQ_SEED_DEMO: '1', ...process.env } : process.env;
  const config = loadConfig(env);
  const server = await startServer({ config });
  const db = config.databaseUrl ? 'PostgreSQL' : `PGlite（${config.pgliteDir}）`;
  process.stdout.write(
    [
      '',
      `心桥 XinQiao 已启动：http://localhost:${config.port}`,
      `  数据库：${db}`,
      `  接口文档：http://localhost:${config.port}/api/openapi.json`,
      config.devLogin ? '  开发登录已开启：在页面上选择一个演示身份即可进入（家长、心理教师、站点、妇联、管理员……）' : '',
      '',
    ].join('\n') + '\n',
  );
  const stop = () => {
    server.close().finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
  else process.stderr.write(`启动失败：${(err as Error).message}\n`);
  process.exit(1);
});
