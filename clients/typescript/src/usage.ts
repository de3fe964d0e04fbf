// One call of every route, written as a frontend would, reading the fields the contract guarantees without `?.`
// or `!`. `tsc --strict` must accept all of it: a route, parameter or field that disappears or loosens (becomes
// optional, or changes type) breaks this file.
import { createRecommenderClient, type Problem } from "./client.js";

const client = createRecommenderClient("http://localhost:5080", "a-client-key-0123456789");

function fail(error: Problem): never {
  // Every error is a problem with a title, a status and a trace id; `detail` and `errors` when there is more to say.
  const fields = error.errors ? Object.keys(error.errors).join(", ") : "";
  throw new Error(`${error.status} ${error.title} (${error.traceId}) ${error.detail ?? ""} ${fields}`);
}

const user = { userId: "196" };
const item = { itemId: "242" };

export async function ratings(): Promise<void> {
  const put = await client.PUT("/api/v1/users/{userId}/ratings/{itemId}", {
    params: { path: { ...user, ...item } },
    body: { rating: 4.5, timestamp: "2024-01-01T12:00:00Z" },
  });
  if (put.error) fail(put.error);
  const stored: number = put.data.rating;
  const when: string = put.data.timestamp;

  const minimal = await client.PUT("/api/v1/users/{userId}/ratings/{itemId}", { params: { path: { ...user, ...item } }, body: { rating: 3 } });
  if (minimal.error) fail(minimal.error);

  const page = await client.GET("/api/v1/users/{userId}/ratings", { params: { path: user, query: { limit: 100 } } });
  if (page.error) fail(page.error);
  for (const rating of page.data.items) console.log(rating.itemId, rating.rating, rating.timestamp);
  const next: string | null = page.data.nextCursor;
  if (next !== null) await client.GET("/api/v1/users/{userId}/ratings", { params: { path: user, query: { cursor: next } } });

  const batch = await client.POST("/api/v1/ratings/batch", {
    body: { ratings: [{ userId: "196", itemId: "242", rating: 3 }, { userId: "186", itemId: "302", rating: 4.5, timestamp: "1997-12-04T15:55:49Z" }] },
  });
  if (batch.error) fail(batch.error);
  const counts: number = batch.data.inserted + batch.data.updated;

  const imported = await client.POST("/api/v1/ratings/import", {
    body: "196,242,3\n186,302,4.5\n",
    bodySerializer: (csv: string) => csv,
    headers: { "Content-Type": "text/csv" },
  });
  if (imported.error) fail(imported.error);
  const importedCount: number = imported.data.imported;
  const seconds: number = imported.data.seconds;

  const removed = await client.DELETE("/api/v1/users/{userId}/ratings/{itemId}", { params: { path: { ...user, ...item } } });
  if (removed.error) fail(removed.error);
  const profile = await client.PUT("/api/v1/users/{userId}", {
    params: { path: user },
    body: { attributes: { age: 24, occupation: "engineer", zip: "94043", likes: { genres: ["Sci-Fi", "Drama"] } } },
  });
  if (profile.error) fail(profile.error);
  const updated: string = profile.data.updatedAt;
  const read = await client.GET("/api/v1/users/{userId}", { params: { path: user } });
  if (read.error) fail(read.error);
  console.log(updated, read.data.userId, Object.keys(read.data.attributes));
  const erased = await client.DELETE("/api/v1/users/{userId}", { params: { path: user } });
  if (erased.error) fail(erased.error);
  console.log(stored, when, counts, importedCount, seconds, removed.response.status, erased.response.status);
}

