# syntax=docker/dockerfile:1
# The recommender service image: build and publish with the SDK, run on the ASP.NET runtime as non-root.
#   docker build -t recommender-service .
#   docker compose up        (with PostgreSQL; see docker-compose.yml)

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src

# Restore first, from the project files only, so the package layer is cached until a csproj or the
# central package versions change rather than on every source edit.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/RecommenderService.Engine/RecommenderService.Engine.csproj src/RecommenderService.Engine/
COPY src/RecommenderService.Api/RecommenderService.Api.csproj src/RecommenderService.Api/
RUN dotnet restore src/RecommenderService.Api/RecommenderService.Api.csproj

COPY src/RecommenderService.Engine/ src/RecommenderService.Engine/
COPY src/RecommenderService.Api/ src/RecommenderService.Api/
RUN dotnet publish src/RecommenderService.Api/RecommenderService.Api.csproj \
        --configuration Release --no-restore --output /app -p:UseAppHost=false


FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime

# The health check uses curl, which the aspnet image does not ship: installed here (as root, before
# dropping to the app user) rather than compiling a separate probe into the image. libgomp1: OpenMP's runtime,
# which the item indexes' native library (USearch) links.
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl libgomp1 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY --from=build /app .

# ASPNETCORE_URLS replaces the image's ASPNETCORE_HTTP_PORTS; clearing the latter avoids the
# "overriding HTTP_PORTS" start-up warning.
ENV ASPNETCORE_URLS=http://+:8080 \
    ASPNETCORE_HTTP_PORTS= \
    DOTNET_NOLOGO=1
EXPOSE 8080

# The image's built-in non-root "app" user (uid 1654).
USER $APP_UID

HEALTHCHECK --interval=30s --timeout=3s --start-period=40s --retries=3 \
    CMD curl --fail --silent --show-error --max-time 2 http://127.0.0.1:8080/health/live || exit 1

ENTRYPOINT ["dotnet", "RecommenderService.Api.dll"]
