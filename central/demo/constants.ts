/** The token the demo central server accepts unless started with --token. Not a secret: it is documented. */
export const DEMO_TOKEN = 'demo-token';

export const DEMO_TOKEN_TEXT =
  'The bundled demo central server accepts the token `demo-token` (`Authorization: Bearer demo-token`) unless it was started with `--token`.';