export async function lists(): Promise<void> {
  const list = await client.GET("/api/v1/users/{userId}/recommendations", { params: { path: user, query: { count: 10, excludeRated: true } } });
  if (list.error) fail(list.error);
  const strategy: "model" | "folded-in" | "profile" | "onboarding" | "popularity" = list.data.strategy;
  const version: number | null = list.data.modelVersion;
  for (const recommended of list.data.items) {
    const title: string = recommended.title ?? recommended.itemId;
    const stars: string = recommended.predictedRating === null ? "" : recommended.predictedRating.toFixed(1);
    const exploring: boolean = recommended.exploration;
    console.log(strategy, version, title, recommended.score.toFixed(3), stars, exploring ? "new" : "");
  }

  // Why each item is listed: a sentence to show, and the user's own rated items and told attributes with their exact shares.
  const explained = await client.GET("/api/v1/users/{userId}/recommendations", { params: { path: user, query: { count: 10, include: "reasons" } } });
  if (explained.error) fail(explained.error);
  for (const recommended of explained.data.items) {
    const reasons = recommended.reasons;
    if (reasons === null) continue;
    const kind: "rated" | "popular" | "profile" | "onboarding" | "new" | "none" = reasons.kind;
    const shares: string = (reasons.ratedItems ?? []).map((r) => `${r.title ?? r.itemId} ${(100 * r.share).toFixed(0)}%`).join(", ");
    const told: string = (reasons.attributes ?? [])
      .map((a) => `${a.source === "likes" ? "likes" : "profile"} ${a.key}=${a.value} ${(100 * a.share).toFixed(0)}%`).join(", ");
    console.log(recommended.itemId, kind, reasons.text, shares, told, reasons.unexplainedShare);
  }

  const prediction = await client.GET("/api/v1/users/{userId}/predictions/{itemId}", { params: { path: { ...user, ...item } } });
  if (prediction.error) fail(prediction.error);
  console.log(prediction.data.predictedRating.toFixed(2), prediction.data.strategy, prediction.data.modelVersion);

  const popular = await client.GET("/api/v1/items/popular", { params: { query: { count: 5 } } });
  if (popular.error) fail(popular.error);
  const onlyPopularity: "popularity" = popular.data.strategy;
  for (const entry of popular.data.items) console.log(onlyPopularity, entry.itemId, entry.score, entry.ratingCount, entry.meanRating, entry.title);

  const similar = await client.GET("/api/v1/items/{itemId}/similar", { params: { path: item, query: { count: 5 } } });
  if (similar.error) fail(similar.error);
  for (const entry of similar.data.items) console.log(similar.data.modelVersion, entry.itemId, entry.similarity, entry.title);
  const alike = await client.GET("/api/v1/items/{itemId}/similar", { params: { path: item, query: { count: 5, include: "reasons" } } });
  if (alike.error) fail(alike.error);
  for (const entry of alike.data.items) {
    const shared: string = (entry.reasons?.sharedAttributes ?? []).map((a) => `${a.key}: ${a.value}`).join(", ");
    const both: number | undefined = entry.reasons?.ratedByBoth;
    console.log(entry.itemId, shared, both);
  }
}

export async function catalogue(): Promise<void> {
  const put = await client.PUT("/api/v1/items/{itemId}", {
    params: { path: item },
    body: { title: "Star Wars (1977)", attributes: { genres: ["Sci-Fi"], year: 1977 } },
  });
  if (put.error) fail(put.error);
  const got = await client.GET("/api/v1/items/{itemId}", { params: { path: item } });
  if (got.error) fail(got.error);
  const attributes: Record<string, unknown> | null = got.data.attributes;
  const mean: number | null = got.data.meanRating;
  console.log(put.data.itemId, got.data.title, got.data.ratingCount, attributes, mean);

  // Availability: retire, schedule, and read whether an item may be listed now.
  const retired = await client.PUT("/api/v1/items/{itemId}", {
    params: { path: item },
    body: { available: false, availableFrom: "2026-12-24T00:00:00Z", availableUntil: null },
  });
  if (retired.error) fail(retired.error);
  const listable: boolean = retired.data.available;
  const until: string | null = retired.data.availableUntil;
  console.log(listable, until);

  const batch = await client.POST("/api/v1/items/batch", {
    body: { items: [{ itemId: "242", title: "Kolya (1996)", available: true }, { itemId: "302", available: false }] },
  });
  if (batch.error) fail(batch.error);
  console.log(batch.data.created, batch.data.updated);

  const shown = await client.GET("/api/v1/items", { params: { query: { ids: "242,302" } } });
  if (shown.error) fail(shown.error);
  for (const entry of shown.data.items) console.log(entry.itemId, entry.available);

  let cursor: string | undefined;
  do {
    const page = await client.GET("/api/v1/items", { params: { query: { available: false, limit: 100, cursor } } });
    if (page.error) fail(page.error);
    for (const entry of page.data.items) console.log(entry.itemId, entry.availableFrom, entry.availableUntil);
    cursor = page.data.nextCursor ?? undefined;
  } while (cursor !== undefined);

  const erased = await client.DELETE("/api/v1/items/{itemId}", { params: { path: { itemId: "302" } } });
  if (erased.error) fail(erased.error);
}

