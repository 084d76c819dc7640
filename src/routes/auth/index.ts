// Sign-in: the /auth/v1 protocol, the /sign-in pages and the /auth/confirm front door, mounted together.
import { Hono } from 'hono';
import type { AppDeps } from '../../deps';
import { confirmRoutes } from './confirm';
import { protocolRoutes } from './protocol';
import { signInRoutes } from './sign-in';

export function authRoutes(deps: AppDeps) {
  const app = new Hono();
  app.route('/', protocolRoutes(deps));
  app.route('/', signInRoutes(deps));
  app.route('/', confirmRoutes(deps));
  return app;
}
