namespace Melm.Models.Tests;

/// <summary>
/// The read-only `../shared` folder beside the repository (CoNLL data, fixtures). It is present for
/// developers and CI, absent for users: tests that need it skip with a reason that says so.
/// </summary>
public static class SharedFiles
{
    private static readonly Lazy<string?> RootPath = new(FindRoot);

    /// <summary>The absolute path of `shared/relativePath`, or skips the calling test when it is absent.</summary>
    public static string Require(string relativePath)
    {
        var root = RootPath.Value;
        var path = root is null ? null : Path.Combine(root, relativePath);
        if (path is null || !(File.Exists(path) || Directory.Exists(path)))
            Assert.Skip($"needs ../shared/{relativePath} beside the repository (developer and CI material, absent here)");
        return path;
    }

    /// <summary>A path inside the repository (its files travel with every clone, so these never skip).</summary>
    public static string Repository(string relativePath) =>
        Path.Combine(RepositoryRoot.Value ?? throw new InvalidOperationException("The tests run outside the repository: no Melm.sln above " + AppContext.BaseDirectory), relativePath);

    private static readonly Lazy<string?> RepositoryRoot = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Melm.sln")))
                return dir.FullName;
        }
        return null;
    });

    private static string? FindRoot()
    {
        if (RepositoryRoot.Value is not { } root)
            return null;
        var shared = Path.Combine(Directory.GetParent(root)?.FullName ?? root, "shared");
        return Directory.Exists(shared) ? shared : null;
    }
}
