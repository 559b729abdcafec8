// n8n's community node linter (eslint-plugin-n8n-nodes-base) over this package, as n8n-nodes-starter
// runs it: `community` for package.json, `credentials` and `nodes` for the sources. `npm run lint`
// (and so `npm run validate`) runs it. The plugin is a plain devDependency: its `preinstall: npx only-allow
// pnpm` is denied in the root package.json's `allowScripts` (npm 11 runs no dependency script it lists as false).
import tseslint from 'typescript-eslint';
import n8n from 'eslint-plugin-n8n-nodes-base';

const from = (config, off = []) => ({
  plugins: { 'n8n-nodes-base': n8n },
  rules: { ...n8n.configs[config].rules, ...Object.fromEntries(off.map((rule) => [`n8n-nodes-base/${rule}`, 'off'])) },
});
const parser = { parser: tseslint.parser, parserOptions: { sourceType: 'module', extraFileExtensions: ['.json'] } };

export default [
  { files: ['**/package.json'], languageOptions: parser, ...from('community') },
  // Off as in n8n-nodes-starter: the camel-cased slug is for n8n's own docs, not a community package's URL.
  {
    files: ['**/credentials/**/*.ts'],
    languageOptions: parser,
    ...from('credentials', ['cred-class-field-documentation-url-miscased']),
  },
  {
    files: ['**/nodes/**/*.ts'],
    languageOptions: parser,
    // These two read only the string 'main'; n8n now asks for NodeConnectionTypes.Main, which they cannot read.
    ...from('nodes', ['node-class-description-inputs-wrong-regular-node', 'node-class-description-outputs-wrong']),
  },
];
