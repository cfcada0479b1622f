namespace Melm.Models.Runs;

/// <summary>A file of one language (a training file, aligned word vectors), as LANG=FILE on the command line.</summary>
public sealed record LanguageFile(string Lang, string Path);
