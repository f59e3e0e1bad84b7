/** swagger-ui-dist ships no types; the console uses only this. */
declare module 'swagger-ui-dist/swagger-ui-bundle.js' {
  const SwaggerUIBundle: (options: { url: string; dom_id: string; deepLinking?: boolean }) => unknown;
  export default SwaggerUIBundle;
}
