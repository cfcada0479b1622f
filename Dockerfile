# The `melm` executable in a runtime image, for the cluster in docker-compose.yml and for single
# commands. MELM_TORCH picks the TorchSharp package (see "Build notes" in README.md): cpu (default)
# or cuda, whose libtorch carries its own CUDA libraries; the host's NVIDIA container toolkit
# supplies the driver. The .NET 10 images are Ubuntu 24.04, whose libstdc++ has GLIBCXX_3.4.32,
# so the TorchSharp patch step of the build does nothing here.
ARG MELM_TORCH=cpu

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG MELM_TORCH
WORKDIR /src
# Project files before sources: the restore layer (libtorch is gigabytes with CUDA) survives code edits.
COPY global.json Directory.Build.props Directory.Build.targets Directory.Packages.props ./
COPY build/ build/
COPY src/Melm.Models/Melm.Models.csproj src/Melm.Models/
COPY src/Melm.Actors/Melm.Actors.csproj src/Melm.Actors/
COPY src/Melm.Host/Melm.Host.csproj src/Melm.Host/
RUN dotnet restore src/Melm.Host/Melm.Host.csproj -p:MelmTorch=${MELM_TORCH}
COPY src/ src/
COPY samples/demo/ samples/demo/
RUN dotnet publish src/Melm.Host/Melm.Host.csproj -c Release --no-restore -p:MelmTorch=${MELM_TORCH} -o /app

# The ASP.NET Core runtime: the node's endpoint is served by Kestrel.
FROM mcr.microsoft.com/dotnet/aspnet:10.0
COPY --from=build /app /app
# The shipped settings, for running the image alone; docker-compose.yml mounts cluster-config/ over them.
COPY cluster-config/ /config/
# Runs, models and journals go to /data, owned by the images' unprivileged "app" user, so that a
# named volume mounted there starts out writable.
RUN mkdir /data && chown app:app /data
USER app
WORKDIR /data
# `melm` on the PATH, so that `docker-compose exec coordinator melm status` works too.
ENV PATH="/app:${PATH}"
ENTRYPOINT ["melm"]
CMD ["--help"]
