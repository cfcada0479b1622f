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

    private static string? FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Melm.sln")))
            {
                var shared = Path.Combine(dir.Parent?.FullName ?? dir.FullName, "shared");
                return Directory.Exists(shared) ? shared : null;
            }
        }
        return null;
    }
}
