// The signed-in session and its API client, shared by every page.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { TallyClient } from '../api/tally-client';
import type { ConsoleSession } from './console-session';

export interface ConsoleContextValue {
  readonly session: ConsoleSession;
  readonly client: TallyClient;
  signOut(): void;
}

export const ConsoleContext = createContext<ConsoleContextValue | null>(null);

export function useConsole(): ConsoleContextValue {
  const value = useContext(ConsoleContext);
  if (value === null) throw new Error('useConsole is only available to pages shown after sign-in');
  return value;
}
