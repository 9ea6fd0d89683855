import type { DemoSignIns } from '../services/seed-demo-accounts.ts';

/** The demo sign-ins as printed by `openmes start --demo` after the URLs. */
export function formatDemoSignIns(accounts: DemoSignIns, publicUrl: string): string {
  const lines = ['', 'Demo sign-ins (development only):'];
  if (accounts.patients.length) {
    lines.push(`  Patient portal (${publicUrl}/) — e-mail + password "${accounts.password}", then the code sent by e-mail:`);
    for (const p of accounts.patients) lines.push(`    ${p.email.padEnd(40)} ${p.displayName}`);
  } else {
    lines.push('  Patient portal: no demo patient yet (the demo population provides them).');
  }
  lines.push(`  Operator (patient portal): ${accounts.operator.email} / "${accounts.password}"`);
  lines.push(`  Professional portal (${publicUrl}/pro) — choose a demo card:`);
  for (const p of accounts.professionals) lines.push(`    RPPS ${p.rpps}  ${p.displayName} — ${p.professionLabel}${p.structureName ? ` (${p.structureName})` : ''}`);
  lines.push(`  One-time codes: ${publicUrl}/dev/mailbox (or the SMTP server when OPENMES_SMTP_URL is set)`);
  lines.push(`  Software client "${accounts.software.clientId}" (private_key_jwt, client_credentials, acts for ${accounts.software.actsFor}):`);
  lines.push(`    private key ${accounts.software.privateKeyFile}`);
  lines.push('  API token for curl: npm run openmes -- token --as <e-mail | RPPS>');
  return `${lines.join('\n')}\n`;
}

export function printDemoSignIns(accounts: DemoSignIns, publicUrl: string): void {
  process.stdout.write(formatDemoSignIns(accounts, publicUrl));
}
