namespace Melm.Actors.Protocol;

/// <summary>Every message and event of the protocol; the Melm serializer binds to this interface.</summary>
public interface IMelmMessage;
