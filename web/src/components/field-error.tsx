// The API's message for one form field, next to the field. The field points at
// it with aria-describedby and is marked aria-invalid, so it is read out with it.
export const fieldErrorId = (field: string): string => `error-${field.replace(/[^A-Za-z0-9_-]/g, '-')}`;

export function FieldError({ field, message }: { field: string; message: string | undefined }) {
  if (message === undefined) return null;
  return (
    <small id={fieldErrorId(field)} class="field-error">
      {message}
    </small>
  );
}

/** The attributes a field needs to be tied to its error message. */
export function invalidWhen(field: string, message: string | undefined): { 'aria-invalid'?: 'true'; 'aria-describedby'?: string } {
  return message === undefined ? {} : { 'aria-invalid': 'true', 'aria-describedby': fieldErrorId(field) };
}
