# syntax=docker/dockerfile:1
# ModeratorUi: built with the SDK, run on the ASP.NET Core runtime image (no SDK), as the image's non-root user.
# Build from the repository root: docker build -f deploy/docker/ModeratorUi.Dockerfile -t moderation-moderatorui .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/ src/
RUN dotnet publish src/ModeratorUi/ModeratorUi.csproj -c Release -o /app --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
ENV ASPNETCORE_HTTP_PORTS=8080 \
    ASPNETCORE_ENVIRONMENT=Production \
    DOTNET_NOLOGO=1
EXPOSE 8080
# The aspnet image's unprivileged user (uid 1654).
USER $APP_UID
ENTRYPOINT ["dotnet", "Moderation.ModeratorUi.dll"]