export async function model(): Promise<void> {
  const active = await client.GET("/api/v1/model");
  if (active.error) fail(active.error);
  const status: "training" | "active" | "superseded" | "rejected" | "failed" = active.data.status;
  // Metrics are {} until measured, so their fields are optional.
  const rmse: number | undefined = active.data.metrics.rmse;
  console.log(status, active.data.version, active.data.counts.ratings, active.data.trainingSeconds, active.data.hyperparameters.factors, rmse);

  const versions = await client.GET("/api/v1/model/versions");
  if (versions.error) fail(versions.error);
  for (const version of versions.data) console.log(version.version, version.status, version.reason, version.trainedAt, version.activatedAt, version.jobId);

  const retrain = await client.POST("/api/v1/model/retrain", { body: { factors: 64, epochs: 20 } });
  if (retrain.error) fail(retrain.error);
  const job = await client.GET("/api/v1/model/jobs/{jobId}", { params: { path: { jobId: retrain.data.jobId } } });
  if (job.error) fail(job.error);
  const state: "enqueued" | "processing" | "succeeded" | "failed" = job.data.state;
  console.log(retrain.data.alreadyQueued, state, job.data.phase, job.data.epoch, job.data.validationRmse, job.data.modelVersion, job.data.modelStatus, job.data.error);
  const defaults = await client.POST("/api/v1/model/retrain", {});
  if (defaults.error) fail(defaults.error);

  const activated = await client.POST("/api/v1/model/versions/{version}/activate", { params: { path: { version: 3 } } });
  if (activated.error) fail(activated.error);
  console.log(activated.data.version, activated.data.status);
  const ended: { id: number; status: "promoted" | "ended"; reason: string } | null = activated.data.endedExperiment;
  const online = activated.data.online;
  const clickThrough: number = online.clickThrough.rate;
  for (const segment of online.segments) console.log(segment.strategy, segment.source, segment.impressions, segment.likedRating.low, segment.likedRating.high);
  console.log(ended, online.windowHours, online.impressions, clickThrough, online.conversions["purchase"]?.count);
}

export async function outcomes(): Promise<void> {
  const list = await client.GET("/api/v1/users/{userId}/recommendations", { params: { path: user, query: { count: 10 } } });
  if (list.error) fail(list.error);
  const recommendationId: string = list.data.recommendationId;
  const arm: "control" | "treatment" | null = list.data.experimentArm;
  const popular = await client.GET("/api/v1/items/popular", { params: { query: { count: 5 } } });
  if (popular.error) fail(popular.error);
  const similar = await client.GET("/api/v1/items/{itemId}/similar", { params: { path: item, query: { count: 5 } } });
  if (similar.error) fail(similar.error);
  console.log(arm, popular.data.recommendationId, similar.data.recommendationId);

  const events = await client.POST("/api/v1/events", {
    body: { events: [{ userId: "196", itemId: "302", type: "click", recommendationId }, { userId: "196", itemId: "302", type: "purchase", value: 12.5, timestamp: "2024-01-01T12:03:00Z" }] },
  });
  if (events.error) fail(events.error);
  const stored: number = events.data.stored;
  const rated = await client.PUT("/api/v1/users/{userId}/ratings/{itemId}", { params: { path: { ...user, ...item } }, body: { rating: 5, recommendationId } });
  if (rated.error) fail(rated.error);

  const started = await client.POST("/api/v1/model/experiments", { body: { treatment: 8, share: 0.1 } });
  if (started.error) fail(started.error);
  const id: number = started.data.id;
  const experiments = await client.GET("/api/v1/model/experiments");
  if (experiments.error) fail(experiments.error);
  for (const experiment of experiments.data) {
    const status: "running" | "stopped" | "promoted" | "ended" = experiment.status;
    const difference = experiment.figures.differences.clickThrough;
    const better: "control" | "treatment" | null = experiment.figures.better;
    console.log(status, experiment.controlVersion, experiment.treatmentVersion, experiment.share, experiment.endReason,
      experiment.figures.control.impressions, experiment.figures.treatment.clickThrough.rate, difference.difference, difference.low, difference.high, better);
  }
  const one = await client.GET("/api/v1/model/experiments/{id}", { params: { path: { id } } });
  if (one.error) fail(one.error);
  const stopped = await client.POST("/api/v1/model/experiments/{id}/stop", { params: { path: { id } } });
  if (stopped.error) fail(stopped.error);
  const promoted = await client.POST("/api/v1/model/experiments/{id}/promote", { params: { path: { id } } });
  if (promoted.error) fail(promoted.error);
  console.log(stored, one.data.startedAt, stopped.data.endedAt, promoted.data.status);
}
