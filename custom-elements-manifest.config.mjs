// custom-elements.json is generated from the widgets' source; `npm run cem:check` keeps it in sync.
export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/server/**', 'src/sandbox/**', 'src/**/*.d.ts'],
  litelement: true,
  // package.json names the top-level custom-elements.json itself; the analyzer must not repoint it to --outdir.
  packagejson: false,
};
