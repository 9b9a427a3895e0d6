// Organization keys have a public shape, `tally_<16 hex key id>_<43-character
// secret>`, and the admin key may never have it (the API refuses to start with
// one that does). So the shape alone says which kind of key was pasted.
const ORGANIZATION_KEY = /^tally_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/;

export const isOrganizationKey = (apiKey: string): boolean => ORGANIZATION_KEY.test(apiKey);
