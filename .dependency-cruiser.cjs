/**
 * The arrow rule of STYLE.md: domain <- store <- services <- {api, jobs, cli}.
 * `api`, `jobs` and `cli` reach data only through services (type-only imports and the Db handle excepted).
 */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'domain/ holds pure rules: it imports nothing of ours outside domain/, and no I/O module.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: '^src/(?!domain/)|^(fs|node:fs|net|node:net|http|node:http|child_process|node:child_process)$|node_modules/(pg|@electric-sql|fastify|nodemailer)' },
    },
    {
      name: 'store-below-services',
      comment: 'store/ may use domain/ only.',
      severity: 'error',
      from: { path: '^src/store/' },
      to: { path: '^src/(services|api|jobs|cli)/' },
    },
    {
      name: 'services-below-edges',
      comment: 'services/ never import the edges (api, jobs, cli).',
      severity: 'error',
      from: { path: '^src/services/' },
      to: { path: '^src/(api|jobs|cli)/' },
    },
    {
      name: 'edges-use-services-not-repositories',
      comment: 'api/, jobs/ and cli/ never import a repository; they call services (types and the Db handle are fine).',
      severity: 'error',
      from: { path: '^src/(api|jobs|cli)/' },
      to: { path: '^src/store/', pathNot: '^src/store/db\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'api-does-not-import-cli-or-jobs',
      severity: 'error',
      from: { path: '^src/api/' },
      to: { path: '^src/(cli|jobs)/' },
    },
    {
      name: 'no-circular',
      comment: 'Type-only cycles (a route module naming the deps type of the app) are harmless.',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'web-talks-only-to-the-api',
      comment: 'The portals never import server code.',
      severity: 'error',
      from: { path: '^web/' },
      to: { path: '^src/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.test\\.ts$' },
  },
};
