/** The auditor's view of one user (`audit history`) and the credential that opens personal data to it (`audit issue-credential`). */
export { historyCommand, runHistory } from './historyCli.ts';
export { issueCredentialCommand, runIssueCredential } from './issueCredentialCli.ts';
