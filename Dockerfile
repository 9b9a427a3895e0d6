# One image for Tally's processes: `node dist/cli/main.js <command>` (serve,
# projector, worker, …). The build stage compiles the native addon
# (better-sqlite3), the TypeScript and the web console; the runtime stage keeps
# only production dependencies, the compiled code and the console's files.
FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY web/package.json ./web/
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY web ./web
RUN npx tsc -p tsconfig.build.json && npm run build --workspace web && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist
USER node
ENTRYPOINT ["node", "dist/cli/main.js"]
CMD ["serve"]
