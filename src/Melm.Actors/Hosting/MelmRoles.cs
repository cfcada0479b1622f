namespace Melm.Actors.Hosting;

/// <summary>Cluster roles: coordinator nodes host the runs manager singleton, worker nodes host model workers.</summary>
public static class MelmRoles
{
    public const string Coordinator = "coordinator";
    public const string Worker = "worker";
}
