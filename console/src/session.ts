/** The bearer token lives in this tab's sessionStorage only: never in a URL, never in localStorage. */
const KEY = 'omniwall.token';

export const session = {
  token: (): string | null => sessionStorage.getItem(KEY),
  signIn: (token: string): void => sessionStorage.setItem(KEY, token),
  signOut: (): void => sessionStorage.removeItem(KEY),
};
