// drizzle-kit's configuration: generates the store's SQL migrations from its schema (`npx drizzle-kit generate`).
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/store/schema.ts',
  out: './src/store/migrations',
});
