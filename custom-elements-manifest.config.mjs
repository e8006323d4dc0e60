// custom-elements.json is generated from the widgets' source; `npm run cem:check` keeps it in sync.
export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/server/**', 'src/sandbox/**', 'src/**/*.d.ts'],
  litelement: true,
};
