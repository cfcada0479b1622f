namespace Melm.Models.Checkpoints.Hub;

/// <summary>A model repository at one revision: the commit the revision resolved to and its files.</summary>
/// <param name="Name">Repository name, e.g. `FacebookAI/xlm-roberta-base`.</param>
/// <param name="Revision">What the user asked for: a branch, tag or commit.</param>
/// <param name="Commit">The commit sha the revision resolved to; every file is downloaded at this commit.</param>
/// <param name="Files">Every file of the repository at that commit.</param>
public sealed record HubRevision(string Name, string Revision, string Commit, IReadOnlyList<HubFile> Files)
{
    /// <summary>The listed file with this path, or null.</summary>
    public HubFile? Find(string path) => Files.FirstOrDefault(f => string.Equals(f.Path, path, StringComparison.Ordinal));
}
