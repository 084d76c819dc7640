// Show an address well enough to recognise it without printing it in full: "r•••@example.com".
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '•••';
  const local = email.slice(0, at);
  return `${local[0]}•••${email.slice(at)}`;
}
