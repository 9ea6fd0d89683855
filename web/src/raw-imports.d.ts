/** Vite `?raw` imports: the file's text (used for reference data shipped with the portal). */
declare module '*?raw' {
  const text: string;
  export default text;
}
