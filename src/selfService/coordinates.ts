// Names a self-service change uses for a field (ProfileChangeInput's, with
// contact preferences as contactPreferences.channels) as the schema
// coordinates the access log records accesses under.

const NESTED_TYPE: Record<string, string> = { contactPreferences: 'ContactPreferences' };

export function coordinateOf(field: string): string {
  const [head, rest] = field.split('.', 2);
  return rest ? `${NESTED_TYPE[head] ?? head}.${rest}` : `Customer.${field}`;
}
