import type { Finding } from '../model/finding.js';
import type { LintView } from './render-lint.js';

const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;
const INFORMATION_URI = 'https://github.com/kstale/kstale';
const NOT_A_FILE = '<stdin>';

function location(finding: Finding): Record<string, unknown>[] {
  if (!finding.file || finding.file === NOT_A_FILE) return [];
  const region = finding.line ? { region: { startLine: finding.line, ...(finding.column ? { startColumn: finding.column } : {}) } } : {};
  return [{ physicalLocation: { artifactLocation: { uri: encodeURI(finding.file), uriBaseId: '%SRCROOT%' }, ...region } }];
}

/** SARIF 2.1.0 for GitHub code scanning: rules with help text, paths relative to %SRCROOT%. */
export function sarifDocument(view: LintView): Record<string, unknown> {
  const rules = view.report.rules;
  const index = new Map(rules.map((rule, position) => [rule.id, position]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'kstale',
            version: view.toolVersion,
            informationUri: INFORMATION_URI,
            rules: rules.map((rule) => ({
              id: rule.id,
              name: rule.id.replace(/(^|-)([a-z])/g, (_, _dash, letter: string) => letter.toUpperCase()),
              shortDescription: { text: rule.summary },
              fullDescription: { text: `${rule.summary} ${rule.remediation}` },
              help: { text: rule.remediation, markdown: `**${rule.id}**: ${rule.summary}\n\n${rule.remediation}` },
              defaultConfiguration: { level: LEVEL[rule.severity] },
            })),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: view.srcRootUri } },
        results: view.report.findings.map((finding) => ({
          ruleId: finding.rule,
          ...(index.has(finding.rule) ? { ruleIndex: index.get(finding.rule) } : {}),
          level: LEVEL[finding.severity],
          message: { text: finding.message },
          locations: location(finding),
        })),
      },
    ],
  };
}
