# Builds the `melm` executable into a runtime image (CPU build). The .NET 10 images are Ubuntu 24.04,
# whose libstdc++ has GLIBCXX_3.4.32, so the TorchSharp patch step of the build does nothing here.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Melm.Host -c Release -o /app

FROM mcr.microsoft.com/dotnet/runtime:10.0
WORKDIR /work
COPY --from=build /app /app
ENTRYPOINT ["dotnet", "/app/melm.dll"]
CMD ["--help"]
