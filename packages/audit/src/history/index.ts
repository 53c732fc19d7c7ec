/** The auditor's view of one user (`audit history`) and the credential that opens personal data to it (`audit issue-credential`). */
export { runHistory } from './historyCli.ts';
export { runIssueCredential } from './issueCredentialCli.ts';
