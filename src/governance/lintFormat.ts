// The lint's findings as text (one line each, `file:line:column: error
// [rule] message`, as compilers print them) or as SARIF 2.1.0, which code
// review tools (GitHub code scanning among them) show on the lines concerned.

import { LINT_RULES, type LintResult, type LintRule } from './lint';

export const LINT_FORMATS = ['text', 'sarif'] as const;
export type LintFormat = (typeof LINT_FORMATS)[number];

export const TOOL_NAME = 'privql-lint-privacy';

export function formatLint(result: LintResult, format: LintFormat): string {
  return format === 'sarif' ? `${JSON.stringify(sarif(result), null, 2)}\n` : text(result);
}

function text({ findings, files, classifiedFields }: LintResult): string {
  const lines = findings.map((f) => {
    const where = f.location ? `${f.location.file}:${f.location.line}:${f.location.column}: ` : '';
    return `${where}error [${f.rule}] ${f.message}`;
  });
  const summary =
    findings.length === 0
      ? `privacy lint: no problems (${files} files, ${classifiedFields} classified fields)`
      : `privacy lint: ${findings.length} error${findings.length === 1 ? '' : 's'} (${files} files, ${classifiedFields} classified fields)`;
  return `${[...lines, summary].join('\n')}\n`;
}

function sarif({ findings }: LintResult) {
  const ruleIds = Object.keys(LINT_RULES) as LintRule[];
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            rules: ruleIds.map((id) => ({ id, shortDescription: { text: LINT_RULES[id] }, defaultConfiguration: { level: 'error' } })),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: ruleIds.indexOf(f.rule),
          level: 'error',
          message: { text: f.message },
          ...locationsOf(f),
        })),
      },
    ],
  };
}

function locationsOf(f: LintResult['findings'][number]) {
  const location = {
    ...(f.location
      ? { physicalLocation: { artifactLocation: { uri: f.location.file }, region: { startLine: f.location.line, startColumn: f.location.column } } }
      : {}),
    ...(f.coordinate ? { logicalLocations: [{ fullyQualifiedName: f.coordinate, kind: 'member' }] } : {}),
  };
  return Object.keys(location).length > 0 ? { locations: [location] } : {};
}
