namespace Melm.Models.Diagnostics;

/// <summary>Progress that nobody draws.</summary>
public sealed class NoProgress : IProgress<ProgressUpdate>
{
    public static readonly NoProgress Instance = new();

    private NoProgress()
    {
    }

    public void Report(ProgressUpdate value)
    {
    }
}
