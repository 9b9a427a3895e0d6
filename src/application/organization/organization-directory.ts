// Whether an organization exists, answered from the event log rather than the
// read models: an organization exists as soon as its stream does, so a key can
// be issued, or its settings changed, right after it was created, before the
// projector has caught up. Organizations are never deleted, so a "yes" is
// remembered; a "no" is asked again next time.
import { organizationStreamId } from '../../domain/events';
import type { EventStore } from '../ports/event-store';

// Enough for every organization a deployment bills; beyond it lookups simply go to the store.
const MAX_REMEMBERED = 100_000;

export class OrganizationDirectory {
  private readonly known = new Set<string>();

  constructor(private readonly eventStore: EventStore) {}

  async exists(organizationId: string): Promise<boolean> {
    if (this.known.has(organizationId)) return true;
    const revision = await this.eventStore.streamRevision(organizationStreamId(organizationId));
    if (revision === 'no_stream') return false;
    if (this.known.size < MAX_REMEMBERED) this.known.add(organizationId);
    return true;
  }
}
