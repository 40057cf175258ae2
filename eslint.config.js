import js from '@eslint/js'
import jest from 'eslint-plugin-jest'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  // Rules that read the types (floating promises, unbound methods, unsafe any), as the official template does.
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname }
    }
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  { files: ['__tests__/**/*.ts'], ...jest.configs['flat/recommended'] },
  {
    files: ['__tests__/**/*.ts'],
    // Fakes implement async interfaces with answers they already have.
    rules: { '@typescript-eslint/require-await': 'off' }
  }
)
