using System.Runtime.Serialization;

namespace Melm.Actors.Persistence;

/// <summary>
/// A journal entry this build cannot read: a manifest it does not know, a newer format version, or
/// a payload that does not fit its shape. Names the journal and the entry's manifest.
/// </summary>
public sealed class JournalFormatException : SerializationException
{
    public JournalFormatException(string journal, string manifest, string problem, Exception? inner = null)
        : base($"{journal}: journal entry \"{manifest}\" {problem}", inner)
    {
        Journal = journal;
        Manifest = manifest;
        Problem = problem;
    }

    /// <summary>The journal, as MelmPersistenceOptions describes it (never with a password).</summary>
    public string Journal { get; }

    public string Manifest { get; }

    /// <summary>What is wrong with the entry and what to do, as a phrase after the entry.</summary>
    public string Problem { get; }
}
