import type { NextConfig } from 'next';

const config: NextConfig = {
  // Served by apps/platform next to the API on one origin; SSE must not be compressed or buffered.
  compress: false,
  poweredByHeader: false,
  reactStrictMode: true,
  typescript: { tsconfigPath: './tsconfig.json' },
};

export default config;
