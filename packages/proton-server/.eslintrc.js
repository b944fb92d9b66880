module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  testRules: {
    // Helpers named expect* and the shared database scenario hold the assertions.
    'jest/expect-expect': [
      'warn',
      { assertFunctionNames: ['expect', 'expect*', 'exerciseDatabase'] },
    ],
  },
});
