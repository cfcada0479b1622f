using System.Reflection;

namespace Melm.Host.Commands;

/// <summary>The demo's dataset and tokenizer (samples/demo), embedded in the executable.</summary>
internal static class DemoData
{
    private const string Prefix = "demo/";

    /// <summary>Writes the embedded files under <paramref name="folder"/> (same relative paths) and returns the folder.</summary>
    public static string Extract(string folder)
    {
        var assembly = typeof(DemoData).Assembly;
        var names = assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).ToArray();
        if (names.Length == 0)
            throw new InvalidOperationException("This build of melm carries no demo data (samples/demo was not embedded).");
        foreach (var name in names)
        {
            var path = Path.Combine(folder, name[Prefix.Length..].Replace('\\', '/'));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var source = assembly.GetManifestResourceStream(name)!;
            using var target = File.Create(path);
            source.CopyTo(target);
        }
        return folder;
    }
}
