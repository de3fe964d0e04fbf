#!/usr/bin/env bash
# The experiment simulation at full size, through the real service: a world with planted tastes (users and items in
# clusters; a user likes the items of their own cluster), two versions trained by the service's own retrain, one on a
# tenth of the ratings (weak) and one on all of them (strong), both with k = 8, 150 epochs, learning rate 0.03 and
# the ranking head off (lists by the rating head). The weak one is made active again, the strong one is
# tried on a share of users with POST /api/v1/model/experiments, and simulated users visit in random order: they look
# down their list (position p with probability 0.8^p), click what they truly like with probability 0.6, and rate 5 half
# of what they click, citing the list. The experiment's figures are read every 20 users up to 200, then every users/50:
# the script prints after how many users the click-through difference's 95 % interval first left out 0 and named the
# better arm, then the final figures per arm, and the online figures per version beside their offline holdout figures.
# It measures figures, not time: run with nice, it need not hold the benchmark lock (--lock none).
#
#   tests/RecommenderService.Benchmarks/outcomes/experiment_simulation.sh [--lock FILE] [--scratch DIR] [users, default 10000] [items, default 1000] [ratings per user, default 30] [share, default 0.5]
#
# Needs what load/run.sh needs (PostgreSQL binaries, dotnet, python3, curl); no data set: the world is generated (seed 5).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../bench_env.sh"

users="${1:-10000}"
items="${2:-1000}"
per_user="${3:-30}"
share="${4:-0.5}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/../ingest/throwaway_service.sh"
start_throwaway_service "$(cd "$here/../../.." && pwd)"
echo "==> load: $(uptime | sed 's/.*load average: //')"
python3 "$here/experiment_simulation.py" "$base_url" "$admin_key" "$client_key" "$work" "$users" "$items" "$per_user" "$share"
echo "==> load: $(uptime | sed 's/.*load average: //')"
