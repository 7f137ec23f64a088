// ESLint: the recommended JavaScript and typescript-eslint rules, over the program, scripts,
// tests and the policy pack. Formatting is Prettier's (`npm run format`), not ESLint's.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["node_modules/**", "policy/node_modules/**", ".tools/**", "out/**", "bin/**"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        rules: {
            // Tests and YAML/JSON readers work on parsed documents of unknown shape.
            "@typescript-eslint/no-explicit-any": "off",
            // `_name` marks a parameter or binding kept for its position or to leave it out of a spread.
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
        },
    },
    {
        // Tests load the program afresh (require after clearing the cache) to build it again.
        files: ["test/**/*.ts"],
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
    {
        files: ["**/*.js", "**/*.cjs"],
        languageOptions: {
            sourceType: "commonjs",
            globals: { require: "readonly", module: "writable", process: "readonly", console: "readonly", __dirname: "readonly" },
        },
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
);
