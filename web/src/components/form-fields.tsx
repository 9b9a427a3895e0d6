// The console's form fields: a text input and a choice from a fixed list, each
// with its label and the API's message for it. Field names are the API's
// paths, so a refusal lands next to the field it names.
import { FieldError, invalidWhen } from './field-error';

interface TextFieldProps {
  readonly name: string;
  readonly label: string;
  readonly value: string;
  readonly onInput: (value: string) => void;
  readonly message: string | undefined;
  readonly placeholder?: string;
  readonly inputMode?: 'decimal';
  /** The id of a <datalist> of suggestions. */
  readonly list?: string;
  /** Shown under the field while it has no message. */
  readonly hint?: string;
}

export function TextField({ name, label, value, onInput, message, placeholder, inputMode, list, hint }: TextFieldProps) {
  return (
    <div class="field">
      <label>
        {label}
        <input name={name} autoComplete="off" inputMode={inputMode} placeholder={placeholder} list={list} value={value} onInput={(event) => onInput(event.currentTarget.value)} {...invalidWhen(name, message)} />
      </label>
      <FieldError field={name} message={message} />
      {hint && message === undefined && <small>{hint}</small>}
    </div>
  );
}

interface ChoiceFieldProps<Choice extends string> {
  readonly name: string;
  readonly label: string;
  readonly value: Choice;
  /** Every choice with the words it is shown in, in the order shown. */
  readonly choices: Readonly<Record<Choice, string>>;
  readonly onChange: (value: Choice) => void;
}

export function ChoiceField<Choice extends string>({ name, label, value, choices, onChange }: ChoiceFieldProps<Choice>) {
  return (
    <label>
      {label}
      <select name={name} value={value} onChange={(event) => onChange(event.currentTarget.value as Choice)}>
        {(Object.entries(choices) as [Choice, string][]).map(([choice, words]) => (
          <option key={choice} value={choice}>
            {words}
          </option>
        ))}
      </select>
    </label>
  );
}
