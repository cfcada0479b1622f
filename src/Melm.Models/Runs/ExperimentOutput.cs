using Melm.Models.Diagnostics;

namespace Melm.Models.Runs;

/// <summary>
/// Where an <see cref="ExperimentRunner"/>'s words go: a heading before each method it runs, a line
/// for each thing done, and the progress of its trainings; `melm experiment` draws them on the
/// console, a node's worker prints the lines.
/// </summary>
public sealed record ExperimentOutput(Action<string> Heading, Action<string> Say, IProgress<ProgressUpdate> Progress);
