// The typed client a frontend uses: openapi-fetch over the types openapi-typescript generates from
// docs/openapi.json (`npm run generate`), with the API key sent on every call.
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/schema.js";

export type Schemas = components["schemas"];
export type Problem = Schemas["Problem"];
export type Recommendations = Schemas["RecommendationResponse"];

export function createRecommenderClient(baseUrl: string, apiKey: string) {
  return createClient<paths>({ baseUrl, headers: { "X-Api-Key": apiKey } });
}

export type RecommenderClient = ReturnType<typeof createRecommenderClient>;
