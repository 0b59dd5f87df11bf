/**
 * Field names that mark a message as patient data: vital signs, glucose, infusion doses, and direct
 * identifiers. Matched case-insensitively against JSON keys at any depth (MQTTSA inspects intercepted
 * payloads for sensitive content the same way).
 */
const CLINICAL = [
  'hr',
  'heartrate',
  'pulse',
  'spo2',
  'glucose',
  'bg',
  'rr',
  'resprate',
  'respiratoryrate',
  'temp',
  'temperature',
  'nibp',
  'sbp',
  'dbp',
  'systolic',
  'diastolic',
  'map',
  'etco2',
  'ecg',
  'rate',
  'dose',
  'doserate',
  'vtbi',
  'bolus',
  'insulin',
  'drug',
];
const IDENTIFIERS = [
  'patient',
  'patientid',
  'patient_id',
  'mrn',
  'name',
  'firstname',
  'lastname',
  'dob',
  'birthdate',
  'dateofbirth',
  'ssn',
];
const KEYS = new Set([...CLINICAL, ...IDENTIFIERS]);

/** The patient-data keys found in a JSON payload (empty for anything else). */
export function patientDataKeys(payload: string): string[] {
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return [];
  }
  const found = new Set<string>();
  const walk = (value: unknown, depth: number) => {
    if (depth > 4 || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const item of value.slice(0, 20)) walk(item, depth + 1);
      return;
    }
    for (const [key, inner] of Object.entries(value)) {
      if (KEYS.has(key.toLowerCase())) found.add(key);
      walk(inner, depth + 1);
    }
  };
  walk(json, 0);
  return [...found].sort();
}
