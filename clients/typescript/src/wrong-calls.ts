// Calls the server would refuse, each of which must not compile: the line after each `@ts-expect-error` has to
// be a type error, and tsc fails the check if it is not (TS2578, unused directive). So a contract that loosens
// (a field becomes `unknown` or optional, an enum becomes a plain string) fails CI here.
import { createRecommenderClient } from "./client.js";

const client = createRecommenderClient("http://localhost:5080", "a-client-key-0123456789");
const path = { userId: "196", itemId: "242" };

export async function refusedByTheServer(): Promise<void> {
  // A rating is a number, not text.
  // @ts-expect-error
  await client.PUT("/api/v1/users/{userId}/ratings/{itemId}", { params: { path }, body: { rating: "five stars" } });

  // A rating is required.
  // @ts-expect-error
  await client.PUT("/api/v1/users/{userId}/ratings/{itemId}", { params: { path }, body: {} });

  // A timestamp is text (ISO-8601), not a number.
  // @ts-expect-error
  await client.PUT("/api/v1/users/{userId}/ratings/{itemId}", { params: { path }, body: { rating: 4, timestamp: 1700000000 } });

  // Both ids are needed in the path.
  // @ts-expect-error
  await client.PUT("/api/v1/users/{userId}/ratings/{itemId}", { params: { path: { userId: "196" } }, body: { rating: 4 } });

  // Batch rows: ids are strings, ratings numbers, and all three are required.
  // @ts-expect-error
  await client.POST("/api/v1/ratings/batch", { body: { ratings: [{ userId: 196, itemId: "242", rating: 4 }] } });
  // @ts-expect-error
  await client.POST("/api/v1/ratings/batch", { body: { ratings: [{ userId: "196", itemId: "242", rating: "4" }] } });
  // @ts-expect-error
  await client.POST("/api/v1/ratings/batch", { body: { ratings: [{ userId: "196", rating: 4 }] } });
  // @ts-expect-error
  await client.POST("/api/v1/ratings/batch", { body: {} });

  // Item attributes are an object.
  // @ts-expect-error
  await client.PUT("/api/v1/items/{itemId}", { params: { path: { itemId: "242" } }, body: { title: "Star Wars", attributes: "Sci-Fi" } });

  // count and limit are numbers.
  // @ts-expect-error
  await client.GET("/api/v1/users/{userId}/recommendations", { params: { path: { userId: "196" }, query: { count: "10" } } });
  // @ts-expect-error
  await client.GET("/api/v1/users/{userId}/ratings", { params: { path: { userId: "196" }, query: { limit: "all" } } });

  // Retrain settings are numbers.
  // @ts-expect-error
  await client.POST("/api/v1/model/retrain", { body: { factors: "64" } });

  // No such route.
  // @ts-expect-error
  await client.GET("/api/v1/users/{userId}/recommendation", { params: { path: { userId: "196" } } });
}

export async function misreadAnswers(): Promise<void> {
  const list = await client.GET("/api/v1/users/{userId}/recommendations", { params: { path: { userId: "196" } } });
  if (list.error) return;
  // strategy is one of model, folded-in, profile, onboarding, popularity.
  // @ts-expect-error
  if (list.data.strategy === "random") return;
  // predictedRating is null in popularity lists: it must be checked before use.
  // @ts-expect-error
  list.data.items[0].predictedRating.toFixed(1);
  // modelVersion is null while no model has been trained.
  // @ts-expect-error
  const version: number = list.data.modelVersion;
  // No such field.
  // @ts-expect-error
  console.log(version, list.data.recommendations);

  const job = await client.GET("/api/v1/model/jobs/{jobId}", { params: { path: { jobId: "1" } } });
  if (job.error) return;
  // A job's state is enqueued, processing, succeeded or failed.
  // @ts-expect-error
  if (job.data.state === "done") return;
  // @ts-expect-error
  if (job.data.phase === "training") return;

  const versions = await client.GET("/api/v1/model/versions");
  if (versions.error) return;
  // A version's status is training, active, superseded, rejected or failed.
  // @ts-expect-error
  if (versions.data[0].status === "deleted") return;

  // A profile's attributes are an object, not text.
  // @ts-expect-error
  await client.PUT("/api/v1/users/{userId}", { params: { path: { userId: "196" } }, body: { attributes: "age 24" } });
}
