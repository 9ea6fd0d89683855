import { fr, type Messages } from './fr.ts';

/** Active dictionary. Only French for now; swap here (or make it reactive) to add languages. */
export const messages: Messages = fr;
export type { Messages };
